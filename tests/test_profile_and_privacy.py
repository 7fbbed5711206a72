"""A person's own data: the profile, the download of everything held, and erasure."""

import html
import json

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from silta.accounts import services
from silta.accounts.models import ErasureRequest, Membership, Role, User
from silta.core.models import AuditLogEntry, OutgoingEmail

from .factories import UserFactory, grant

A = AuditLogEntry.Action
PROFILE = "/oma/profiili/"
DOWNLOAD = "/oma/omat-tiedot.json"
ERASURE = "/oma/poista-tili/"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def profile_state(user) -> tuple:
    user.refresh_from_db()
    return (user.full_name, user.phone, user.language)


# -- profile -----------------------------------------------------------------------------------


def test_profile_update_saves_and_is_logged(world):
    person = world.user("outsider")
    client = world.client("outsider")

    response = client.post(
        PROFILE, {"full_name": "  Ulla   Uusinimi ", "phone": "+358 40 123 4567", "language": "sv"}
    )

    assert response.status_code == 302 and response["Location"] == PROFILE
    assert profile_state(person) == ("Ulla Uusinimi", "+358 40 123 4567", "sv")
    # The chosen language is remembered for the pages too.
    assert response.cookies["silta_kieli"].value == "sv"
    entry = AuditLogEntry.objects.for_object(person).get()
    assert entry.actor == person and entry.action == A.UPDATE
    assert entry.changes == {
        "full_name": ["Ulla Ulkopuolinen", "Ulla Uusinimi"],
        "phone": ["", "+358 40 123 4567"],
        "language": ["fi", "sv"],
    }
    page = client.get(PROFILE)
    with translation.override("sv"):
        assert gettext("Tiedot tallennettu.") in text_of(page)


def test_saving_an_unchanged_profile_writes_no_log_entry(world):
    person = world.user("outsider")
    response = world.client("outsider").post(
        PROFILE, {"full_name": person.full_name, "phone": "", "language": "fi"}
    )
    assert response.status_code == 302
    assert not AuditLogEntry.objects.for_object(person).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "abc", "Anna puhelinnumero numeroina, esimerkiksi 040 123 4567"),
        ("phone", "12", "Anna puhelinnumero numeroina"),
        ("phone", "040 123 4567; DROP", "Anna puhelinnumero numeroina"),
        ("language", "xx", "Valitse oikea vaihtoehto. xx ei ole vaihtoehtojen joukossa."),
        ("language", "", "Tämä kenttä vaaditaan."),
        ("full_name", "N" * 300, "Tämän arvon tulee olla enintään 200 merkkiä pitkä"),
        ("full_name", "Nolla\x00merkki", "Tyhjiä merkkejä (null) ei sallita."),
    ],
    ids=[
        "phone letters",
        "phone too short",
        "phone with text",
        "unknown language",
        "no language",
        "300-char name",
        "NUL in name",
    ],
)
def test_bad_profile_input_is_refused_in_finnish_and_changes_nothing(world, field, value, message):
    person = world.user("outsider")
    before = profile_state(person)
    data = {"full_name": "Uusi Nimi", "phone": "040 123 4567", "language": "en", field: value}

    response = world.client("outsider").post(PROFILE, data)

    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert "Tarkista lomake" in page  # the error summary at the top
    assert profile_state(person) == before
    assert not AuditLogEntry.objects.for_object(person).exists()
    assert "silta_kieli" not in response.cookies


def test_profile_needs_login(places, client):
    response = client.post(PROFILE, {"full_name": "X", "language": "fi"})
    assert response.status_code == 302
    assert response["Location"].startswith("/tili/login/")


# -- personal data download --------------------------------------------------------------------


@pytest.fixture
def mailbox(world):
    """Messages to the Oulu liaison and to someone else."""
    for to, subject in [
        ("oulu.yhdyshenkilo@example.fi", "Kutsu järjestöiltaan"),
        ("OULU.YHDYSHENKILO@example.fi", "Muistutus"),
        ("kempele.yhdyshenkilo@example.fi", "Kempeleen oma viesti"),
    ]:
        OutgoingEmail.objects.create(
            template="t", to=to, language="fi", subject=subject, body_text="..."
        )
    return world


