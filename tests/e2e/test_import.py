"""The liaison imports an XLSX with a broken row in the browser: preview, apply, result;
the same file again shows everything unchanged."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from silta.associations.models import Association

from ..import_fixtures import GOOD_ROWS, row, xlsx_bytes
from .conftest import screenshot

pytestmark = pytest.mark.e2e

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MOBILE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _no_serious_violations(page):
    result = Axe().run(page)
    serious = [v for v in result.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, [(v["id"], [n["target"] for n in v["nodes"]]) for v in serious]


def _upload(page, data):
    page.goto("/kunnat/564/tuonti/")
    page.get_by_label("Tiedosto (CSV tai XLSX)").set_input_files(
        files=[{"name": "yhdistykset.xlsx", "mimeType": XLSX, "buffer": data}]
    )
    page.get_by_role("button", name="Lataa ja esikatsele").click()
    page.wait_for_load_state()


def test_liaison_imports_an_xlsx_with_a_broken_row(page, world, sign_in):
    sign_in(world.user("oulu_liaison"))
    data = xlsx_bytes(
        [*GOOD_ROWS[:2], row("Rikkinäinen Seura ry", email="ei-osoite"), GOOD_ROWS[2]]
    )

    page.goto("/kunnat/564/tyotila/")
    page.get_by_role("link", name="Tuo yhdistyksiä tiedostosta").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Yhdistysten tuonti")
    _no_serious_violations(page)
    page.set_viewport_size(MOBILE)
    screenshot(page, "import-upload-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})

    _upload(page, data)
    expect(page.get_by_role("heading", name="Esikatselu")).to_be_visible()
    error_row = page.locator("tr.import-error")
    expect(error_row).to_have_count(1)
    expect(error_row).to_contain_text("4")  # the row as Excel shows it
    expect(error_row).to_contain_text("Rikkinäinen Seura ry")
    expect(error_row).to_contain_text("Sarake E (Sähköposti):")
    expect(error_row).to_contain_text("Syötä kelvollinen sähköpostiosoite.")
    expect(page.locator("tr.import-create")).to_have_count(3)
    assert not Association.objects.filter(name_fi="Oulun Partiolaiset ry").exists()
    _no_serious_violations(page)
    screenshot(page, "import-preview-desktop")
    page.set_viewport_size(MOBILE)
    screenshot(page, "import-preview-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Tuo", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Tuonti on valmis")).to_be_visible()
    counts = page.locator(".import-counts")
    expect(counts).to_contain_text("3 yhdistystä lisättiin")
    expect(counts).to_contain_text("1 riviä jäi tuomatta")
    expect(page.locator("tr.import-error")).to_contain_text("Syötä kelvollinen sähköpostiosoite.")
    expect(page.get_by_role("list").filter(has_text="Oulun Partiolaiset ry").first).to_be_visible()
    _no_serious_violations(page)
    screenshot(page, "import-result-desktop")
    assert Association.objects.filter(name_fi="Oulun Partiolaiset ry").count() == 1

    _upload(page, data)
    expect(page.locator(".import-count-skip")).to_contain_text("3")
    expect(page.locator(".import-count-create")).to_contain_text("0")
    expect(page.get_by_text("Tiedostossa ei ole rekisteriin tuotavia muutoksia.")).to_be_visible()
    expect(page.get_by_role("button", name="Tuo", exact=True)).to_have_count(0)
    assert Association.objects.filter(name_fi="Oulun Partiolaiset ry").count() == 1
