"""Finnish-aware search: lemmas and compound parts from pypykko, indexed per row.

Each searchable row keeps two documents, `search_name` and `search_text`: space-padded
lists of index terms (" kylä kyläyhdistys yhdistys kempele "). A query word is analysed
the same way and matches a row when any of its terms is a whole term of the row, so
"yhdistyksen" (→ yhdistys) finds "Kempeleen Kyläyhdistys ry" (parts kylä|yhdistys) and
"kylätalolla" (→ kylä|talo) finds "Kylätalo ry". The last query word also matches as a
prefix, so live search finds while typing. Every query word must match (AND).

Both databases match the documents through a full-text index, so a search reads the
matching rows only, not every row of a municipality or the country (decision 0010):

* PostgreSQL: stored generated tsvector columns `search_vector` (name and text) and
  `search_name_vector` (name only), each with a GIN index (migration 0006); the query is a
  raw tsquery. A trigram index on the Finnish name finds misspelt names when nothing else
  matches.
* SQLite: an FTS5 table `<table>_search` over the two documents and the row's
  municipalities, kept by triggers (see `fulltext.py`); the query is an FTS5 MATCH
  expression, `search_name : (...)` for names, `search_scope : (...)` for municipalities.

A page of a search is read by `Ranked` (decision 0011): name matches, then the rest, without
ranking every match.

The columns and the FTS5 table are not model fields: Django never writes them.
"""

import re
import threading
import unicodedata
from functools import lru_cache

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.expressions import OrderBy, RawSQL

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8
_WORD = re.compile(r"[^\W_]+(?:['’:][^\W_]+)?", re.UNICODE)
_STOP = {"ry", "rf", "r.y", "ja", "och", "and", "the", "of", "i", "on"}
_lock = threading.Lock()
_analyser = None


def _analyse(word: str):
    global _analyser
    if _analyser is None:
        with _lock:
            if _analyser is None:
                from pypykko.utils import analyze

                _analyser = analyze
    return _analyser(word)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").casefold()


def words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _WORD.findall(normalise(text))]


@lru_cache(maxsize=200_000)
def terms_of_word(word: str, *, parts: bool = True) -> frozenset[str]:
    """The word itself, its lemmas, and for compounds the joined lemma and (when indexing)
    the parts. A query uses no parts: "kylätalolla" must not find every "kylä"."""
    word = normalise(word)
    found = {word}
    if len(word) < 2 or word.isdigit():
        return frozenset(found)
    try:
        analyses = _analyse(word)
    except Exception:  # noqa: BLE001 - an odd token must never break indexing or search
        analyses = []
    lexical = [a for a in analyses if a.source.startswith("Lexicon")]
    for analysis in lexical or analyses[:2]:
        lemma = normalise(analysis.lemma)
        if not lemma or " " in lemma:
            continue
        pieces = [p for p in lemma.split("|") if p]
        found.add("".join(pieces))
        if parts and lexical and len(pieces) > 1:
            found.update(p for p in pieces if len(p) >= 3)
    return frozenset(t for t in found if t)


def document(*texts: str) -> str:
    """Index terms of the texts as a space-padded string (stable order, no duplicates)."""
    terms: dict[str, None] = {}
    for text in texts:
        for word in words(text):
            for term in sorted(terms_of_word(word)):
                terms.setdefault(term, None)
    return " " + " ".join(terms) + " " if terms else ""


def parse_query(q: str) -> list[tuple[frozenset[str], bool, str]]:
    """Query words → [(alternative terms, match as prefix, the word)], stop words dropped."""
    q = (q or "")[:MAX_QUERY_LENGTH]
    raw = [w for w in words(q) if w not in _STOP][:MAX_QUERY_WORDS]
    parsed = []
    for i, word in enumerate(raw):
        prefix = i == len(raw) - 1 and len(word) >= 3 and not q.rstrip().endswith(" ")
        parsed.append((terms_of_word(word, parts=False), prefix, word))
    return parsed


def _tsquery(parsed, lexeme_prefix: str = "") -> str:
    """Every word, any of its terms, the last one also as a prefix; words with a quote are
    left out. `lexeme_prefix` ("33:") for the municipality's own terms (_local_tsquery)."""
    groups = []
    for alternatives, prefix, raw in parsed:
        options = [f"'{lexeme_prefix}{t}'" for t in sorted(alternatives) if "'" not in t]
        if prefix and "'" not in raw:
            options.append(f"'{lexeme_prefix}{raw}':*")
        if options:
            groups.append("(" + " | ".join(options) + ")")
    return " & ".join(groups)


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts5_query(parsed, column: str = "{search_name search_text}") -> str:
    """An FTS5 MATCH expression: every word, any of its terms; the last one also as prefix.
    Only the documents are searched, never the scope column (fulltext.py)."""
    groups = []
    for alternatives, prefix, raw in parsed:
        options = [_fts5_string(t) for t in sorted(alternatives)]
        if prefix:
            options.append(_fts5_string(raw) + "*")
        groups.append("(" + " OR ".join(options) + ")")
    expression = " AND ".join(groups)
    return f"{column} : ({expression})"


