"""The municipality's cooperation profile (/kunnat/<code>/yhteistyo/): the public page with
what Silta knows, editing by the municipality's liaison and agents, the audit log, bad input."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from silta.core.models import AuditLogEntry
from silta.places.models import CooperationProfile

from .events_factories import event
from .factories import AssociationFactory

PAGE = reverse("places:cooperation", args=["564"])
EDIT = reverse("places:cooperation_edit", args=["564"])

GOOD = {
    "grants_url": "https://www.ouka.fi/avustukset",
    "grants_note": "Haku helmikuussa, päättää hyvinvointilautakunta.",
    "premises_terms": "free",
    "premises_url": "http://www.ouka.fi/tilat",
    "premises_note": "",
    "document_url": "",
    "document_adopted_on": "12.5.2025",
    "document_note": "",
    "communication_url": "",
    "communication_note": "Kuntatiedote neljästi vuodessa.",
}


def text_of(response):
    body = response.content.decode().split("<main", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_public_page_without_a_profile_tells_so_and_shows_what_silta_knows(world):
    event(world.oulu)  # published association evening in three weeks
    response = world.client("anonymous").get(PAGE)
    assert response.status_code == 200
    text = text_of(response)
    assert "Järjestöyhteistyö: Oulu" in text
    assert "Kunta ei ole vielä kirjannut yhteistyötietojaan Siltaan." in text
    assert "Järjestöyhdyshenkilö nimetty" in text  # no name for the public
    assert "Olli Oululainen" not in text
    assert "(tulossa)" in text
    assert "1 toiminnassa oleva yhdistys" in text
    assert "Muokkaa yhteistyötietoja" not in text


def test_liaison_saves_the_profile_and_the_change_is_logged(world):
    client = world.client("oulu_liaison")
    assert "Muokkaa yhteistyötietoja" in text_of(client.get(PAGE))
    response = client.post(EDIT, GOOD)
    assert response.status_code == 302 and response["Location"] == PAGE
    profile = CooperationProfile.objects.get(municipality=world.oulu)
    assert profile.grants_url == "https://www.ouka.fi/avustukset"
    assert profile.document_adopted_on == dt.date(2025, 5, 12)
    assert profile.updated_by == world.user("oulu_liaison")
    entry = AuditLogEntry.objects.get(object_type="places.cooperationprofile")
    assert entry.action == "create" and entry.municipality == world.oulu
    assert entry.changes["grants_url"] == [None, "https://www.ouka.fi/avustukset"]

    text = text_of(client.get(PAGE, follow=True))
    assert "Avustusten myöntöperusteet julkaistu" in text
    assert "https://www.ouka.fi/avustukset" in text
    assert "Tilojen käyttö maksutta" in text
    assert "hyväksytty 12.5.2025" in text
    assert "Kuntatiedote neljästi vuodessa." in text

    # The same form again (a double submit) writes nothing new; a change is an update.
    client.post(EDIT, GOOD)
    assert AuditLogEntry.objects.filter(object_type="places.cooperationprofile").count() == 1
    client.post(EDIT, {**GOOD, "premises_terms": "fee"})
    update = AuditLogEntry.objects.filter(action="update").get()
    assert update.changes == {"premises_terms": ["free", "fee"]}


def test_agent_may_edit_others_may_not(world):
    assert world.client("oulu_agent").post(EDIT, GOOD).status_code == 302
    CooperationProfile.objects.all().delete()
    AuditLogEntry.objects.all().delete()
    for persona in ("kempele_liaison", "coordinator", "oulu_member", "outsider"):
        response = world.client(persona).post(EDIT, GOOD)
        assert response.status_code == 403, persona
    assert world.client("anonymous").post(EDIT, GOOD).status_code == 302  # to sign in
    assert not CooperationProfile.objects.exists()
    assert not AuditLogEntry.objects.filter(object_type="places.cooperationprofile").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("grants_url", "ftp://www.ouka.fi/avustukset", "alkaa https:// tai http://"),
        ("grants_url", "javascript:alert(1)", "alkaa https:// tai http://"),
        ("communication_url", "javascript://%0aalert(1)", "alkaa https:// tai http://"),
        ("premises_url", "https://" + "a" * 600 + ".fi", "enintään 500 merkkiä"),
        ("grants_note", "x" * 1001, "enintään 1000 merkkiä"),
        ("document_note", "Asiakirja\x00", "Tyhjiä merkkejä (null) ei sallita"),
        ("grants_url", "https://www.ouka.fi/\x00", ""),
        ("premises_terms", "gratis", "Valitse oikea vaihtoehto"),
        ("document_adopted_on", "31.2.2025", "päivämäärä"),
    ],
)
def test_bad_input_is_refused_in_finnish_and_nothing_is_written(world, field, value, message):
    response = world.client("oulu_liaison").post(EDIT, {**GOOD, field: value})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tarkista lomake" in body
    assert message in body
    assert not CooperationProfile.objects.exists()
    assert not AuditLogEntry.objects.filter(object_type="places.cooperationprofile").exists()


def test_notes_are_shown_as_text_and_links_only_http(world):
    world.client("oulu_liaison").post(
        EDIT, {**GOOD, "grants_note": '<script>alert("x")</script>', "document_url": ""}
    )
    body = world.client("anonymous").get(PAGE).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert 'href="https://www.ouka.fi/avustukset" rel="noopener noreferrer nofollow"' in body


def test_edit_page_wrong_method_and_unknown_municipality(world):
    client = world.client("oulu_liaison")
    assert client.put(EDIT).status_code == 405
    assert client.get(reverse("places:cooperation_edit", args=["999"])).status_code == 404
    assert client.get("/kunnat/%00/yhteistyo/").status_code == 404
    assert client.get("/kunnat/" + "5" * 3000 + "/yhteistyo/").status_code == 404


def test_edit_form_has_labels_and_current_values(world):
    CooperationProfile.objects.create(municipality=world.oulu, grants_url="https://a.fi/x")
    body = world.client("oulu_liaison").get(EDIT).content.decode()
    assert '<label for="id_grants_url">Avustusten myöntöperusteet verkossa' in body
    assert 'value="https://a.fi/x"' in body
    assert "<legend>Kunnan tilat</legend>" in body


def test_links_from_the_municipality_page_and_the_workspace(world):
    body = world.client("anonymous").get(reverse("places:municipality", args=["564"]))
    assert PAGE in body.content.decode()
    workspace = world.client("oulu_agent").get(reverse("places:workspace", args=["564"]))
    assert EDIT in workspace.content.decode()
    workspace = world.client("coordinator").get(reverse("places:workspace", args=["564"]))
    assert PAGE in workspace.content.decode() and EDIT not in workspace.content.decode()


@pytest.mark.parametrize("persona", ["anonymous", "oulu_liaison"])
def test_profile_pages_query_count(world, django_assert_max_num_queries, persona):
    for _ in range(5):
        event(world.oulu)
        AssociationFactory(municipality=world.oulu)
    CooperationProfile.objects.create(municipality=world.oulu, grants_url="https://a.fi/x")
    client = world.client(persona)
    # measured 6 anonymous, 9 for the liaison (session, user, scope)
    with django_assert_max_num_queries(10):
        assert client.get(PAGE).status_code == 200
    if persona == "oulu_liaison":
        with django_assert_max_num_queries(8):
            assert client.get(EDIT).status_code == 200
