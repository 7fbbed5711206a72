"""A member keeps the association's entry current in the browser: edits its details, adds a
contact person and records the consent that makes them public."""

import re

import pytest
from playwright.sync_api import expect

from silta.associations.models import ContactPerson

from .conftest import screenshot

pytestmark = pytest.mark.e2e


def test_member_edits_the_association_and_adds_a_consented_contact(page, world, sign_in):
    sign_in(world.user("oulu_member"))
    page.goto("/oma/")
    page.get_by_role("link", name="Muokkaa tietoja Oulun Kyläyhdistys ry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Muokkaa: Oulun Kyläyhdistys ry")

    page.locator("#id_short_description_fi").fill("Kylän yhteinen yhdistys.")
    page.get_by_label("Y-tunnus").fill("0112038-8")  # wrong check digit
    page.get_by_role("checkbox", name="Kylätoiminta").check()
    page.get_by_label("Toimii myös kunnissa").fill("Kempele")
    page.get_by_role("button", name="Tallenna tiedot").click()
    expect(page.locator(".error-summary")).to_contain_text("tarkistusnumero")
    screenshot(page, "editing-error")

    page.get_by_label("Y-tunnus").fill("0112038-9")
    page.get_by_role("button", name="Tallenna tiedot").click()
    expect(page.locator(".messages")).to_contain_text("Yhdistyksen tiedot tallennettu.")
    world.oulu_association.refresh_from_db()
    assert world.oulu_association.business_id == "0112038-9"
    assert world.oulu_association.short_description_fi == "Kylän yhteinen yhdistys."

    page.get_by_role("link", name="Lisää yhteyshenkilö").click()
    page.get_by_label("Nimi").fill("Pirjo Puheenjohtaja")
    page.get_by_label("Tehtävä").select_option("chair")
    page.get_by_label("Sähköposti").fill("pirjo@example.fi")
    page.get_by_role("button", name="Tallenna").click()
    expect(page).to_have_url(re.compile(r"/yhteyshenkilot/\d+/suostumus/$"))
    page.get_by_label("Henkilö itse").check()
    page.get_by_label("Nimen saa julkaista").check()
    page.get_by_label("Sähköpostiosoitteen saa julkaista").check()
    page.get_by_role("button", name="Kirjaa suostumus").click()
    expect(page.locator(".messages")).to_contain_text("Suostumus kirjattu")
    expect(page.locator("main")).to_contain_text("Pirjo Puheenjohtaja")
    screenshot(page, "editing-contact")

    contact = ContactPerson.objects.get()
    assert contact.has_consent and contact.consent_email and not contact.consent_phone

    response = page.request.get(f"/api/v1/associations/{world.oulu_association.pk}")
    assert "pirjo@example.fi" in response.text()

    page.get_by_role("button", name="Peru suostumus Pirjo Puheenjohtaja").click()
    expect(page.locator(".messages")).to_contain_text("Suostumus peruttu")
    response = page.request.get(f"/api/v1/associations/{world.oulu_association.pk}")
    assert "pirjo@example.fi" not in response.text()

    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "editing-360")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                && !e.closest('.table-scroll'))
            .map(e => e.tagName + '.' + e.className + '#' + e.id)"""
    )
    assert not wide, wide
