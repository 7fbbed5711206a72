"""The Swedish and English catalogues are complete, well-formed and compiled.

Msgids are Finnish (the source language), so there is one catalogue per other language in
settings.LANGUAGES, under silta/locale. How to update them: docs/translating.md.
"""

import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "silta" / "locale"
SOURCE = settings.LANGUAGE_CODE
TARGETS = [code for code, _name in settings.LANGUAGES if code != SOURCE]
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


# ------------------------------------------------------------------ a small .po reader


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 for a plain msgstr
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    def pairs(self):
        """(source, translation) for each form: msgstr[0] answers msgid, the others msgid_plural."""
        for n, text in sorted(self.msgstr.items()):
            yield (self.msgid if n == 0 or self.msgid_plural is None else self.msgid_plural), text


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


@cache
def parse_po(path: Path) -> tuple[Entry, ...]:
    entries, entry, target = [], Entry(), None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line or line.startswith("#~"):  # blank line or obsolete entry
            continue
        if line.startswith("#"):
            if target is not None:  # comments start the next entry
                entries.append(entry)
                entry, target = Entry(), None
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{where}: continuation line without a keyword")
            kind, n = target
            value = _unquote(line, where)
        elif keyword in {"msgctxt", "msgid", "msgid_plural"} or keyword.startswith("msgstr"):
            if keyword in {"msgctxt", "msgid"} and target is not None and target[0] == "msgstr":
                entries.append(entry)
                entry = Entry()
            n = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            kind = "msgstr" if keyword.startswith("msgstr") else keyword
            target = (kind, n)
            entry.line = entry.line or number
            value = _unquote(rest, where)
            if kind == "msgstr":
                entry.msgstr[n] = ""
            else:
                setattr(entry, kind, "")
        else:
            raise ValueError(f"{where}: cannot read {raw!r}")
        if kind == "msgstr":
            entry.msgstr[n] += value
        else:
            setattr(entry, kind, getattr(entry, kind) + value)
    if target is not None:
        entries.append(entry)
    return tuple(entries)


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def header(lang: str) -> tuple[Entry, dict[str, str]]:
    first = parse_po(po_path(lang))[0]
    assert first.msgid == "" and first.msgctxt is None, "the header must come first"
    fields = dict(line.split(": ", 1) for line in first.msgstr[0].splitlines() if ": " in line)
    return first, fields


def messages(lang: str) -> list[Entry]:
    return [e for e in parse_po(po_path(lang)) if e.msgid]


def where(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid[:70]!r}"


# ------------------------------------------------------------------ what must survive translation

# %(name)s, %s, %d, %r, %5.2f, %% …; only for entries xgettext flagged python-format.
PRINTF = re.compile(r"%(?:\(\w+\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
NAMED = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
TEMPLATE_VAR = re.compile(r"\{\{.*?\}\}")
BRACE = re.compile(r"\{\w*(?:[.\[][^{}]*)?(?:![rsa])?(?::[^{}]*)?\}")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
# Attribute values a translator may (and should) translate.
TRANSLATABLE_ATTRIBUTE = re.compile(r'\s(title|alt|aria-label|placeholder)="[^"]*"')


def tokens(text: str, flags: set[str]) -> Counter:
    found = Counter()
    if "python-format" in flags:
        found.update(PRINTF.findall(text))
    elif "no-python-format" not in flags:
        found.update(NAMED.findall(text))
    if "python-brace-format" in flags:
        found.update(BRACE.findall(text))
    found.update(re.sub(r"\s+", "", var) for var in TEMPLATE_VAR.findall(text))
    found.update(TRANSLATABLE_ATTRIBUTE.sub(r' \1="…"', tag) for tag in TAG.findall(text))
    return found


# ------------------------------------------------------------------ the catalogues


def test_a_catalogue_for_every_language_but_the_source_language():
    assert TARGETS, "settings.LANGUAGES has no languages to translate into"
    missing = [lang for lang in TARGETS if not po_path(lang).exists()]
    assert not missing, f"no catalogue for {missing}; see docs/translating.md"
    # Msgids are Finnish already: a Finnish catalogue would only hold empty translations.
    assert not (LOCALE / SOURCE).exists(), (
        f"silta/locale/{SOURCE} should not exist; run makemessages without -l {SOURCE}"
    )


@pytest.mark.parametrize("lang", TARGETS)
def test_header(lang):
    first, fields = header(lang)
    assert not first.fuzzy, "remove the fuzzy flag from the header"
    assert fields.get("Language") == lang
    assert fields.get("Plural-Forms") == PLURAL_FORMS
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"


@pytest.mark.parametrize("lang", TARGETS)
def test_every_entry_is_translated_and_none_is_fuzzy(lang):
    entries = messages(lang)
    assert entries, "the catalogue is empty"
    problems = [f"fuzzy, {where(e)}" for e in entries if e.fuzzy]
    problems += [f"untranslated, {where(e)}" for e in entries if not all(e.msgstr.values())]
    problems += [
        f"needs msgstr[0] and msgstr[1], {where(e)}"
        for e in entries
        if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]
    ]
    assert not problems, f"{len(problems)} problems in {lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", TARGETS)
