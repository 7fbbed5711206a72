"""Issue 5, done when: the coordinator interviews the Kempele liaison with the mapping, one
section a page; Kempele's associations answer their view through emailed links (one saves
half-way, leaves and finishes later through the same link); the coordinator compares Kempele
with its associations and the region and opens the training feedback's charts."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from silta.surveys.shipped import ensure_templates
from tests.surveys_factories import template as template_of

from .conftest import screenshot, text_of

pytestmark = pytest.mark.e2e


def _choose(page, topics, answers):
    for topic, label in answers.items():
        page.locator(f"#kysymys-{topics[topic].pk}").get_by_label(label, exact=True).check()


MAPPING_PAGES = [
    ("Nykytilanne", {"liaison": "Kyllä", "convened": "Kyllä"}),
    ("Avustukset", {"grants": "Ei"}),
    ("Tilat ja palvelut", {"premises": "Kyllä, maksutta", "services": "Kyllä"}),
    (
        "Kokemustieto ja palaute",
        {"lived_experience": "Ei", "feedback": "Kyllä", "agents": "Myönteisesti"},
    ),
]
VIEW_PAGES = [
    ("Nykytilanne", {"liaison": "Kyllä", "convened": "En tiedä"}),
    ("Avustukset", {"grants": "Kyllä"}),
    ("Tilat ja palvelut", {"premises": "Kyllä, maksua vastaan", "services": "Ei"}),
    (
        "Kokemustieto ja palaute",
        {"lived_experience": "Ei", "feedback": "En tiedä", "agents": "Myönteisesti"},
    ),
]


def _answer_pages(page, topics, pages, start=1):
    for n, (title, answers) in enumerate(pages, start=1):
        if n < start:
            continue
        expect(page.locator(".survey-progress")).to_contain_text(f"Osio {n}/4: {title}")
        _choose(page, topics, answers)
        name = "Seuraava: tarkista vastaukset" if n == 4 else "Seuraava"
        page.get_by_role("button", name=name, exact=True).click()
    expect(page.get_by_role("heading", name="Osio 4/4: Kokemustieto ja palaute")).to_be_visible()


def test_mapping_interview_association_answers_comparison_and_feedback_results(
    browser, live_server, page, world, smtp_server, sign_in, console
):
    from silta.places.models import Municipality
    from silta.surveys import services
    from silta.surveys.models import Round
    from silta.surveys.results import questions_of
    from tests.factories import AssociationFactory
    from tests.surveys_factories import invite, mapping, sectioned

    ensure_templates()  # live-server tests start from an emptied database
    coordinator = world.user("coordinator")
    today = timezone.localdate()
    # The region's other mappings, to compare Kempele with.
    for code in ["425", "494", "859", "564"]:
        mapping(Municipality.objects.get(code=code), {"liaison": "yes", "grants": "yes"})

    # 1. The coordinator interviews the Kempele liaison, one section at a time.
    mapping_form = sectioned(world.organisation, "kartoitus")
    liaison_round = services.create_round(
        coordinator,
        questionnaire=mapping_form,
        title="Kempeleen kartoitus 2026",
        target_kind=Round.Target.LIAISON,
        municipality=world.kempele,
        opens_on=today,
        closes_on=today + timedelta(days=30),
    )
    topics = {q.topic: q for q in questions_of(mapping_form) if q.parent_id is None}
    sign_in(coordinator)
    page.goto(f"/kyselyt/kierrokset/{liaison_round.pk}/")
    page.get_by_role("link", name="Kirjaa haastattelu").click()
    expect(page.locator(".survey-progress")).to_contain_text("Osio 1/4: Nykytilanne")
    page.get_by_label("Haastateltava").fill("Jari Kemppainen, vapaa-ajanohjaaja")
    _choose(page, topics, MAPPING_PAGES[0][1])
    liaison_how = page.locator(f"#kysymys-{topics['liaison'].pk} + .follow-up")
    expect(liaison_how).to_be_visible()  # "jos kyllä": opened by the script at once
    liaison_how.locator("input").fill("Jari Kemppainen, vapaa-ajanohjaaja")
    page.get_by_role("button", name="Seuraava", exact=True).click()
    expect(page.locator(".survey-progress")).to_contain_text("Osio 2/4: Avustukset")
    screenshot(page, "surveys-section-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "surveys-section-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 800})
    # Back to the first page: nothing typed was lost.
    page.get_by_role("button", name="Edellinen").click()
    expect(page.get_by_label("Haastateltava")).to_have_value("Jari Kemppainen, vapaa-ajanohjaaja")
    expect(
        page.locator(f"#kysymys-{topics['liaison'].pk}").get_by_label("Kyllä", exact=True)
    ).to_be_checked()
    page.get_by_role("button", name="Seuraava", exact=True).click()
    _answer_pages(page, topics, MAPPING_PAGES, start=2)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kunnan järjestöyhteistyön kartoitus (kopio)"
    )
    expect(page.locator("main")).to_contain_text("Kyllä, maksutta")
    page.get_by_role("button", name="Lähetä vastaus").click()
    expect(page.locator(".messages")).to_contain_text("Haastattelun vastaukset on lähetetty.")

    # 2. Kempele's associations answer their view through the emailed links.
    world.kempele_association.email = "kylayhdistys@example.fi"
    world.kempele_association.save()
    AssociationFactory(
        name_fi="Kempeleen Urheiluseura ry", municipality=world.kempele, email="seura@example.fi"
    )
    view_form = sectioned(world.organisation, "yhdistysten-nakemys")
    view_round = services.create_round(
        coordinator,
        questionnaire=view_form,
        title="Kempeleen yhdistysten näkemys",
        target_kind=Round.Target.ASSOCIATIONS,
        municipality=world.kempele,
        opens_on=today,
        closes_on=today + timedelta(days=14),
    )
    view_topics = {q.topic: q for q in questions_of(view_form) if q.parent_id is None}
    page.goto(f"/kyselyt/kierrokset/{view_round.pk}/")
    page.get_by_role("button", name=re.compile("Lähetä kutsut 2")).click()
    expect(page.locator(".messages")).to_contain_text("Kutsut lähetetään taustalla 2")
    paths = {}
    for address in ["kylayhdistys@example.fi", "seura@example.fi"]:
        link = re.search(r"https?://\S+/kysely/\S+/", text_of(smtp_server.wait_for(address)))
        paths[address] = "/" + link.group(0).split("/", 3)[3]

    # One answers the first section, saves and leaves...
    visit = browser.new_context(locale="fi-FI", base_url=live_server.url)
    answerer = visit.new_page()
    answerer.goto(paths["kylayhdistys@example.fi"])
    expect(answerer.get_by_role("heading", level=1)).to_have_text(
        "Yhdistysten näkemys kunnan järjestöyhteistyöstä (kopio)"
    )
    _choose(answerer, view_topics, VIEW_PAGES[0][1])
    answerer.get_by_role("button", name="Tallenna ja jatka myöhemmin").click()
    expect(answerer.locator(".messages")).to_contain_text("Voit jatkaa myöhemmin")
    visit.close()
    # ... and comes back later through the same link to finish.
    visit = browser.new_context(locale="fi-FI", base_url=live_server.url)
    answerer = visit.new_page()
    answerer.goto(paths["kylayhdistys@example.fi"])
    expect(answerer.locator(".panel")).to_contain_text("tallennettu keskeneräisenä")
    expect(
        answerer.locator(f"#kysymys-{view_topics['liaison'].pk}").get_by_label("Kyllä", exact=True)
    ).to_be_checked()
    answerer.get_by_role("button", name="Seuraava", exact=True).click()
    grants_how = answerer.locator(f"#kysymys-{view_topics['grants'].pk} + .follow-up")
    expect(grants_how).to_be_hidden()
    _choose(answerer, view_topics, VIEW_PAGES[1][1])
    expect(grants_how).to_be_visible()
    grants_how.locator("textarea").fill("Perusteet ovat selkeät.")
    answerer.get_by_role("button", name="Seuraava", exact=True).click()
    _answer_pages(answerer, view_topics, VIEW_PAGES, start=3)
    expect(answerer.locator("main")).to_contain_text("Perusteet ovat selkeät.")
    answerer.get_by_role("button", name="Lähetä vastaus").click()
    expect(answerer.locator(".messages")).to_contain_text("Kiitos! Vastauksesi on lähetetty.")
    screenshot(answerer, "surveys-answered")
    visit.close()
    # The other answers in one go.
    visit = browser.new_context(locale="fi-FI", base_url=live_server.url)
    answerer = visit.new_page()
    answerer.goto(paths["seura@example.fi"])
    _answer_pages(answerer, view_topics, VIEW_PAGES)
    answerer.get_by_role("button", name="Lähetä vastaus").click()
    expect(answerer.locator(".messages")).to_contain_text("Kiitos! Vastauksesi on lähetetty.")
    visit.close()
    page.goto(f"/kyselyt/kierrokset/{view_round.pk}/")
    expect(page.locator("dl.facts")).to_contain_text("2 / 2 vastannut")

    # 3. The comparison: Kempele beside its associations and the region.
    page.goto("/kyselyt/")
    page.get_by_role("link", name="Järjestöyhteistyön vertailu: Kempele").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Järjestöyhteistyön vertailu: Kempele"
    )
    row = page.get_by_role("row", name=re.compile("^Nimetty järjestöyhdyshenkilö"))
    expect(row).to_contain_text("100 %")  # both associations said yes
    chart = page.locator("#aihe-liaison").locator("..").locator("svg[role=img]")
    expect(chart).to_be_visible()
    screenshot(page, "surveys-comparison-kempele")

    # 4. Training feedback (anonymous), results as charts and as numbers.
    feedback = services.create_round(
        coordinator,
        questionnaire=template_of("peruskoulutuksen-palaute"),
        title="Peruskoulutus, kevät 2026: palaute",
        target_kind=Round.Target.TRAINING,
        municipality=world.kempele,
        opens_on=today,
        closes_on=today + timedelta(days=7),
        anonymous=True,
    )
    feedback_questions = questions_of(feedback.questionnaire)
    useful = feedback_questions[0]
    for i, score in enumerate([5, 4, 4, 3, 5]):
        invitation = invite(feedback, f"osallistuja{i}@example.fi")
        services.save_answers(
            None,
            feedback,
            {q: score for q in feedback_questions if q.kind == "scale" and q.required},
            submit=True,
            version="0",
            invitation=invitation,
        )
    page.goto(f"/kyselyt/kierrokset/{feedback.pk}/tulokset/")
    expect(page.locator("main")).to_contain_text("5 vastaajaa on lähettänyt vastauksensa.")
    chart = page.locator(f"#tulos-{useful.pk}").locator("..").locator("svg[role=img]")
    expect(chart).to_be_visible()
    numbers = page.locator(f"#tulos-{useful.pk}").locator("..").locator("table.result-table")
    expect(numbers.get_by_role("row", name=re.compile("^4"))).to_contain_text("2")
    expect(numbers.get_by_role("row", name=re.compile("^4"))).to_contain_text("40 %")
    screenshot(page, "surveys-feedback-results")
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
