"""A Kempele association answers the associations' view through the emailed link, saves
half-way, comes back and finishes; the coordinator sees the result chart."""

import re

import pytest
from playwright.sync_api import expect

from silta.surveys.shipped import ensure_templates
from tests.surveys_factories import by_topic, follow_up_of, make_round

from .conftest import screenshot, text_of

pytestmark = pytest.mark.e2e


def test_association_answers_through_emailed_link(
    browser, live_server, page, world, smtp_server, sign_in, console
):
    ensure_templates()  # live-server tests start from an emptied database
    world.kempele_association.email = "kylayhdistys@example.fi"
    world.kempele_association.save()
    round_ = make_round(municipality=world.kempele, title="Kempeleen yhdistysten näkemys")
    topics, questions = by_topic(round_)

    # The coordinator sends the invitations.
    sign_in(world.user("coordinator"))
    page.goto(f"/kyselyt/kierrokset/{round_.pk}/")
    page.get_by_role("button", name=re.compile("Lähetä kutsu")).click()
    expect(page.locator(".messages")).to_contain_text("Kutsut lähetetään taustalla 1")
    message = smtp_server.wait_for("kylayhdistys@example.fi")
    link = re.search(r"https?://\S+/kysely/\S+/", text_of(message)).group(0)
    path = "/" + link.split("/", 3)[3]

    # The association opens the link without an account and saves half-way.
    other = browser.new_context(locale="fi-FI", base_url=live_server.url)
    answerer = other.new_page()
    answerer.goto(path)
    expect(answerer.get_by_role("heading", level=1)).to_have_text(
        "Yhdistysten näkemys kunnan järjestöyhteistyöstä"
    )
    answerer.locator(f"#kysymys-{topics['liaison'].pk}").get_by_label("Kyllä").check()
    grants_how = follow_up_of(questions, topics["grants"])
    expect(answerer.locator(f"#kysymys-{grants_how.pk}")).to_be_hidden()
    answerer.get_by_role("button", name="Tallenna ja jatka myöhemmin").click()
    expect(answerer.locator(".messages")).to_contain_text("Voit jatkaa myöhemmin")

    # Later: the saved answer is there; the follow-up opens for "Kyllä"; finish.
    answerer.goto(path)
    expect(
        answerer.locator(f"#kysymys-{topics['liaison'].pk}").get_by_label("Kyllä")
    ).to_be_checked()
    answerer.locator(f"#kysymys-{topics['grants'].pk}").get_by_label("Kyllä").check()
    expect(answerer.locator(f"#kysymys-{grants_how.pk}")).to_be_visible()
    answerer.locator(f"#kysymys-{grants_how.pk} textarea").fill("Perusteet ovat selkeät.")
    for topic in ["convened", "services", "lived_experience", "feedback"]:
        answerer.locator(f"#kysymys-{topics[topic].pk}").get_by_label("Ei", exact=True).check()
    answerer.locator(f"#kysymys-{topics['premises'].pk}").get_by_label("Kyllä, maksutta").check()
    answerer.locator(f"#kysymys-{topics['agents'].pk}").get_by_label("Myönteisesti").check()
    answerer.get_by_role("button", name="Lähetä vastaukset").click()
    expect(answerer.locator(".messages")).to_contain_text("Kiitos! Vastauksesi on lähetetty.")
    screenshot(answerer, "surveys-answered")
    other.close()

    # The coordinator sees the result as a chart and as numbers.
    page.goto(f"/kyselyt/kierrokset/{round_.pk}/tulokset/")
    expect(page.locator("text=1 vastaaja on lähettänyt vastauksensa.")).to_be_visible()
    chart = page.locator(f"#tulos-{topics['liaison'].pk}").locator("..").locator("svg[role=img]")
    expect(chart).to_be_visible()
    expect(page.locator("body")).to_contain_text("Perusteet ovat selkeät.")
    screenshot(page, "surveys-results")
    assert not [line for line in console if line.startswith(("error", "pageerror"))], console


def test_coordinator_opens_kempeles_comparison_and_presents_it(page, world, sign_in, console):
    from silta.places.models import Municipality
    from tests.surveys_factories import YES_ALL, associations, mapping

    ensure_templates()
    # Demo-like data: last year's and this year's mapping of Kempele, its associations' view,
    # the mappings of a few neighbours.
    mapping(world.kempele, {**YES_ALL, "liaison": "no"}, years_ago=1, title="Kartoitus 2025")
    mapping(world.kempele, {**YES_ALL, "grants": "no"}, title="Kempeleen kartoitus 2026")
    associations(
        world.kempele,
        [{"liaison": "yes", "grants": "yes"}, {"liaison": "unknown"}, {"liaison": "yes"}],
    )
    for code in ["425", "494", "859", "564"]:
        mapping(Municipality.objects.get(code=code), {"liaison": "yes", "grants": "yes"})

    sign_in(world.user("coordinator"))
    page.goto("/kyselyt/")
    page.get_by_role("link", name="Järjestöyhteistyön vertailu: Kempele").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Järjestöyhteistyön vertailu: Kempele"
    )
    row = page.get_by_role("row", name=re.compile("^Nimetty järjestöyhdyshenkilö"))
    expect(row).to_contain_text("67 %")
    expect(row).to_contain_text("4 / 4")
    expect(row).to_contain_text("muuttunut")
    chart = page.locator("#aihe-liaison").locator("..").locator("svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("title")).to_contain_text("yhdistykset 67 % kyllä")
    screenshot(page, "surveys-comparison")

    # Presentation mode: one topic per screen, moving on with a plain link.
    page.get_by_role("link", name="Esitystila yhdistysiltaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Järjestöyhteistyö: Kempele")
    page.locator("#alku").get_by_role("link", name="Seuraava").click()
    assert page.url.endswith("#aihe-1")
    expect(page.locator("#aihe-1 h2")).to_be_in_viewport()
    page.locator("#aihe-1").get_by_role("link", name="Seuraava").click()
    assert page.url.endswith("#aihe-2")
    expect(page.locator("#h-aihe-2")).to_have_text("Yhdistykset kutsutaan säännöllisesti koolle")
    screenshot(page, "surveys-comparison-present", full_page=False)
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "surveys-comparison-present-360", full_page=False)
    assert not [line for line in console if line.startswith(("error", "pageerror"))], console
