"""A search read a page at a time (search.Ranked, decision 0011): name matches first, then
the rest, each in name order, across page boundaries; limited to the municipalities the
association is at home or acting in, which on SQLite the full-text index itself holds and
keeps in step with every change. Both databases."""

import json

import pytest
from django.db import connection

from silta.associations import fulltext, search
from silta.associations.models import Activity, Association, activity_public_order
from silta.core.paging import rows_by_ids

from .factories import AssociationFactory, municipality


def _indexed(**kwargs):
    a = AssociationFactory(**kwargs)
    a.search_name = search.document(a.name_fi)
    a.search_text = search.document(a.description_fi)
    a.save()
    return a


def _check_index():
    if connection.vendor == "sqlite":
        for table in fulltext.TABLES:
            fulltext.check_sqlite(connection, table)  # raises when the index is off


def _names(ids):
    return [a.name_fi for a in rows_by_ids(Association, ids)]


def _ranked(q, codes=None, **kwargs):
    ids = None if codes is None else [municipality(c).pk for c in codes]
    qs = Association.objects.public().order_by("name_fi", "pk")
    return search.Ranked(qs, q, municipalities=ids, plain=True, **kwargs)


def _all_pages(ranked, size):
    """Every page of `size` in turn, as a person paging through would see them."""
    seen, number = [], 1
    while True:
        bottom = (number - 1) * size
        ids, count, capped = ranked.read(bottom, bottom + size, 1000)
        if not ids:
            return seen, count, capped
        seen += _names(ids)
        number += 1


# The choirs fixture's names in search order: name matches, then the rest.
EVERY_CHOIR = [
    "Oulun Kuoro A ry",
    "Oulun Kuoro B ry",
    "Oulun Kuoro C ry",
    "Oulun Kuoro D ry",
    "Oulun Kuoro E ry",
    "X Laulajat ry",
    "Y Laulajat ry",
    "Z Laulajat ry",
]


@pytest.fixture
def choirs(places):
    oulu = municipality("564")
    named = [_indexed(name_fi=f"Oulun Kuoro {c} ry", municipality=oulu) for c in "DBAEC"]
    described = [
        _indexed(name_fi=f"{c} Laulajat ry", description_fi="Kuoro harjoittelee", municipality=oulu)
        for c in "ZYX"
    ]
    _indexed(name_fi="Oulun Shakkikerho ry", municipality=oulu)
    return named, described


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 20])
def test_pages_give_name_matches_first_then_the_rest_in_name_order(choirs, size):
    seen, count, capped = _all_pages(_ranked("kuoro", ["564"]), size)
    assert seen == EVERY_CHOIR
    assert (count, capped) == (8, False)


def test_pages_match_the_one_query_order_of_apply(choirs):
    ranked = _ranked("kuoro", ["564"])
    ids, _count, _capped = ranked.read(0, 20, 1000)
    assert ids == list(ranked.queryset().values_list("pk", flat=True))


def test_walking_in_name_order_finds_the_same_as_sorting(choirs, monkeypatch):
    """SQLite reads a country-wide tier with many matches by walking the name index; the
    pages must be the same as when its matches are sorted."""
    sorted_pages = _all_pages(_ranked("kuoro"), 3)
    monkeypatch.setattr(search, "WALK_ABOVE", 0)
    assert _all_pages(_ranked("kuoro"), 3) == sorted_pages
    assert sorted_pages[0][0] == "Oulun Kuoro A ry"


def test_a_capped_count_still_pages_to_the_end(choirs):
    ranked = _ranked("kuoro", ["564"])
    ids, count, capped = ranked.read(0, 2, 3)
    if connection.vendor == "sqlite":
        # Only the public rows and the search: the index counts them all, exactly.
        assert (count, capped) == (8, False)
    else:
        assert (count, capped) == (3, True)
    assert _names(ids) == ["Oulun Kuoro A ry", "Oulun Kuoro B ry"]
    last, _count, _capped = ranked.read(6, 8, 3)
    assert _names(last) == ["Y Laulajat ry", "Z Laulajat ry"]


