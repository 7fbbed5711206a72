"""Invitations to an association evening by email (seed 004 step 3): to all active
associations of the municipality or a saved recipient list, each in its own language with a
personal registration link; counts of sent, failed, opened and registered; resending reaches
only those not yet reached, and nobody gets the same invitation twice."""

import re
import socket

import pytest
from django.core import mail
from django.urls import reverse

from silta.associations.models import Association, RecipientList
from silta.core.models import AuditLogEntry
from silta.events import services
from silta.events.models import Invitation

from .events_factories import event, planned
from .factories import AssociationFactory

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def dead_smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 3},
        }
    }
    return settings


@pytest.fixture
def evening(world):
    Association.objects.filter(pk=world.oulu_association.pk).update(email="kylayhdistys@example.fi")
    AssociationFactory(
        name_fi="Oulun Svenska Förening rf", email="svenska@example.fi", languages=["sv"]
    )
    AssociationFactory(name_fi="Oulu Expats", email="expats@example.fi", languages=["en"])
    AssociationFactory(name_fi="Levossa ry", email="levossa@example.fi", status="dormant")
    AssociationFactory(name_fi="Lakannut ry", email="lakannut@example.fi", status="dissolved")
    return event(world.oulu)


def _send(world, ev, captured, persona="oulu_liaison", **data):
    with captured(execute=True):
        return world.client(persona).post(
            reverse("events:plan", args=[ev.pk]), {"toiminto": "invite", "lista": "kaikki", **data}
        )


def _token(message):
    return re.search(r"\?kutsu=([\w-]+)", message.body).group(1)


def test_all_active_associations_are_invited_in_their_own_language(
    world, evening, django_capture_on_commit_callbacks
):
    response = _send(world, evening, django_capture_on_commit_callbacks)
    assert response.status_code == 302

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"kylayhdistys@example.fi", "svenska@example.fi", "expats@example.fi"}
    assert by_address["kylayhdistys@example.fi"].subject.startswith("Kutsu:")
    assert Invitation.objects.get(email="svenska@example.fi").language == "sv"
    # Each has its own link, stored only as a hash.
    tokens = {_token(m) for m in mail.outbox}
    assert len(tokens) == 3
    assert not Invitation.objects.filter(token_hash__in=tokens).exists()
    assert all(f"/tapahtumat/{evening.pk}/ilmoittaudu/?kutsu=" in m.body for m in mail.outbox)
    assert services.invitation_counts(evening)["sent"] == 3
    assert AuditLogEntry.objects.filter(
        object_id=str(evening.pk), note__startswith="kutsut"
    ).exists()

    page = world.client("oulu_liaison").get(reverse("events:plan", args=[evening.pk]))
    assert "Kutsut sähköpostilla" in page.content.decode()


def test_a_saved_list_reaches_only_its_associations(
    world, evening, django_capture_on_commit_callbacks
):
    saved = RecipientList.objects.create(
        municipality=world.oulu, name="Ruotsinkieliset", filters={"kieli": "sv"}
    )
    response = _send(world, evening, django_capture_on_commit_callbacks, lista=str(saved.pk))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["svenska@example.fi"]]