class _Sibling(Func):
    """Another column of the row a field expression points at: `F("search_name")` compiles
    to `"alias"."search_name"`, this to `"alias"."search_vector"`. Follows the alias when
    the queryset becomes a subquery, which a RawSQL with the table name would not."""

    def __init__(self, expression, column: str, output_field):
        super().__init__(expression, output_field=output_field)
        self.column = column

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        owner = sql.rsplit(".", 1)[0]
        return f"{owner}.{connection.ops.quote_name(self.column)}", params


class _Matches(Func):
    """`tsvector @@ to_tsquery('simple', q)` as a boolean expression (PostgreSQL)."""

    output_field = BooleanField()

    def __init__(self, vector, tsquery: str, *, walk: bool = False):
        super().__init__(vector, Value(tsquery))
        self.walk = walk

    def as_sql(self, compiler, connection, **extra):
        vector, vector_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        if self.walk:
            # The operator's function, not the operator: the GIN index cannot answer it and
            # the planner takes it for a common condition (a third of the rows), so it reads
            # the rows in the query's order and stops at the page (Ranked walks a dense
            # tier). With the operator it would rank every match of a common word.
            return (
                f"ts_match_vq({vector}, to_tsquery('simple'::regconfig, {query}))",
                (*vector_params, *query_params),
            )
        return (
            f"{vector} @@ to_tsquery('simple'::regconfig, {query})",
            (*vector_params, *query_params),
        )


def _local_tsquery(parsed, municipality_ids, *, names: bool = False) -> str:
    """The tsquery over the municipalities' own terms ("33:kylä", fulltext._local_sql()): the
    same words and alternatives as _tsquery(), cast to tsquery as they are, not parsed; for
    several municipalities (a region) one such query per municipality, any of them. With
    `names`, over the terms of the names only ("33n:kylä")."""
    marker = "n:" if names else ":"
    queries = [_tsquery(parsed, f"{int(pk)}{marker}") for pk in municipality_ids]
    queries = [q for q in queries if q]
    if len(queries) == 1:
        return queries[0]
    return " | ".join(f"({q})" for q in queries)


def _postgres_conditions(prefix: str, parsed, *, walk: bool = False) -> tuple[Q, Q]:
    tsquery = _tsquery(parsed)
    if not tsquery:  # every word had a quote: nothing can match
        return Q(pk__in=[]), Q(pk__in=[])
    from django.contrib.postgres.search import SearchVectorField

    def vector(column):
        return _Sibling(F(f"{prefix}search_name"), column, SearchVectorField())

    return (
        Q(_Matches(vector("search_vector"), tsquery, walk=walk)),
        Q(_Matches(vector("search_name_vector"), tsquery, walk=walk)),
    )


def _fts_table(queryset, prefix: str) -> str:
    from .fulltext import fts_table

    model = queryset.model
    if prefix:
        model = model._meta.get_field(prefix.removesuffix("__")).related_model
    return fts_table(model._meta.db_table)


def _sqlite_conditions(queryset, prefix: str, parsed) -> tuple[Q, Q]:
    table = _fts_table(queryset, prefix)
    select = f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s'  # noqa: S608 - our name

    def ids(expression):
        return Q(**{f"{prefix}pk__in": RawSQL(select, [expression])})  # noqa: S611

    return ids(_fts5_query(parsed)), ids(_fts5_query(parsed, "search_name"))


def conditions(queryset, q: str, *, prefix: str = "") -> tuple[Q, Q] | None:
    """(matches anywhere, matches in the name) for `q`, or None when `q` is no search."""
    parsed = parse_query(q)
    if not parsed:
        return None
    if connection.vendor == "postgresql":
        return _postgres_conditions(prefix, parsed)
    return _sqlite_conditions(queryset, prefix, parsed)


def apply(queryset, q: str, *, prefix: str = ""):
    """Filters `queryset` to rows matching `q` and orders name matches first.

    `prefix` points at a related row's documents (e.g. "association__")."""
    found = conditions(queryset, q, prefix=prefix)
    if found is None:
        return queryset, False
    anywhere, in_name = found
    ranked = queryset.filter(anywhere).annotate(
        search_rank=Case(
            When(in_name, then=Value(2)), default=Value(1), output_field=IntegerField()
        )
    )
    return ranked.order_by("-search_rank", *queryset.query.order_by or ["pk"]), True


