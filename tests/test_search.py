"""Search understands inflected Finnish: lemmas and compound parts, on both databases."""

import pytest

from silta.associations import search
from silta.associations.models import Activity, Association

from .factories import AssociationFactory, municipality


def _indexed(**kwargs):
    a = AssociationFactory(**kwargs)
    a.search_name = search.document(a.name_fi, a.name_sv, a.name_en)
    a.search_text = search.document(a.short_description_fi, a.description_fi)
    a.save()
    return a


def _names(q, qs=None):
    found, _searched = search.apply(qs or Association.objects.all(), q)
    return [a.name_fi for a in found]


@pytest.fixture
def directory(places):
    kempele, oulu = municipality("244"), municipality("564")
    return {
        "kyla": _indexed(
            name_fi="Kempeleen Kyläyhdistys ry", name_sv="Kempele byaförening", municipality=kempele
        ),
        "talo": _indexed(name_fi="Kylätalo ry", municipality=kempele),
        "seura": _indexed(name_fi="Oulun Urheiluseura", municipality=oulu),
        "kerho": _indexed(name_fi="Eläkeläisten kerho", municipality=oulu),
        "kuoro": _indexed(
            name_fi="Oulun Mieskuoro",
            description_fi="Laulamme kylätalolla tiistaisin.",
            municipality=oulu,
        ),
        "muu": _indexed(name_fi="Partiolippukunta Tervaskannot", municipality=oulu),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("yhdistyksen", "Kempeleen Kyläyhdistys ry"),
        ("kylätalolla", "Kylätalo ry"),
        ("urheiluseuran", "Oulun Urheiluseura"),
        ("eläkeläiset", "Eläkeläisten kerho"),
        ("yhdistys", "Kempeleen Kyläyhdistys ry"),
        ("Kempeleen kyläyhdistys", "Kempeleen Kyläyhdistys ry"),
        ("byaförening", "Kempeleen Kyläyhdistys ry"),
        ("partio", "Partiolippukunta Tervaskannot"),
        ("urheilus", "Oulun Urheiluseura"),  # typing: the last word matches as a prefix
    ],
)
def test_inflected_finnish_finds_what_a_person_expects(directory, query, expected):
    assert expected in _names(query)


def test_compound_query_does_not_match_every_part(directory):
    # "kylätalolla" is about a village hall, not every village association.
    assert "Kempeleen Kyläyhdistys ry" not in _names("kylätalolla")


def test_all_words_must_match(directory):
    assert _names("oulun kerho") == []
    assert _names("eläkeläisten kerho") == ["Eläkeläisten kerho"]


def test_name_matches_rank_above_description_matches(directory):
    assert _names("kylätalolla")[:2] == ["Kylätalo ry", "Oulun Mieskuoro"]


def test_activity_found_by_inflected_place(directory):
    activity = Activity.objects.create(
        association=directory["kuoro"],
        municipality=directory["kuoro"].municipality,
        name_fi="Kuoro kylätalolla",
    )
    activity.search_name = search.document(activity.name_fi)
    activity.save()
    found, _ = search.apply(Activity.objects.all(), "kylätalolla")
    assert list(found) == [activity]


@pytest.mark.parametrize(
    "query", ["", "   ", "ry", "!!!", "a" * 10_000, "'; DROP TABLE x; --", "%_%"]
)
def test_odd_queries_never_fail(directory, query):
    found, _ = search.apply(Association.objects.all(), query)
    assert len(list(found)) <= Association.objects.count()


def test_symbols_and_stop_words_alone_are_no_search(directory):
    for query in ["%", "_ry_", "ry", "  ja  "]:
        found, searched = search.apply(Association.objects.all(), query)
        assert searched is False and found.count() == Association.objects.count()
