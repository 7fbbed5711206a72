"""Public API v1: shapes, filters, Finnish search, pagination, consent, caching, CORS, errors
and a query bound that holds when the data grows."""

import json
import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from silta.associations import search
from silta.associations.models import (
    Activity,
    Association,
    ContactPerson,
    TargetGroup,
    Theme,
)

from .factories import AssociationFactory, municipality

API = "/api/v1"


def indexed(association):
    association.search_name = search.document(
        association.name_fi, association.name_sv, association.name_en
    )
    association.search_text = search.document(
        association.short_description_fi, association.description_fi
    )
    association.save()
    return association


def activity(association, **kwargs):
    kwargs.setdefault("municipality", association.municipality)
    kwargs.setdefault("name_fi", "Kyläkahvila")
    a = Activity.objects.create(association=association, **kwargs)
    a.search_name = search.document(a.name_fi, a.name_sv, a.name_en)
    a.search_text = search.document(a.description_fi, a.place_name)
    a.save()
    return a


def contact(association, name, email, **kwargs):
    return ContactPerson.objects.create(association=association, name=name, email=email, **kwargs)


@pytest.fixture
def directory(world):
    now = timezone.now()
    # The vocabularies come with the migrations.
    villages = Theme.objects.get(slug="village")
    sports = Theme.objects.get(slug="sport")
    elderly = TargetGroup.objects.get(slug="seniors")
    kempele = world.kempele_association
    kempele.name_sv = "Kempele byaförening"
    kempele.short_description_fi = "Kylän yhteinen yhdistys."
    kempele.description_fi = "Ylläpidämme kylätaloa ja järjestämme tapahtumia."
    kempele.accessibility_fi = "Kylätalolle pääsee pyörätuolilla."
    kempele.website = "https://kyla.example.fi/"
    kempele.email = "info@kyla.example.fi"
    kempele.languages = ["fi", "sv"]
    kempele.social_links = ["https://social.example/kempele"]
    kempele.confirmed_at = now
    kempele.logo = "logot/kyla.png"
    indexed(kempele)
    kempele.themes.set([villages])
    kempele.target_groups.set([elderly])
    kempele.municipalities.set([world.oulu])  # acts in Oulu too

    oulu = indexed(world.oulu_association)
    oulu.themes.set([villages])
    sport = indexed(
        AssociationFactory(
            name_fi="Oulun Urheiluseura",
            short_description_fi="Liikuntaa kaikenikäisille, myös yhdistyksen omalla kentällä.",
            municipality=world.oulu,
            languages=["fi"],
        )
    )
    sport.themes.set([sports])
    dormant = indexed(
        AssociationFactory(
            name_fi="Tauolla oleva kerho",
            municipality=world.oulu,
            status=Association.Status.DORMANT,
        )
    )
    dissolved = indexed(
        AssociationFactory(
            name_fi="Lakannut Yhdistys ry",
            municipality=world.oulu,
            status=Association.Status.DISSOLVED,
        )
    )
    helsinki = indexed(AssociationFactory(name_fi="Helsingin Kuoro", municipality=world.helsinki))

    consented = contact(
        kempele,
        "Kaisa Kontakti",
        "kaisa.kontakti@example.fi",
        phone="040 111 2222",
        role=ContactPerson.Role.CHAIR,
        consent_given_at=now,
        consent_name=True,
        consent_email=True,
        consent_phone=False,
    )
    unconsented = contact(
        kempele, "Salainen Sami", "sami.salainen@example.fi", phone="040 999 9999"
    )
    withdrawn = contact(
        kempele,
        "Peruttu Pia",
        "pia.peruttu@example.fi",
        consent_given_at=now - timedelta(days=30),
        consent_withdrawn_at=now,
        consent_name=True,
        consent_email=True,
    )
    dissolved_contact = contact(
        dissolved,
        "Lakkautettu Lasse",
        "lasse.lakkautettu@example.fi",
        consent_given_at=now,
        consent_name=True,
        consent_email=True,
    )

    cafe = activity(
        kempele,
        name_fi="Kyläkahvila",
        name_en="Village café",
        description_fi="Kahvia ja juttuseuraa kylätalolla.",
        weekday=1,
        start_time=time(10),
        end_time=time(12),
        place_name="Kylätalo",
    )
    cafe.target_groups.set([elderly])
    oulu_activity = activity(
        sport, name_fi="Sählyvuoro", weekday=3, start_time=time(18), place_name="Liikuntahalli"
    )
    hidden = activity(kempele, name_fi="Salainen hallituksen kokous", is_published=False)
    gone = activity(dissolved, name_fi="Lakanneen toiminta", weekday=2)
    past = activity(
        kempele,
        name_fi="Viime vuoden kesäjuhla",
        kind=Activity.Kind.ONE_OFF,
        starts_at=now - timedelta(days=300),
        ends_at=now - timedelta(days=300) + timedelta(hours=3),
    )
    upcoming = activity(
        kempele,
        name_fi="Joulumyyjäiset",
        kind=Activity.Kind.ONE_OFF,
        starts_at=now + timedelta(days=20),
    )
    return {
        "kempele": kempele,
        "oulu": oulu,
        "sport": sport,
        "dormant": dormant,
        "dissolved": dissolved,
        "helsinki": helsinki,
        "villages": villages,
        "sports": sports,
        "elderly": elderly,
        "consented": consented,
        "unconsented": unconsented,
        "withdrawn": withdrawn,
        "dissolved_contact": dissolved_contact,
        "cafe": cafe,
        "oulu_activity": oulu_activity,
        "hidden": hidden,
        "gone": gone,
        "past": past,
        "upcoming": upcoming,
    }


