"""Registering for an association evening in a real browser, with a real SMTP server: the
confirmation email, the waiting list, cancelling through the personal link and the promoted
person's email; then the liaison marks attendance at the door on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.events_factories import event

from .conftest import screenshot, text_of

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _register(page, ev, name, address):
    page.goto(f"/tapahtumat/{ev.pk}/")
    page.get_by_role("link", name="Ilmoittaudu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ilmoittaudu")
    page.get_by_label("Nimi").fill(name)
    page.get_by_label("Sähköposti").fill(address)
    page.get_by_label("Henkilömäärä").fill("1")
    page.get_by_label("Ruokavalio").fill("gluteeniton")
    page.get_by_label("Suostun siihen").check()
    page.get_by_role("button", name="Lähetä ilmoittautuminen").click()
    expect(page).to_have_url(re.compile(r"/ilmoittautuminen/[^/]+/$"))


def _link_in(message) -> str:
    match = re.search(r"https?://\S+/ilmoittautuminen/[^/\s]+/", text_of(message))
    assert match, text_of(message)
    return match.group(0)


def test_register_wait_cancel_and_promote(page, world, smtp_server, live_server, settings):
    settings.SITE_URL = live_server.url
    ev = event(world.oulu, title_fi="Oulun kevään yhdistysilta", capacity=1)

    _register(page, ev, "Maija Meikäläinen", "maija@example.fi")
    expect(page.locator(".messages")).to_contain_text("Ilmoittautuminen vastaanotettu")
    expect(page.locator("main")).to_contain_text("vahvistettu")
    confirmation = smtp_server.wait_for("maija@example.fi")
    assert "Ilmoittautuminen vahvistettu" in confirmation["Subject"]
    body = text_of(confirmation)
    assert "Oulun kevään yhdistysilta" in body and "tapahtuma.ics" in body
    maija_link = _link_in(confirmation)

    other = page.context.new_page()
    _register(other, ev, "Teemu Toinen", "teemu@example.fi")
    expect(other.locator("main")).to_contain_text("Olet jonossa")
    assert "Olet jonossa" in smtp_server.wait_for("teemu@example.fi")["Subject"]
    screenshot(other, "events-waiting")

    # Maija cancels through the link in her email; Teemu gets her place and an email.
    page.goto(maija_link)
    page.get_by_role("button", name="Peru ilmoittautuminen").click()
    expect(page.locator(".messages")).to_contain_text("peruttu")
    promoted = smtp_server.wait_for("teemu@example.fi", count=2)
    assert "Paikka vapautui" in promoted["Subject"]
    other.goto(_link_in(promoted))
    expect(other.locator("main")).to_contain_text("vahvistettu")

    # A forged link gets a clear Finnish page.
    page.goto("/ilmoittautuminen/vaarennettu/")
    expect(page.locator("main")).to_contain_text("Ilmoittautumislinkki ei ole voimassa")


def test_liaison_marks_attendance_on_a_phone(browser, live_server, world, sign_in, context):
    from tests.events_factories import registration

    ev = event(world.oulu)
    r, _token = registration(ev, name="Paula Paikalla")
    sign_in(world.user("oulu_liaison"))
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"/tapahtumat/{ev.pk}/paikalla/")
    button = page.get_by_role("button", name=re.compile("Paula Paikalla"))
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300
    button.click()
    expect(page.get_by_role("button", name=re.compile("Paula Paikalla"))).to_have_attribute(
        "aria-pressed", "true"
    )
    screenshot(page, "events-attendance-phone")
    r.refresh_from_db()
    assert r.attended
