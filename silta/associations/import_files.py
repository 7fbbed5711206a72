"""Reading an import file (CSV in UTF-8 with or without BOM, UTF-16 or Excel's cp1252,
with `;`, `,` or tab sniffed; or XLSX) into a header and raw rows with Excel's row numbers.
Nothing here knows about associations beyond the column names; see importing.py."""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_ROWS = 20_000
MAX_COLUMNS = 60

# Canonical column -> accepted header names (compared after `_header_key`).
COLUMNS = {
    "name": ["name", "nimi", "yhdistys", "yhdistyksen nimi", "järjestö"],
    "register_number": [
        "register_number",
        "rekisterinumero",
        "yhdistysrekisterinumero",
        "rek nro",
        "rekisterinro",
    ],
    "business_id": ["business_id", "y tunnus", "ytunnus", "business id"],
    "municipality_code": ["municipality_code", "kuntanumero", "kuntakoodi", "kunta", "kotikunta"],
    "email": ["email", "e mail", "sähköposti", "sähköpostiosoite", "sposti"],
    "phone": ["phone", "puhelin", "puhelinnumero", "puh"],
    "website": ["website", "verkkosivu", "verkkosivut", "kotisivu", "kotisivut", "www"],
    "themes": ["themes", "teemat", "teema", "toimiala"],
    "description": ["description", "kuvaus"],
    "contact_name": ["contact_name", "yhteyshenkilö", "yhteyshenkilön nimi"],
    "contact_email": ["contact_email", "yhteyshenkilön sähköposti"],
    "contact_phone": ["contact_phone", "yhteyshenkilön puhelin", "yhteyshenkilön puhelinnumero"],
    "contact_consent": [
        "contact_consent",
        "julkaisulupa",
        "suostumus",
        "yhteystietojen julkaisulupa",
    ],
}
# Written by the internal export, read back without complaint but not imported.
EXPORT_ONLY = ["tila", "status", "tiedot vahvistettu", "confirmed_at", "muut yhteyshenkilöt"]

# The headers the export writes; the importer reads them back.
EXPORT_HEADERS = {
    "name": "nimi",
    "register_number": "rekisterinumero",
    "business_id": "y-tunnus",
    "municipality_code": "kuntanumero",
    "email": "sähköposti",
    "phone": "puhelin",
    "website": "verkkosivu",
    "themes": "teemat",
    "description": "kuvaus",
    "contact_name": "yhteyshenkilö",
    "contact_email": "yhteyshenkilön sähköposti",
    "contact_phone": "yhteyshenkilön puhelin",
    "contact_consent": "julkaisulupa",
}

EXCEL_ERRORS = {"#null!", "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#n/a", "#spill!"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class RawRow:
    number: int  # as Excel shows it
    cells: list  # values as read: str, int, float, bool, datetime, None, or CellProblem
    problem: str = ""  # the row as a whole is broken (too few cells, unreadable line)


@dataclass
class CellProblem:
    message: str


@dataclass
class Table:
    headers: list  # as written in the file
    columns: dict  # canonical column -> index in the row
    rows: list
    notices: list = field(default_factory=list)


def _header_key(value) -> str:
    text = unicodedata.normalize("NFC", str(value or "")).casefold()
    text = re.sub(r"[_\-.:]+", " ", text)
    return " ".join(text.split())


_ALIASES = {_header_key(a): column for column, names in COLUMNS.items() for a in names}
_ALIASES.update({_header_key(c): c for c in COLUMNS})
_IGNORED = {_header_key(h) for h in EXPORT_ONLY}


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# -- reading the file --------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> Table:
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        if not data[:2] == b"PK":
            raise ImportFileError(_("Tiedosto ei ole Excel-tiedosto (xlsx), vaikka sen nimi on."))
        return _read_xlsx(data)
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(data)
    raise ImportFileError(_("Vain CSV- ja XLSX-tiedostot voi tuoda."))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("Tiedoston merkistöä ei tunnistettu.")) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # Excel's "CSV (erottimina luetteloerotin)" in Finland
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("Tiedoston merkistöä ei tunnistettu. Tallenna se muodossa CSV UTF-8.")
        ) from exc


def _sniff_delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in (";", ",", "\t")}
            best = max(counts, key=counts.get)
            return best if counts[best] else ","
    return ","


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if not text.strip():
        raise ImportFileError(_("Tiedosto on tyhjä."))
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[RawRow] = []
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            records.append(RawRow(number, [], _("Riviä ei voitu lukea: %(why)s") % {"why": exc}))
            continue
        if len(records) > MAX_ROWS:
            raise ImportFileError(_too_many_rows())
        records.append(RawRow(number, [_csv_cell(c) for c in cells]))
    return _table_from(records, check_width=True)