def test_no_match_and_no_words(choirs):
    assert _ranked("xylofonisti", ["564"]).read(0, 20, 1000) == ([], 0, False)
    assert _ranked("   ", ["564"]).read(0, 20, 1000) == ([], 0, False)


def test_other_municipalities_are_not_searched(choirs):
    assert _ranked("kuoro", ["244"]).read(0, 20, 1000)[0] == []
    assert len(_ranked("kuoro", ["244", "564"]).read(0, 20, 1000)[0]) == 8


def test_acting_municipality_home_move_and_dissolving_change_what_is_found(places):
    oulu, kempele = municipality("564"), municipality("244")
    a = _indexed(name_fi="Pohjoisen Puhallinorkesteri ry", municipality=oulu)

    def in_kempele():
        return _ranked("puhallinorkesteri", ["244"]).read(0, 20, 1000)[0]

    assert in_kempele() == []
    a.municipalities.add(kempele)  # acts in Kempele too
    _check_index()
    assert in_kempele() == [a.pk]
    a.municipalities.remove(kempele)
    _check_index()
    assert in_kempele() == []
    a.municipality = kempele
    a.save()
    _check_index()
    assert in_kempele() == [a.pk]
    a.status = Association.Status.DISSOLVED
    a.save()
    _check_index()
    assert in_kempele() == []
    a.name_fi = "Pohjoisen Torvisoittokunta ry"
    a.search_name = search.document(a.name_fi)
    a.status = Association.Status.ACTIVE
    a.save()
    _check_index()
    assert in_kempele() == []
    assert _ranked("torvisoittokunta", ["244"]).read(0, 20, 1000)[0] == [a.pk]
    a.delete()
    _check_index()
    assert _ranked("torvisoittokunta", ["244"]).read(0, 20, 1000)[0] == []


def test_activities_of_a_municipality_in_the_public_order(places):
    oulu = municipality("564")
    a = _indexed(name_fi="Oulun Laulu ry", municipality=oulu)

    def activity(name, weekday):
        act = Activity.objects.create(
            association=a,
            municipality=oulu,
            name_fi=name,
            kind=Activity.Kind.RECURRING,
            weekday=weekday,
            is_published=True,
            search_name=search.document(name),
        )
        return act.pk

    thursday = activity("Kuoro torstaisin", 3)
    monday = activity("Kuoro maanantaisin", 0)
    activity("Kuntopiiri", 1)
    _check_index()
    qs = Activity.objects.public().upcoming_or_recurring().order_by(*activity_public_order())
    ranked = search.Ranked(qs, "kuoro", municipalities=[oulu.pk])
    assert ranked.read(0, 5) == ([monday, thursday], None, False)
    elsewhere = search.Ranked(qs, "kuoro", municipalities=[municipality("244").pk])
    assert elsewhere.read(0, 5)[0] == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own index and plan")