def similar_names(queryset, q: str, limit: int = 5):
    """Misspelt names ("Kempeleen kyläydistys"): trigram similarity on PostgreSQL only."""
    if connection.vendor != "postgresql" or not q.strip():
        return queryset.none()
    from django.contrib.postgres.search import TrigramWordSimilarity

    return (
        queryset.annotate(_similarity=TrigramWordSimilarity(q[:MAX_QUERY_LENGTH], "name_fi"))
        .filter(_similarity__gte=0.45)
        .order_by("-_similarity")[:limit]
    )


# --- reading a search page (decision 0011) ---------------------------------------------

# SQLite, a search without a municipality: a tier with more matches than this is read by
# walking the table in its order (stopping when the page is full); with fewer, its matches
# are sorted.
WALK_ABOVE = 1500
# PostgreSQL, a search over the whole country: a tier with many matches is read by walking
# at most this many rows in name order; when they hold too few, its matches are sorted.
WINDOW = 3000
# PostgreSQL: a search looks at up to this many matches (at least up to the page's end)
# before it walks in order instead of sorting them; also the cap of its counts (decision 0012).
PROBE = 300
# PostgreSQL: an activity search in at most this many municipalities (a region has up to 30)
# is matched by their own prefixed terms, one tsquery per municipality (0014).
LOCAL_MAX = 40