def get(client, path, headers=None):
    response = client.get(API + path, headers=headers or {})
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    return response


def names(response) -> list[str]:
    return [a["name"]["fi"] for a in response.json()["results"]]


# ------------------------------------------------------------------ shapes


def test_municipalities_have_codes_names_regions_and_language_status(client, places):
    response = get(client, "/municipalities")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 308
    oulu = next(m for m in rows if m["code"] == "564")
    assert oulu["name"]["fi"] == "Oulu" and set(oulu["name"]) == {"fi", "sv", "en"}
    assert oulu["region"]["code"] == "17"
    assert oulu["region"]["name"]["fi"] == "Pohjois-Pohjanmaa"
    assert oulu["language_status"] == "fi"
    helsinki = next(m for m in rows if m["code"] == "091")
    assert helsinki["language_status"] == "fi-sv" and helsinki["name"]["sv"] == "Helsingfors"


def test_themes_and_target_groups(client, directory):
    themes = get(client, "/themes").json()
    assert themes[0] == {
        "slug": "sport",
        "name": {
            "fi": "Urheilu ja liikunta",
            "sv": "Idrott och motion",
            "en": "Sport and exercise",
        },
    }
    assert len(themes) == Theme.objects.count() >= 10
    groups = get(client, "/target-groups").json()
    assert {
        "slug": "seniors",
        "name": {"fi": "Ikäihmiset", "sv": "Äldre", "en": "Older people"},
    } in (groups)


def test_association_list_shape_and_dissolved_hidden(client, directory):
    response = get(client, "/associations")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "count_exact", "next", "previous", "results"}
    assert data["count"] == 5
    assert "Lakannut Yhdistys ry" not in names(response)
    kempele = next(a for a in data["results"] if a["id"] == directory["kempele"].pk)
    assert kempele["name"] == {
        "fi": "Kempeleen Kyläyhdistys ry",
        "sv": "Kempele byaförening",
        "en": "",
    }
    assert kempele["short_description"] == {"fi": "Kylän yhteinen yhdistys.", "sv": "", "en": ""}
    assert kempele["municipality"] == "244"
    assert kempele["themes"] == [
        {
            "slug": "village",
            "name": {"fi": "Kylätoiminta", "sv": "Byaverksamhet", "en": "Village activities"},
        }
    ]
    assert kempele["target_groups"][0]["slug"] == "seniors"
    assert kempele["languages"] == ["fi", "sv"]
    assert kempele["status"] == "active"
    assert kempele["logo"] == "http://testserver/media/logot/kyla.png"
    assert kempele["api_url"] == f"http://testserver/api/v1/associations/{directory['kempele'].pk}"
    dormant = next(a for a in data["results"] if a["id"] == directory["dormant"].pk)
    assert dormant["status"] == "dormant"


