"""The municipal widget: widget.js, the frameable directory page inside the iframe, and the
demo page that embeds it the way a municipality would."""

import re

import pytest

from silta.associations import search
from silta.associations.models import Association, Theme

from .factories import AssociationFactory, municipality


def indexed(association):
    association.search_name = search.document(
        association.name_fi, association.name_sv, association.name_en
    )
    association.search_text = search.document(
        association.short_description_fi, association.description_fi
    )
    association.save()
    return association


@pytest.fixture
def directory(world):
    kempele = world.kempele_association
    kempele.name_sv = "Kempele byaförening"
    kempele.short_description_fi = "Kylän yhteinen yhdistys."
    kempele.website = "https://kyla.example.fi/"
    indexed(kempele)
    kempele.municipalities.set([world.oulu])
    kempele.themes.set([Theme.objects.get(slug="village")])
    indexed(world.oulu_association)
    sport = indexed(
        AssociationFactory(
            name_fi="Oulun Urheiluseura",
            name_sv="Uleåborgs Idrottsförening",
            name_en="Oulu Sports Club",
            short_description_fi="Liikuntaa kaikenikäisille.",
            short_description_en="Sports for all ages.",
            municipality=world.oulu,
        )
    )
    sport.themes.set([Theme.objects.get(slug="sport")])
    indexed(
        AssociationFactory(
            name_fi="Lakannut Yhdistys ry",
            municipality=world.oulu,
            status=Association.Status.DISSOLVED,
        )
    )
    indexed(AssociationFactory(name_fi="Helsingin Kuoro", municipality=world.helsinki))
    return {"kempele": kempele, "sport": sport}


def widget(client, query="", **headers):
    return client.get(f"/api/widget/564/{query}", headers=headers)


