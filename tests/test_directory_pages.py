"""The public directory: a municipality's and a region's directory pages, an association's
page and an activity's page, as residents and staff use them."""

import json
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from silta.associations import demo as directory_demo
from silta.associations.models import Activity, Association, Theme
from silta.core import demo as core_demo

from . import directory_fixtures as fx
from .factories import AssociationFactory, municipality


def municipality_of_kempele():
    return municipality("244")


OULU = "/kunnat/564/yhdistykset/"
KEMPELE = "/kunnat/244/yhdistykset/"
REGION = "/maakunnat/17/yhdistykset/"


@pytest.fixture
def d(world):
    return fx.build(world)


def names(response) -> list[str]:
    """Association names in the order the results list shows them."""
    html = response.content.decode()
    results = html.split('id="hakutulokset"', 1)[1]
    return re.findall(r'<h3><a href="/yhdistykset/\d+/">([^<]+)</a></h3>', results)


def activities_shown(response) -> list[str]:
    html = response.content.decode()
    block = html.split('id="activities-heading"', 1)
    if len(block) < 2:
        return []
    return re.findall(r'<a href="/toiminta/\d+/">([^<]+)</a>', block[1].split("</section>")[0])


# -- search in inflected Finnish, as the issue asks ----------------------------------------


@pytest.mark.parametrize(
    ("url", "query", "expected"),
    [
        (KEMPELE, "yhdistyksen", "Kempeleen Kyläyhdistys ry"),
        (KEMPELE, "kylätalolla", "Kylätalo ry"),
        (OULU, "urheiluseuran", "Oulun Urheiluseura"),
        (OULU, "eläkeläiset", "Eläkeläisten kerho"),
        (KEMPELE, "yhdistys", "Kempeleen Kyläyhdistys ry"),
        (REGION, "urheiluseuran", "Oulun Urheiluseura"),
        (OULU, "familjeklubben", "Oulun ruotsinkielinen perhekerho"),
    ],
)
def test_inflected_finnish_finds_what_a_person_expects(client, d, url, query, expected):
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    assert expected in names(response)


def test_an_activity_is_found_by_its_inflected_place(client, d):
    response = client.get(KEMPELE, {"q": "kylätalolla"})
    assert "Kuoro kylätalolla" in activities_shown(response)
    assert "Eläkeläisten kerho" in activities_shown(client.get(OULU, {"q": "eläkeläiset"}))
    # An unpublished activity is never offered.
    assert activities_shown(client.get(OULU, {"q": "hallituksen"})) == []


def test_name_matches_rank_above_description_matches(client, d):
    # "Oulun Mieskuoro" only mentions the village hall in its description.
    fx.association(name_fi="Kylätalon Ystävät", municipality=d["kuoro"].municipality)
    found = names(client.get(OULU, {"q": "kylätalolla"}))
    assert found == ["Kylätalon Ystävät", "Oulun Mieskuoro"]


def test_search_stays_within_the_municipality(client, d):
    found = names(client.get(OULU, {"q": "urheiluseura"}))
    assert "Oulun Urheiluseura" in found and "Helsingin Urheiluseura" not in found


def test_result_count_and_no_results_message(client, d):
    html = client.get(OULU, {"q": "urheiluseuran"}).content.decode()
    assert "1 yhdistys" in html
    html = client.get(OULU, {"q": "xyzzy"}).content.decode()
    assert "0 yhdistystä" in html and "Hakuehdoilla ei löytynyt yhdistyksiä" in html


# -- filters ---------------------------------------------------------------------------------


def test_filters_by_theme_target_group_language_and_public_contact(client, d):
    assert names(client.get(OULU, {"teema": "sport"})) == ["Oulun Urheiluseura"]
    assert names(client.get(OULU, {"kohderyhma": "seniors"})) == ["Eläkeläisten kerho"]
    assert names(client.get(OULU, {"kieli": "sv"})) == ["Oulun ruotsinkielinen perhekerho"]
    # Kempele's association has a general email; Oulun Urheiluseura a consented contact.
    with_contact = names(client.get(OULU, {"yhteystiedot": "1"}))
    assert with_contact == ["Oulun Urheiluseura"]
    assert names(client.get(KEMPELE, {"yhteystiedot": "1"})) == ["Kempeleen Kyläyhdistys ry"]


