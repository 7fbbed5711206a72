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
* SQLite: an FTS5 table `<table>_fts` over the two documents, kept by triggers (see
  `fulltext.py`); the query is an FTS5 MATCH expression, `search_name : (...)` for names.

The columns and the FTS5 table are not model fields: Django never writes them.
"""

import re
import threading
import unicodedata
from functools import lru_cache

from django.db import connection
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

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


def _tsquery(parsed) -> str:
    groups = []
    for alternatives, prefix, raw in parsed:
        options = [f"'{t}'" for t in sorted(alternatives) if "'" not in t]
        if prefix and "'" not in raw:
            options.append(f"'{raw}':*")
        if options:
            groups.append("(" + " | ".join(options) + ")")
    return " & ".join(groups)


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts5_query(parsed, column: str | None = None) -> str:
    """An FTS5 MATCH expression: every word, any of its terms; the last one also as prefix."""
    groups = []
    for alternatives, prefix, raw in parsed:
        options = [_fts5_string(t) for t in sorted(alternatives)]
        if prefix:
            options.append(_fts5_string(raw) + "*")
        groups.append("(" + " OR ".join(options) + ")")
    expression = " AND ".join(groups)
    return f"{column} : ({expression})" if column else expression


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

    def __init__(self, vector, tsquery: str):
        super().__init__(vector, Value(tsquery))

    def as_sql(self, compiler, connection, **extra):
        vector, vector_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        return (
            f"{vector} @@ to_tsquery('simple'::regconfig, {query})",
            (*vector_params, *query_params),
        )


def _postgres_conditions(prefix: str, parsed) -> tuple[Q, Q]:
    tsquery = _tsquery(parsed)
    if not tsquery:  # every word had a quote: nothing can match
        return Q(pk__in=[]), Q(pk__in=[])
    from django.contrib.postgres.search import SearchVectorField

    def vector(column):
        return _Sibling(F(f"{prefix}search_name"), column, SearchVectorField())

    return (
        Q(_Matches(vector("search_vector"), tsquery)),
        Q(_Matches(vector("search_name_vector"), tsquery)),
    )


def _sqlite_conditions(queryset, prefix: str, parsed) -> tuple[Q, Q]:
    model = queryset.model
    if prefix:
        model = model._meta.get_field(prefix.removesuffix("__")).related_model
    table = f"{model._meta.db_table}_fts"
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