def test_sqlite_reads_a_municipalitys_activities_in_order_from_its_index(places):
    qs = (
        Activity.objects.public()
        .upcoming_or_recurring()
        .filter(municipality_id=municipality("564").pk)
        .order_by(*activity_public_order())
        .values("pk")[:20]
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "associations_activity_public_order" in plan
    assert "TEMP B-TREE" not in plan  # no sort: the first rows of the index are the page


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own index")
def test_an_index_made_by_an_earlier_version_is_made_anew(places):
    _indexed(name_fi="Vanhan Indeksin Seura ry", municipality=municipality("564"))
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER associations_association_search_au")
        cursor.execute("DROP VIEW associations_association_search_source")
        cursor.execute(
            "CREATE VIEW associations_association_search_source AS SELECT id, search_name, "
            "search_text, '' AS search_scope FROM associations_association"
        )
    rebuilt = fulltext.ensure_sqlite(connection)
    assert "associations_association" in rebuilt
    _check_index()
    assert _ranked("indeksin", ["564"]).read(0, 20, 1000)[0] != []


def test_walking_with_other_filters_counts_and_pages_the_same(choirs, monkeypatch):
    """A country-wide search with a filter the index does not know (here: a theme) is
    counted in SQL, up to the cap; walking or sorting, the pages are the same."""
    from silta.associations.models import Theme

    named, described = choirs
    theme = Theme.objects.get(slug="culture")
    for a in named[:2] + described[:1]:
        a.themes.add(theme)
    qs = Association.objects.public().filter(themes=theme).order_by("name_fi", "pk")

    def pages():
        return _all_pages(search.Ranked(qs, "kuoro"), 2)

    sorted_pages = pages()
    assert sorted_pages == (["Oulun Kuoro B ry", "Oulun Kuoro D ry", "Z Laulajat ry"], 3, False)
    monkeypatch.setattr(search, "WALK_ABOVE", 0)
    assert pages() == sorted_pages


def _pages_with_cap(ranked, size, cap):
    seen, bottom = [], 0
    while True:
        ids, count, capped = ranked.read(bottom, bottom + size, cap)
        if not ids:
            return seen
        seen += _names(ids)
        bottom += size


@pytest.mark.parametrize("cap", [1, 2, 3, 5, 7, 1000])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_whole_country_pages_are_the_same_however_few_matches_are_sorted(choirs, cap, size):
    """A search over the whole country (no municipality): PostgreSQL sorts the matches when
    at most `cap` of them exist and otherwise walks a tier in name order (decision 0012).
    A small cap forces every mix of the two; what a person sees must not change."""
    assert _pages_with_cap(_ranked("kuoro"), size, cap) == EVERY_CHOIR


@pytest.mark.parametrize("window", [1, 2, 3, 3000])
@pytest.mark.parametrize("probe", [1, 2, 1000])
def test_a_short_walking_window_falls_back_to_sorting(choirs, monkeypatch, window, probe):
    """PostgreSQL walks at most WINDOW rows in name order and sorts the tier's matches when
    those held too few ("oulun": every match under O); either way the same pages."""
    monkeypatch.setattr(search, "WINDOW", window)
    monkeypatch.setattr(search, "PROBE", probe)
    for size in (1, 2, 3):
        assert _pages_with_cap(_ranked("kuoro"), size, 1000) == EVERY_CHOIR
    _indexed(name_fi="Aaltojen Soittajat ry", municipality=municipality("564"))
    for n in range(3):
        _indexed(name_fi=f"Ööpisten Kuoro {n} ry", municipality=municipality("244"))
    later = [f"Ööpisten Kuoro {n} ry" for n in range(3)]
    expected = EVERY_CHOIR[:5] + later + EVERY_CHOIR[5:]
    assert _pages_with_cap(_ranked("kuoro"), 2, 1000) == expected
    assert _pages_with_cap(_ranked("ööpisten"), 2, 1000) == later


@pytest.mark.parametrize("probe", [1, 2, 1000])
def test_probe_limit_does_not_change_pages_or_exact_counts_below_it(choirs, monkeypatch, probe):
    monkeypatch.setattr(search, "PROBE", probe)
    assert _pages_with_cap(_ranked("kuoro"), 2, 1000) == EVERY_CHOIR
    ids, count, capped = _ranked("kuoro").read(0, 2, 1000)
    if connection.vendor == "postgresql" and probe < 8:
        # More matches than the probe looks at: "over <probe>", never a wrong exact number.
        assert (count, capped) == (max(probe, 2), True)
    else:
        assert (count, capped) == (8, False)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("probe", [4, 8])
def test_probe_reads_matches_anywhere_only_while_name_matches_fit(choirs, monkeypatch, probe):
    """Five choirs by name: past a probe of 4, the name matches alone say "over 4", and the
    probe's search in descriptions is never run (it scanned the table for words in few
    descriptions); with 8 it runs, and the three described choirs are counted too."""
    monkeypatch.setattr(search, "PROBE", probe)
    ranked = _ranked("kuoro")
    anywhere, in_name = search._postgres_conditions("", ranked.parsed)
    sql, params = ranked._gated_probe_sql(anywhere, in_name, probe)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    scans = []

    def walk(node):
        if node.get("Relation Name") == "associations_association":
            scans.append(node["Actual Loops"])
        for child in node.get("Plans", []):
            walk(child)

    walk((plan[0] if isinstance(plan, list) else json.loads(plan)[0])["Plan"])
    assert len(scans) == 2  # the name matches, the matches anywhere
    assert scans.count(0) == (1 if probe == 4 else 0)
    ids, count, capped = ranked.read(0, 2, 1000)
    assert _names(ids) == EVERY_CHOIR[:2]
    assert (count, capped) == ((4, True) if probe == 4 else (8, False))


def test_two_words_walked_in_order_find_only_rows_with_both(choirs, monkeypatch):
    monkeypatch.setattr(search, "PROBE", 1)
    oulu = municipality("564")
    _indexed(name_fi="Kuoro Harjoittelee Aina ry", municipality=oulu)
    found = _pages_with_cap(_ranked("kuoro harjoittelee"), 1, 1)
    assert found == [
        "Kuoro Harjoittelee Aina ry",
        "X Laulajat ry",
        "Y Laulajat ry",
        "Z Laulajat ry",
    ]


def test_whole_country_activity_search_in_the_public_order_when_walked(places, monkeypatch):
    oulu = municipality("564")
    a = _indexed(name_fi="Oulun Laulu ry", municipality=oulu)
    gone = _indexed(name_fi="Lakannut Laulu ry", municipality=oulu)

    def activity(owner, name, weekday):
        return Activity.objects.create(
            association=owner,
            municipality=oulu,
            name_fi=name,
            kind=Activity.Kind.RECURRING,
            weekday=weekday,
            is_published=True,
            search_name=search.document(name),
        ).pk

    thursday = activity(a, "Kuoro torstaisin", 3)
    monday = activity(a, "Kuoro maanantaisin", 0)
    tuesday = activity(gone, "Kuoro tiistaisin", 1)
    gone.status = Association.Status.DISSOLVED
    gone.save()
    qs = Activity.objects.public().upcoming_or_recurring().order_by(*activity_public_order())
    assert tuesday not in qs.values_list("pk", flat=True)
    for probe in (1, 1000):
        monkeypatch.setattr(search, "PROBE", probe)
        ranked = search.Ranked(qs, "kuoro")
        assert ranked.read(0, 1)[0] == [monday]
        assert ranked.read(0, 1, 1)[0] == [monday]
        assert ranked.read(1, 2, 1)[0] == [thursday]
        assert ranked.read(2, 3, 1)[0] == []


def _weekly_activity(association, name, where, text=""):
    """A published Wednesday activity with its search documents."""
    return Activity.objects.create(
        association=association,
        municipality=where,
        name_fi=name,
        kind=Activity.Kind.RECURRING,
        weekday=2,
        is_published=True,
        search_name=search.document(name),
        search_text=search.document(text),
    )


def test_activities_of_one_municipality_are_found_by_its_own_terms(places):
    """PostgreSQL reads a municipality's activities from terms prefixed by it (decision
    0014); moving an activity, emptying its text or odd words must all still be right."""
    oulu, kempele = municipality("564"), municipality("244")
    a = _indexed(name_fi="Oulun Laulu ry", municipality=oulu)

    def activity(name, where, text=""):
        return _weekly_activity(a, name, where, text)

    choir = activity("Kuoro keskiviikkoisin", oulu, "Laulamme kylätalolla")
    activity("Kuoro Kempeleessä", kempele)
    blank = activity("", oulu)  # no terms at all: saved, found by nothing
    blank.search_name = ""
    blank.save()
    qs = Activity.objects.public().upcoming_or_recurring().order_by(*activity_public_order())

    def found(q, where):
        return search.Ranked(qs, q, municipalities=[where.pk]).read(0, 10, 100)[0]

    assert found("kuo", oulu) == [choir.pk]  # a prefix
    assert found("kylätalolla", oulu) == [choir.pk]  # an inflected word of the text
    assert found("kuoro kylätalolla", oulu) == [choir.pk]
    assert found("kuoro kempele", oulu) == []
    assert found("o'neill", oulu) == []
    choir.municipality = kempele
    choir.save()
    assert found("kuo", oulu) == []
    assert len(found("kuo", kempele)) == 2


def test_unpublished_and_dissolved_activities_leave_a_public_search_at_once(places):
    """On SQLite the index itself knows which activities are public ("piilo", decision
    0011): publishing, unpublishing, dissolving and restoring the association change what a
    public search finds immediately, and the index stays whole."""
    oulu = municipality("564")
    a = _indexed(name_fi="Oulun Soittajat ry", municipality=oulu)
    act = Activity.objects.create(
        association=a,
        municipality=oulu,
        name_fi="Kanteleryhmä",
        kind=Activity.Kind.RECURRING,
        weekday=1,
        is_published=True,
        search_name=search.document("Kanteleryhmä"),
    )

    def found():
        _check_index()
        qs = Activity.objects.public().upcoming_or_recurring().order_by(*activity_public_order())
        ranked = search.Ranked(qs, "kantele", municipalities=[oulu.pk], plain=True)
        return ranked.read(0, 10, 100)

    assert found() == ([act.pk], 1, False)
    act.is_published = False
    act.save()
    assert found() == ([], 0, False)
    act.is_published = True
    act.save()
    a.status = Association.Status.DISSOLVED
    a.save()
    assert found() == ([], 0, False)
    a.status = Association.Status.DORMANT
    a.save()
    assert found() == ([act.pk], 1, False)
    a.delete()
    assert found() == ([], 0, False)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 9])