def test_association_detail_is_the_full_public_profile(client, directory):
    kempele = directory["kempele"]
    response = get(client, f"/associations/{kempele.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["name"]["fi"] == "Kempeleen Kyläyhdistys ry"
    assert data["description"] == {
        "fi": "Ylläpidämme kylätaloa ja järjestämme tapahtumia.",
        "sv": "",
        "en": "",
    }
    assert data["accessibility"]["fi"] == "Kylätalolle pääsee pyörätuolilla."
    assert data["website"] == "https://kyla.example.fi/"
    assert data["email"] == "info@kyla.example.fi"
    assert data["social_links"] == ["https://social.example/kempele"]
    assert data["municipality"] == "244"
    assert data["municipalities"] == ["564"]
    assert data["confirmed_at"] is not None
    assert data["logo"] == "http://testserver/media/logot/kyla.png"
    assert [a["name"]["fi"] for a in data["activities"]] == ["Kyläkahvila", "Joulumyyjäiset"]
    cafe = data["activities"][0]
    assert cafe["name"] == {"fi": "Kyläkahvila", "sv": "", "en": "Village café"}
    assert cafe["weekday"] == 1 and cafe["start_time"] == "10:00:00"
    assert cafe["kind"] == "recurring" and cafe["municipality"] == "244"
    assert cafe["target_groups"][0]["name"]["sv"] == "Äldre"
    assert cafe["association"] == {"id": kempele.pk, "name": data["name"]}


def test_consented_contact_shows_only_consented_fields(client, directory):
    data = get(client, f"/associations/{directory['kempele'].pk}").json()
    assert data["contacts"] == [
        {
            "role": "chair",
            "role_name": data["contacts"][0]["role_name"],
            "name": "Kaisa Kontakti",
            "email": "kaisa.kontakti@example.fi",
            "phone": None,
        }
    ]
    assert data["contacts"][0]["role_name"]["fi"] == "puheenjohtaja"


def test_unconsented_or_withdrawn_contact_never_appears_anywhere(client, directory):
    secrets = [
        "sami.salainen@example.fi",
        "Salainen Sami",
        "040 999 9999",
        "pia.peruttu@example.fi",
        "Peruttu Pia",
        "040 111 2222",  # consented person, but no consent for the phone
        "lasse.lakkautettu@example.fi",  # dissolved association
    ]
    kempele = directory["kempele"].pk
    paths = [
        "/associations",
        "/associations?municipality=244",
        "/associations?municipality=564&page_size=100",
        "/associations?q=kyläyhdistys",
        "/associations?q=salainen",
        f"/associations/{kempele}",
        "/activities",
        f"/activities?association={kempele}",
        f"/activities/{directory['cafe'].pk}",
        "/municipalities",
        "/themes",
        "/target-groups",
        "/openapi.json",
    ]
    for path in paths:
        response = client.get(API + path)
        assert response.status_code == 200, (path, response.content[:200])
        raw = response.content.decode()
        for secret in secrets:
            assert secret not in raw, (path, secret)
    assert client.get(f"{API}/associations/{directory['dissolved'].pk}").status_code == 404


def test_dissolved_association_and_hidden_activities_are_404(client, directory):
    for path in [
        f"/associations/{directory['dissolved'].pk}",
        f"/activities/{directory['hidden'].pk}",
        f"/activities/{directory['gone'].pk}",
        "/associations/999999",
        "/activities/999999",
    ]:
        response = get(client, path)
        assert response.status_code == 404, path
        assert response.json()["detail"]
    assert get(client, f"/activities/{directory['past'].pk}").status_code == 200


# ------------------------------------------------------------------ filters and search


def test_municipality_filter_includes_associations_acting_there(client, directory):
    oulu = names(get(client, "/associations?municipality=564"))
    assert oulu == [
        "Kempeleen Kyläyhdistys ry",
        "Oulun Kyläyhdistys ry",
        "Oulun Urheiluseura",
        "Tauolla oleva kerho",
    ]
    assert names(get(client, "/associations?municipality=244")) == ["Kempeleen Kyläyhdistys ry"]
    assert names(get(client, "/associations?municipality=91")) == ["Helsingin Kuoro"]


def test_search_understands_inflected_finnish_and_ranks_names_first(client, directory):
    assert names(get(client, "/associations?q=yhdistyksen&municipality=244")) == [
        "Kempeleen Kyläyhdistys ry"
    ]
    found = names(get(client, "/associations?q=yhdistyksen"))
    # Name matches first, then the sports club whose description mentions "yhdistyksen".
    assert found == ["Kempeleen Kyläyhdistys ry", "Oulun Kyläyhdistys ry", "Oulun Urheiluseura"]
    assert names(get(client, "/associations?q=byaförening")) == ["Kempeleen Kyläyhdistys ry"]
    assert names(get(client, "/associations?q=lakannut")) == []


def test_theme_target_group_and_language_filters(client, directory):
    assert names(get(client, "/associations?theme=sport")) == ["Oulun Urheiluseura"]
    assert names(get(client, "/associations?theme=village&municipality=564")) == [
        "Kempeleen Kyläyhdistys ry",
        "Oulun Kyläyhdistys ry",
    ]
    assert names(get(client, "/associations?target_group=seniors")) == ["Kempeleen Kyläyhdistys ry"]
    assert names(get(client, "/associations?language=sv")) == ["Kempeleen Kyläyhdistys ry"]
    assert names(get(client, "/associations?language=fi-sign")) == []


def test_activities_filters_and_search(client, directory):
    all_names = [a["name"]["fi"] for a in get(client, "/activities").json()["results"]]
    assert sorted(all_names) == ["Joulumyyjäiset", "Kyläkahvila", "Sählyvuoro"]
    oulu = get(client, "/activities?municipality=564").json()["results"]
    assert [a["name"]["fi"] for a in oulu] == ["Sählyvuoro"]
    kempele = get(client, f"/activities?association={directory['kempele'].pk}").json()
    assert kempele["count"] == 2
    found = get(client, "/activities?q=kylätalolla").json()["results"]
    assert [a["name"]["fi"] for a in found] == ["Kyläkahvila"]
    elderly = get(client, "/activities?target_group=seniors").json()["results"]
    assert [a["name"]["fi"] for a in elderly] == ["Kyläkahvila"]
    gone = get(client, f"/activities?association={directory['dissolved'].pk}")
    assert gone.status_code == 404


# ------------------------------------------------------------------ pagination


@pytest.fixture
def many(places):
    oulu = municipality("564")
    for i in range(25):
        AssociationFactory(name_fi=f"Seura {i:02d}", municipality=oulu)


def test_pagination_links_keep_the_other_parameters(client, many):
    first = get(client, "/associations?municipality=564&page_size=10&lang=fi").json()
    assert first["count"] == 25
    assert [a["name"]["fi"] for a in first["results"]][:2] == ["Seura 00", "Seura 01"]
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/associations?")
    assert "municipality=564" in first["next"] and "page_size=10" in first["next"]
    assert "lang=fi" in first["next"] and "page=2" in first["next"]

    second = client.get(first["next"]).json()
    assert [a["name"]["fi"] for a in second["results"]][0] == "Seura 10"
    assert "page=1" in second["previous"] and "page=3" in second["next"]

    third = client.get(second["next"]).json()
    assert len(third["results"]) == 5 and third["next"] is None
    assert third["count"] == 25


def test_default_and_maximum_page_size(client, many):
    assert len(get(client, "/associations").json()["results"]) == 20
    assert len(get(client, "/associations?page_size=100").json()["results"]) == 25


def test_empty_result_is_an_empty_first_page(client, places):
    data = get(client, "/associations?municipality=091").json()
    assert data == {
        "count": 0,
        "count_exact": True,
        "next": None,
        "previous": None,
        "results": [],
    }


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("path", "status", "parameter"),
    [
        ("/associations?municipality=999", 404, "municipality"),
        ("/associations?municipality=oulu", 404, "municipality"),
        ("/activities?municipality=1234", 404, "municipality"),
        ("/associations?page=0", 400, "page"),
        ("/associations?page=-1", 400, "page"),
        ("/associations?page=abc", 400, "page"),
        ("/associations?page=1.5", 400, "page"),
        ("/associations?page=99", 404, "page"),
        ("/associations?page=99999999999999999999999", 404, "page"),
        ("/activities?page=0", 400, "page"),
        ("/activities?page=50", 404, "page"),
        ("/associations?page_size=0", 400, "page_size"),
        ("/associations?page_size=1000", 400, "page_size"),
        ("/associations?page_size=x", 400, "page_size"),
        ("/activities?page_size=101", 400, "page_size"),
        ("/associations?q=" + "a" * 201, 400, "q"),
        ("/activities?q=" + "a" * 201, 400, "q"),
        ("/associations?theme=ei-ole", 400, "theme"),
        ("/associations?theme=", 400, "theme"),
        ("/associations?theme=%3Cscript%3E", 400, "theme"),
        ("/associations?target_group=ei-ole", 400, "target_group"),
        ("/activities?target_group=ei-ole", 400, "target_group"),
        ("/associations?language=klingon", 400, "language"),
        ("/activities?association=abc", 400, "association"),
        ("/activities?association=999999", 404, "association"),
        ("/associations?theme=%00", 400, "theme"),
        ("/associations?target_group=a%00b", 400, "target_group"),
        ("/associations?language=%00", 400, "language"),
        ("/associations?municipality=%00", 404, "municipality"),
        ("/associations?q=%00", 200, None),
        ("/activities?q=kahvila%00", 200, None),
        ("/activities?association=99999999999999999999", 404, "association"),
        ("/associations/99999999999999999999", 404, None),
        ("/activities/99999999999999999999", 404, None),
        ("/associations/abc", 404, None),
        ("/ei-tallaista", 404, None),
    ],
)
def test_bad_parameters_get_a_json_error_never_a_500(client, directory, path, status, parameter):
    response = get(client, path)
    assert response.status_code == status, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    if status == 200:
        return
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"] and isinstance(body["errors"], list)
    if parameter:
        assert body["errors"][0]["parameter"] == parameter, body
        assert body["errors"][0]["message"] and body["errors"][0]["code"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_error_messages_are_finnish_and_follow_lang_and_accept_language(client, directory):
    fi = get(client, "/associations?page_size=0").json()["detail"]
    assert fi == "Sivun koon pitää olla kokonaisluku väliltä 1–100."
    sv = get(client, "/associations?page_size=0&lang=sv").json()["detail"]
    en = get(client, "/associations?page_size=0", headers={"Accept-Language": "en"}).json()[
        "detail"
    ]
    assert sv == "Sidstorleken ska vara ett heltal mellan 1 och 100."
    assert en == "The page size must be a whole number from 1 to 100."
    missing = get(client, "/associations?municipality=999&lang=en").json()
    assert missing["detail"].startswith("No municipality has the code 999")
    page = get(client, "/associations?page=9", headers={"Accept-Language": "sv"})
    assert page.json()["detail"] == "Sidan 9 finns inte. Den sista sidan är 1."


def test_write_methods_are_refused(client, directory):
    response = client.post(f"{API}/associations", data={})
    assert response.status_code == 405
    assert response.json()["detail"]
    assert client.delete(f"{API}/associations/{directory['kempele'].pk}").status_code == 405
    assert Association.objects.filter(pk=directory["kempele"].pk).exists()


# ------------------------------------------------------------------ HTTP: CORS, caching, HEAD


def test_cors_headers_and_preflight(client, directory):
    response = client.get(f"{API}/associations", headers={"Origin": "https://www.ouka.fi"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response
    assert "Set-Cookie" not in response and not response.cookies

    preflight = client.options(
        f"{API}/associations?municipality=564",
        headers={
            "Origin": "https://www.ouka.fi",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert int(preflight["Access-Control-Max-Age"]) > 0


def test_etag_and_304(client, directory):
    path = f"{API}/associations?municipality=564"
    first = client.get(path)
    etag = first["ETag"]
    assert etag.startswith('"') and "max-age=60" in first["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Access-Control-Allow-Origin"] == "*"

    # Any change in what is shown changes the tag, also one outside the association row.
    directory["villages"].name_en = "Villages and hamlets"
    directory["villages"].save()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag

    detail = f"{API}/associations/{directory['kempele'].pk}"
    tag = client.get(detail)["ETag"]
    directory["consented"].consent_withdrawn_at = timezone.now()
    directory["consented"].save()
    after = client.get(detail, headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert "kaisa.kontakti@example.fi" not in after.content.decode()


def test_head_is_get_without_a_body(client, directory):
    get_response = client.get(f"{API}/themes")
    head = client.head(f"{API}/themes")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get_response["ETag"]
    assert head["Access-Control-Allow-Origin"] == "*"


# ------------------------------------------------------------------ OpenAPI and the docs page


def test_openapi_document_lists_every_endpoint(client, places):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1"
    assert set(schema["paths"]) >= {
        "/api/v1/municipalities",
        "/api/v1/themes",
        "/api/v1/target-groups",
        "/api/v1/associations",
        "/api/v1/associations/{association_id}",
        "/api/v1/activities",
        "/api/v1/activities/{activity_id}",
    }
    params = {p["name"] for p in schema["paths"]["/api/v1/associations"]["get"]["parameters"]}
    assert params >= {"municipality", "q", "theme", "target_group", "language", "page", "page_size"}
    assert "400" in schema["paths"]["/api/v1/associations"]["get"]["responses"]


def test_docs_page_is_our_own_and_loads_nothing_from_elsewhere(client, places):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fi">' in html
    assert "Avoin rajapinta" in html
    for route in ["/api/v1/associations", "/api/v1/activities", "/api/v1/municipalities"]:
        assert route in html
    assert "page_size" in html and "curl" in html
    assert "data-silta-directory" in html
    # No script, style or font from elsewhere (a random CSRF token may contain "cdn").
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html.split("<body", 1)[0])
    assert not re.search(r"""<script[^>]+src=["'](https?:)?//""", html)
    assert "swagger" not in html.lower() and "cdn.jsdelivr" not in html.lower()


def test_api_index(client, places):
    data = get(client, "/").json()
    assert data["docs"] == "http://testserver/api/v1/docs"
    assert data["endpoints"]["associations"] == "http://testserver/api/v1/associations"


# ------------------------------------------------------------------ the query bound


def grow(count: int) -> None:
    """`count` more Oulu associations, each with themes, a target group, contacts and
    activities, so that a missing prefetch shows up as more queries."""
    oulu = municipality("564")
    themes = list(Theme.objects.all())
    groups = list(TargetGroup.objects.all())
    now = timezone.now()
    for i in range(count):
        a = AssociationFactory(name_fi=f"Kasvuseura {i:03d} ry", municipality=oulu)
        indexed(a)
        a.themes.set(themes)
        a.target_groups.set(groups)
        a.municipalities.set([municipality("244")])
        for n in range(2):
            contact(
                a,
                f"Henkilö {i}-{n}",
                f"h{i}-{n}@example.fi",
                consent_given_at=now,
                consent_name=True,
                consent_email=True,
            )
            act = activity(a, name_fi=f"Kerho {i}-{n}", weekday=n, start_time=time(17))
            act.target_groups.set(groups)


BOUNDS = [
    # The lookups of filter values (municipality, theme, target group) are one query each;
    # the count is skipped when the first page is not full; every related list is one
    # prefetch.
    ("/municipalities", 1),
    ("/themes", 1),
    ("/target-groups", 1),
    ("/associations", 4),
    ("/associations?page=2&page_size=2", 4),
    ("/associations?municipality=564&q=seura&theme=village&target_group=seniors", 7),
    ("/associations?municipality=564&language=fi&page_size=100", 5),
    ("/associations/{kempele}", 7),
    ("/associations/{grown}", 7),
    ("/activities", 3),
    ("/activities?municipality=564&target_group=seniors&page=1", 5),
    ("/activities?association={kempele}&q=kahvila", 4),
    ("/activities/{cafe}", 2),
]


@pytest.mark.parametrize(("path", "bound"), BOUNDS)
def test_query_count_stays_bounded_as_data_grows(
    client, directory, django_assert_max_num_queries, path, bound
):
    def run():
        grown = Association.objects.filter(name_fi__startswith="Kasvuseura").first()
        url = API + path.format(
            kempele=directory["kempele"].pk,
            grown=grown.pk if grown else directory["oulu"].pk,
            cafe=directory["cafe"].pk,
        )
        with django_assert_max_num_queries(bound):
            response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response

    run()
    grow(35)
    response = run()
    if "results" in response.json() and "page=2" not in path and "association=" not in path:
        assert response.json()["results"], path


# ------------------------------------------------------------------ capped counts


def test_activities_are_counted_up_to_the_cap_and_say_so(client, places, monkeypatch):
    from silta.api import queries

    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 3)
    oulu = municipality("564")
    club = indexed(AssociationFactory(name_fi="Oulun Kerho ry", municipality=oulu))
    for day in range(5):
        activity(club, name_fi=f"Kerhoilta {day}", kind=Activity.Kind.RECURRING, weekday=day)
    first = get(client, "/activities?municipality=564&page_size=2").json()
    assert (first["count"], first["count_exact"]) == (3, False)  # "more than 3"
    assert [a["name"]["fi"] for a in first["results"]] == ["Kerhoilta 0", "Kerhoilta 1"]
    last = get(client, "/activities?municipality=564&page_size=2&page=3").json()
    assert [a["name"]["fi"] for a in last["results"]] == ["Kerhoilta 4"]
    assert (last["count"], last["count_exact"], last["next"]) == (5, True, None)
    beyond = get(client, "/activities?municipality=564&page_size=2&page=4")
    assert beyond.status_code == 404
    assert beyond.json()["errors"][0]["code"] == "beyond_last_page"


def test_search_counts_are_exact_or_say_they_are_not(client, places, monkeypatch):
    from silta.api import queries

    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 2)
    oulu = municipality("564")
    for i in range(4):
        indexed(AssociationFactory(name_fi=f"Oulun Laulukuoro {i} ry", municipality=oulu))
    data = get(client, "/associations?municipality=564&q=laulukuoro&page_size=1").json()
    if connection.vendor == "sqlite":  # counted by the full-text index itself
        assert (data["count"], data["count_exact"]) == (4, True)
    else:
        assert (data["count"], data["count_exact"]) == (2, False)
    assert data["next"] is not None
    with_theme = get(
        client, "/associations?municipality=564&q=laulukuoro&page_size=1&theme=culture"
    ).json()
    assert (with_theme["count"], with_theme["count_exact"]) == (0, True)