def test_resending_after_a_failure_reaches_only_those_not_yet_reached(
    world, evening, dead_smtp, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = LOCMEM
    _send(world, evening, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3

    # Two new associations; the mail server is down when the second send goes.
    AssociationFactory(name_fi="Uusi A ry", email="uusi.a@example.fi")
    AssociationFactory(name_fi="Uusi B ry", email="uusi.b@example.fi")
    settings.MAILERS = _dead(settings)
    response = _send(world, evening, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    counts = services.invitation_counts(evening)
    assert (counts["sent"], counts["failed"]) == (3, 2)
    assert len(mail.outbox) == 3
    page = world.client("oulu_liaison").get(reverse("events:plan", args=[evening.pk]))
    assert "uusi.a@example.fi" in page.content.decode()

    # The server is back: sending again reaches the two, and nobody gets it twice.
    settings.MAILERS = LOCMEM
    _send(world, evening, django_capture_on_commit_callbacks)
    _send(world, evening, django_capture_on_commit_callbacks)
    addresses = [m.to[0] for m in mail.outbox]
    assert len(addresses) == 5 == len(set(addresses))
    assert services.invitation_counts(evening)["sent"] == 5
    assert Invitation.objects.filter(event=evening).count() == 5


def _dead(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 3},
        }
    }


def test_the_resend_button_sends_the_failed_once(
    world, evening, dead_smtp, settings, django_capture_on_commit_callbacks
):
    _send(world, evening, django_capture_on_commit_callbacks)
    assert services.invitation_counts(evening)["failed"] == 3
    settings.MAILERS = LOCMEM
    url = reverse("events:plan", args=[evening.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("oulu_agent").post(url, {"toiminto": "invite_retry"})
    assert response.status_code == 302
    assert len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        again = world.client("oulu_agent").post(url, {"toiminto": "invite_retry"})
    assert again.status_code == 400
    assert "Epäonnistuneita kutsuja ei ole." in again.content.decode()
    assert len(mail.outbox) == 3


def test_the_personal_link_is_counted_when_opened_and_when_registered(
    world, evening, client, django_capture_on_commit_callbacks
):
    _send(world, evening, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == ["kylayhdistys@example.fi"])
    url = reverse("events:register", args=[evening.pk]) + f"?kutsu={_token(message)}"
    plan_url = reverse("events:plan", args=[evening.pk])
    estimate = "Avanneiden määrä on arvio"
    assert estimate not in world.client("oulu_liaison").get(plan_url).content.decode()

    client.head(url)  # a link checker's HEAD (refused: 405) is not an opening
    assert services.invitation_counts(evening)["opened"] == 0
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="kylayhdistys@example.fi"' in page.content.decode()
    client.get(url)  # opening twice counts once
    assert services.invitation_counts(evening)["opened"] == 1
    # Mail services open links to check them before the recipient does: the liaison is
    # told the figure is an estimate, and that registrations are exact.
    assert estimate in world.client("oulu_liaison").get(plan_url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "name": "Kaija Kylä",
                "email": "kylayhdistys@example.fi",
                "people": "2",
                "consent": "on",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="kylayhdistys@example.fi")
    assert invitation.registration is not None
    counts = services.invitation_counts(evening)
    assert (counts["opened"], counts["registered"]) == (1, 1)
    page = world.client("oulu_liaison").get(reverse("events:plan", args=[evening.pk]))
    assert page.context["invitations"]["registered"] == 1


@pytest.mark.parametrize("token", ["väärä", "a" * 10_000, "x\x00y", ""])
def test_a_forged_invitation_link_is_refused_clearly_and_changes_nothing(
    world, evening, client, django_capture_on_commit_callbacks, token
):
    _send(world, evening, django_capture_on_commit_callbacks)
    url = reverse("events:register", args=[evening.pk])
    response = client.get(url, {"kutsu": token})
    assert response.status_code == 400
    assert "Kutsulinkki ei ole voimassa" in response.content.decode()
    assert services.invitation_counts(evening)["opened"] == 0


def test_a_link_of_another_event_does_not_open_this_one(
    world, evening, client, django_capture_on_commit_callbacks
):
    _send(world, evening, django_capture_on_commit_callbacks)
    other = event(world.oulu, title_fi="Toinen ilta")
    response = client.get(
        reverse("events:register", args=[other.pk]), {"kutsu": _token(mail.outbox[0])}
    )
    assert response.status_code == 400
    assert services.invitation_counts(evening)["opened"] == 0


def test_a_list_of_another_municipality_is_refused(
    world, evening, django_capture_on_commit_callbacks
):
    foreign = RecipientList.objects.create(municipality=world.kempele, name="Kempeleen kylät")
    response = _send(world, evening, django_capture_on_commit_callbacks, lista=str(foreign.pk))
    assert response.status_code == 400
    assert "Valittua listaa ei löydy" in response.content.decode()
    with pytest.raises(services.InvitationError) as exc:
        services.send_invitations(world.users["oulu_liaison"], evening, foreign)
    assert exc.value.code == "municipality"
    assert not Invitation.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("value", ["", "999999999", "1" * 10_000, "x\x00", "-1"])
def test_bad_list_values_are_refused(world, evening, django_capture_on_commit_callbacks, value):
    response = _send(world, evening, django_capture_on_commit_callbacks, lista=value)
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_an_empty_list_sends_nothing_and_says_so(
    world, evening, django_capture_on_commit_callbacks
):
    nobody = RecipientList.objects.create(
        municipality=world.oulu, name="Tyhjä", filters={"q": "ei-tällaista-yhdistystä"}
    )
    response = _send(world, evening, django_capture_on_commit_callbacks, lista=str(nobody.pk))
    assert response.status_code == 400
    assert "Listalla ei ole yhtään vastaanottajaa" in response.content.decode()
    assert not Invitation.objects.exists() and mail.outbox == []


def test_a_planned_event_cannot_be_invited_to_yet(
    world, evening, django_capture_on_commit_callbacks
):
    ev = planned(world.oulu)
    response = _send(world, ev, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "julkaistuun tapahtumaan" in response.content.decode()
    assert not Invitation.objects.exists()


def test_kempeles_liaison_cannot_invite_to_ouluns_evening(
    world, evening, django_capture_on_commit_callbacks
):
    response = _send(world, evening, django_capture_on_commit_callbacks, persona="kempele_liaison")
    assert response.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        missing = world.client("oulu_liaison").post(
            reverse("events:plan", args=[2**31 + 5]), {"toiminto": "invite", "lista": "kaikki"}
        )
    assert missing.status_code == 404
    assert not Invitation.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("n", [5, 50])
def test_planning_page_queries_do_not_grow_with_invitations(
    world, django_assert_max_num_queries, n
):
    ev = event(world.oulu)
    for i in range(n):
        Invitation.objects.create(
            event=ev,
            email=f"k{i}@example.fi",
            token_hash=f"{i:064d}",
            status="failed" if i % 2 else "sent",
            association=AssociationFactory(),
        )
    client = world.client("oulu_liaison")
    url = reverse("events:plan", args=[ev.pk])
    client.get(url)
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert response.status_code == 200
