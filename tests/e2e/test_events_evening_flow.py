"""Issue 4's "Done when" in one browser run, with a real SMTP server: the Oulu liaison plans
an evening with two talks, invites Oulu's associations by email and gets the poster; two
associations register through their invitation links (the second lands on the waiting list
and is promoted when the first cancels); the workshop collects views from two phones; the
summary reaches every invited association, not only those who came."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from silta.associations.models import Association
from tests.events_factories import event
from tests.factories import AssociationFactory

from .conftest import screenshot, text_of

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
TITLE = "Oulun kevään yhdistysilta"
QUESTION = "Miten kunta voisi tukea yhdistysten tiloja?"


def _link(message, pattern):
    match = re.search(pattern, text_of(message))
    assert match, text_of(message)
    return match.group(0)


def _register(page, link, name):
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ilmoittaudu")
    page.get_by_label("Nimi").fill(name)
    page.get_by_label("Henkilömäärä").fill("1")
    page.get_by_label("Suostun siihen").check()
    page.get_by_role("button", name="Lähetä ilmoittautuminen").click()
    expect(page).to_have_url(re.compile(r"/ilmoittautuminen/[^/]+/$"))


def _add_talk(page, speaker, topic, start, end):
    page.get_by_text("Lisää puheenvuoro").click()
    page.locator("#id_speaker").fill(speaker)
    page.locator("#id_topic").fill(topic)
    page.locator("#id_start").fill(start)
    page.locator("#id_end").fill(end)
    page.locator("#id_invitation").select_option(label="vahvistettu")
    page.get_by_role("button", name="Lisää ohjelmaan").click()
    expect(page.locator(".messages")).to_contain_text("Puheenvuoro lisätty")


def test_liaison_plans_invites_registers_runs_the_workshop_and_sends_the_summary(
    browser, live_server, world, sign_in, context, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    Association.objects.filter(pk=world.oulu_association.pk).update(email="kylayhdistys@example.fi")
    AssociationFactory(name_fi="Oulun Urheiluseura ry", email="urheiluseura@example.fi")
    AssociationFactory(name_fi="Oulun Marttayhdistys ry", email="martat@example.fi")
    invited = ["kylayhdistys@example.fi", "urheiluseura@example.fi", "martat@example.fi"]
    ev = event(world.oulu, title_fi=TITLE, capacity=1)

    # Planning: two talks, a workshop question, invitations by email, the poster.
    sign_in(world.user("oulu_liaison"))
    page = context.new_page()
    page.goto(f"/tapahtumat/{ev.pk}/suunnittelu/")
    _add_talk(page, "Anna Avustus", "Avustusten haku 2027", "17:15", "17:45")
    _add_talk(page, "Timo Tila", "Kunnan tilat yhdistysten käyttöön", "17:45", "18:15")
    expect(page.locator(".programme-table")).to_contain_text("Avustusten haku 2027")
    expect(page.locator(".programme-table")).to_contain_text("Kunnan tilat")
    page.get_by_label("Työpajan kysymys").fill(QUESTION)
    page.get_by_role("button", name="Lisää kysymys").click()
    page.get_by_label("Vastaanottajat").select_option(
        label="Kaikki kunnan toiminnassa olevat yhdistykset"
    )
    page.get_by_role("button", name="Lähetä kutsut").click()
    expect(page.locator(".messages")).to_contain_text("Kutsuja lähtee 3")
    invitations = {address: smtp_server.wait_for(address) for address in invited}
    assert all(TITLE in m["Subject"] for m in invitations.values())

    page.get_by_role("link", name="Kutsut eri kanaviin ja juliste").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Lataa juliste (PDF, suomeksi)").click()
    with open(download.value.path(), "rb") as downloaded:
        pdf = PdfReader(io.BytesIO(downloaded.read()))
    assert len(pdf.pages) == 1
    poster_text = pdf.pages[0].extract_text()
    assert "Oulun kevään" in poster_text and "Avustusten haku 2027" in poster_text

    # Two associations register through their personal links; the event has one place.
    pattern = r"https?://\S+/tapahtumat/\d+/ilmoittaudu/\?kutsu=[\w-]+"
    first = context.new_page()
    _register(first, _link(invitations["kylayhdistys@example.fi"], pattern), "Kaija Kylä")
    expect(first.locator("main")).to_contain_text("vahvistettu")
    confirmation = smtp_server.wait_for("kylayhdistys@example.fi", count=2)
    attachments = [a.get_filename() for a in confirmation.iter_attachments()]
    assert any(name and name.endswith(".ics") for name in attachments), attachments
    second = context.new_page()
    _register(second, _link(invitations["urheiluseura@example.fi"], pattern), "Urho Urheilu")
    expect(second.locator("main")).to_contain_text("Olet jonossa")

    first.goto(_link(confirmation, r"https?://\S+/ilmoittautuminen/[^/\s]+/"))
    first.get_by_role("button", name="Peru ilmoittautuminen").click()
    promoted = smtp_server.wait_for("urheiluseura@example.fi", count=3)
    assert "Paikka vapautui" in promoted["Subject"]

    # The workshop: two phones add their views; the liaison's board shows them.
    page.goto(f"/tapahtumat/{ev.pk}/tyopaja/")
    page.get_by_role("button", name="Avaa työpaja").click()
    workshop_link = page.locator(".board-link a").get_attribute("href")
    phones = [
        browser.new_context(locale="fi-FI", base_url=live_server.url, viewport=PHONE)
        for _ in range(2)
    ]
    try:
        for phone, view in zip(
            phones, ["Kerhotilat iltaisin maksutta.", "Tilojen varaus verkossa."], strict=True
        ):
            mobile = phone.new_page()
            mobile.goto(workshop_link)
            mobile.get_by_role("link", name=re.compile(re.escape(QUESTION))).click()
            mobile.get_by_label("Näkemyksesi").fill(view)
            mobile.get_by_role("button", name="Lisää näkemys").click()
            expect(mobile.locator(".note-list")).to_contain_text(view)
    finally:
        for phone in phones:
            phone.close()
    expect(page.locator("#board")).to_contain_text("Kerhotilat iltaisin maksutta.")
    expect(page.locator("#board")).to_contain_text("Tilojen varaus verkossa.")

    # The summary reaches every invited association, also the one that never registered.
    page.goto(f"/tapahtumat/{ev.pk}/kooste/muokkaa/")
    expect(page.get_by_label(QUESTION)).to_have_value(re.compile("Kerhotilat iltaisin"))
    page.get_by_label("Päätökset ja sovitut asiat").fill("Tilojen hinnoittelu selvitetään.")
    page.get_by_role("button", name="Lähetä kooste").click()
    expect(page.locator(".messages")).to_contain_text("Kooste lähtee 3 vastaanottajalle")
    screenshot(page, "evening-flow-summary-sent")
    for address in invited:
        _wait_for_summary(smtp_server, address)


def _wait_for_summary(smtp_server, address, timeout=10.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp_server.to(address):
            if message["Subject"].startswith("Kooste:"):
                body = text_of(message)
                assert "Kerhotilat iltaisin maksutta." in body
                assert "Tilojen hinnoittelu selvitetään." in body
                return message
        time.sleep(0.05)
    raise AssertionError(f"Ei koostetta osoitteeseen {address}: {smtp_server.to(address)}")