def test_placeholders_and_tags_survive_translation(lang):
    problems = []
    for entry in messages(lang):
        for source, text in entry.pairs():
            expected, got = tokens(source, entry.flags), tokens(text, entry.flags)
            if text and expected != got:
                lost = sorted((expected - got).elements())
                extra = sorted((got - expected).elements())
                problems.append(f"{where(entry)} lost {lost}, added {extra}")
    assert not problems, "\n".join(problems)


def test_placeholder_check_catches_mistakes():
    flags = {"python-format"}
    assert tokens("Hei %(name)s, <b>%d</b>", flags) == tokens("Hej <b>%d</b>, %(name)s", flags)
    assert tokens("Hei %(name)s", flags) != tokens("Hej %(namn)s", flags)
    assert tokens("%s rivi", flags) != tokens("%d rad", flags)
    assert tokens('<a href="%(url)s">x</a>', flags) != tokens('<a href="/">x</a>', flags)
    assert tokens('<abbr title="kunta">K</abbr>', set()) == tokens(
        '<abbr title="kommun">K</abbr>', set()
    )
    assert tokens("{{ name }}", set()) == tokens("{{name}}", set())
    assert tokens("50 % alennus", set()) == tokens("50 % rabatt", set())


# Key terms of the glossary (docs/translating.md): wherever the Finnish term appears, in
# any inflection, the translation uses the chosen name. Finnish stem -> pattern per language.
TERMS = {
    "järjestöyhdyshenkil": {"sv": r"kontaktperson(er)? för föreningar", "en": r"ngo liaisons?"},
    "yhdistysagent": {"sv": r"föreningsagent", "en": r"association agents?"},
    "yhdistysil": {"sv": r"föreningskväll", "en": r"association evenings?"},
    "kartoitu": {"sv": r"kartläggning", "en": r"mapping"},
    "koordinaattor": {"sv": r"koordinator", "en": r"coordinators?"},
    "vuosikel": {"sv": r"årsklocka", "en": r"annual clock"},
    "saavutettavuusselost": {"sv": r"tillgänglighetsutlåtande", "en": r"accessibility statement"},
    "tietosuojaselost": {"sv": r"dataskyddsbeskrivning", "en": r"privacy notice"},
    "hyvinvointialue": {"sv": r"välfärdsområde", "en": r"wellbeing services count(y|ies)"},
    "maakun": {"sv": r"landskap", "en": r"regions?"},
}


@pytest.mark.parametrize("lang", TARGETS)
def test_key_terms_are_translated_consistently(lang):
    problems = []
    for entry in messages(lang):
        for source, text in entry.pairs():
            if source.startswith("#"):
                continue  # a hashtag is one word: "#föreningskväll", "#associationevening"
            for stem, names in TERMS.items():
                wanted = names.get(lang)
                if wanted and stem in source.lower() and not re.search(wanted, text.lower()):
                    problems.append(f"{where(entry)}: {stem}… should be {wanted!r}: {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", TARGETS)