def text_of(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------ framing and privacy


def test_widget_page_may_be_framed_by_any_site(client, directory):
    response = widget(client, "?lang=fi")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors *" in csp
    # The rest of the policy stays as strict as everywhere else.
    assert "script-src 'self' 'nonce-" in csp and "default-src 'self'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response and not response.cookies


@pytest.mark.parametrize(
    "path", ["/", "/api/v1/docs", "/api/widget/demo/", "/kunnat/564/", "/tili/login/"]
)
def test_other_pages_still_refuse_to_be_framed(client, places, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["X-Frame-Options"] == "DENY", path
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path


def test_missing_municipality_is_a_frameable_404(client, places):
    response = client.get("/api/widget/999/?lang=fi")
    assert response.status_code == 404
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "Kuntaa ei löydy" in text_of(response)


def test_links_open_silta_in_a_new_tab_without_referrer(client, directory):
    html = text_of(widget(client, "?lang=fi"))
    blank = re.findall(r"<a [^>]*target=\"_blank\"[^>]*>", html)
    assert blank, html
    for tag in blank:
        assert 'rel="noopener noreferrer"' in tag, tag
    assert 'href="https://kyla.example.fi/"' in html
    assert "(avautuu uuteen välilehteen)" in html


def test_widget_loads_nothing_from_other_sites(client, directory):
    html = text_of(widget(client, "?lang=fi"))
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        if src.startswith("http"):
            # Only links that a person chooses to follow, never an automatic load.
            assert re.search(rf'<a [^>]*href="{re.escape(src)}"', html), src
        else:
            assert src.startswith(("/", "?", "#")), src


# ------------------------------------------------------------------ content


def test_widget_shows_only_the_municipalitys_public_associations(client, directory):
    html = text_of(widget(client, "?lang=fi"))
    assert "Yhdistykset: Oulu" in html
    assert "Oulun Kyläyhdistys ry" in html
    assert "Oulun Urheiluseura" in html
    assert "Kempeleen Kyläyhdistys ry" in html  # acts in Oulu too
    assert "Helsingin Kuoro" not in html
    assert "Lakannut Yhdistys ry" not in html
    assert "3 yhdistystä" in html


def test_search_in_the_widget_understands_finnish(client, directory):
    html = text_of(widget(client, "?lang=fi&q=yhdistyksen"))
    assert "Kempeleen Kyläyhdistys ry" in html and "Oulun Kyläyhdistys ry" in html
    assert "Oulun Urheiluseura" not in html
    assert 'value="yhdistyksen"' in html

    by_theme = text_of(widget(client, "?lang=fi&theme=sport"))
    assert "Oulun Urheiluseura" in by_theme and "Kyläyhdistys" not in by_theme
    assert '<option value="sport" selected>' in by_theme

    nothing = text_of(widget(client, "?lang=fi&q=sukellus"))
    assert "Hakuehdoilla ei löytynyt yhdistyksiä" in nothing


def test_htmx_request_gets_only_the_results_and_a_status_update(client, directory):
    response = widget(client, "?lang=fi&q=urheiluseuran", **{"HX-Request": "true"})
    html = text_of(response)
    assert "<html" not in html and "<form" not in html
    assert 'id="sw-results"' in html and "Oulun Urheiluseura" in html
    assert 'hx-swap-oob="true"' in html and 'role="status"' in html
    assert "HX-Request" in response["Vary"]


def test_paging_in_the_widget(client, places):
    oulu = municipality("564")
    for i in range(23):
        AssociationFactory(name_fi=f"Seura {i:02d}", municipality=oulu)
    first = text_of(widget(client, "?lang=fi"))
    assert "Seura 00" in first and "Seura 10" not in first
    assert "Sivu 1 / 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert 'href="?lang=fi&amp;page=2"' in first
    second = text_of(widget(client, "?lang=fi&page=2"))
    assert "Seura 10" in second and 'rel="prev"' in second
    # A page past the end or not a number shows a page rather than an error.
    assert "Seura 22" in text_of(widget(client, "?lang=fi&page=99"))
    assert "Seura 00" in text_of(widget(client, "?lang=fi&page=abc"))
    assert "Seura 00" in text_of(widget(client, "?lang=fi&page=0"))


def test_widget_in_swedish_and_english(client, directory):
    sv = widget(client, "?lang=sv")
    html = text_of(sv)
    assert sv["Content-Language"] == "sv"
    assert '<html lang="sv">' in html
    assert "Föreningar: Uleåborg" in html
    assert "Uleåborgs Idrottsförening" in html
    assert "Kempele byaförening" in html
    # Without a Swedish name the Finnish one is shown and marked as Finnish.
    assert '<h2 class="sw-name" lang="fi">' in html and "Oulun Kyläyhdistys ry" in html
    assert "Sök" in html

    en = text_of(widget(client, "?lang=en"))
    assert '<html lang="en">' in en
    assert "Associations: Oulu" in en
    assert "Oulu Sports Club" in en and "Sports for all ages." in en
    assert "(opens in a new tab)" in en

    # Anything else falls back to Finnish.
    assert '<html lang="fi">' in text_of(widget(client, "?lang=de"))


def test_widget_query_count_is_bounded(client, directory, django_assert_max_num_queries):
    oulu = municipality("564")
    themes = list(Theme.objects.all()[:3])
    for round_ in range(2):
        with django_assert_max_num_queries(6):
            response = widget(client, "?lang=fi&q=seura")
        assert response.status_code == 200
        for i in range(30):
            a = indexed(AssociationFactory(name_fi=f"Kasvuseura {round_}-{i}", municipality=oulu))
            a.themes.set(themes)


# ------------------------------------------------------------------ widget.js and the demo


def test_widget_js_is_small_plain_and_cacheable(client, places):
    response = client.get("/api/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=3600" in response["Cache-Control"]
    js = text_of(response)
    assert "data-silta-directory" in js and "postMessage" in js
    assert "event.origin !== origin" in js
    for forbidden in ["document.cookie", "localStorage", "fetch(", "XMLHttpRequest", "http://"]:
        assert forbidden not in js, forbidden
    assert len(response.content) < 8000
    again = client.get("/api/widget.js", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_demo_page_is_a_plain_municipal_page_with_the_documented_snippet(client, places):
    response = client.get("/api/widget/demo/")
    assert response.status_code == 200
    html = text_of(response)
    assert 'class="site-header"' not in html  # not Silta's layout
    assert "Järjestöt ja yhdistykset" in html
    snippet = (
        '<div data-silta-directory data-municipality="564" data-lang="fi"></div>\n'
        '<script src="http://testserver/api/widget.js" defer></script>'
    )
    assert snippet in html
    docs = text_of(client.get("/api/v1/docs"))
    escaped = snippet.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped.replace('"', "&quot;") in docs


@pytest.mark.parametrize(
    "query",
    [
        "?q=%00&theme=%00&page=%00&lang=%00",
        "?q=" + "a" * 500,
        "?theme=ei-ole&page=-5",
        "?page=99999999999999999999",
    ],
)
def test_odd_input_still_shows_the_directory(client, directory, query):
    response = widget(client, query)
    assert response.status_code == 200
    assert "Yhdistykset: Oulu" in text_of(response)


def test_widget_says_more_than_when_the_count_stops_at_the_cap(client, places, monkeypatch):
    from silta.api import queries

    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 2)
    oulu = municipality("564")
    culture = Theme.objects.get(slug="culture")
    for i in range(13):
        a = indexed(AssociationFactory(name_fi=f"Oulun Teatteri {i:02d} ry", municipality=oulu))
        a.themes.add(culture)
    html = text_of(widget(client, "?lang=fi&q=teatteri&theme=culture"))
    assert "yli 10 yhdistystä, sivu 1" in html  # counted up to the end of the page only
    assert "Sivu 1 /" not in html and 'rel="next"' in html
    second = text_of(widget(client, "?lang=fi&q=teatteri&theme=culture&page=2"))
    assert "Oulun Teatteri 12 ry" in second and "13 yhdistystä" in second
