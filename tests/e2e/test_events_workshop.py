"""The workshop of an association evening in real browsers: two phones (360 px) add views
through the workshop link, the liaison's board on the screen (1280 px) shows both without a
reload, the liaison hides one; then the liaison composes and sends the summary and the real
SMTP server receives it at every invited address."""

import re

import pytest
from playwright.sync_api import expect

from silta.events.models import Invitation, WorkshopQuestion, hash_token, new_token
from tests.events_factories import event

from .conftest import screenshot, text_of

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
INVITED = ["kylayhdistys@example.fi", "svenska@example.fi", "expats@example.fi"]


def _phone(browser, live_server):
    ctx = browser.new_context(locale="fi-FI", base_url=live_server.url, viewport=PHONE)
    ctx.set_default_timeout(15_000)
    return ctx


def _add_view(page, question, text):
    page.get_by_role("link", name=re.compile(re.escape(question))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(question)
    page.get_by_label("Näkemyksesi").fill(text)
    page.get_by_role("button", name="Lisää näkemys").click()
    expect(page.locator(".messages")).to_contain_text("Näkemyksesi on lisätty")
    expect(page.locator(".note-list")).to_contain_text(text)


def test_two_phones_a_live_board_moderation_and_the_summary(
    browser, live_server, world, sign_in, context, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    ev = event(world.oulu, title_fi="Oulun syksyn yhdistysilta")
    question = "Miten avustushaku helpottuisi?"
    WorkshopQuestion.objects.create(event=ev, text=question, order=1)
    WorkshopQuestion.objects.create(event=ev, text="Mitä tiloja yhdistykset tarvitsevat?", order=2)
    for address, language in zip(INVITED, ["fi", "sv", "en"], strict=True):
        Invitation.objects.create(
            event=ev, email=address, language=language, token_hash=hash_token(new_token())
        )

    sign_in(world.user("oulu_liaison"))
    board = context.new_page()
    board.goto(f"/tapahtumat/{ev.pk}/tyopaja/")
    expect(board.get_by_role("heading", level=1)).to_contain_text("Työpaja")
    board.get_by_role("button", name="Avaa työpaja").click()
    expect(board.locator("#board")).to_contain_text("Työpaja on auki")
    link = board.locator(".board-link a").get_attribute("href")
    assert re.search(r"/tyopaja/[\w-]{16}/$", link)
    qr = board.locator(".board-qr svg").bounding_box()
    assert qr["width"] >= 150

    phones = [_phone(browser, live_server), _phone(browser, live_server)]
    try:
        first, second = (p.new_page() for p in phones)
        for page in (first, second):
            page.goto(link)
            expect(page.get_by_role("heading", level=1)).to_have_text("Työpaja")
        _add_view(first, question, "Hakulomake on liian pitkä.")
        _add_view(second, question, "Neuvontailta ennen hakua.")
        # The second phone agrees with the first's view; its own view has no button.
        second.get_by_role("button", name=re.compile("samaa mieltä.*Hakulomake")).click()
        expect(second.locator(".messages")).to_contain_text("Samaa mieltä -äänesi on kirjattu")
        assert second.get_by_role("button", name=re.compile("Neuvontailta")).count() == 0
        width = second.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the phone page scrolls sideways"
        screenshot(second, "workshop-phone")

        # The board shows both views without a reload.
        expect(board.locator("#board")).to_contain_text("Hakulomake on liian pitkä.")
        expect(board.locator("#board")).to_contain_text("Neuvontailta ennen hakua.")
        expect(board.locator("#board .note").first).to_contain_text("+1")
        screenshot(board, "workshop-board")
        board.goto(f"/tapahtumat/{ev.pk}/tyopaja/?esitys=1")
        expect(board.locator("#board")).to_contain_text("Hakulomake on liian pitkä.")
        assert board.get_by_role("button", name=re.compile("Piilota")).count() == 0
        screenshot(board, "workshop-board-presenting", full_page=False)
        board.goto(f"/tapahtumat/{ev.pk}/tyopaja/")

        board.get_by_role("button", name=re.compile("Piilota.*Neuvontailta")).click()
        expect(board.locator(".note.is-hidden")).to_contain_text("Neuvontailta ennen hakua.")
        first.reload()  # still on the question's page
        expect(first.locator(".note-list")).to_contain_text("Hakulomake on liian pitkä.")
        expect(first.locator(".note-list")).not_to_contain_text("Neuvontailta")
        screenshot(first, "workshop-phone-after-hiding")
    finally:
        for p in phones:
            p.close()

    # The summary: prefilled with the visible views, sent to every invited address.
    board.goto(f"/tapahtumat/{ev.pk}/kooste/muokkaa/")
    section = board.get_by_label(question)
    expect(section).to_have_value(re.compile("Hakulomake on liian pitkä"))
    assert "Neuvontailta" not in section.input_value()
    board.get_by_label("Päätökset ja sovitut asiat").fill("Hakuohjetta selkeytetään.")
    board.get_by_label("Seuraavan yhdistysillan päivä").fill("2027-03-16")
    board.get_by_label("Yhteystiedot").fill("Järjestöyhdyshenkilö, yhdistykset@example.fi")
    board.get_by_role("button", name="Lähetä kooste").click()
    expect(board.locator(".messages")).to_contain_text("Kooste lähtee 3 vastaanottajalle")
    screenshot(board, "summary-sent")
    for address in INVITED:
        message = smtp_server.wait_for(address)
        assert "Oulun syksyn yhdistysilta" in message["Subject"]
        body = text_of(message)
        assert "Hakulomake on liian pitkä." in body and "Neuvontailta" not in body
    assert len(smtp_server.messages) == 3

    board.goto(f"/kunnat/{world.oulu.code}/tapahtumat/")
    archive = board.locator("#koosteet + p + ul")
    archive.get_by_role("link", name="Oulun syksyn yhdistysilta", exact=True).click()
    expect(board.get_by_role("heading", level=1)).to_contain_text("Kooste")
    expect(board.locator("article")).to_contain_text("Hakuohjetta selkeytetään.")
