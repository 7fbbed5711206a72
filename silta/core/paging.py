"""Paging that stays cheap at national scale (decision 0010).

* `narrow_rows()`: the ids of a page come from the filtered, ordered queryset, selecting
  only the id (so an index on the filter and sort columns can answer it, and OFFSET skips
  index entries rather than whole rows); the page's rows, their joins and prefetches are
  then read for those ids only. One SQL query: the ids are a subquery.
* `Paginator`: Django's, with that page query; and, when `cap` is given (searches), a
  count that stops at `cap` rows: "yli 1 000 yhdistystä" instead of counting every match.
"""

import math

from django.core import paginator as django_paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000


def narrow_rows(queryset, bottom: int, top: int, display=None):
    """Rows [bottom:top] of `queryset` (ordered by model fields or expressions over them,
    not by annotations), with `display` (joins, prefetches, annotations) for those only."""
    display = display or (lambda qs: qs)
    order = queryset.query.order_by or ("pk",)
    if hasattr(queryset, "page_ids"):  # e.g. associations.listing.PresentIn
        ids = queryset.page_ids(bottom, top)
    else:
        ids = queryset.order_by(*order).values("pk")[bottom:top]
    return display(queryset.model._default_manager.filter(pk__in=ids).order_by(*order))


def capped_count(queryset, cap: int) -> tuple[int, bool]:
    """(rows, True) when there are more than `cap` rows (then rows == cap); a COUNT over
    a LIMIT subquery, so it reads at most cap + 1 rows."""
    if hasattr(queryset, "page_ids"):  # counted from its indexes, in full
        found = queryset.count()
    else:
        found = queryset.order_by().values("pk")[: cap + 1].count()
    return (cap, True) if found > cap else (found, False)


class Paginator(django_paginator.Paginator):
    """`narrow`: read the page by ids (see narrow_rows; not with an annotation order).
    `cap`: count at most this many rows, or the rows up to the end of page `number` when
    that is more, so the page asked for and the next one are always known to exist."""

    def __init__(
        self, object_list, per_page, *, display=None, narrow=True, cap=None, number=1, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.display = display or (lambda qs: qs)
        self.narrow = narrow
        self.cap = None if cap is None else max(cap, (max(number, 1)) * per_page)
        self.capped = False

    @cached_property
    def count(self):
        if self.cap is None:
            return self.object_list.count()
        found, self.capped = capped_count(self.object_list, self.cap)
        return found

    @cached_property
    def num_pages(self):
        pages = super().num_pages
        if self.count and self.capped:
            pages = math.ceil(self.count / self.per_page) + 1  # at least one more page
        return pages

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.capped and top + self.orphans >= self.count:
            top = self.count
        if self.narrow:
            rows = narrow_rows(self.object_list, bottom, top, self.display)
        else:
            rows = self.display(self.object_list)[bottom:top]
        return self._get_page(rows, number, self)


def rows_by_ids(model, ids: list, display=None) -> list:
    """The rows of `ids` in that order, with `display` (joins, prefetches) in one query."""
    display = display or (lambda qs: qs)
    # No ORDER BY: the order is that of `ids`, and a sort could lead the database to walk a
    # whole index in that order instead of fetching the rows by id.
    rows = display(model._default_manager.filter(pk__in=ids)).order_by()
    found = {row.pk: row for row in rows}
    return [found[pk] for pk in ids if pk in found]


class RankedPaginator(Paginator):
    """A search page (silta.associations.search.Ranked): the page's ids and the capped
    count come from one query for the page `number`; the rows are then read by id."""

    def __init__(self, ranked, per_page, *, display=None, cap=COUNT_CAP, number=1, **kwargs):
        super().__init__(
            ranked.base, per_page, display=display, narrow=False, cap=cap, number=number, **kwargs
        )
        self.ranked = ranked
        self.number = max(number, 1)
        bottom = (self.number - 1) * per_page
        self.ids, found, self.capped = ranked.read(bottom, bottom + per_page, self.cap)
        self.__dict__["count"] = found  # the cached_property, known already

    def page(self, number):
        number = self.validate_number(number)
        if number != self.number:
            raise ValueError("RankedPaginator reads only the page it was made for")
        rows = rows_by_ids(self.object_list.model, self.ids, self.display)
        return self._get_page(rows, number, self)
