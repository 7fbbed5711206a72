"""The invitation texts and poster of an event in a real browser: the liaison copies the
social-media text with the "Kopioi" button and downloads the poster; the page reads on a
phone and passes axe; without JavaScript the texts are still there to select."""

import datetime as dt
import zoneinfo

import pytest
from playwright.sync_api import expect

from tests.events_factories import event
from tests.test_events_channels import _talk, _themes

from .conftest import screenshot
from .test_accessibility import _axe, csp_recorder, describe  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
PHONE = {"width": 360, "height": 740}


def _evening(world):
    ev = event(
        world.oulu,
        title_fi="Kunnan ja yhdistysten yhteistyöilta: avustukset, tilat ja yhteinen vuosikello 2027",
        starts_at=dt.datetime(2027, 3, 9, 18, tzinfo=HELSINKI),
        ends_at=dt.datetime(2027, 3, 9, 20, tzinfo=HELSINKI),
        registration_closes_at=dt.datetime(2027, 3, 4, 0, tzinfo=HELSINKI),
    )
    _themes(ev, "grants", "premises")
    _talk(ev, "Kunnan avustukset 2027", "Anna Avustus", (18, 0))
    return ev


def test_liaison_copies_a_text_and_downloads_the_poster(
    context,
    page,
    console,
    csp_recorder,  # noqa: F811 (the imported fixture)
    world,
    sign_in,
    live_server,
    settings,  # noqa: F811
):
    settings.SITE_URL = live_server.url
    ev = _evening(world)
    sign_in(world.user("oulu_liaison"))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto(f"/tapahtumat/{ev.pk}/suunnittelu/")
    page.get_by_role("link", name="Kutsut eri kanaviin ja juliste").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kutsut eri kanaviin")
    social = page.locator("#teksti-social-fi")
    expect(social).to_have_attribute("readonly", "")
    expect(social).to_contain_text("Tiistaina 9.3.2027 klo 18–20")
    expect(social).to_contain_text(f"{live_server.url}/tapahtumat/{ev.pk}/ilmoittaudu/")

    page.get_by_role("button", name="Kopioi: Kunnan sosiaalinen media").click()
    expect(page.locator("article", has=social).locator(".copy-status")).to_have_text(
        "Kopioitu leikepöydälle."
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == social.input_value()
    assert "#yhdistysilta #oulu" in copied

    violations = _axe.run(page).response["violations"]
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, describe(serious)
    assert not page.evaluate("window.__cspViolations || []")
    screenshot(page, "channels-desktop")

    with page.expect_download() as download:
        page.get_by_role("link", name="Lataa juliste (PDF, suomeksi)").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename == f"juliste-{ev.pk}.pdf"
    assert not [line for line in console if line.startswith(("error", "pageerror"))]


def test_the_texts_read_on_a_phone_and_without_javascript(browser, live_server, world, settings):
    from django.conf import settings as django_settings
    from django.test import Client

    settings.SITE_URL = live_server.url
    ev = _evening(world)
    client = Client()
    client.force_login(world.user("oulu_agent"))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    ctx = browser.new_context(
        locale="fi-FI", base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    ctx.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    try:
        page = ctx.new_page()
        page.goto(f"/tapahtumat/{ev.pk}/viestinta/")
        expect(page.locator("textarea")).to_have_count(4)
        # Without JavaScript there is no button that would do nothing.
        expect(page.get_by_role("button", name="Kopioi: Kunnan verkkosivut")).to_be_hidden()
        expect(page.locator("#teksti-website-fi")).to_contain_text("Ilmoittaudu viimeistään")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "channels-phone")
    finally:
        ctx.close()
