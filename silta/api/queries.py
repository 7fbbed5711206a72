"""Reads shared by the public API and the widget: lookups of filter values, the public
directory querysets and pagination that stays cheap at national scale.

Counting is done on the filtered base queryset (no joins for display, no prefetches), and
only when it is needed: a first page that is not full already tells how many rows there are.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from silta.associations import listing, search
from silta.associations.models import (
    LANGUAGE_CHOICES,
    Activity,
    Association,
    ContactPerson,
    TargetGroup,
    Theme,
    activity_public_order,
)
from silta.core.paging import COUNT_CAP, capped_count, narrow_rows, rows_by_ids
from silta.places.models import Municipality

from .errors import ApiError, bad_parameter

DEFAULT_PAGE_SIZE = 20
# A search counts at most this many matches (or up to the end of the page asked for); the
# page then says count_exact: false (decision 0011).
SEARCH_COUNT_CAP = COUNT_CAP
MAX_PAGE_SIZE = 100
LANGUAGE_CODES = [code for code, _label in LANGUAGE_CHOICES]
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,40}")


def _printable(value: str, limit: int = 40) -> str:
    """A bad value quoted back in a message: short and without control characters."""
    return "".join(ch for ch in value[:limit] if ch.isprintable())


def municipality_by_code(code: str, parameter: str = "municipality") -> Municipality:
    """ "564", "91" and "091" all name a municipality; anything else is a 404."""
    code = (code or "").strip()
    found = None
    if code.isdigit() and len(code) <= 3:
        found = Municipality.objects.filter(code=code.zfill(3)).first()
    if found is None:
        raise bad_parameter(
            parameter,
            "unknown_municipality",
            _("Kuntaa numerolla %(code)s ei löydy. Kuntien numerot: /api/v1/municipalities")
            % {"code": _printable(code)},
            status=404,
        )
    return found


def _slug(value: str) -> str | None:
    """A well-formed slug or None, before it goes near the database (PostgreSQL rejects
    some characters outright, and that must be a 400, not a 500)."""
    value = value.strip()
    return value if SLUG.fullmatch(value) else None


def theme_by_slug(slug: str) -> Theme:
    clean = _slug(slug)
    found = Theme.objects.filter(slug=clean).first() if clean else None
    if found is None:
        raise bad_parameter(
            "theme",
            "unknown_theme",
            _("Teemaa ”%(slug)s” ei ole. Teemat: /api/v1/themes") % {"slug": _printable(slug)},
        )
    return found


def target_group_by_slug(slug: str) -> TargetGroup:
    clean = _slug(slug)
    found = TargetGroup.objects.filter(slug=clean).first() if clean else None
    if found is None:
        raise bad_parameter(
            "target_group",
            "unknown_target_group",
            _("Kohderyhmää ”%(slug)s” ei ole. Kohderyhmät: /api/v1/target-groups")
            % {"slug": _printable(slug)},
        )
    return found


def check_language(code: str) -> str:
    code = code.strip()
    if code not in LANGUAGE_CODES:
        raise bad_parameter(
            "language",
            "unknown_language",
            _("Kieltä ”%(code)s” ei tunneta. Sallitut arvot: %(codes)s")
            % {"code": _printable(code), "codes": ", ".join(LANGUAGE_CODES)},
        )
    return code


def check_query(q: str) -> str:
    if len(q) > search.MAX_QUERY_LENGTH:
        raise bad_parameter(
            "q",
            "string_too_long",
            _("Hakusana saa olla enintään %(max)s merkkiä pitkä.")
            % {"max": search.MAX_QUERY_LENGTH},
        )
    return q


def _with_language(queryset: QuerySet, code: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset.filter(languages__contains=[code])
    # SQLite keeps JSON as text and has no containment: match the quoted code.
    return queryset.filter(languages__icontains=f'"{code}"')


def associations(
    *,
    municipality: Municipality | None = None,
    q: str = "",
    theme: Theme | None = None,
    target_group: TargetGroup | None = None,
    language: str | None = None,
) -> QuerySet:
    """Public (not dissolved) associations, filtered; name matches first when searching
    (then a search.Ranked, read a page at a time)."""
    qs = Association.objects.public().order_by("name_fi", "pk")
    if theme is not None:
        qs = qs.filter(
            pk__in=Association.themes.through.objects.filter(theme=theme).values("association_id")
        )
    if target_group is not None:
        qs = qs.filter(
            pk__in=Association.target_groups.through.objects.filter(
                targetgroup=target_group
            ).values("association_id")
        )
    if language:
        qs = _with_language(qs, language)
    ids = None if municipality is None else [municipality.pk]
    if search.parse_query(q):
        plain = theme is None and target_group is None and not language
        return search.Ranked(qs, q, municipalities=ids, plain=plain)
    return qs if ids is None else listing.associations_in(qs, ids)


def for_listing(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("municipality").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.all()),
        Prefetch("target_groups", queryset=TargetGroup.objects.all()),
    )


def public_activities() -> QuerySet:
    return Activity.objects.public().upcoming_or_recurring()


def for_profile(queryset: QuerySet) -> QuerySet:
    """Everything a public profile shows, in a fixed number of queries. Contacts are narrowed
    to consented ones here; `public_details()` still decides what of them is shown."""
    return for_listing(queryset).prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("code")),
        Prefetch("contacts", queryset=ContactPerson.objects.consented()),
        Prefetch(
            "activities",
            queryset=public_activities()
            .select_related("municipality")
            .prefetch_related(Prefetch("target_groups", queryset=TargetGroup.objects.all()))
            .order_by(*activity_public_order()),
        ),
    )


def activities(
    *,
    municipality: Municipality | None = None,
    association: Association | None = None,
    q: str = "",
    target_group: TargetGroup | None = None,
) -> QuerySet:
    qs = public_activities().order_by(*activity_public_order())
    if association is not None:
        qs = qs.filter(association=association)
    if target_group is not None:
        qs = qs.filter(
            pk__in=Activity.target_groups.through.objects.filter(targetgroup=target_group).values(
                "activity_id"
            )
        )
    ids = None if municipality is None else [municipality.pk]
    if search.parse_query(q):
        plain = association is None and target_group is None
        return search.Ranked(qs, q, municipalities=ids, narrow=association is not None, plain=plain)
    # An equality, not IN: SQLite then reads the municipality's activities in order from
    # the (municipality, weekday, start_time, starts_at, name_fi) index, without a sort.
    return qs if municipality is None else qs.filter(municipality_id=municipality.pk)


def activities_for_listing(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("association", "municipality").prefetch_related(
        Prefetch("target_groups", queryset=TargetGroup.objects.all())
    )


def public_association(pk: int) -> Association:
    found = Association.objects.public().filter(pk=pk).first()
    if found is None:
        raise bad_parameter(
            "association",
            "unknown_association",
            _("Yhdistystä numerolla %(id)s ei löydy.") % {"id": pk},
            status=404,
        )
    return found


@dataclass
class Page:
    rows: list
    count: int
    number: int
    size: int
    exact: bool = True  # False: a search with more than `count` matches (SEARCH_COUNT_CAP)

    @property
    def last(self) -> int:
        """The last page; for a capped count, the page after the last one counted."""
        return max(1, -(-self.count // self.size) + (0 if self.exact else 1))

    @property
    def has_next(self) -> bool:
        return self.number < self.last

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _beyond_last(number: int, last: int) -> ApiError:
    return ApiError(
        404,
        _("Sivua %(page)s ei ole. Viimeinen sivu on %(last)s.") % {"page": number, "last": last},
        [
            {
                "parameter": "page",
                "code": "beyond_last_page",
                "message": _("Viimeinen sivu on %(last)s.") % {"last": last},
            }
        ],
    )


def _paginate_search(ranked, number: int, size: int, display, strict: bool) -> Page:
    """A search page by tiers (search.Ranked): ids and a count of at most SEARCH_COUNT_CAP
    matches (or up to the end of the page asked for) in one query, then the rows."""
    model = ranked.unscoped.model
    bottom = (number - 1) * size
    ids, count, capped = ranked.read(bottom, bottom + size, SEARCH_COUNT_CAP)
    page = Page([], count, number, size, exact=not capped)
    if number > page.last:
        if strict:
            raise _beyond_last(number, page.last)
        number = page.last
        bottom = (number - 1) * size
        ids, count, capped = ranked.read(bottom, bottom + size, SEARCH_COUNT_CAP)
    return Page(rows_by_ids(model, ids, display), count, number, size, exact=not capped)


def paginate(
    queryset, number: int, size: int, *, display=None, strict: bool = True, cap=None
) -> Page:
    """LIMIT/OFFSET over an ordered queryset, or a search.Ranked. `display` adds joins and
    prefetches to the page query only, so the count stays a plain count of the filtered rows.

    Strict (the API): a page past the last one is a 404. Not strict (the widget): the last
    page is shown instead. `cap`: count at most this many rows (or up to the end of the
    page asked for); the page then says it is not exact (count_exact: false)."""
    display = display or (lambda qs: qs)
    if isinstance(queryset, search.Ranked):
        return _paginate_search(queryset, number, size, display, strict)

    def read(bottom, top):
        return list(narrow_rows(queryset, bottom, top, display))

    def count_rows() -> tuple[int, bool]:
        if cap is None:
            return queryset.count(), False
        return capped_count(queryset, max(cap, number * size))

    if number == 1:
        rows = read(0, size)
        if len(rows) < size:
            return Page(rows, len(rows), 1, size)
        count, capped = count_rows()
        return Page(rows, count, 1, size, exact=not capped)
    count, capped = count_rows()
    last = max(1, -(-count // size) + (1 if capped else 0))
    if number > last:
        if strict:
            raise _beyond_last(number, last)
        number = last
    offset = (number - 1) * size
    return Page(read(offset, offset + size), count, number, size, exact=not capped)