def test_activity_search_pages_cross_from_name_to_text_matches_with_counts(places, size):
    """A public activity search in a municipality, a page at a time: activities named by
    the word first, then those whose text has it, each in the public order; a past one-off,
    an unpublished one and another municipality's are never found, and the count (counted
    in SQL: the index does not know what is past) is exact on every page."""
    from datetime import timedelta

    from django.utils import timezone

    oulu = municipality("564")
    a = _indexed(name_fi="Oulun Laulu ry", municipality=oulu)
    now = timezone.now()

    def activity(name, text="", weekday=None, starts_at=None, where=oulu, published=True):
        return Activity.objects.create(
            association=a,
            municipality=where,
            name_fi=name,
            kind=Activity.Kind.RECURRING if weekday is not None else Activity.Kind.ONE_OFF,
            weekday=weekday,
            starts_at=starts_at,
            is_published=published,
            search_name=search.document(name),
            search_text=search.document(text),
        ).pk

    named = [
        activity("Kuoro maanantaisin", weekday=0),
        activity("Kuoro tiistaisin", weekday=1),
        activity("Kuoro perjantaisin", weekday=4),
        activity("Kuorokonsertti", starts_at=now + timedelta(days=3)),
    ]
    described = [
        activity("Laulupiiri", "Kuoro harjoittelee", weekday=2),
        activity("Joulukonsertti", "Kuoro esiintyy", starts_at=now + timedelta(days=20)),
    ]
    activity("Kuoro viime keväänä", starts_at=now - timedelta(days=200))  # past
    activity("Kuoron luonnos", weekday=3, published=False)
    activity("Kuoro Kempeleessä", weekday=0, where=municipality("244"))
    qs = Activity.objects.public().upcoming_or_recurring().order_by(*activity_public_order())
    for plain in (True, False):
        ranked = search.Ranked(qs, "kuoro", municipalities=[oulu.pk], plain=plain)
        seen, bottom = [], 0
        while True:
            ids, count, capped = ranked.read(bottom, bottom + size, 1000)
            assert (count, capped) == (6, False)
            if not ids:
                break
            seen += ids
            bottom += size
        assert seen == named + described
    _check_index()