def test_withdrawn_consent_drops_the_public_contact_filter_match(client, d):
    from django.utils import timezone

    d["consented"].consent_withdrawn_at = timezone.now()
    d["consented"].save()
    assert names(client.get(OULU, {"yhteystiedot": "1"})) == []


def test_associations_acting_in_the_municipality_are_listed_there(client, d):
    d["kyla"].municipalities.add(d["seura"].municipality)
    assert "Kempeleen Kyläyhdistys ry" in names(client.get(OULU, {"q": "kyläyhdistys"}))


def test_region_page_lists_its_municipalities_and_filters_by_one(client, d):
    everything = names(client.get(REGION))
    assert "Kylätalo ry" in everything and "Oulun Urheiluseura" in everything
    assert "Helsingin Urheiluseura" not in everything
    only_kempele = names(client.get(REGION, {"kunta": "244"}))
    assert "Kylätalo ry" in only_kempele and "Oulun Urheiluseura" not in only_kempele
    html = client.get(REGION).content.decode()
    assert 'name="kunta"' in html and "Kempele" in html


def test_dormant_shown_with_a_badge_dissolved_never_to_the_public(client, d):
    response = client.get(OULU)
    assert "Tauolla oleva seura" in names(response)
    assert "toiminta tauolla" in response.content.decode()
    assert "Lakannut Yhdistys ry" not in names(response)
    # The status filter is for staff only: the public cannot ask for dissolved ones.
    assert "Lakannut Yhdistys ry" not in names(client.get(OULU, {"tila": "dissolved"}))
    assert 'name="tila"' not in response.content.decode()


def test_staff_may_filter_by_status(world, d):
    liaison = world.client("oulu_liaison")
    assert names(liaison.get(OULU, {"tila": "dissolved"})) == ["Lakannut Yhdistys ry"]
    assert names(liaison.get(OULU, {"tila": "dormant"})) == ["Tauolla oleva seura"]
    # Not Kempele's staff on Oulu's page.
    kempele = world.client("kempele_liaison")
    assert "Lakannut Yhdistys ry" not in names(kempele.get(OULU, {"tila": "dissolved"}))


# -- bad input: a Finnish message, never a 500 ------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"teema": "ei-ole"}, "ei ole sallittu"),
        ({"kohderyhma": "x\x00y"}, "ei ole sallittu"),
        ({"kieli": "klingon"}, "ei ole sallittu"),
        ({"q": "a" * 10_000}, "enintään 200 merkkiä"),
    ],
)
def test_forged_filter_values_give_a_finnish_error(client, d, params, message):
    response = client.get(OULU, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tarkista lomake" in html and message in html
    # The valid parts still work: the page lists associations.
    assert names(response)


def test_region_page_rejects_a_municipality_outside_it(client, d):
    response = client.get(REGION, {"kunta": "091"})
    assert response.status_code == 400
    assert "Helsingin Urheiluseura" not in names(response)


@pytest.mark.parametrize(
    "query",
    ["\x00", "%", "'; DROP TABLE x; --", "ry", "   ", "kylä\x00talo", "ääkkösiä" * 20],
)
def test_odd_queries_never_fail(client, d, query):
    assert client.get(OULU, {"q": query}).status_code == 200


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "1" * 30, "\x00"])
def test_bad_page_numbers_are_404(client, d, page):
    assert client.get(OULU, {"sivu": page}).status_code == 404


@pytest.mark.parametrize("url", ["/kunnat/abc/yhdistykset/", "/kunnat/9999/yhdistykset/"])
def test_unknown_municipality_is_404(client, places, url):
    assert client.get(url).status_code == 404


# -- paging and htmx -----------------------------------------------------------------------


