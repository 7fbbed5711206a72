"""Languages, keyboard use and narrow screens, as a person in a browser meets them."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import RESULTS, screenshot

pytestmark = pytest.mark.e2e

MOBILE = {"width": 360, "height": 740}
LOCALE = RESULTS.parent / "silta" / "locale"


def switch_language(page, button_name: str) -> None:
    page.locator(".lang-switch").get_by_role("button", name=button_name).click()
    page.wait_for_load_state()


def test_front_page_in_finnish_swedish_and_english(page, places):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kunnat ja yhdistykset yhteistyössä")
    expect(page.get_by_role("link", name="Oulu", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Uleåborg", exact=True)).to_have_count(0)
    screenshot(page, "front-fi-desktop", full_page=False)

    switch_language(page, "Svenska")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("link", name="Uleåborg", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Oulu", exact=True)).to_have_count(0)
    expect(page.locator(".lang-switch [aria-current=true]")).to_have_text("Svenska")
    screenshot(page, "front-sv-desktop", full_page=False)

    # The choice sticks: a new page is in Swedish too.
    page.goto("/kunnat/564/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uleåborg")

    switch_language(page, "English")
    expect(page).to_have_url(re.compile(r"/kunnat/564/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".lang-switch [aria-current=true]")).to_have_text("English")

    switch_language(page, "Suomi")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oulu")


def test_interface_text_is_translated(page, places):
    page.goto("/")
    finnish = page.get_by_role("heading", level=1).inner_text()
    switch_language(page, "Svenska")
    swedish = page.get_by_role("heading", level=1).inner_text()
    switch_language(page, "English")
    english = page.get_by_role("heading", level=1).inner_text()
    assert len({finnish, swedish, english}) == 3, (finnish, swedish, english)


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, places):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert skip.bounding_box()["y"] >= 0, "the focused skip link must be on screen"
    screenshot(page, "skip-link-focused", full_page=False)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues from the content, not from the header.
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.activeElement.closest('main') !== null")
    assert inside_main, page.evaluate("document.activeElement.outerHTML")


def _assert_fits(page, name: str) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    screenshot(page, name)
    if width > MOBILE["width"]:
        wide = page.evaluate(
            """w => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w + 0.5)
                .slice(0, 5).map(e => e.outerHTML.slice(0, 120))""",
            MOBILE["width"],
        )
        pytest.fail(f"{page.url}: scrollWidth {width} > {MOBILE['width']}; too wide: {wide}")


def test_no_horizontal_scroll_at_360_px(page, world, sign_in):
    page.set_viewport_size(MOBILE)
    page.goto("/")
    _assert_fits(page, "front-fi-360")
    page.goto("/tili/login/")
    _assert_fits(page, "login-fi-360")
    page.goto("/tili/login/code/")
    _assert_fits(page, "login-code-fi-360")

    sign_in(world.user("oulu_liaison"))
    page.goto("/oma/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    _assert_fits(page, "dashboard-fi-360")


def test_dashboard_desktop_screenshot(page, world, sign_in):
    sign_in(world.user("coordinator"))
    page.goto("/oma/")
    expect(page.locator("main")).to_contain_text("Koordinaattorina")
    screenshot(page, "dashboard-coordinator-desktop")
    sign_in(world.user("oulu_liaison"))
    page.goto("/oma/")
    expect(page.locator("main")).to_contain_text("Järjestöyhdyshenkilönä")
    screenshot(page, "dashboard-liaison-desktop")
    page.goto("/")
    screenshot(page, "front-fi-desktop-full")