@pytest.mark.parametrize("cap", [1, 2, 3, 5, 6, 9, 1000])
@pytest.mark.parametrize("size", [1, 2, 4])
def test_search_in_a_municipality_counts_up_to_the_cap_on_every_page(choirs, cap, size):
    """A search in Oulu, a page at a time, with counts made in SQL (a filter the index does
    not know): an association acting in Oulu with its home elsewhere is among the name
    matches, the text matches follow, and each page's count is exact up to the cap (or the
    page's end) and "over" it beyond. On PostgreSQL the name matches are read by their own
    terms and sized as they are sorted, and every match is counted only when the name
    matches are no more than the cap (decision 0017)."""
    oulu = municipality("564")
    acting = _indexed(name_fi="Kempeleen Kuoro ry", municipality=municipality("244"))
    acting.municipalities.add(oulu)
    _indexed(name_fi="Kempeleen Toinen Kuoro ry", municipality=municipality("244"))  # not in Oulu
    _check_index()
    qs = Association.objects.public().order_by("name_fi", "pk")
    ranked = search.Ranked(qs, "kuoro", municipalities=[oulu.pk], plain=False)
    seen, bottom = [], 0
    while True:
        ids, count, capped = ranked.read(bottom, bottom + size, cap)
        limit = max(cap, bottom + size)
        assert (count, capped) == (min(9, limit), limit < 9), (bottom, size, cap)
        if not ids:
            break
        seen += _names(ids)
        bottom += size
    assert seen == ["Kempeleen Kuoro ry", *EVERY_CHOIR]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own index and plan")
