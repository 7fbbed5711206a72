"""The directory in a browser: live search in inflected Finnish with htmx, an association's
page with a consented contact and without an unconsented one, 360 px without horizontal
scrolling, axe and CSP on the directory pages, and copying a recipient list's addresses."""

import importlib

import pytest
from django.urls import reverse

from tests import directory_fixtures as fx

from .conftest import screenshot
from .test_accessibility import check_page

pytestmark = pytest.mark.e2e

OULU = "/kunnat/564/yhdistykset/"


@pytest.fixture
def d(world):
    # The live server's database is flushed between tests, which drops the vocabularies
    # the migrations seed: put them back as the migration does.
    from django.apps import apps

    vocabularies = importlib.import_module("silta.associations.migrations.0003_vocabularies")
    vocabularies.seed(apps, None)
    return fx.build(world)


@pytest.fixture
def csp_recorder(context):
    from .test_accessibility import RECORD_CSP

    context.add_init_script(RECORD_CSP)


def test_live_search_in_inflected_finnish_then_the_association_page(page, console, d):
    page.goto(OULU)
    results = page.locator("#hakutulokset")
    requests = []
    page.on(
        "request",
        lambda r: requests.append(r) if r.headers.get("hx-request") == "true" else None,
    )
    page.get_by_label("Hae nimellä tai aiheella").press_sequentially("urheiluseuran", delay=30)
    # htmx swaps the results without a page load, and the address follows the search.
    page.wait_for_url("**/yhdistykset/?q=urheiluseuran*")
    assert results.get_by_role("link", name="Oulun Urheiluseura").is_visible()
    assert "Eläkeläisten kerho" not in results.inner_text()
    assert requests, "the search did not go through htmx"
    assert page.locator("#directory-status").inner_text().startswith("1 yhdistys")

    page.get_by_label("Teema", exact=True).select_option("pensioners")
    page.get_by_label("Hae nimellä tai aiheella").fill("eläkeläiset")
    page.wait_for_url("**q=el%C3%A4kel%C3%A4iset*")
    results.locator("h3").get_by_role("link", name="Eläkeläisten kerho").wait_for()

    page.get_by_label("Teema", exact=True).select_option("")
    page.get_by_label("Hae nimellä tai aiheella").fill("urheiluseuran")
    results.locator("h3").get_by_role("link", name="Oulun Urheiluseura").click()
    page.wait_for_url(f"**{reverse('associations:detail', args=[d['seura'].pk])}")
    main = page.locator("main").inner_text()
    assert "Kaisa Julkinen" in main and "kaisa.julkinen@example.fi" in main
    assert "Salla Salainen" not in main and "salla.salainen@example.fi" not in main
    assert not [line for line in console if line.startswith(("error", "pageerror"))], console


def test_search_works_without_javascript(browser, live_server, d):
    ctx = browser.new_context(java_script_enabled=False, base_url=live_server.url, locale="fi-FI")
    try:
        page = ctx.new_page()
        page.goto("/kunnat/244/yhdistykset/")
        page.get_by_label("Hae nimellä tai aiheella").fill("kylätalolla")
        page.get_by_role("button", name="Hae", exact=True).click()
        page.wait_for_url("**q=kyl%C3%A4talolla*")
        assert page.get_by_role("link", name="Kylätalo ry").is_visible()
        assert page.get_by_role("link", name="Kuoro kylätalolla").is_visible()
    finally:
        ctx.close()


@pytest.mark.parametrize(
    "path",
    [OULU + "?q=kyl%C3%A4talolla", "/maakunnat/17/yhdistykset/", "detail", "activity"],
)
def test_no_horizontal_scroll_at_360px(page, d, path):
    if path == "detail":
        path = reverse("associations:detail", args=[d["seura"].pk])
    elif path == "activity":
        path = reverse("associations:activity", args=[d["choir"].pk])
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "directory-360-" + path.strip("/").replace("/", "-").split("?")[0])
    assert width <= 360, f"{path} is {width} px wide at 360 px"


@pytest.mark.parametrize("which", ["directory", "search", "region", "detail", "activity"])
def test_directory_pages_are_accessible(page, console, csp_recorder, d, which):
    url = {
        "directory": OULU,
        "search": OULU + "?q=kyl%C3%A4talolla&teema=culture",
        "region": "/maakunnat/17/yhdistykset/?kunta=564",
        "detail": reverse("associations:detail", args=[d["seura"].pk]),
        "activity": reverse("associations:activity", args=[d["choir"].pk]),
    }[which]
    check_page(page, console, url, f"directory-{which}")


def test_recipient_list_pages_are_accessible_and_copy_works(
    page, context, console, csp_recorder, world, d, sign_in
):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(world.user("oulu_liaison"))
    page.goto(OULU + "?teema=sport")
    page.get_by_role("link", name="Tallenna rajaus vastaanottajalistaksi").click()
    page.get_by_label("Listan nimi").fill("Urheiluseurat")
    page.get_by_role("button", name="Tallenna lista").click()
    page.get_by_role("heading", name="Urheiluseurat").wait_for()
    assert "kaisa.julkinen@example.fi" in page.locator("#addresses").input_value()
    check_page(page, console, page.url, "recipient-list")
    page.get_by_role("button", name="Kopioi osoitteet").click()
    page.get_by_text("Osoitteet kopioitu leikepöydälle.").wait_for()
    assert "kaisa.julkinen@example.fi" in page.evaluate("navigator.clipboard.readText()")
    check_page(page, console, "/kunnat/564/vastaanottajalistat/", "recipient-lists")