class Ranked:
    """A search to be read a page at a time: rows whose name matches first, then the other
    matching rows, each in the queryset's order (the same order as apply()).

    `queryset`: filtered and ordered (by model fields or expressions over them), but neither
    searched nor limited to municipalities; `municipalities` (ids) limits it. `plain`: the
    queryset is the model's public rows and nothing more (associations: public();
    activities: public().upcoming_or_recurring()), so that on SQLite the index leaves the
    others out: dissolved associations, and activities that are unpublished or whose
    association is dissolved ("piilo"); associations' counts then come from the index
    alone (an activity's time condition is not in the index). `narrow`: the queryset holds
    few rows (one association's activities), so its matches are sorted rather than walked.

    SQLite: the full-text index holds each row's municipalities (fulltext.py), so the matches
    of a search in a municipality are one FTS5 expression, counted by FTS5 itself; the page
    sorts only those matches. Without municipalities a large tier is read by walking the
    name index in order and stopping when the page is full. One query gives a page's ids
    and the counts (two for a search without municipalities); the caller reads the rows.

    PostgreSQL: over the whole country a probe reads the ids of up to `cap` + 1 matches
    and name matches (GIN indexes, no order); few matches are sorted from those ids, a tier
    with more is walked in order until the page is full (decision 0012). In municipalities
    their own terms give each tier, which is sorted only when the page needs it (0014,
    0017). Counts are exact up to the cap.
    """

    def __init__(
        self, queryset, q: str, *, municipalities=None, plain: bool = False, narrow: bool = False
    ):
        self.q = q
        self.order = queryset.query.order_by or ("pk",)
        self.parsed = parse_query(q)
        self.vendor = connection.vendor
        self.municipalities = None if municipalities is None else list(municipalities)
        self.plain = plain
        self.narrow = narrow  # the queryset holds few rows (e.g. one association's)
        self.unscoped = queryset
        self.base = queryset
        if self.municipalities is not None:
            self.base = queryset.filter(_in_municipalities(queryset.model, self.municipalities))
        # PostgreSQL, a search in one municipality, or activities in a region: matched by
        # the municipalities' own terms (0014). (Associations in a region: with one prefix
        # query per municipality, the planner costed GIN above a scan of the whole table.)
        self.local_query = self.local_name_query = None
        several = (
            self.municipalities is not None
            and 1 < len(self.municipalities) <= LOCAL_MAX
            and queryset.model._meta.db_table != "associations_association"
        )
        if (
            self.parsed
            and self.vendor == "postgresql"
            and not narrow
            and self.municipalities
            and (len(self.municipalities) == 1 or several)
        ):
            self.local_query = _local_tsquery(self.parsed, self.municipalities)
            self.local_name_query = _local_tsquery(self.parsed, self.municipalities, names=True)
        if not self.parsed or self.vendor == "postgresql":
            return
        self.table = _fts_table(queryset, "")
        scope = ""
        if self.municipalities is not None:
            tokens = " OR ".join(_fts5_string(f"m{pk}") for pk in self.municipalities)
            scope = f" AND search_scope : ({tokens or _fts5_string('m0')})"
        associations = queryset.model._meta.db_table == "associations_association"
        # Counts and tier sizes from the index are those of the queryset (associations).
        self.exact = plain and associations
        if plain and associations:
            scope += " NOT search_scope : lakannut"
        elif plain:
            # Published, association not dissolved: in the index. Only the time condition
            # is left for SQL, without joining every match to its association.
            scope += " NOT search_scope : piilo"
            self.unscoped = queryset.model.objects.upcoming_or_recurring().order_by(*self.order)
        in_name, anywhere = _fts5_query(self.parsed, "search_name"), _fts5_query(self.parsed)
        self.name_match = f"({in_name}){scope}"
        self.any_match = f"({anywhere}){scope}"
        # The second tier as one expression: FTS5 takes the name matches away itself.
        self.rest_match = f"(({anywhere}){scope}) NOT ({in_name})"

    def queryset(self):
        """Every match as one queryset in the same order (apply()), for when a page is not
        what is wanted (e.g. all the ids)."""
        return apply(self.base, self.q)[0]

    # -- SQL pieces -------------------------------------------------------------------------

    def _fts_select(self, match: str) -> str:
        table = self.table
        return f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s', [match]  # noqa: S608

    def _among(self, match: str, walk: bool) -> Q:
        if walk:
            return Q(_InFts(F("pk"), self.table, match))
        sql, params = self._fts_select(match)
        # The matches are those of the scope already: no municipality filter in SQL.
        return Q(pk__in=RawSQL(sql, params))  # noqa: S611

    def _page_sql(self, queryset, bottom: int, top: int):
        """The ids of rows [bottom:top] of `queryset` in the search's order."""
        query = queryset.order_by(*self.order).values_list("pk")[bottom:top].query
        sql, params = query.sql_with_params()
        return sql, list(params)

    def _ids_sql(self, queryset, bottom: int, top: int, part: int):
        sql, params = self._page_sql(queryset, bottom, top)
        return f"SELECT sub.*, {part} FROM ({sql}) sub", params  # noqa: S608 - Django's SQL

    def _rest_sql(self, queryset, top: int, room: int):
        """The second tier's first `top` ids, read only when the first tier ("tier1") has
        fewer than `room` rows on the page (SQLite)."""
        sql, params = queryset.order_by(*self.order).values_list("pk").query.sql_with_params()
        guarded = (
            f'SELECT sub.*, 2 FROM ({sql} LIMIT CASE WHEN (SELECT COUNT(*) FROM "tier1") < %s '  # noqa: S608
            "THEN %s ELSE 0 END) sub"
        )
        return guarded, [*params, room, top]

    def _count_sql(self, queryset, limit: int, part: int):
        sql, params = queryset.order_by().values_list("pk")[: limit + 1].query.sql_with_params()
        return f"SELECT COUNT(*), {part} FROM ({sql}) sub", params  # noqa: S608 - Django's SQL

    def _fts_count_sql(self, match: str, part: int):
        sql, params = self._fts_select(match)
        return f"SELECT COUNT(*), {part} FROM ({sql}) sub", params  # noqa: S608 - our SQL

    def _run(self, arms):
        sql = " UNION ALL ".join(a for a, _p in arms)
        params = [p for _a, ps in arms for p in ps]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    # -- reading ----------------------------------------------------------------------------

    def read(self, bottom: int, top: int, cap: int | None = None):
        """(ids of rows [bottom:top] in rank order, count, capped). With `cap` there is a
        count: exact when it comes from the index, otherwise of at most max(cap, top) rows
        (then capped is True). Without `cap` (only from the first row on) there is none."""
        if not self.parsed:
            return [], 0, False
        if cap is None and bottom:
            raise ValueError("a page after the first needs the counts")
        if self.vendor == "postgresql":
            return self._read_postgres(bottom, top, cap)
        return self._read_sqlite(bottom, top, cap)

    def _read_postgres(self, bottom: int, top: int, cap: int | None):
        """Associations over the whole country: two or three queries for the ids, however
        many rows match (decision 0012).

        First a probe: the ids of up to `limit` + 1 name matches and, when there are no more
        than `limit`, of up to `limit` + 1 matches anywhere, in no order (GIN indexes; the
        scan stops at the limit; _gated_probe_sql). When every match
        fits, the page is sorted from those ids alone (and the count is exact). Otherwise
        a tier with more than `limit` matches is read by walking at most WINDOW rows in
        name order (_window_sql), a tier with fewer is sorted from its ids; and when the
        window held too few matches (they cluster further on), the tier's matches are
        sorted after all. Ranking every match was what grew with the data: 37 000 matches
        of "yhdistyksen" in the whole country at 100 000."""
        walkable = self.unscoped.model._meta.db_table == "associations_association"
        if self.narrow or self.municipalities is not None or not walkable:
            # A municipality's (or region's) matches are sorted (from its own terms, 0014).
            # Activities have no order a walk could trust: matches cluster by time.
            return self._read_postgres_sorted(bottom, top, cap)
        limit = max(min(cap or PROBE, PROBE), top)
        anywhere, in_name = _postgres_conditions("", self.parsed)
        probe = self._run([self._gated_probe_sql(anywhere, in_name, limit)])
        every = [pk for pk, part in probe if part == 1]
        names = [pk for pk, part in probe if part == 2]
        rows = self.unscoped.model._base_manager
        if len(names) <= limit and len(every) <= limit:
            # Every match is known: sort them (their tier from the name probe).
            name_set = set(names)
            ordered = rows.filter(pk__in=every).order_by(*self.order).values_list("pk", flat=True)
            ordered = list(ordered)
            ranked = [pk for pk in ordered if pk in name_set]
            ranked += [pk for pk in ordered if pk not in name_set]
            count = None if cap is None else len(every)
            return ranked[bottom:top], count, False
        walk_any, walk_name = _postgres_conditions("", self.parsed, walk=True)
        arms = []
        if len(names) > limit:
            # More name matches than a page can reach (top <= limit): the page is all names.
            tier, indexed, start, end, n_names = walk_name, in_name, bottom, top, None
        else:
            n_names = len(names)
            if bottom < n_names:
                arms.append(self._ids_sql(rows.filter(pk__in=names), bottom, top, 1))
            tier, indexed = walk_any & ~walk_name, anywhere & ~in_name
            start, end = max(0, bottom - n_names), top - n_names
        walking = end > start and (n_names is None or top > n_names)
        if walking:
            arms.append(self._window_sql(tier, start, end, 2))
        found = self._run(arms) if arms else []
        first = [pk for pk, part in found if part == 1]
        second = [pk for pk, part in found if part == 2]
        if walking and len(second) < end - start:
            # The window held too few: the tier's matches cluster further on in name order
            # ("oulun": every "Oulun ..." under O). Sort the tier's matches instead.
            # The order is written as an expression no index gives, so PostgreSQL takes the
            # matches from the GIN index and sorts them instead of walking the name index.
            name = Func(F("name_fi"), template="(%(expressions)s || '')", output_field=CharField())
            sorted_tier = self.base.filter(indexed).order_by(name.asc(), "pk")
            sql, params = sorted_tier.values_list("pk")[start:end].query.sql_with_params()
            second = [pk for (pk,) in self._run([(sql, params)])]
        count = None if cap is None else limit
        return (first + second)[: top - bottom], count, cap is not None

    def _window_sql(self, condition, bottom: int, top: int, part: int):
        """Ids [bottom:top] of the rows meeting `condition` among the first WINDOW rows in
        name order: PostgreSQL reads at most WINDOW index entries and rows, whatever the
        words. Fewer than asked means the window was too small (see _read_postgres)."""
        # The condition is a column of the window's rows, so each row is read once (joined
        # back to its table by id, each was read twice: 6 -> 3 ms for a page of "sydän").
        window = (
            self.base.order_by("name_fi", "pk")
            .annotate(search_hit=ExpressionWrapper(condition, output_field=BooleanField()))
            .values_list("id", "name_fi", "search_hit")[:WINDOW]
        )
        inner, params = window.query.sql_with_params()
        sql = (
            f"SELECT * FROM (SELECT walked.id, {part} FROM ({inner}) walked "  # noqa: S608
            f"WHERE walked.search_hit ORDER BY walked.name_fi, walked.id "
            f"LIMIT {int(top) - int(bottom)} OFFSET {int(bottom)}) windowed"
        )
        return sql, list(params)

    def _read_postgres_local(self, bottom: int, top: int, cap: int | None, limit: int):
        """A search in municipalities by their own terms (0014), a tier at a time (0017).

        One statement: the first tier's rows up to the page's end + 1, sorted, from the
        names' own terms ("33n:kylä"), so only the name matches are read and sorted, with
        the tier's size; the second tier up to the page's end, sorted, only when the first
        leaves room on the page; and the count of every match up to `limit` + 1, in no
        order, only when the name matches are no more than `limit` (One-Time Filters, so
        PostgreSQL does not run those parts otherwise). Before, one ranked query read,
        checked by name and sorted every match: Helsinki's 5 300 activities matching
        "kylätalolla" for a page of 20 (8-10 ms at 100 000)."""
        if not self.local_query:  # every word had a quote: nothing can match
            return [], (None if cap is None else 0), False
        # Without the municipality_id condition: the prefixed terms hold the municipality,
        # and with it the planner read every activity of the municipality instead of the
        # index (it cannot tell what a prefix costs in GIN). The conditions are written
        # out as SQL: as querysets, compiling the six parts cost more than the search at
        # 1 000 (2.3 ms).
        table = self.unscoped.model._meta.db_table

        def matches(column, query, cast):
            return f'"{table}"."{column}" @@ {cast}', [query]

        local = "(%s)::tsquery"
        every = [matches("search_local_vector", self.local_query, local)]
        in_name = [matches("search_local_vector", self.local_name_query, local)]
        rest = [_and(every[0], _not(in_name[0]))]
        if table == "associations_association":
            # The prefixed terms are those of the home municipality; the few associations
            # only acting there (home elsewhere) are matched by the plain vectors, as a
            # part of their own: with an OR of the two, PostgreSQL checked every match's
            # terms again (Helsinki "yhdistyksen": 3 900 rows, 10 ms instead of 5).
            plain = "to_tsquery('simple'::regconfig, %s)"
            anywhere = matches("search_vector", _tsquery(self.parsed), plain)
            named = matches("search_name_vector", _tsquery(self.parsed), plain)
            acting = self._acting_only()
            every.append(_and(acting, anywhere))
            in_name.append(_and(acting, named))
            rest.append(_and(acting, anywhere, _not(named)))
        # The first tier's rows carry its size (a window count over the rows it sorts
        # anyway): more name matches than the cap make the count of all matches needless.
        first_sql, first_params = self._sorted_sql(in_name, top + 1, 1, sized=True)
        rest_sql, rest_params = self._sorted_sql(rest, top, 2)
        sql = (
            f'WITH "tier1" AS MATERIALIZED ({first_sql}) '  # noqa: S608 - Django's SQL
            f'SELECT "id", "part" FROM "tier1" UNION ALL SELECT MAX("size"), 4 FROM "tier1" '
            f'UNION ALL SELECT * FROM ({rest_sql}) rest WHERE (SELECT COUNT(*) FROM "tier1") < %s'
        )
        params = [*first_params, *rest_params, top]
        if cap is not None:
            parts = self._parts(every, "pk")
            counted = " UNION ALL ".join(f"({sql})" for sql, _p in parts)
            sql += (
                f" UNION ALL SELECT COUNT(*), 3 FROM (SELECT * FROM ({counted}) parts "  # noqa: S608
                f'WHERE COALESCE((SELECT MAX("size") FROM "tier1"), 0) <= %s '
                f"LIMIT {int(limit) + 1}) counted"
            )
            params += [p for _sql, ps in parts for p in ps] + [limit]
        found = self._run([(sql, params)])
        first = [pk for pk, part in found if part == 1]
        rest = [pk for pk, part in found if part == 2]
        ids = (first + rest)[bottom:top]
        if cap is None:
            return ids, None, False
        (named,) = [n or 0 for n, part in found if part == 4]
        (count,) = [n for n, part in found if part == 3]
        if named > limit:  # the count of all matches was not made
            count = named
        return ids, min(count, limit), count > limit

    def _parts(self, conditions, *names):
        """(SQL, params) of the rows of the queryset meeting each condition ((SQL, params)
        over the model's table), unordered, as `names`: the queryset is compiled once, with
        a mark where each condition then goes."""
        mark = "(1 = 1) /* silta: part */"
        marker = RawSQL(mark, [], output_field=BooleanField())  # noqa: S611 - a constant
        marked = self.unscoped.order_by().filter(marker)
        sql, params = marked.values_list(*names).query.sql_with_params()
        at = sql.index(mark)
        before = sql[:at].count("%s")
        return [
            (
                f"{sql[:at]}({condition}){sql[at + len(mark) :]}",
                [*params[:before], *condition_params, *params[before:]],
            )
            for condition, condition_params in conditions
        ]

    def _sorted_sql(self, conditions, top: int, part: int, *, sized: bool = False):
        """(id, part) of the first `top` rows meeting any of `conditions` (disjoint) in the
        search's order, sorted from all of them (PostgreSQL). The matches are a subquery
        with OFFSET 0, which PostgreSQL plans on its own, for all its rows: with the ORDER BY
        and LIMIT on the matches themselves it walked the country's name index expecting an
        early end, and read all 100 000 associations for Kempele's 17 choirs (650 ms)."""
        columns = _order_columns(self.order)
        names = [name for name, _order in columns]
        if "id" not in names:
            names.append("id")
        parts = self._parts(conditions, *names)
        inner = " UNION ALL ".join(f"({sql})" for sql, _params in parts)
        ordered = ", ".join(f'm."{name}"{order}' for name, order in columns)
        size = ', COUNT(*) OVER () AS "size"' if sized else ""
        sql = (
            f'SELECT m."id", {int(part)} AS "part"{size} '  # noqa: S608 - Django's SQL
            f"FROM (SELECT * FROM ({inner}) parts OFFSET 0) m "
            f"ORDER BY {ordered} LIMIT {int(top)}"
        )
        return sql, [p for _sql, params in parts for p in params]

    def _acting_only(self):
        """(SQL, params): associations acting in the municipalities with their home
        elsewhere, as `id = ANY(ARRAY(...))` (models._InArray)."""
        from .models import Association

        through = Association.municipalities.through._meta.db_table
        ids = [int(pk) for pk in self.municipalities]
        marks = ", ".join(["%s"] * len(ids))
        sql = (
            f'"associations_association"."id" = ANY(ARRAY(SELECT "association_id" '  # noqa: S608
            f'FROM "{through}" WHERE "municipality_id" IN ({marks}))) '
            f'AND NOT ("associations_association"."municipality_id" IN ({marks}))'
        )
        return sql, [*ids, *ids]

    def _gated_probe_sql(self, anywhere: Q, in_name: Q, limit: int):
        """The probe: the ids of up to `limit` + 1 name matches (part 2) and, only when
        there are no more name matches than `limit`, of up to `limit` + 1 matches anywhere
        (part 1). Every name match is a match anywhere, so more name matches than `limit`
        already mean more matches than `limit`: the second arm is then not run at all (a
        One-Time Filter over the counted CTE). That arm was what cost: for a word in few
        descriptions ("sydän") PostgreSQL scanned the table until 301 matches, 13 500 rows
        (16-19 ms at 100 000), while its name matches came from the GIN index in 1 ms."""
        names_sql, names_params = self._probe_sql(self.base.filter(in_name), limit, 2)
        every_sql, every_params = self._probe_sql(self.base.filter(anywhere), limit, 1)
        sql = (
            f'WITH "names" AS MATERIALIZED ({names_sql}) '  # noqa: S608 - Django's SQL
            f'SELECT * FROM "names" UNION ALL '
            f'SELECT * FROM ({every_sql}) every WHERE (SELECT COUNT(*) FROM "names") <= %s'
        )
        return sql, [*names_params, *every_params, limit]

    def _probe_sql(self, queryset, limit: int, part: int):
        sql, params = queryset.order_by().values_list("pk")[: limit + 1].query.sql_with_params()
        return f"SELECT sub.*, {part} FROM ({sql}) sub", params  # noqa: S608 - Django's SQL

    def _read_postgres_sorted(self, bottom: int, top: int, cap: int | None):
        """One ranked query for the ids of up to max(cap, top) + 1 matches: the page and the
        capped count from one pass (one association's activities, or associations in a
        region). A search by the municipalities' own terms is read a tier at a time
        instead (_read_postgres_local)."""
        limit = top if cap is None else max(cap, top)
        if self.local_query is not None:
            return self._read_postgres_local(bottom, top, cap, limit)
        ranked = apply(self.base, self.q)[0]
        ids = list(ranked.values_list("pk", flat=True)[: limit + 1])
        if cap is None:
            return ids[bottom:top], None, False
        return ids[bottom:top], min(len(ids), limit), len(ids) > limit

    def _read_sqlite(self, bottom: int, top: int, cap: int | None):
        scoped = self.municipalities is not None or self.narrow
        index_counts = self.exact and cap is not None
        walk_name = walk_rest = False
        known = None
        need_rest = True
        if not scoped:
            known = self._run(
                [self._fts_count_sql(self.name_match, 3), self._fts_count_sql(self.any_match, 4)]
            )
            in_names, anywhere = (n for n, _part in sorted(known, key=lambda r: r[1]))
            # Only associations have an index in their order over the whole country (name);
            # activities are few per search and sorted.
            walkable = self.unscoped.model._meta.db_table == "associations_association"
            walk_name = walkable and in_names > WALK_ABOVE
            walk_rest = walkable and anywhere - in_names > WALK_ABOVE
            # The page is all name matches, or there are no others: no second tier to read.
            # (Only with exact counts: other filters may leave fewer name matches.)
            need_rest = anywhere > in_names and not (self.exact and in_names >= top)
        tier1 = self.unscoped.filter(self._among(self.name_match, walk_name))
        tier2 = self.unscoped.filter(self._among(self.rest_match, walk_rest))
        limit = None if cap is None else max(cap, top)
        # The second tier from its start up to `top`: enough for any split of the page
        # between the tiers. A page beyond the cap asks for the second tier separately.
        two_steps = limit is not None and bottom > 0 and top > cap
        # The first tier's page is kept (a materialised CTE), so that the second tier is
        # read only when the first leaves room on the page: its LIMIT is 0 otherwise, and
        # SQLite then does not even list its matches.
        first_sql, first_params = self._page_sql(tier1, bottom, top)
        arms = [(f'{_with_tier1(first_sql)} SELECT "pk", 1 FROM "tier1"', first_params)]  # noqa: S608
        if not two_steps and need_rest:
            arms.append(self._rest_sql(tier2, top, room=top - bottom))
        if index_counts and known is None:
            arms += [
                self._fts_count_sql(self.name_match, 3),
                self._fts_count_sql(self.any_match, 4),
            ]
        elif limit is not None and not index_counts:
            # Counted from the list of matches (no order to keep: looking rows up by id stops
            # at the limit, a walk without an order would read the whole table).
            # The first page needs only the total; a later one also the size of the first
            # tier, to know where the second tier's part of the page starts.
            every = self.unscoped.filter(self._among(self.any_match, False))
            arms.append(self._count_sql(every, limit, 4))
            if bottom:
                in_name = self.unscoped.filter(self._among(self.name_match, False))
                arms.append(self._count_sql(in_name, limit, 3))
        found = self._run(arms) + (known if index_counts and known else [])
        first = [pk for pk, part in found if part == 1]
        second = [pk for pk, part in found if part == 2]
        if limit is None:
            return (first + second)[:top], None, False
        counts = {part: n for n, part in found if part in (3, 4)}
        in_names, total = counts.get(3, 0), counts[4]  # 3 is there whenever bottom > 0
        if two_steps:
            if len(first) < top - bottom and need_rest:
                start = max(0, bottom - in_names)
                extra = self._run([self._ids_sql(tier2, start, top - in_names, 2)])
                first += [pk for pk, _part in extra]
            ids = first[: top - bottom]
        else:
            ids = (first + second[max(0, bottom - in_names) :])[: top - bottom]
        if index_counts:
            return ids, total, False
        return ids, min(total, limit), total > limit


