"""Signing in with a one-time code sent by email, through a real browser and a real SMTP server."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import Role, UserFactory, grant

from .conftest import login_code_in, screenshot, text_of

pytestmark = pytest.mark.e2e


def request_code(page, address: str) -> None:
    """From the login page: 'send me a code', the address, 'request code'."""
    page.goto("/tili/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    page.get_by_role("link", name="Lähetä minulle sisäänkirjautumiskoodi").click()
    expect(page).to_have_url(re.compile(r"/tili/login/code/$"))
    page.get_by_label("Sähköposti").fill(address)
    page.get_by_role("button", name="Pyydä koodi").click()
    expect(page).to_have_url(re.compile(r"/tili/login/code/confirm/$"))
    expect(page.locator(".messages")).to_contain_text(address)


def enter_code(page, code: str) -> None:
    page.get_by_label("Koodi").fill(code)
    page.get_by_role("button", name="Vahvista").click()


def test_liaison_signs_in_with_emailed_code(page, world, smtp_server):
    liaison = world.user("oulu_liaison")
    request_code(page, liaison.email)

    message = smtp_server.wait_for(liaison.email)
    body = text_of(message)
    assert "kirjautumiskoodi" in message["Subject"].lower(), message["Subject"]
    assert "Sisäänkirjautumiskoodisi" in body, body
    assert "sign-in code" not in body.lower(), body
    code = login_code_in(message)

    enter_code(page, code)
    expect(page).to_have_url(re.compile(r"/oma/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    expect(page.locator("main")).to_contain_text("Järjestöyhdyshenkilönä")
    expect(page.get_by_role("link", name="Oulu", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()
    screenshot(page, "login-code-dashboard")
    assert len(smtp_server.messages) == 1


def test_swedish_speaker_gets_the_code_in_swedish(page, world, smtp_server):
    # The page is in Finnish, but mail follows the person's own language.
    svenska = UserFactory(
        email="sara.svensson@example.fi", full_name="Sara Svensson", language="sv"
    )
    grant(svenska, Role.AGENT, municipality=world.oulu)
    request_code(page, svenska.email)

    message = smtp_server.wait_for(svenska.email)
    body = text_of(message)
    assert "inloggningskod" in message["Subject"].lower(), message["Subject"]
    assert "Din inloggningskod" in body, body
    assert "kirjautumiskoodi" not in body.lower(), body

    enter_code(page, login_code_in(message))
    expect(page).to_have_url(re.compile(r"/oma/$"))
    # Her pages are in Swedish too, from the first one on, although the browser asks for Finnish.
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("main")).to_contain_text("Du har loggat in som Sara Svensson")
    expect(page.locator("main")).to_contain_text("Uleåborg")


def test_wrong_code_shows_an_error_and_three_wrong_codes_void_the_code(page, world, smtp_server):
    liaison = world.user("oulu_liaison")
    request_code(page, liaison.email)
    code = login_code_in(smtp_server.wait_for(liaison.email))
    wrong = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"

    enter_code(page, wrong)
    expect(page).to_have_url(re.compile(r"/tili/login/code/confirm/$"))
    expect(page.locator("main")).to_contain_text("Virheellinen koodi")
    screenshot(page, "login-code-wrong")

    enter_code(page, wrong)
    expect(page.locator("main")).to_contain_text("Virheellinen koodi")
    # The third wrong try uses up the attempts (ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3):
    # back to asking for a new code, with an error message.
    enter_code(page, wrong)
    expect(page).to_have_url(re.compile(r"/tili/login/code/$"))
    expect(page.locator(".message-error")).to_be_visible()

    # The emailed code is dead now: the confirmation page is gone, and posting the right
    # code straight to it (as a stale tab would) does not sign anyone in.
    page.goto("/tili/login/code/confirm/")
    expect(page).to_have_url(re.compile(r"/tili/login/code/$"))
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        "/tili/login/code/confirm/",
        form={"code": code, "csrfmiddlewaretoken": csrf},
        max_redirects=0,
    )
    assert response.status == 302, response.status
    assert response.headers["location"].endswith("/tili/login/code/")
    page.goto("/oma/")
    expect(page).to_have_url(re.compile(r"/tili/login/\?next=/oma/$"))
    assert page.get_by_label("Koodi").count() == 0


def test_malformed_email_gets_a_finnish_error(page, world, smtp_server):
    page.goto("/tili/login/code/")
    field = page.get_by_label("Sähköposti")

    # The browser's own check stops an address without @ before it is sent.
    field.fill("oulu.yhdyshenkilo")
    page.get_by_role("button", name="Pyydä koodi").click()
    expect(page).to_have_url(re.compile(r"/tili/login/code/$"))
    assert field.evaluate("el => !el.validity.valid")

    # One the browser accepts but the server does not: the error comes back in Finnish.
    field.fill("oulu.yhdyshenkilo@example")
    page.get_by_role("button", name="Pyydä koodi").click()
    expect(page).to_have_url(re.compile(r"/tili/login/code/$"))
    expect(page.locator("main")).to_contain_text("Syötä kelvollinen sähköpostiosoite")
    screenshot(page, "login-code-bad-email")
    assert smtp_server.messages == []


def test_liaison_confirms_with_a_code_before_adding_an_authenticator(
    page, world, smtp_server, sign_in
):
    """Signed in a while ago (no recent sign-in on record), the liaison opens the
    authenticator page on a phone: Silta first asks for a code sent to her own address."""
    liaison = world.user("oulu_liaison")
    sign_in(liaison)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/tili/2fa/totp/activate/")
    expect(page).to_have_url(re.compile(r"/tili/reauthenticate/code/\?next="))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vahvista pääsy")
    expect(page.locator("main")).to_contain_text(liaison.email)
    screenshot(page, "reauthenticate-request-code-360")
    page.get_by_role("button", name="Pyydä koodi").click()
    expect(page).to_have_url(re.compile(r"/tili/reauthenticate/code/confirm/"))

    message = smtp_server.wait_for(liaison.email)
    assert "kirjautumiskoodi" in message["Subject"].lower(), message["Subject"]
    enter_code(page, login_code_in(message))

    expect(page).to_have_url(re.compile(r"/tili/2fa/totp/activate/$"))
    screenshot(page, "totp-activate-360")
    expect(page.locator("main svg, main img").first).to_be_visible()  # the QR code to scan
