"""Signing in as people do: a code by email, or a password for staff; and signing up.

URLs are allauth's under /tili/. Mail is sent after the commit by a task, so requests that
send mail run inside `django_capture_on_commit_callbacks(execute=True)`.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core import mail

from silta.accounts.models import User
from silta.core.models import OutgoingEmail

from .codes import code_in, page
from .factories import UserFactory

LOGIN = "/tili/login/"
REQUEST_CODE = "/tili/login/code/"
CONFIRM_CODE = "/tili/login/code/confirm/"
SIGNUP = "/tili/signup/"
CONFIRM_EMAIL = "/tili/confirm-email/"
DASHBOARD = "/oma/"
PASSWORD = "Kissa-Koira-Talo-2026"

WRONG_CODE = "Virheellinen koodi."
TOO_MANY = "Liian monta virheellistä kirjautumisyritystä. Yritä myöhemmin uudelleen."
BAD_EMAIL = "Syötä kelvollinen sähköpostiosoite."


def errors(response) -> list[str]:
    return re.findall(r'class="errorlist[^"]*"[^>]*>\s*<li>([^<]*)', page(response))


def signed_in(client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # A real hash costs most of a second; the rate-limit tests try dozens of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def person(places):
    return UserFactory(email="matti.meikalainen@example.fi", full_name="Matti Meikäläinen")


# -- login by emailed code ---------------------------------------------------------------------


def test_requesting_a_code_sends_one_finnish_email(client, post, person):
    response = post(REQUEST_CODE, {"email": "Matti.Meikalainen@Example.fi"})

    assert response.status_code == 302 and response["Location"] == CONFIRM_CODE
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["matti.meikalainen@example.fi"]
    assert message.subject == "Silta: Sisäänkirjautumiskoodi"
    assert "Silta" in message.body.split("\n", 1)[0]  # the greeting names the service
    code_in(message)
    confirm = client.get(CONFIRM_CODE)
    assert confirm.status_code == 200
    assert "matti.meikalainen@example.fi" in page(confirm)


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("sv", "Silta: Inloggningskod", "Din inloggningskod"),
        ("en", "Silta: Sign-In Code", "Your sign-in code"),
        ("fi", "Silta: Sisäänkirjautumiskoodi", "koodi"),
    ],
)
def test_the_code_comes_in_the_persons_own_language(client, post, places, language, subject, words):
    UserFactory(email="kieli@example.fi", language=language)
    post(REQUEST_CODE, {"email": "kieli@example.fi"})  # the page itself is in Finnish
    message = mail.outbox[0]
    assert message.subject == subject
    assert words in message.body
    assert OutgoingEmail.objects.get().language == language


def test_the_code_is_not_kept_readable_after_sending(post, person):
    post(REQUEST_CODE, {"email": person.email})
    code = code_in(mail.outbox[0])
    stored = OutgoingEmail.objects.get()
    assert stored.sensitive and stored.status == OutgoingEmail.Status.SENT
    assert code not in stored.body_text + stored.body_html


def test_entering_the_code_signs_in_and_opens_the_dashboard(client, post, person):
    post(REQUEST_CODE, {"email": person.email})
    code = code_in(mail.outbox[0])

    response = client.post(CONFIRM_CODE, {"code": code})

    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert signed_in(client) == person
    assert client.get(DASHBOARD).status_code == 200


def test_the_login_form_without_password_sends_a_code(client, post, person):
    response = post(LOGIN, {"login": person.email, "password": ""})
    assert response.status_code == 302 and response["Location"] == CONFIRM_CODE
    assert client.post(CONFIRM_CODE, {"code": code_in(mail.outbox[0])})["Location"] == DASHBOARD
    assert signed_in(client) == person


def test_a_wrong_code_is_refused_in_finnish(client, post, person):
    post(REQUEST_CODE, {"email": person.email})
    response = client.post(CONFIRM_CODE, {"code": "AAAA-BBBB"})
    assert response.status_code == 200
    assert errors(response) == [WRONG_CODE]
    assert signed_in(client) is None


def test_after_three_wrong_codes_even_the_right_one_is_refused(client, post, person):
    assert django_settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS == 3
    post(REQUEST_CODE, {"email": person.email})
    code = code_in(mail.outbox[0])

    for _ in range(2):
        assert errors(client.post(CONFIRM_CODE, {"code": "AAAA-BBBB"})) == [WRONG_CODE]
    third = client.post(CONFIRM_CODE, {"code": "AAAA-BBBB"}, follow=True)
    assert third.redirect_chain[-1][0] == REQUEST_CODE
    assert TOO_MANY in page(third)

    late = client.post(CONFIRM_CODE, {"code": code})
    assert late.status_code == 302 and late["Location"] == REQUEST_CODE
    assert signed_in(client) is None
    assert client.get(DASHBOARD).status_code == 302


def test_an_unknown_address_looks_the_same_and_gets_no_code(client, post, person):
    known = post(REQUEST_CODE, {"email": person.email})
    known_page = page(client.get(CONFIRM_CODE)).replace(person.email, "ADDRESS")
    client.cookies.clear()
    unknown = post(REQUEST_CODE, {"email": "ei.ole@example.fi"})
    unknown_page = page(client.get(CONFIRM_CODE)).replace("ei.ole@example.fi", "ADDRESS")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')
    assert strip.sub("", unknown_page) == strip.sub("", known_page)
    # The owner of the unknown address is told there is no account, and gets no code.
    to_unknown = [m for m in mail.outbox if m.to == ["ei.ole@example.fi"]]
    assert len(to_unknown) == 1
    assert not re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", to_unknown[0].body)
    assert not User.objects.filter(email="ei.ole@example.fi").exists()


def test_an_inactive_account_gets_no_code(client, post, places):
    UserFactory(email="poistettu@example.fi", is_active=False)
    response = post(REQUEST_CODE, {"email": "poistettu@example.fi"})
    assert response.status_code == 302
    assert all(not re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", m.body) for m in mail.outbox)


@pytest.mark.parametrize(
    "address",
    [
        "matti@",
        "@example.fi",
        "a b@example.fi",
        "matti@@example.fi",
        "",
        "   ",
        "matti\x00@example.fi",
    ],
    ids=["no domain", "no local part", "space", "two @", "empty", "blank", "NUL"],
)
def test_a_malformed_address_gets_a_finnish_error_and_nothing_is_sent(post, places, address):
    response = post(REQUEST_CODE, {"email": address})
    assert response.status_code == 200
    assert errors(response)
    assert all(
        e in (BAD_EMAIL, "Tämä kenttä vaaditaan.", "Tyhjiä merkkejä (null) ei sallita.")
        for e in errors(response)
    )
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


LONG = "a" * 289 + "@example.fi"  # 300 characters: more than an address may have (254)


def test_a_300_character_address_on_the_login_form_gets_a_finnish_error(post, places):
    assert len(LONG) == 300
    response = post(LOGIN, {"login": LONG, "password": ""})
    assert response.status_code == 200
    assert errors(response) == [
        "Tämän arvon tulee olla enintään 254 merkkiä pitkä (tällä hetkellä 300)."
    ]
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()


def test_a_300_character_address_when_requesting_a_code(post, places):
    response = post(REQUEST_CODE, {"email": LONG})
    # Never a server error (PostgreSQL refused to store the address), never a send.
    assert response.status_code in (200, 302)
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()
    assert response.status_code == 200
    assert errors(response) == [
        "Tämän arvon tulee olla enintään 254 merkkiä pitkä (tällä hetkellä 300)."
    ]


def test_a_300_character_address_for_password_reset_is_not_an_error(post, places):
    response = post("/tili/password/reset/", {"email": LONG})
    assert response.status_code in (200, 302)
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()


# -- password ----------------------------------------------------------------------------------


@pytest.fixture
def staff(places):
    return UserFactory(email="yhdyshenkilo@example.fi", password=PASSWORD)


def test_password_login_works_for_a_person_with_a_password(client, post, staff):
    response = post(LOGIN, {"login": "Yhdyshenkilo@Example.fi", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert signed_in(client) == staff
    assert mail.outbox == []  # no code needed


def test_a_wrong_password_is_refused_in_finnish(client, post, staff):
    response = post(LOGIN, {"login": staff.email, "password": "vaara-salasana"})
    assert response.status_code == 200
    assert errors(response) == ["Annettu sähköposti tai salasana ei ole oikein."]
    assert signed_in(client) is None
    assert mail.outbox == []


def test_a_password_does_not_open_an_account_without_one(client, post, person):
    response = post(LOGIN, {"login": person.email, "password": "mikä-tahansa-1"})
    assert response.status_code == 200
    assert signed_in(client) is None


def test_after_five_wrong_passwords_the_account_is_locked_for_a_while(client, post, staff):
    """ACCOUNT_RATE_LIMITS login_failed 5/5m per address: a form error, not a 429."""
    for _ in range(5):
        assert errors(post(LOGIN, {"login": staff.email, "password": "vaara"})) == [
            "Annettu sähköposti tai salasana ei ole oikein."
        ]
    response = post(LOGIN, {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 200
    assert errors(response) == [TOO_MANY]
    assert signed_in(client) is None


def test_too_many_login_posts_from_one_address_get_429(client, places):
    """ACCOUNT_RATE_LIMITS login 30/m per IP: the 31st POST is refused outright."""
    statuses = [
        client.post(LOGIN, {"login": f"henkilo{i}@example.fi", "password": "x"}).status_code
        for i in range(31)
    ]
    assert set(statuses[:30]) == {200}
    assert statuses[30] == 429
    # Another visitor is not affected.
    assert (
        client.post(
            LOGIN, {"login": "x@example.fi", "password": "x"}, REMOTE_ADDR="10.0.0.2"
        ).status_code
        == 200
    )


def test_the_429_page_is_in_finnish(client, places):
    for i in range(31):
        response = client.post(LOGIN, {"login": f"henkilo{i}@example.fi", "password": "x"})
    assert response.status_code == 429
    assert "Too Many Requests" not in page(response)
    assert '<html lang="fi">' in page(response)


# -- logout ------------------------------------------------------------------------------------


def test_logout_needs_a_post_and_then_signs_out(client, staff):
    client.force_login(staff)
    assert client.get("/tili/logout/").status_code == 200  # a confirmation page
    assert signed_in(client) == staff

    response = client.post("/tili/logout/")

    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client) is None
    assert client.get(DASHBOARD)["Location"].startswith(LOGIN)


# -- sign-up -----------------------------------------------------------------------------------


def test_sign_up_creates_an_unverified_address_and_sends_a_code(client, post, places):
    response = post(SIGNUP, {"email": "Uusi.Henkilo@Example.fi"})

    assert response.status_code == 302 and response["Location"] == CONFIRM_EMAIL
    user = User.objects.get(email="uusi.henkilo@example.fi")
    assert user.is_active and user.language == "fi"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (user.email, False, True)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Silta: Vahvista sähköpostiosoitteesi"
    stored = OutgoingEmail.objects.get()
    assert stored.sensitive and code_in(message) not in stored.body_text

    # Entering the code verifies the address and signs in.
    confirmed = client.post(CONFIRM_EMAIL, {"code": code_in(message)})
    assert confirmed.status_code == 302 and confirmed["Location"] == DASHBOARD
    assert EmailAddress.objects.get(user=user).verified
    assert signed_in(client) == user


def test_sign_up_in_swedish_gives_a_swedish_account_and_mail(client, post, places):
    client.cookies["silta_kieli"] = "sv"
    post(SIGNUP, {"email": "ny@example.fi"})
    assert User.objects.get(email="ny@example.fi").language == "sv"
    assert mail.outbox[0].subject == "Silta: Vänligen bekräfta din epost-adress"


def test_sign_up_with_a_taken_address_does_not_reveal_it(client, post, person):
    response = post(SIGNUP, {"email": person.email})
    assert response.status_code == 302 and response["Location"] == CONFIRM_EMAIL
    assert User.objects.filter(email=person.email).count() == 1
    assert not EmailAddress.objects.filter(email=person.email, verified=False).exists()
    # The owner is told that someone tried; no code is sent.
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert not re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", mail.outbox[0].body)


@pytest.mark.parametrize("address", ["matti@", "a b@example.fi", LONG])
def test_sign_up_with_a_bad_address_creates_nothing(post, places, address):
    response = post(SIGNUP, {"email": address})
    assert response.status_code == 200
    assert errors(response)
    assert not User.objects.exists()
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()
