"""A municipality's associations as two parts merged in name order (listing.PresentIn,
decision 0013): the same rows, order, pages and count as the plain OR filter, whatever
mix of associations at home and acting there a page holds. Both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from silta.associations import listing
from silta.associations.models import Association, present_in
from silta.core.paging import Paginator, capped_count, narrow_rows

from .factories import AssociationFactory, municipality


@pytest.fixture
def oulu_mix(places):
    oulu, kempele, tyrnava = municipality("564"), municipality("244"), municipality("859")
    for name in ["Oulun Aasit ry", "Oulun Bändi ry", "Oulun Kuoro ry", "Oulun Yhdistys ry"]:
        AssociationFactory(name_fi=name, municipality=oulu)
    # At home elsewhere, acting in Oulu: their names fall between Oulu's own.
    for name in ["Kempeleen Alku ry", "Kempeleen Kuoro ry", "Zeta ry"]:
        AssociationFactory(name_fi=name, municipality=kempele).municipalities.add(oulu)
    # Acting in Oulu and at home there: must not come twice.
    AssociationFactory(name_fi="Oulun Kuoro ry", municipality=oulu).municipalities.add(oulu)
    AssociationFactory(name_fi="Oulun Lakannut ry", municipality=oulu, status="dissolved")
    AssociationFactory(name_fi="Kempeleen Oma ry", municipality=kempele)
    AssociationFactory(name_fi="Tyrnävän Oma ry", municipality=tyrnava).municipalities.add(kempele)
    return oulu


def _expected(queryset, ids):
    return list(queryset.filter(present_in(ids)).values_list("pk", flat=True))


@pytest.mark.parametrize("public", [True, False])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 9, 20])
def test_pages_and_count_are_those_of_the_plain_filter(oulu_mix, public, size):
    qs = Association.objects.public() if public else Association.objects.all()
    qs = qs.order_by("name_fi", "pk")
    ids = [oulu_mix.pk]
    expected = _expected(qs, ids)
    assert len(expected) == (8 if public else 9)
    listed = listing.PresentIn(qs, ids)
    assert listed.count() == len(expected)
    seen = []
    for bottom in range(0, len(expected) + size, size):
        seen += [a.pk for a in narrow_rows(listed, bottom, bottom + size)]
    assert seen == expected


def test_several_municipalities_and_other_filters(oulu_mix):
    kempele = municipality("244")
    qs = Association.objects.public().filter(name_fi__icontains="kuoro").order_by("name_fi", "pk")
    ids = [oulu_mix.pk, kempele.pk]
    listed = listing.PresentIn(qs, ids)
    expected = _expected(qs, ids)
    assert [a.name_fi for a in narrow_rows(listed, 0, 10)] == [
        "Kempeleen Kuoro ry",
        "Oulun Kuoro ry",
        "Oulun Kuoro ry",
    ]
    assert [a.pk for a in narrow_rows(listed, 0, 10)] == expected
    assert capped_count(listed, 2) == (2, True)
    assert capped_count(listed, 3) == (3, False)


def test_a_page_is_one_query_and_the_count_another(oulu_mix):
    qs = Association.objects.public().order_by("name_fi", "pk")
    paginator = Paginator(listing.PresentIn(qs, [oulu_mix.pk]), 3)
    with CaptureQueriesContext(connection) as captured:
        page = paginator.page(2)
        names = [a.name_fi for a in page.object_list]
    assert len(captured) == 2
    assert paginator.count == 8
    assert names == ["Oulun Bändi ry", "Oulun Kuoro ry", "Oulun Kuoro ry"]


def test_only_name_order_is_offered(oulu_mix):
    qs = Association.objects.order_by("name_fi", "pk")
    with pytest.raises(ValueError):
        listing.PresentIn(qs, [oulu_mix.pk]).order_by("-name_fi")
    # Any other order: the plain filter, on every database.
    other = listing.associations_in(Association.objects.order_by("-created_at"), [oulu_mix.pk])
    assert other.count() == 9
    chosen = listing.associations_in(qs, [oulu_mix.pk])
    if connection.vendor == "postgresql":
        assert isinstance(chosen, listing.PresentIn)
    else:
        assert chosen.count() == 9


def test_a_filter_that_can_match_nothing_gives_an_empty_page(oulu_mix):
    qs = Association.objects.filter(pk__in=[]).order_by("name_fi", "pk")
    listed = listing.PresentIn(qs, [oulu_mix.pk])
    assert listed.count() == 0
    assert list(narrow_rows(listed, 0, 20)) == []
    only_home = Association.objects.filter(name_fi="Oulun Aasit ry").order_by("name_fi", "pk")
    assert [a.name_fi for a in narrow_rows(listing.PresentIn(only_home, [oulu_mix.pk]), 0, 5)] == [
        "Oulun Aasit ry"
    ]
