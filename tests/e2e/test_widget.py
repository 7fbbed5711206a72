"""The municipal widget in a real browser: the demo page embeds Oulu's directory with the
documented snippet, the iframe fits its content, searching works, the widget also works
from another origin, and nothing is requested from anywhere but this Silta."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from silta.associations import search
from silta.associations.models import Association, Theme
from tests.factories import AssociationFactory, municipality

from .conftest import screenshot

pytestmark = pytest.mark.e2e

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
FRAME = "iframe.silta-directory-frame"
RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""


def indexed(**kwargs):
    a = AssociationFactory(**kwargs)
    a.search_name = search.document(a.name_fi, a.name_sv, a.name_en)
    a.search_text = search.document(a.short_description_fi, a.description_fi)
    a.save()
    return a


@pytest.fixture
def oulu_directory(places):
    # Browser tests run on a flushed database: the vocabularies may have to be made again.
    village, _ = Theme.objects.get_or_create(
        slug="village", defaults={"name_fi": "Kylätoiminta", "name_sv": "Byaverksamhet"}
    )
    sport, _ = Theme.objects.get_or_create(
        slug="sport", defaults={"name_fi": "Urheilu ja liikunta", "name_sv": "Idrott och motion"}
    )
    oulu, kempele = municipality("564"), municipality("244")
    made = {
        "village": indexed(
            name_fi="Oulun Kyläyhdistys ry",
            short_description_fi="Kylätalo, talkoot ja kesäjuhlat Oulun kylissä.",
            website="https://kyla.example.fi/",
            municipality=oulu,
        ),
        "sport": indexed(
            name_fi="Oulun Urheiluseura",
            short_description_fi="Liikuntaa kaikenikäisille: sählyä, lentopalloa ja kuntosali.",
            municipality=oulu,
        ),
        "choir": indexed(
            name_fi="Oulun Mieskuoro",
            short_description_fi="Laulamme kylätalolla tiistaisin.",
            municipality=oulu,
        ),
        "pensioners": indexed(
            name_fi="Eläkeläisten kerho",
            short_description_fi="Kerho eläkeläisille joka torstai.",
            municipality=oulu,
            status=Association.Status.DORMANT,
        ),
        "kempele": indexed(name_fi="Kempeleen Kyläyhdistys ry", municipality=kempele),
        "helsinki": indexed(name_fi="Helsingin Kuoro", municipality=municipality("091")),
        "dissolved": indexed(
            name_fi="Lakannut Yhdistys ry",
            municipality=oulu,
            status=Association.Status.DISSOLVED,
        ),
    }
    made["village"].themes.set([village])
    made["sport"].themes.set([sport])
    for i in range(9):
        indexed(name_fi=f"Oulun Seura {i + 1}", municipality=oulu)
    return made


@pytest.fixture
def requests_seen(context):
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    context.add_init_script(RECORD_CSP)
    return seen


def assert_all_local(urls: list[str]) -> None:
    outside = [u for u in urls if urlsplit(u).hostname not in LOCAL_HOSTS and u != "about:blank"]
    assert not outside, f"Requests left the machine: {outside}"


def frame_fits_content(page) -> None:
    """The iframe's height follows its content (postMessage), within a couple of pixels."""
    frame = page.frame_locator(FRAME)
    expect(frame.locator("#silta-widget")).to_be_visible()
    page.wait_for_function(
        """() => {
            const f = document.querySelector('iframe.silta-directory-frame');
            const inner = f && f.contentDocument && f.contentDocument.getElementById('silta-widget');
            if (!f) return false;
            const h = f.getBoundingClientRect().height;
            if (!inner) return h > 200 && h !== 480;  // other origin: cannot look inside
            return Math.abs(h - Math.max(200, inner.getBoundingClientRect().height)) <= 2;
        }"""
    )