def test_sqlite_sorts_association_matches_from_a_narrow_index(choirs):
    """Sorting a search's matches reads each one's name and status from a narrow index by
    id (fulltext.SQLITE_INDEXES), not from the wide rows, once the table is large enough
    for it to matter and the database has statistics (ANALYZE, as the benchmark runs)."""
    oulu = municipality("564")
    Association.objects.bulk_create(
        Association(
            name_fi=f"Oulun Seura {n} ry",
            municipality=oulu,
            search_name=search.document(f"Oulun Seura {n} ry"),
            search_text=search.document("Kuoro ja seura" if n % 3 else "Seura"),
        )
        for n in range(1000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ranked = _ranked("kuoro", ["564"])
    qs = ranked.unscoped.filter(ranked._among(ranked.name_match, False)).order_by("name_fi", "pk")
    sql, params = qs.values_list("pk")[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "COVERING INDEX associations_association_by_id" in plan


def test_activities_of_several_municipalities_are_found_by_their_own_terms(places):
    """A region's activity search: on PostgreSQL one prefixed query per municipality, any of
    them (0014); the same activities as the plain filter, on both databases."""
    oulu, kempele, helsinki = municipality("564"), municipality("244"), municipality("091")
    a = _indexed(name_fi="Pohjoisen Laulu ry", municipality=oulu)

    def activity(name, where, text=""):
        return _weekly_activity(a, name, where, text).pk

    in_oulu = activity("Kuoro Oulussa", oulu, "Laulamme kylätalolla")
    in_kempele = activity("Kuoro Kempeleessä", kempele, "Kylätalolla keskiviikkoisin")
    activity("Kuoro Helsingissä", helsinki, "Kylätalolla")
    qs = Activity.objects.public().upcoming_or_recurring().order_by(*activity_public_order())
    region = [oulu.pk, kempele.pk]

    def found(q):
        ids, count, _capped = search.Ranked(qs, q, municipalities=region).read(0, 10, 100)
        expected = set(apply_ids(qs.filter(municipality_id__in=region), q))
        assert set(ids) == expected and count == len(expected)
        return set(ids)

    assert found("kuo") == {in_oulu, in_kempele}  # a prefix
    assert found("kylätalolla") == {in_oulu, in_kempele}  # an inflected word of the text
    assert found("kuoro kempele") == {in_kempele}  # both words in the same activity
    assert found("o'neill") == set()


def apply_ids(queryset, q):
    return list(search.apply(queryset, q)[0].values_list("pk", flat=True))
