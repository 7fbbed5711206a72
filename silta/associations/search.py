"""Finnish-aware search: lemmas and compound parts from pypykko, indexed per row.

Each searchable row keeps two documents, `search_name` and `search_text`: space-padded
lists of index terms (" kylä kyläyhdistys yhdistys kempele "). A query word is analysed
the same way and matches a row when any of its terms is a whole term of the row, so
"yhdistyksen" (→ yhdistys) finds "Kempeleen Kyläyhdistys ry" (parts kylä|yhdistys) and
"kylätalolla" (→ kylä|talo) finds "Kylätalo ry". The last query word also matches as a
prefix, so live search finds while typing. Every query word must match (AND).

On SQLite the documents are matched with LIKE; on PostgreSQL with a GIN full-text index
on to_tsvector('simple', search_name || ' ' || search_text) (migration 0004), and a
trigram index on the Finnish name finds misspelt names when nothing else matches.
"""

import re
import threading
import unicodedata
from functools import lru_cache

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

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


def _q_for(field_prefix: str, alternatives: frozenset[str], prefix: bool, raw: str) -> Q:
    cond = Q()
    for term in alternatives:
        cond |= Q(**{f"{field_prefix}__contains": f" {term} "})
    if prefix:
        cond |= Q(**{f"{field_prefix}__contains": f" {raw}"})
    return cond


def _tsquery(parsed) -> str:
    groups = []
    for alternatives, prefix, raw in parsed:
        options = [f"'{t}'" for t in sorted(alternatives) if "'" not in t]
        if prefix and "'" not in raw:
            options.append(f"'{raw}':*")
        if options:
            groups.append("(" + " | ".join(options) + ")")
    return " & ".join(groups)


def apply(queryset, q: str, *, prefix: str = ""):
    """Filters `queryset` to rows matching `q` and orders name matches first.

    `prefix` points at a related row's documents (e.g. "association__")."""
    parsed = parse_query(q)
    if not parsed:
        return queryset, False
    name_field, text_field = f"{prefix}search_name", f"{prefix}search_text"
    if connection.vendor == "postgresql" and not prefix:
        from django.contrib.postgres.search import SearchQuery, SearchVector

        query = SearchQuery(_tsquery(parsed), search_type="raw", config="simple")
        matched = queryset.annotate(
            _doc=SearchVector("search_name", "search_text", config="simple")
        ).filter(_doc=query)
        name_match = Q(_name_doc=query)
        matched = matched.annotate(_name_doc=SearchVector("search_name", config="simple"))
    else:
        both = Q()
        name_match = Q()
        for alternatives, is_prefix, raw in parsed:
            both &= _q_for(name_field, alternatives, is_prefix, raw) | _q_for(
                text_field, alternatives, is_prefix, raw
            )
            name_match &= _q_for(name_field, alternatives, is_prefix, raw)
        matched = queryset.filter(both)
    ranked = matched.annotate(
        search_rank=Case(
            When(name_match, then=Value(2)), default=Value(1), output_field=IntegerField()
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