def _csv_cell(text: str):
    if text == "":
        return None
    # In CSV a formula is only text, and Excel would run it. Text that starts with "=" on
    # purpose is written "'=..." (as the export does), which the importer reads as text.
    if text.startswith("=") and len(text) > 1:
        return CellProblem(_("Solussa on kaava. Tuo arvot, älä kaavoja."))
    return text


def _too_many_rows() -> str:
    return _("Tiedostossa on yli %(max)s riviä. Jaa se useampaan tiedostoon.") % {"max": MAX_ROWS}


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formula_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError(
            _("Excel-tiedostoa ei voitu lukea. Tarkista, että se on tallennettu xlsx-muodossa.")
        ) from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise ImportFileError(_("Excel-tiedostoa ei voitu lukea.")) from exc
    notices = []
    if len(values_book.worksheets) > 1:
        notices.append(_("Tiedostosta luettiin vain ensimmäinen taulukko."))
    if not values_book.worksheets:
        raise ImportFileError(_("Tiedostossa ei ole taulukoita."))
    values = values_book.worksheets[0].iter_rows(max_col=MAX_COLUMNS)
    formulas = formula_book.worksheets[0].iter_rows(max_col=MAX_COLUMNS)
    records: list[RawRow] = []
    try:
        for number, (row, frow) in enumerate(zip(values, formulas, strict=False), start=1):
            if number > MAX_ROWS + 1:
                raise ImportFileError(_too_many_rows())
            cells = []
            for cell, fcell in zip(row, frow, strict=False):
                if cell.data_type == "e":
                    cells.append(
                        CellProblem(_("Solussa on kaavan virhe %(e)s.") % {"e": cell.value})
                    )
                elif cell.value is None and fcell.data_type == "f":
                    cells.append(
                        CellProblem(
                            _(
                                "Solussa on kaava, jonka arvoa ei ole tallennettu. Avaa tiedosto "
                                "Excelissä ja tallenna se, tai kopioi solu arvona."
                            )
                        )
                    )
                else:
                    cells.append(cell.value)
            records.append(RawRow(number, cells))
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ImportFileError(_("Excel-tiedostoa ei voitu lukea loppuun.")) from exc
    finally:
        values_book.close()
        formula_book.close()
    table = _table_from(records, check_width=False)
    table.notices[:0] = notices
    return table


def _is_empty(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _table_from(records: list[RawRow], *, check_width: bool) -> Table:
    while records and not records[-1].problem and _is_empty(records[-1].cells):
        records.pop()  # trailing empty lines are not rows anyone wrote
    start = next((i for i, r in enumerate(records) if not _is_empty(r.cells)), None)
    if start is None:
        raise ImportFileError(_("Tiedosto on tyhjä."))
    header_row = records[start]
    headers = [
        "" if c is None or isinstance(c, CellProblem) else _CONTROL.sub("", str(c)).strip()[:100]
        for c in header_row.cells
    ]
    while headers and not headers[-1]:
        headers.pop()
    columns: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers):
        key = _header_key(header)
        column = _ALIASES.get(key)
        if column is None:
            if key and key not in _IGNORED:
                unknown.append(header)
            continue
        if column in columns:
            raise ImportFileError(
                _("Sarake %(name)s on tiedostossa kahdesti (sarakkeet %(a)s ja %(b)s).")
                % {
                    "name": header,
                    "a": column_letter(columns[column]),
                    "b": column_letter(index),
                }
            )
        columns[column] = index
    if "name" not in columns:
        raise ImportFileError(
            _(
                "Tiedoston ensimmäiseltä riviltä puuttuu sarake ”nimi” (name). Ensimmäisellä "
                "rivillä pitää olla sarakkeiden otsikot; ohje kertoo, mitkä sarakkeet luetaan."
            )
        )
    notices = []
    if unknown:
        notices.append(
            _("Näitä sarakkeita ei tunnistettu, eikä niitä tuotu: %(names)s")
            % {"names": ", ".join(unknown[:20])}
        )
    rows = []
    for record in records[start + 1 :]:
        if check_width and not record.problem and not _is_empty(record.cells):
            extra = record.cells[len(headers) :]
            if len(record.cells) < len(headers):
                record.problem = _(
                    "Rivillä on %(n)s solua, otsikkorivillä %(h)s. Rivistä puuttuu erottimia."
                ) % {"n": len(record.cells), "h": len(headers)}
            elif not _is_empty(extra):
                record.problem = _(
                    "Rivillä on %(n)s solua, otsikkorivillä %(h)s. Tekstissä voi olla "
                    "lainausmerkeittä kirjoitettu erotinmerkki."
                ) % {"n": len(record.cells), "h": len(headers)}
        rows.append(record)
    return Table(headers=headers, columns=columns, rows=rows, notices=notices)