def test_demo_page_shows_oulus_associations_and_search_works(
    page, live_server, oulu_directory, requests_seen
):
    page.goto("/api/widget/demo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Järjestöt ja yhdistykset")
    iframe = page.locator(FRAME)
    expect(iframe).to_have_attribute("title", "Yhdistyshaku – Silta")
    expect(iframe).to_have_attribute("referrerpolicy", "no-referrer")

    frame = page.frame_locator(FRAME)
    expect(frame.get_by_role("heading", level=1)).to_have_text("Yhdistykset: Oulu")
    expect(frame.locator(".sw-count")).to_have_text("13 yhdistystä, sivu 1 / 2")
    results = frame.locator("#sw-results")
    expect(results).to_contain_text("Eläkeläisten kerho")
    expect(results).to_contain_text("toiminta tauolla")
    expect(results).to_contain_text("Oulun Kyläyhdistys ry")
    for absent in ["Kempeleen Kyläyhdistys ry", "Helsingin Kuoro", "Lakannut Yhdistys ry"]:
        expect(results).not_to_contain_text(absent)
    website = frame.get_by_role("link", name=re.compile("Yhdistyksen verkkosivu"))
    expect(website).to_have_attribute("target", "_blank")
    expect(website).to_have_attribute("rel", "noopener noreferrer")
    frame_fits_content(page)
    page.wait_for_load_state("networkidle")
    screenshot(page, "widget-demo")

    # Paging with the keyboard lands on the new results.
    frame.get_by_role("link", name="Seuraava sivu").press("Enter")
    expect(frame.locator(".sw-count")).to_have_text("13 yhdistystä, sivu 2 / 2")
    expect(frame.locator(".sw-count")).to_be_focused()
    expect(results).to_contain_text("Oulun Urheiluseura")
    frame_fits_content(page)

    # Inflected Finnish: "kylätalolla" finds the choir by its description, and live search
    # shows results while typing.
    box = frame.get_by_label("Hae nimellä tai aiheella")
    box.fill("kylätalolla")
    box.press("Enter")
    expect(frame.locator(".sw-count")).to_have_text("2 yhdistystä")
    expect(results).to_contain_text("Oulun Mieskuoro")
    expect(results).to_contain_text("Oulun Kyläyhdistys ry")
    expect(results).not_to_contain_text("Oulun Urheiluseura")
    expect(frame.locator("#sw-status")).to_have_text("2 yhdistystä")
    frame_fits_content(page)
    screenshot(page, "widget-demo-search")

    box.fill("")
    box.press_sequentially("urheiluseuran", delay=20)
    expect(frame.locator(".sw-count")).to_have_text("1 yhdistys")
    expect(results).to_contain_text("Oulun Urheiluseura")

    frame.get_by_label("Hae nimellä tai aiheella").fill("")
    frame.get_by_label("Teema", exact=True).select_option("village")
    expect(frame.locator(".sw-count")).to_have_text("1 yhdistys")
    expect(results).to_contain_text("Oulun Kyläyhdistys ry")

    violations = page.evaluate("window.__cspViolations")
    inner = page.frames[1].evaluate("window.__cspViolations || []")
    assert violations == [] and inner == [], (violations, inner)
    assert_all_local(requests_seen)
    assert any("/api/widget/564/" in u for u in requests_seen)


@pytest.fixture
def municipal_site(live_server):
    """A municipality's own page on another origin (its own little server on 127.0.0.1;
    Silta is at localhost) with the snippet pasted in, in Swedish."""
    silta = live_server.url
    html = (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Kommun</title>'
        '<link rel="icon" href="data:,"></head><body><h1>Föreningar i Uleåborg</h1>'
        '<div data-silta-directory data-municipality="564" data-lang="sv"></div>'
        f'<script src="{silta}/api/widget.js" defer></script></body></html>'
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/kunnan-sivu/", silta
    server.shutdown()
    server.server_close()


def test_widget_works_on_a_page_of_another_origin(
    page, oulu_directory, municipal_site, requests_seen
):
    """The iframe loads, fits its content and search works inside it, across origins."""
    host_url, silta = municipal_site
    page.goto(host_url)
    iframe = page.locator(FRAME)
    expect(iframe).to_have_attribute("title", "Föreningssökning – Silta")
    frame = page.frame_locator(FRAME)
    expect(frame.get_by_role("heading", level=1)).to_have_text("Föreningar: Uleåborg")
    expect(frame.locator("html")).to_have_attribute("lang", "sv")
    frame.get_by_label("Sök på namn eller ämne").fill("yhdistyksen")
    frame.get_by_role("button", name="Sök").click()
    expect(frame.locator(".sw-count")).to_have_text("1 förening")
    expect(frame.locator("#sw-results")).to_contain_text("Oulun Kyläyhdistys ry")
    # The frame grew or shrank to its content, told over postMessage across origins.
    page.wait_for_function(
        "() => { const h = document.querySelector('iframe.silta-directory-frame')"
        ".getBoundingClientRect().height; return h > 150 && h < 470; }"
    )
    screenshot(page, "widget-other-origin")
    assert_all_local(requests_seen)
    assert any(u.startswith(f"{silta}/api/widget/564/") for u in requests_seen)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_widget_page_is_accessible(page, live_server, oulu_directory, lang):
    page.goto(f"/api/widget/564/?lang={lang}")
    page.wait_for_load_state("networkidle")
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert not blocking, [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in blocking]


def test_docs_page_is_accessible(page, live_server, places):
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Avoin rajapinta (API v1)")
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert not blocking, [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in blocking]
    screenshot(page, "api-docs")