def _with_tier1(sql: str) -> str:
    """`WITH "tier1" AS MATERIALIZED (sql)`; SQLite before 3.35 has no MATERIALIZED (and
    then computes the CTE once for each use, with the same result)."""
    hint = "MATERIALIZED " if connection.Database.sqlite_version_info >= (3, 35) else ""
    return f'WITH "tier1" AS {hint}({sql})'


def _compile_condition(model, condition: Q):
    """SQL of a condition over `model`'s table, columns named by the table (no alias)."""
    query = model._base_manager.filter(condition).query
    where, params = query.where.as_sql(query.get_compiler(using="default"), connection)
    return where, list(params)


def _and(*conditions):
    """(SQL, params) of all of `conditions` ((SQL, params) each)."""
    sql = " AND ".join(f"({c})" for c, _p in conditions)
    return sql, [p for _c, ps in conditions for p in ps]


def _not(condition):
    sql, params = condition
    return f"NOT ({sql})", params


def _order_columns(order) -> list[tuple[str, str]]:
    """[(column, " ASC NULLS LAST"), ...] of an order of plain fields (PostgreSQL SQL)."""
    columns = []
    for item in order:
        if isinstance(item, str):
            name, descending, nulls = item.lstrip("-"), item.startswith("-"), ""
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
            nulls = " NULLS LAST" if item.nulls_last else " NULLS FIRST" if item.nulls_first else ""
        else:
            raise ValueError(f"a search is sorted by plain fields only, not {item!r}")
        if not re.fullmatch(r"[a-z_]+", name):
            raise ValueError(f"a search is sorted by plain fields only, not {name!r}")
        columns.append(
            ("id" if name == "pk" else name, (" DESC" if descending else " ASC") + nulls)
        )
    return columns


def _in_municipalities(model, ids: list) -> Q:
    if model._meta.db_table == "associations_association":
        from .models import present_in

        return present_in(ids)
    return Q(municipality_id=ids[0]) if len(ids) == 1 else Q(municipality_id__in=ids)


class _InFts(Func):
    """`+"alias"."id" IN (SELECT rowid FROM <fts> WHERE <fts> MATCH q)` (SQLite): the unary
    plus keeps SQLite from driving the query from the list of matches; it walks the table
    in the queryset's order through an index, checks each row against the list and stops
    when LIMIT is reached."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, pk, table: str, match: str):
        super().__init__(pk)
        self.table = table
        self.match = match

    def as_sql(self, compiler, connection, **extra):
        pk, params = compiler.compile(self.source_expressions[0])
        table = self.table
        sql = f'+{pk} IN (SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s)'  # noqa: S608
        return sql, (*params, self.match)
