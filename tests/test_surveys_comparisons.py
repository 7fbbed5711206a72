"""Comparisons of the mapping: one municipality beside its associations, its region and its
previous round; the presentation mode; the region's overview and its XLSX export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from silta.places.models import Municipality
from silta.surveys import services
from silta.surveys.models import Round

from .surveys_factories import YES_ALL, associations, by_topic, invite, mapping


def text_of(response):
    import re

    body = response.content.decode().split("<main", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def row_of(text, title):
    return text.split(title, 1)[1][:160]


def test_comparison_shows_own_answer_associations_region_and_previous_round(world):
    kempele = world.kempele
    mapping(kempele, {"liaison": "no", "grants": "yes"}, years_ago=1, title="Kartoitus 2025")
    mapping(kempele, {"liaison": "yes", "grants": "yes", "premises": "fee"}, title="Kartoitus 2026")
    associations(
        kempele,
        [
            {"liaison": "yes", "grants": "no"},
            {"liaison": "unknown", "grants": "yes"},
            {"liaison": "yes"},
        ],
    )
    mapping(world.oulu, {"liaison": "yes", "grants": "no"})
    mapping(Municipality.objects.get(code="425"), {"liaison": "yes"})  # Liminka
    mapping(world.helsinki, {"liaison": "yes"})  # another region: not compared
    # A draft of the associations' round does not count.
    assoc = Round.objects.get(title="Yhdistykset")
    topics, _ = by_topic(assoc)
    services.save_answers(
        None,
        assoc,
        {topics["liaison"]: "no"},
        submit=False,
        version="0",
        invitation=invite(assoc, "kesken@example.fi"),
    )

    response = world.client("coordinator").get(reverse("surveys:comparison", args=["244"]))
    assert response.status_code == 200
    text = text_of(response)
    assert "Kunnan kartoitus: Kartoitus 2026" in text
    assert "Yhdistysten näkemys: Yhdistykset, 3 vastaajaa" in text
    assert "Edellinen kartoitus: Kartoitus 2025" in text
    liaison = row_of(text, "Nimetty järjestöyhdyshenkilö")
    assert "Kyllä 67 % (kyllä 2 / n = 3) 2 / 2 muuttunut (ennen: Ei)" in liaison
    grants = row_of(text, "Järjestöavustukset")
    assert "Kyllä 50 % (kyllä 1 / n = 2) 0 / 1 ennallaan" in grants
    premises = row_of(text, "Kunnan tilat yhdistysten käytössä")
    assert premises.startswith(" Kyllä, maksua vastaan")
    assert "ei aiempaa kierrosta" in premises
    body = response.content.decode()
    assert 'role="img"' in body and 'class="bar-chart"' in body
    assert '<th scope="row">Nimetty järjestöyhdyshenkilö</th>' in body


def test_anonymous_associations_round_under_five_is_not_shown(world):
    mapping(world.kempele, {"liaison": "yes"})
    associations(world.kempele, [{"liaison": "no"}] * 4, anonymous=True)
    client = world.client("kempele_liaison")
    text = text_of(client.get(reverse("surveys:comparison", args=["244"])))
    assert "Kyllä alle 5 vastaajaa" in text
    assert "n = 4" not in text and "0 %" not in text


def test_no_mapping_yet_says_so(world):
    response = world.client("oulu_agent").get(reverse("surveys:comparison", args=["564"]))
    assert response.status_code == 200
    assert "Kunnan kartoitukseen ei ole vielä vastattu." in response.content.decode()
    assert "<table" not in response.content.decode().split("<main", 1)[1]


@pytest.mark.parametrize("how", ["query", "path"])
def test_presentation_mode_one_topic_per_section_with_next_links(world, how):
    mapping(world.kempele, YES_ALL)
    url = (
        reverse("surveys:comparison", args=["244"]) + "?esitys=1"
        if how == "query"
        else reverse("surveys:comparison_present", args=["244"])
    )
    body = world.client("coordinator").get(url).content.decode()
    assert 'class="presentation"' in body
    assert body.count('class="slide"') == 9  # the opening and eight topics
    assert 'href="#aihe-1">Seuraava</a>' in body
    assert 'id="aihe-8"' in body and 'href="#aihe-8">Seuraava</a>' in body
    assert "Aihe 3 / 8" in body
    assert "<script" not in body.split("<main", 1)[1]


@pytest.mark.parametrize(
    "path",
    ["/kyselyt/vertailu/999/", "/kyselyt/vertailu/%00/", "/kyselyt/vertailu/" + "2" * 5000 + "/"],
)
def test_unknown_or_forged_municipality_is_not_found(world, path):
    assert world.client("coordinator").get(path).status_code == 404


@pytest.mark.parametrize("value", ["0", "%00", "1" * 10000, "<script>", "2"])
def test_forged_presentation_parameter_shows_the_normal_page(world, value):
    mapping(world.kempele, {"liaison": "yes"})
    response = world.client("coordinator").get(f"/kyselyt/vertailu/244/?esitys={value}")
    assert response.status_code == 200
    assert 'class="presentation"' not in response.content.decode()


def test_other_municipalitys_people_cannot_see_kempele(world):
    mapping(world.kempele, {"liaison": "yes"})
    for persona in ("oulu_liaison", "oulu_agent"):
        response = world.client(persona).get(reverse("surveys:comparison", args=["244"]))
        assert response.status_code == 404


def _grow(region_codes, n_rounds=2):
    """Mappings for many municipalities, each with a previous round."""
    for m in Municipality.objects.filter(region__code="17").order_by("code")[:region_codes]:
        for years_ago in range(n_rounds):
            mapping(m, YES_ALL if years_ago else {"liaison": "no"}, years_ago=years_ago)


@pytest.mark.parametrize("size", [2, 12])
def test_comparison_query_count_is_constant(world, django_assert_max_num_queries, size):
    _grow(size)
    associations(world.kempele, [{"liaison": "yes"}] * size)
    client = world.client("coordinator")
    with django_assert_max_num_queries(11):  # measured 9 with 2 and with 12 municipalities
        response = client.get(reverse("surveys:comparison", args=["244"]))
    assert response.status_code == 200
    with django_assert_max_num_queries(11):
        response = client.get(reverse("surveys:comparison_present", args=["244"]))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_region_overview_query_count_is_constant(world, django_assert_max_num_queries, size):
    _grow(size)
    client = world.client("coordinator")
    # measured 14 with 2 and with 12 municipalities (with the self-assessment and evidence)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("surveys:region_overview", args=["17"]))
    assert response.status_code == 200
    assert response.content.decode().count("muuttunut: ennen kyllä") == size
    with django_assert_max_num_queries(15):
        response = client.get(reverse("surveys:region_overview_xlsx", args=["17"]))
    assert response.status_code == 200


def test_region_overview_rows_columns_and_change(world):
    mapping(world.kempele, {"liaison": "no", "grants": "no"}, years_ago=1)
    mapping(world.kempele, {"liaison": "yes", "grants": "no", "premises": "no"})
    response = world.client("coordinator").get(reverse("surveys:region_overview", args=["17"]))
    body = response.content.decode()
    assert "Kartoitukseen on vastannut 1 alueen" in body
    kempele_row = body.split(">Kempele</a></th>", 1)[1].split("</tr>", 1)[0]
    assert 'kyllä <span class="change">↑' in kempele_row
    assert "muuttunut: ennen ei" in kempele_row
    # No answer on a topic: a dash; a municipality without a mapping: dashes only.
    # (plus 8 dashes for the self-assessment's year and seven criteria, not answered)
    assert kempele_row.count("–") == 5 + 8
    liminka_row = body.split("Liminka</th>", 1)[1].split("</tr>", 1)[0]
    assert "kyllä" not in liminka_row and liminka_row.count("–") == 9 + 8
    assert '<th scope="col">Nimetty järjestöyhdyshenkilö</th>' in body


def test_region_overview_xlsx(world):
    mapping(world.kempele, {"liaison": "no"}, years_ago=1)
    mapping(world.kempele, {"liaison": "yes", "grants": "no"})
    # A municipality name that a spreadsheet would run as a formula stays text.
    Municipality.objects.filter(code="425").update(name_fi='=HYPERLINK("http://x","Liminka")')
    response = world.client("coordinator").get(reverse("surveys:region_overview_xlsx", args=["17"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="kartoitukset-17-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == (
        "Kunta",
        "Kartoitusvuosi",
        "Nimetty järjestöyhdyshenkilö",
        "Muutos edelliseen",
    )
    kempele = next(r for r in rows if r[0] == "Kempele")
    # liaison, its change; convened (no answer: empty), its change; grants
    assert kempele[2:7] == ("kyllä", "muuttunut: ennen ei", None, None, "ei")
    assert any(r[0] == '\'=HYPERLINK("http://x","Liminka")' for r in rows)
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("coordinator", "17", 200),
        ("coordinator", "01", 403),  # Uusimaa: not served by this coordinator
        ("kempele_liaison", "17", 403),
        ("oulu_agent", "17", 403),
        ("coordinator", "99", 404),
        ("coordinator", "%00", 404),
        ("coordinator", "1" * 3000, 404),
    ],
)
def test_region_overview_access_and_bad_codes(world, persona, code, status):
    for name in ("region_overview", "region_overview_xlsx"):
        url = reverse(f"surveys:{name}", args=["17"]).replace("/17/", f"/{code}/")
        assert world.client(persona).get(url).status_code == status


def test_index_links_to_the_comparisons(world):
    body = world.client("kempele_liaison").get(reverse("surveys:index")).content.decode()
    assert reverse("surveys:comparison", args=["244"]) in body
    assert reverse("surveys:comparison", args=["564"]) not in body
    body = world.client("coordinator").get(reverse("surveys:index")).content.decode()
    assert reverse("surveys:comparison", args=["564"]) in body
    assert reverse("surveys:region_overview", args=["17"]) in body
