"""A municipality's associations in name order, read a page at a time (decision 0013).

"At home in or acting in the municipality" is an OR over two tables. PostgreSQL answers it
with a BitmapOr, then reads and sorts every association of the municipality for one page,
and counts them by visiting each row: 11 800 rows for Helsinki at national scale, 20–25 ms a
page. `PresentIn` splits the OR into its two disjoint parts instead:

* at home there: read in name order from the (municipality, name_fi, status) index, up to
  the end of the page, and counted from that index alone;
* acting there but at home elsewhere: a few rows (41 for Helsinki).

The page is the two parts merged in name order (one SQL subquery, so the page's rows are
still one query); the count is one query of two counts. `core.paging` reads it through
`page_ids()` and `count()`, as it reads a queryset.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Subquery
from django.db.models.expressions import RawSQL

ORDER = ("name_fi", "pk")


class PresentIn:
    """Rows of `queryset` (associations, filtered, in name order) at home in or acting in
    any of `municipality_ids`, the same rows as `queryset.filter(present_in(ids))`."""

    ordered = True

    def __init__(self, queryset, municipality_ids):
        from .models import Association, _InArray

        ids = list(municipality_ids)
        acting = Association.municipalities.through.objects.filter(municipality_id__in=ids).values(
            "association_id"
        )
        base = queryset.order_by(*ORDER)
        self.model = queryset.model
        self.query = base.query  # its order, for core.paging
        self.home = base.filter(municipality_id__in=ids)
        # `id = ANY(ARRAY(...))`: the few acting ids are read first and their rows sorted. As
        # a semi-join, PostgreSQL walked the whole name index for them when it expected many
        # and found none (a region: Uusimaa's page 1 took 158 ms, now 2 ms).
        self.acting = base.filter(_InArray(F("pk"), Subquery(acting))).exclude(
            municipality_id__in=ids
        )

    def order_by(self, *fields):
        if tuple(fields) != ORDER:
            raise ValueError("PresentIn is read in name order only")
        return self

    def _parts(self, shape):
        """(SQL, params) of each part as `shape` makes it; a part that can match nothing
        (Django raises EmptyResultSet, e.g. a filter over an empty list) is left out."""
        found = []
        for part in (self.home, self.acting):
            try:
                found.append(shape(part).query.sql_with_params())
            except EmptyResultSet:
                continue
        return found

    def count(self) -> int:
        parts = self._parts(lambda qs: qs.order_by().values("pk"))
        if not parts:
            return 0
        counts = " + ".join(
            f"(SELECT COUNT(*) FROM ({sql}) part{n})"  # noqa: S608 - Django's SQL
            for n, (sql, _params) in enumerate(parts)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {counts}", [p for _sql, ps in parts for p in ps])
            return cursor.fetchone()[0]

    def page_ids(self, bottom: int, top: int):
        """A subquery of the ids of rows [bottom:top]: each part up to `top` in name order,
        merged. Each part keeps its own ORDER BY and LIMIT, so it is read from its index."""
        parts = self._parts(lambda qs: qs.values_list("id", "name_fi")[:top])
        if not parts:
            return []
        arms = " UNION ALL ".join(
            f"SELECT * FROM ({sql}) part{n}"  # noqa: S608 - Django's SQL
            for n, (sql, _params) in enumerate(parts)
        )
        sql = (
            f"SELECT merged.id FROM ({arms}) merged "  # noqa: S608 - Django's SQL
            f"ORDER BY merged.name_fi, merged.id LIMIT {int(top) - int(bottom)} "
            f"OFFSET {int(bottom)}"
        )
        return RawSQL(sql, [p for _sql, ps in parts for p in ps])  # noqa: S611


def associations_in(queryset, municipality_ids):
    """`queryset` limited to the municipalities, for a list page in name order: PresentIn on
    PostgreSQL; on SQLite the plain filter, which its MULTI-INDEX OR reads from the same
    index without a sort (measured, decision 0013)."""
    from .models import present_in

    if connection.vendor == "postgresql" and tuple(queryset.query.order_by) == ORDER:
        return PresentIn(queryset, municipality_ids)
    return queryset.filter(present_in(municipality_ids))
