"""Contact people: added, edited and removed by the association's editors; public only with
recorded consent (who, when, which details); withdrawing hides them at once, API included."""

import pytest
from django.urls import reverse
from django.utils import timezone

from silta.associations.models import ContactPerson
from silta.core.models import AuditLogEntry


def _contact(w, **fields):
    return ContactPerson.objects.create(
        association=w.oulu_association,
        name=fields.pop("name", "Pirjo Puheenjohtaja"),
        role=fields.pop("role", "chair"),
        email=fields.pop("email", "pirjo@example.fi"),
        phone=fields.pop("phone", "040 555 1234"),
        **fields,
    )


def _api(w):
    return f"/api/v1/associations/{w.oulu_association.pk}"


def test_member_adds_a_contact_who_stays_private_until_consent(world, client):
    member = world.client("oulu_member")
    url = reverse("associations:contact_add", args=[world.oulu_association.pk])
    response = member.post(
        url,
        {
            "name": "  Pirjo   Puheenjohtaja ",
            "role": "chair",
            "email": "pirjo@example.fi",
            "phone": "040 555 1234",
        },
    )
    contact = ContactPerson.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("associations:contact_consent", args=[contact.pk])
    assert contact.name == "Pirjo Puheenjohtaja" and not contact.has_consent
    assert "pirjo@example.fi" not in client.get(_api(world)).content.decode()
    assert AuditLogEntry.objects.filter(
        object_type="associations.contactperson", action="create"
    ).exists()