def test_paging_keeps_the_filter(client, d):
    for i in range(25):
        fx.association(name_fi=f"Hiihtoseura {i:02d}", municipality=d["seura"].municipality)
    first = client.get(OULU, {"q": "hiihtoseura"})
    html = first.content.decode()
    assert len(names(first)) == 20 and "25 yhdistystä" in html
    assert f"{OULU}?q=hiihtoseura&amp;sivu=2" in html
    second = client.get(OULU, {"q": "hiihtoseura", "sivu": "2"})
    assert names(second) == [f"Hiihtoseura {i}" for i in range(20, 25)]


def test_htmx_gets_only_the_results(client, d):
    response = client.get(OULU, {"q": "urheiluseuran"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="hakutulokset"' in html
    assert "Oulun Urheiluseura" in names(response)
    assert 'hx-swap-oob="true"' in html  # the count for screen readers
    assert "HX-Request" in response["Vary"]
    # A history restore wants the whole page.
    full = client.get(
        OULU, {"q": "x"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in full.content.decode()


def test_htmx_error_is_swapped_in_with_200(client, d):
    response = client.get(OULU, {"teema": "ei-ole"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Tarkista lomake" in response.content.decode()


def test_the_page_works_without_javascript_and_is_live_with_htmx(client, d):
    html = client.get(OULU).content.decode()
    form = html.split('role="search"')[1].split("</form>")[0]
    assert 'method="get"' in html and '<button type="submit">' in form
    assert 'hx-get="/kunnat/564/yhdistykset/"' in html
    assert 'hx-push-url="true"' in html and "delay:" in html
    assert "silta/directory.css" in html
    assert "<script>" not in html and 'style="' not in html


def test_municipality_and_region_pages_link_to_the_directory(client, d):
    assert OULU in client.get("/kunnat/564/").content.decode()
    html = client.get("/maakunnat/17/").content.decode()
    assert REGION in html and KEMPELE in html


# -- an association's page ---------------------------------------------------------------------


def detail(client, a):
    return client.get(reverse("associations:detail", args=[a.pk]))


def json_ld(response) -> dict:
    html = response.content.decode()
    body = html.split('<script type="application/ld+json"', 1)[1].split(">", 1)[1]
    return json.loads(body.split("</script>", 1)[0])


def test_resident_sees_consented_contact_and_not_an_unconsented_one(client, d):
    response = detail(client, d["seura"])
    html = response.content.decode()
    assert "Kaisa Julkinen" in html and "kaisa.julkinen@example.fi" in html
    assert "Salla Salainen" not in html and "salla.salainen@example.fi" not in html
    assert "040 999 8888" not in html
    data = json_ld(response)
    assert data["@type"] == "Organization" and data["name"] == "Oulun Urheiluseura"
    assert data["contactPoint"][0]["email"] == "kaisa.julkinen@example.fi"
    assert "salla" not in json.dumps(data)


@pytest.mark.parametrize("persona", ["oulu_liaison", "oulu_agent", "coordinator", "admin"])
def test_staff_see_every_contact(world, d, persona):
    html = detail(world.client(persona), d["seura"]).content.decode()
    assert "salla.salainen@example.fi" in html and "ei julkinen" in html


def test_members_see_their_own_associations_contacts(world, d):
    from silta.accounts.models import Role

    from .factories import grant

    member = world.user("oulu_member")
    assert "salla.salainen" not in detail(world.client("oulu_member"), d["seura"]).content.decode()
    grant(member, Role.ASSOCIATION_MEMBER, association=d["seura"])
    assert "salla.salainen" in detail(world.client("oulu_member"), d["seura"]).content.decode()


def test_staff_of_a_municipality_it_acts_in_see_every_contact(world, d):
    client = world.client("kempele_liaison")
    assert "salla.salainen" not in detail(client, d["seura"]).content.decode()
    d["seura"].municipalities.add(world.kempele)
    assert "salla.salainen" in detail(client, d["seura"]).content.decode()
    # ...but the JSON-LD stays public data only.
    assert "salla" not in json.dumps(json_ld(detail(client, d["seura"])))


def test_withdrawn_consent_hides_the_contact_at_once(client, d):
    from django.utils import timezone

    d["consented"].consent_withdrawn_at = timezone.now()
    d["consented"].save()
    html = detail(client, d["seura"]).content.decode()
    assert "kaisa.julkinen" not in html


def test_detail_shows_what_a_resident_needs(client, d):
    html = detail(client, d["kyla"]).content.decode()
    for text in [
        "Kempeleen Kyläyhdistys ry",
        "Kylän yhteinen yhdistys.",
        "Kylätoiminta",
        "suomi, ruotsi",
        "info@kyla.example.fi",
        "Kuoro kylätalolla",
        "Tiistaisin klo 18.00–20.00",
        "vahvisti tietonsa ajantasaisiksi viimeksi",
    ]:
        assert text in html, text
    assert "ei ole vielä vahvistanut" in detail(client, d["kerho"]).content.decode()


def test_detail_follows_the_language_with_finnish_fallback(client, d):
    client.cookies["silta_kieli"] = "sv"
    html = detail(client, d["kyla"]).content.decode()
    assert "<h1>Kempele byaförening</h1>" in html
    # No Swedish description: the Finnish one is shown.
    assert "Kylän yhteinen yhdistys." in html
    assert json_ld(detail(client, d["kyla"]))["name"] == "Kempele byaförening"


def test_json_ld_cannot_close_its_script(client, d):
    d["seura"].short_description_fi = "</script><script>alert(1)</script> & muuta"
    d["seura"].save()
    response = detail(client, d["seura"])
    html = response.content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(response)["description"].startswith("</script>")


def test_dissolved_association_is_404_for_the_public_visible_to_staff(world, d):
    url = reverse("associations:detail", args=[d["dissolved"].pk])
    assert world.client("anonymous").get(url).status_code == 404
    assert world.client("kempele_liaison").get(url).status_code == 404
    response = world.client("oulu_liaison").get(url)
    assert response.status_code == 200 and "merkitty lakanneeksi" in response.content.decode()


# -- an activity's page ---------------------------------------------------------------------------


def test_activity_page_tells_when_where_price_languages_and_registration(client, d):
    html = client.get(reverse("associations:activity", args=[d["choir"].pk])).content.decode()
    for text in [
        "Kuoro kylätalolla",
        "Kempeleen Kyläyhdistys ry",
        "Tiistaisin klo 18.00–20.00",
        "Kempeleen kylätalo, Kempele",
        "Maksuton",
        "suomi",
        "Aikuiset",
        "https://ilmoittaudu.example/kuoro",
    ]:
        assert text in html, text


def test_one_off_activity_with_a_price(client, d):
    from datetime import datetime

    from django.utils import timezone

    start = timezone.make_aware(datetime(2030, 5, 12, 18, 0))
    act = fx.activity(
        d["seura"],
        name_fi="Kevätkisat",
        kind=Activity.Kind.ONE_OFF,
        starts_at=start,
        ends_at=start.replace(hour=21),
        is_free=False,
        price="10 €",
    )
    html = client.get(reverse("associations:activity", args=[act.pk])).content.decode()
    assert "12.5.2030 klo 18.00–21.00" in html and "10 €" in html


def test_unpublished_activity_or_dissolved_association_is_404_for_the_public(world, d):
    gone = fx.activity(d["dissolved"], name_fi="Vanha kerho", weekday=1)
    for act in (d["hidden"], gone):
        url = reverse("associations:activity", args=[act.pk])
        assert world.client("anonymous").get(url).status_code == 404
        assert world.client("oulu_liaison").get(url).status_code == 200


# -- query counts: constant in the number of associations ------------------------------------------


def grow(municipality, count: int) -> None:
    for i in range(count):
        a = fx.association(
            name_fi=f"Kasvuseura {i:02d} ry",
            municipality=municipality,
            themes=["sport", "culture"],
            short_description_fi="Urheilua ja kulttuuria kylätalolla.",
        )
        fx.contact(a, f"Henkilö {i}", f"h{i}@example.fi", consent=i % 2 == 0)
        fx.activity(a, name_fi=f"Kerho kylätalolla {i}", weekday=i % 7)


# Measured at 5 and at 50 associations (the same); the bound is that plus two.
PAGES = [
    ("directory", "anonymous", OULU, {}, 8),  # 6
    ("directory-search", "anonymous", OULU, {"q": "kylätalolla", "teema": "sport"}, 9),  # 7
    ("directory-staff", "oulu_liaison", OULU, {"tila": "active"}, 11),  # 9
    ("region", "anonymous", REGION, {}, 9),  # 7
    ("region-search", "anonymous", REGION, {"q": "kasvuseura", "kunta": "564"}, 10),  # 8
]


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize(
    ("persona", "url", "params", "bound"),
    [pytest.param(p, u, q, b, id=i) for i, p, u, q, b in PAGES],
)
def test_directory_query_count_is_constant(
    world, django_assert_max_num_queries, size, persona, url, params, bound
):
    grow(world.oulu, size)
    client = world.client(persona)
    with django_assert_max_num_queries(bound):
        response = client.get(url, params)
    assert response.status_code == 200
    assert "Kasvuseura 00 ry" in names(response) or params.get("q") == "kylätalolla"


@pytest.mark.parametrize("persona", ["anonymous", "oulu_liaison"])
def test_detail_and_activity_query_counts(world, d, django_assert_max_num_queries, persona):
    for i in range(20):
        fx.activity(d["seura"], name_fi=f"Vuoro {i}", weekday=i % 7, groups=["adults"])
        fx.contact(d["seura"], f"Henkilö {i}", f"h{i}@example.fi", consent=i % 2 == 0)
    d["seura"].municipalities.add(world.kempele, world.helsinki)
    client = world.client(persona)
    with django_assert_max_num_queries(11):  # 6 anonymous, 9 signed in
        assert detail(client, d["seura"]).status_code == 200
    with django_assert_max_num_queries(6):  # 2 anonymous
        url = reverse("associations:activity", args=[d["choir"].pk])
        assert client.get(url).status_code == 200


# -- demo data ----------------------------------------------------------------------------------


def test_demo_activities_are_believable_and_loading_twice_changes_nothing(places):
    core_demo.load()
    first = directory_demo.load()
    assert first.created > 100
    again = directory_demo.load()
    assert again.created == 0 and again.associations == 0
    choir = Activity.objects.get(name_fi="Kuoro kylätalolla")
    assert (choir.weekday, choir.start_time.hour, choir.end_time.hour) == (1, 18, 20)
    assert choir.association.name_fi == "Kempeleen Kyläyhdistys ry"
    assert Activity.objects.filter(name_fi="Eläkeläisten kerho").exists()
    assert Activity.objects.filter(name_fi="Perhekahvila").exists()
    assert Activity.objects.filter(kind=Activity.Kind.ONE_OFF).exists()
    assert Association.objects.filter(name_fi="Oulun Urheiluseura ry").count() == 1


def test_demo_answers_the_issues_search_examples(client, places):
    core_demo.load()
    directory_demo.load()
    with translation.override("fi"):
        kempele = client.get(KEMPELE, {"q": "kylätalolla"})
        assert "Linnakankaan Kylätalo ry" in names(kempele)
        assert "Kuoro kylätalolla" in activities_shown(kempele)
        assert "Oulun Urheiluseura ry" in names(client.get(OULU, {"q": "urheiluseuran"}))
        assert "Kempeleen Kyläyhdistys ry" in names(client.get(KEMPELE, {"q": "yhdistyksen"}))
        assert "Eläkeläisten kerho" in activities_shown(client.get(OULU, {"q": "eläkeläiset"}))


def test_factory_associations_without_index_still_list(client, world):
    AssociationFactory(name_fi="Indeksoimaton seura", municipality=world.oulu)
    assert "Indeksoimaton seura" in names(client.get(OULU))


# -- national scale: a search counts at most COUNT_CAP matches (decision 0010) --------------


def test_search_with_more_matches_than_the_cap_says_more_than(client, d, monkeypatch):
    from silta.associations import search, views_public

    monkeypatch.setattr(views_public, "COUNT_CAP", 2)
    monkeypatch.setattr(views_public, "PAGE_SIZE", 2)
    theme = Theme.objects.order_by("pk").first()
    for i in range(4):
        a = AssociationFactory(
            name_fi=f"Kempeleen Laulukuoro {i} ry", municipality=municipality_of_kempele()
        )
        a.search_name = search.document(a.name_fi)
        a.save()
        a.themes.add(theme)
    # With a theme the matches are counted in SQL, at most up to the cap, on both databases.
    asked = {"q": "laulukuoro", "teema": theme.slug}
    response = client.get(KEMPELE, asked)
    html = response.content.decode()
    assert response.status_code == 200
    assert "yli 2 yhdistystä" in html  # not "4 yhdistystä": the count stopped at the cap
    assert len(names(response)) == 2
    assert 'rel="next"' in html  # and there is a next page
    second = client.get(KEMPELE, {**asked, "sivu": 2})
    assert len(names(second)) == 2
    assert names(second) != names(response)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite index counts")
def test_plain_search_on_sqlite_counts_every_match_from_the_index(client, d, monkeypatch):
    """Without other filters the SQLite full-text index counts the matches in the
    municipality itself (decision 0011): exact however many there are."""
    from silta.associations import search, views_public

    monkeypatch.setattr(views_public, "COUNT_CAP", 2)
    monkeypatch.setattr(views_public, "PAGE_SIZE", 2)
    for i in range(5):
        a = AssociationFactory(
            name_fi=f"Kempeleen Laulukuoro {i} ry", municipality=municipality_of_kempele()
        )
        a.search_name = search.document(a.name_fi)
        a.save()
    html = client.get(KEMPELE, {"q": "laulukuoro"}).content.decode()
    assert "5 yhdistystä" in html
    assert "yli" not in html.split("results-heading", 1)[1][:200]
    last = client.get(KEMPELE, {"q": "laulukuoro", "sivu": 3})
    assert names(last) == ["Kempeleen Laulukuoro 4 ry"]


def test_capped_count_is_thousands_in_finnish(client, d, monkeypatch):
    from silta.associations import search, views_public

    monkeypatch.setattr(views_public, "PAGE_SIZE", 1)
    monkeypatch.setattr(views_public, "COUNT_CAP", 1000)
    read = search.Ranked.read
    # As if there were more than 1 000 matches: the count stops at the cap.
    monkeypatch.setattr(
        search.Ranked, "read", lambda self, b, t, cap=None: (read(self, b, t, cap)[0], cap, True)
    )
    a = AssociationFactory(
        name_fi="Kempeleen Laulukuoro ry", municipality=municipality_of_kempele()
    )
    a.search_name = search.document(a.name_fi)
    a.save()
    html = client.get(KEMPELE, {"q": "laulukuoro"}).content.decode()
    assert "yli 1\xa0000 yhdistystä" in html
    assert "Sivu 1 /" not in html  # no last page is claimed when the count is capped


def test_a_new_theme_shows_in_the_filter_at_once(client, d):
    """The vocabularies are cached (silta.associations.vocabulary); saving one forgets it."""
    assert "Lautapelit" not in client.get(OULU).content.decode()
    theme = Theme.objects.create(slug="board-games", name_fi="Lautapelit", order=99)
    assert "Lautapelit" in client.get(OULU).content.decode()
    theme.name_fi = "Lauta- ja korttipelit"
    theme.save()
    assert "Lauta- ja korttipelit" in client.get(OULU).content.decode()
    theme.delete()
    assert "korttipelit" not in client.get(OULU).content.decode()