def test_personal_data_download_has_the_persons_data_and_nobody_elses(mailbox):
    world = mailbox
    liaison = world.user("oulu_liaison")

    response = world.client("oulu_liaison").get(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="silta-omat-tiedot-')
    data = json.loads(response.content)
    assert data["user"]["email"] == "oulu.yhdyshenkilo@example.fi"
    assert data["user"]["full_name"] == "Olli Oululainen"
    assert data["roles"] == [
        {
            "role": "liaison",
            "scope": "Oulu",
            "municipality_code": "564",
            "association": None,
            "organisation": None,
            "title": "",
            "starts_on": None,
            "ends_on": None,
        }
    ]
    assert sorted(e["subject"] for e in data["emails_sent_to_you"]) == [
        "Kutsu järjestöiltaan",
        "Muistutus",
    ]
    raw = response.content.decode()
    for other in ("kempele", "Kaisa", "Kempeleen oma viesti", "Jussi", "yllapito"):
        assert other not in raw
    entry = AuditLogEntry.objects.for_object(liaison).get()
    assert entry.action == A.EXPORT and entry.actor == liaison


def test_personal_data_download_needs_login(places, client):
    response = client.get(DOWNLOAD)
    assert response.status_code == 302
    assert not AuditLogEntry.objects.filter(action=A.EXPORT).exists()


# -- erasure request ---------------------------------------------------------------------------


def test_erasure_request_needs_the_confirmation(world):
    response = world.client("oulu_member").post(ERASURE, {"reason": "En käytä enää."})
    assert response.status_code == 400
    assert "Vahvista poistopyyntö rastittamalla kohta." in text_of(response)
    assert not ErasureRequest.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_erasure_reason_has_a_limit(world):
    response = world.client("oulu_member").post(ERASURE, {"confirm": "on", "reason": "x" * 2001})
    assert response.status_code == 400
    assert "Tämän arvon tulee olla enintään 2000 merkkiä pitkä" in text_of(response)
    assert not ErasureRequest.objects.exists()


def test_erasure_request_is_stored_once_and_mailed_to_person_and_admins(
    world, django_capture_on_commit_callbacks
):
    member = world.user("oulu_member")
    superuser = UserFactory(email="paakayttaja@example.fi", is_superuser=True)
    ended_admin = UserFactory(email="entinen.yllapitaja@example.fi")
    grant(ended_admin, Role.ADMINISTRATOR, ends_on="2020-01-01")
    client = world.client("oulu_member")

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(ERASURE, {"confirm": "on", "reason": " Muutan pois. "})
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(ERASURE, {"confirm": "on", "reason": "Toinen kerta"})

    assert first.status_code == 302 and first["Location"] == PROFILE
    assert second.status_code == 302
    request = ErasureRequest.objects.get()
    assert (request.user, request.email, request.status, request.reason) == (
        member,
        "oulu.jasen@example.fi",
        "open",
        "Muutan pois.",
    )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(["oulu.jasen@example.fi", "yllapito@example.fi", superuser.email])
    to_person = next(m for m in mail.outbox if m.to == ["oulu.jasen@example.fi"])
    assert "pyyntösi tilin poistamisesta on vastaanotettu" in to_person.subject
    assert "Hei Jussi," in to_person.body
    to_admin = next(m for m in mail.outbox if m.to == ["yllapito@example.fi"])
    assert "oulu.jasen@example.fi" in to_admin.body and "Muutan pois." in to_admin.body
    assert AuditLogEntry.objects.filter(action=A.REQUEST).count() == 1
    # The profile page now tells the request is waiting instead of offering a new one.
    page = text_of(client.get(PROFILE))
    assert "Pyyntö odottaa käsittelyä" in page
    assert ERASURE not in page


def test_an_administrator_whose_role_ends_later_still_hears_of_erasures(
    world, django_capture_on_commit_callbacks
):
    admin = UserFactory(email="maaraaikainen@example.fi")
    grant(admin, Role.ADMINISTRATOR, ends_on="2999-12-31")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_erasure(world.user("outsider"))
    assert "maaraaikainen@example.fi" in [m.to[0] for m in mail.outbox]


# -- erasure by an administrator ---------------------------------------------------------------


@pytest.fixture
def erased(world, django_capture_on_commit_callbacks):
    """The Oulu liaison asked for erasure, changed a phone number first, had mail; then erased."""
    liaison = world.user("oulu_liaison")
    services.update_profile(liaison, liaison, phone="040 555 1234")
    services.grant_role(world.user("admin"), liaison, Role.AGENT, municipality=world.kempele)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_erasure(liaison, "Siirryn muihin töihin, Olli")
    client = world.client("oulu_liaison")
    assert client.get("/oma/").status_code == 200
    services.erase_user(world.user("admin"), User.objects.get(pk=liaison.pk))
    return world, User.objects.get(pk=liaison.pk), client


PERSONAL = ["oulu.yhdyshenkilo@example.fi", "Olli", "Oululainen", "040 555 1234", "Siirryn"]


def test_erase_user_removes_personal_data_and_deactivates(erased):
    world, person, _client = erased
    assert person.full_name == "" and person.phone == ""
    assert person.email.endswith("@invalid.example")
    assert not person.is_active and not person.is_staff and not person.is_superuser
    assert not person.has_usable_password()
    assert not Membership.objects.filter(user=person).exists()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not EmailAddress.objects.filter(email__iexact="oulu.yhdyshenkilo@example.fi").exists()
    request = ErasureRequest.objects.get()
    assert (request.status, request.reason, request.email) == ("done", "", person.email)
    assert AuditLogEntry.objects.filter(action=A.ERASE, object_id=str(person.pk)).count() == 1


def test_erase_user_blanks_the_mail_sent_to_the_person(erased):
    world, person, _client = erased
    assert not OutgoingEmail.objects.filter(to__iexact="oulu.yhdyshenkilo@example.fi").exists()
    to_person = OutgoingEmail.objects.get(to=person.email)
    assert to_person.body_text == "[poistettu]" and to_person.body_html == ""
    # Other people's mail is untouched, but it no longer names the person either.
    for email in OutgoingEmail.objects.exclude(to=person.email):
        for value in PERSONAL:
            assert value not in email.body_text + email.body_html + email.subject


def test_erase_user_leaves_no_personal_data_in_the_audit_log(erased):
    world, person, _client = erased
    assert AuditLogEntry.objects.count() >= 4
    for entry in AuditLogEntry.objects.all():
        stored = json.dumps(
            [entry.actor_label, entry.object_label, entry.changes, entry.note], ensure_ascii=False
        )
        for value in PERSONAL:
            assert value not in stored, (entry.action, entry.object_type, stored)


def test_the_erased_person_is_signed_out(erased):
    world, person, client = erased
    response = client.get("/oma/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tili/login/")


def test_the_address_can_sign_up_again_after_erasure(
    erased, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tili/signup/", {"email": "oulu.yhdyshenkilo@example.fi"})
    assert response.status_code == 302
    assert User.objects.filter(email="oulu.yhdyshenkilo@example.fi", is_active=True).exists()


@pytest.mark.parametrize("persona", ["oulu_liaison", "coordinator", "outsider", "oulu_member"])
def test_only_administrators_may_erase(world, persona):
    target = world.user("oulu_agent")
    with pytest.raises(PermissionError):
        services.erase_user(world.user(persona), target)
    target = User.objects.get(pk=target.pk)
    assert target.is_active and target.email == "oulu.agentti@example.fi"
    assert Membership.objects.filter(user=target).exists()
    assert not AuditLogEntry.objects.filter(action=A.ERASE).exists()


def test_an_anonymous_caller_may_not_erase(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionError):
        services.erase_user(AnonymousUser(), world.user("outsider"))
    assert User.objects.get(pk=world.user("outsider").pk).is_active


# -- the language of the pages --------------------------------------------------------------


def test_a_signed_in_persons_pages_are_in_their_own_language_not_the_browsers(world):
    person = world.user("oulu_liaison")
    person.language = "sv"
    person.save()
    client = world.client("oulu_liaison")

    page = client.get("/oma/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert page["Content-Language"] == "sv"
    assert '<html lang="sv">' in page.content.decode()


def test_a_language_button_wins_over_the_persons_own_language(world):
    client = world.client("oulu_liaison")  # language "fi"
    client.post("/kieli/", {"language": "en", "next": "/oma/"})

    page = client.get("/oma/", HTTP_ACCEPT_LANGUAGE="fi")

    assert page["Content-Language"] == "en"


def test_anonymous_pages_follow_the_browser_until_a_button_is_pressed(client, places):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="sv-FI,sv;q=0.9")["Content-Language"] == "sv"
    assert client.get("/")["Content-Language"] == "fi"