def test_recording_consent_publishes_only_the_chosen_details(world, client):
    contact = _contact(world)
    member = world.client("oulu_member")
    url = reverse("associations:contact_consent", args=[contact.pk])
    response = member.post(url, {"given_by": "self", "consent_name": "on", "consent_email": "on"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.has_consent
    assert contact.consent_given_by == "henkilö itse"
    assert contact.consent_recorded_by == world.user("oulu_member")
    assert (contact.consent_name, contact.consent_email, contact.consent_phone) == (
        True,
        True,
        False,
    )
    body = client.get(_api(world)).content.decode()
    assert "pirjo@example.fi" in body and "Pirjo Puheenjohtaja" in body
    assert "040 555 1234" not in body
    entry = AuditLogEntry.objects.get(note="suostumus kirjattu")
    assert entry.changes["consent_email"] == [False, True]
    assert entry.municipality == world.oulu


def test_consent_given_on_behalf_on_an_earlier_day(world):
    contact = _contact(world)
    member = world.client("oulu_member")
    url = reverse("associations:contact_consent", args=[contact.pk])
    response = member.post(
        url,
        {
            "given_by": "on_behalf",
            "on_behalf_name": "Maija Meikäläinen, huoltaja",
            "given_on": "2026-01-15",
            "consent_phone": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contact.refresh_from_db()
    assert contact.consent_given_by == "Maija Meikäläinen, huoltaja (henkilön puolesta)"
    assert timezone.localtime(contact.consent_given_at).date().isoformat() == "2026-01-15"
    page = member.get(
        reverse("associations:edit", args=[world.oulu_association.pk])
    ).content.decode()
    assert "Maija Meikäläinen, huoltaja (henkilön puolesta)" in page


def test_withdrawal_hides_the_contact_from_the_api_at_once(world, client):
    contact = _contact(
        world,
        consent_given_at=timezone.now(),
        consent_given_by="henkilö itse",
        consent_name=True,
        consent_email=True,
        consent_phone=True,
    )
    before = client.get(_api(world))
    assert "pirjo@example.fi" in before.content.decode()
    etag = before["ETag"]
    member = world.client("oulu_member")
    withdraw = reverse("associations:contact_withdraw", args=[contact.pk])
    assert member.get(withdraw).status_code == 405  # one POST, never a followed link
    response = member.post(withdraw)
    assert response.status_code == 302
    after = client.get(_api(world), headers={"If-None-Match": etag})
    assert after.status_code == 200
    body = after.content.decode()
    assert "pirjo@example.fi" not in body and "Pirjo" not in body and "040 555 1234" not in body
    contact.refresh_from_db()
    assert not contact.has_consent and contact.consent_withdrawn_at is not None
    assert ContactPerson.objects.consented().count() == 0
    assert AuditLogEntry.objects.filter(note="suostumus peruttu").exists()
    # Still visible to the association's own people, marked as withdrawn.
    page = member.get(
        reverse("associations:edit", args=[world.oulu_association.pk])
    ).content.decode()
    assert "pirjo@example.fi" in page and "Suostumus peruttu" in page


def test_withdrawn_consent_can_be_given_again(world, client):
    contact = _contact(
        world,
        consent_given_at=timezone.now(),
        consent_withdrawn_at=timezone.now(),
        consent_name=True,
    )
    world.client("oulu_liaison").post(
        reverse("associations:contact_consent", args=[contact.pk]),
        {"given_by": "self", "consent_name": "on"},
    )
    contact.refresh_from_db()
    assert contact.has_consent and contact.consent_withdrawn_at is None


CONSENT_BAD = [
    ({"given_by": "self"}, "vähintään yksi tieto"),
    ({"given_by": "on_behalf", "consent_name": "on"}, "henkilön puolesta"),
    ({"given_by": "someone", "consent_name": "on"}, "Valitse"),
    ({"given_by": "self", "consent_name": "on", "given_on": "2999-01-01"}, "tulevaisuudessa"),
    ({"given_by": "self", "consent_name": "on", "given_on": "eilen"}, "päivämäärä"),
    (
        {"given_by": "on_behalf", "on_behalf_name": "x" * 10_000, "consent_name": "on"},
        "enintään 150",
    ),
    ({"given_by": "on_behalf", "on_behalf_name": "Maija\x00", "consent_name": "on"}, "Null"),
]


@pytest.mark.parametrize(("data", "message"), CONSENT_BAD)
def test_consent_bad_input_records_nothing(world, data, message):
    contact = _contact(world)
    response = world.client("oulu_member").post(
        reverse("associations:contact_consent", args=[contact.pk]), data
    )
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    contact.refresh_from_db()
    assert not contact.has_consent


def test_consent_to_publish_a_detail_that_is_missing_is_refused(world):
    contact = _contact(world, phone="")
    response = world.client("oulu_member").post(
        reverse("associations:contact_consent", args=[contact.pk]),
        {"given_by": "self", "consent_phone": "on"},
    )
    assert response.status_code == 400
    assert "puhelinnumeroa" in response.content.decode()


CONTACT_BAD = [
    {"name": "", "role": "chair"},
    {"name": "x" * 10_000, "role": "chair"},
    {"name": "Pirjo\x00", "role": "chair"},
    {"name": "Pirjo", "role": "kuningas"},
    {"name": "Pirjo", "role": "chair", "email": "ei-osoite"},
    {"name": "Pirjo", "role": "chair", "phone": "soita"},
    {"name": "Pirjo", "role": "chair", "email": "a@" + "b" * 10_000 + ".fi"},
]


@pytest.mark.parametrize("data", CONTACT_BAD)
def test_contact_bad_input_adds_nothing(world, data):
    response = world.client("oulu_member").post(
        reverse("associations:contact_add", args=[world.oulu_association.pk]), data
    )
    assert response.status_code == 400
    assert "Tarkista lomake" in response.content.decode()
    assert not ContactPerson.objects.exists()


def test_edit_and_remove_a_contact(world):
    contact = _contact(world)
    client = world.client("oulu_agent")
    response = client.post(
        reverse("associations:contact_edit", args=[contact.pk]),
        {"name": "Pirjo Uusinimi", "role": "secretary", "email": "", "phone": ""},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.role, contact.email) == ("Pirjo Uusinimi", "secretary", "")
    bad = client.post(
        reverse("associations:contact_edit", args=[contact.pk]), {"name": "", "role": "chair"}
    )
    assert bad.status_code == 400
    contact.refresh_from_db()
    assert contact.name == "Pirjo Uusinimi"
    delete = reverse("associations:contact_delete", args=[contact.pk])
    assert client.get(delete).status_code == 200
    assert ContactPerson.objects.exists()
    assert client.post(delete).status_code == 302
    assert not ContactPerson.objects.exists()
    assert AuditLogEntry.objects.filter(
        object_type="associations.contactperson", action="delete"
    ).exists()


@pytest.mark.parametrize("persona", ["kempele_liaison", "coordinator", "outsider"])
def test_outsiders_cannot_see_or_change_contacts(world, persona):
    contact = _contact(world, consent_given_at=timezone.now(), consent_name=True)
    client = world.client(persona)
    for name in ["contact_edit", "contact_delete", "contact_consent"]:
        response = client.get(reverse(f"associations:{name}", args=[contact.pk]))
        assert response.status_code == 403
        assert "pirjo@example.fi" not in response.content.decode()
    assert (
        client.post(reverse("associations:contact_withdraw", args=[contact.pk])).status_code == 403
    )
    assert client.post(reverse("associations:contact_delete", args=[contact.pk])).status_code == 403
    contact.refresh_from_db()
    assert contact.has_consent


def test_forged_contact_ids_are_404(world):
    client = world.client("admin")
    for name in ["contact_edit", "contact_delete", "contact_consent"]:
        assert client.get(reverse(f"associations:{name}", args=[999999])).status_code == 404
    assert client.post(reverse("associations:contact_withdraw", args=[999999])).status_code == 404