def test_language_names_stay_in_their_own_language(lang):
    own = {
        e.msgid: e.msgstr[0] for e in messages(lang) if e.msgid in {"suomi", "svenska", "English"}
    }
    assert own == {name: name for name in own}


# ------------------------------------------------------------------ the compiled .mo files


def shipped_catalogue(lang: str) -> dict:
    mo = po_path(lang).with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages (docs/translating.md)"
    with mo.open("rb") as f:
        return gettext.GNUTranslations(f)._catalog


def expected_catalogue(lang: str) -> dict:
    catalogue = {}
    for entry in messages(lang):
        if entry.fuzzy or not all(entry.msgstr.values()):
            continue  # msgfmt leaves these out
        if entry.msgid_plural is None:
            catalogue[entry.key] = entry.msgstr[0]
        else:
            catalogue.update({(entry.key, n): text for n, text in entry.msgstr.items()})
    return catalogue


def _differences(expected: dict, shipped: dict) -> str:
    expected, shipped = ({k: v for k, v in c.items() if k != ""} for c in (expected, shipped))
    missing = [k for k in expected if k not in shipped]
    stale = [k for k in expected if k in shipped and shipped[k] != expected[k]]
    extra = [k for k in shipped if k not in expected]
    if not (missing or stale or extra):
        return ""
    return (
        f"{len(missing)} missing, {len(stale)} changed, {len(extra)} removed since the .mo was "
        f"compiled (e.g. {(missing + stale + extra)[0]!r}); run compilemessages"
    )


@pytest.mark.parametrize("lang", TARGETS)
def test_mo_is_compiled_from_the_current_po(lang):
    """Compares contents, not timestamps: git does not keep modification times."""
    problem = _differences(expected_catalogue(lang), shipped_catalogue(lang))
    assert not problem, problem


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
@pytest.mark.parametrize("lang", TARGETS)
def test_msgfmt_accepts_the_po_and_gives_the_shipped_mo(lang, tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(po_path(lang))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    with compiled.open("rb") as f:
        fresh = gettext.GNUTranslations(f)._catalog
    shipped = shipped_catalogue(lang)
    assert len(fresh) == len(shipped), _differences(fresh, shipped)
    assert not _differences(fresh, shipped), _differences(fresh, shipped)


def test_django_uses_the_catalogues():
    with translation.override("sv"):
        assert translation.gettext("Kunnat") == "Kommuner"
        assert translation.ngettext("%(n)s yhdistys", "%(n)s yhdistystä", 1) == "%(n)s förening"
        assert translation.ngettext("%(n)s yhdistys", "%(n)s yhdistystä", 2) == "%(n)s föreningar"
    with translation.override("en"):
        assert translation.gettext("järjestöyhdyshenkilö") == "NGO liaison"
        assert translation.ngettext("%(n)s yhdistys", "%(n)s yhdistystä", 5) == "%(n)s associations"
    with translation.override("fi"):
        assert translation.gettext("Kunnat") == "Kunnat"


# ------------------------------------------------------------------ the front page

FRONT_PAGE = {
    "fi": ["Kunnat ja yhdistykset yhteistyössä", "Maakunnat ja kunnat", "Kirjaudu sisään"],
    "sv": ["Kommuner och föreningar i samarbete", "Landskap och kommuner", "Logga in"],
    "en": ["Municipalities and associations working together", "Regions and municipalities"],
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_front_page_in_the_language_of_the_cookie(client, places, lang):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for text in FRONT_PAGE[lang]:
        assert text in html
    for text in FRONT_PAGE["fi"]:
        assert text not in html


def test_choosing_swedish_on_the_language_form(client, places):
    response = client.post("/kieli/", {"language": "sv", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    html = response.content.decode()
    assert "Kommuner och föreningar i samarbete" in html
    assert "Kunnat ja yhdistykset yhteistyössä" not in html
    # Without the cookie the page is Finnish again.
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert "Kunnat ja yhdistykset yhteistyössä" in client.get("/").content.decode()
