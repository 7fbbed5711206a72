"""Exporting a municipality's associations to XLSX and CSV.

The public export holds what anyone may see: associations that are not dissolved and only
the contact details their contact person consented to. The internal export (the
municipality's staff) holds everything: every contact, statuses and confirmation dates.
Both use the importer's columns, so an export can be edited and imported back; the
internal export's extra columns (status, confirmation date, other contacts) are read back
without being imported.
"""

import csv
import io
import re

from django.db.models import Prefetch
from django.utils import timezone

from .importing import COLUMNS, EXPORT_HEADERS
from .models import Association, ContactPerson

PUBLIC = "julkinen"
INTERNAL = "sisainen"
FORMATS = ("xlsx", "csv")
KINDS = (PUBLIC, INTERNAL)
INTERNAL_HEADERS = ["tila", "tiedot vahvistettu", "muut yhteyshenkilöt"]
_DANGEROUS = re.compile(r"^[=+\-@\t\r]")


def associations_for_export(municipality, kind: str):
    """One query for the associations, one each for themes and contacts."""
    queryset = Association.objects.filter(municipality=municipality).select_related("municipality")
    if kind == PUBLIC:
        queryset = queryset.public()
    return queryset.order_by("name_fi", "pk").prefetch_related(
        "themes", Prefetch("contacts", queryset=ContactPerson.objects.order_by("order", "pk"))
    )


def headers(kind: str) -> list[str]:
    names = [EXPORT_HEADERS[c] for c in COLUMNS]
    return names + INTERNAL_HEADERS if kind == INTERNAL else names


def _themes(association) -> str:
    return "; ".join(t.name_fi for t in association.themes.all())


def _contact_cells(contact, kind: str) -> list[str]:
    if contact is None:
        return ["", "", "", ""]
    if kind == INTERNAL:
        return [
            contact.name,
            contact.email,
            contact.phone,
            "kyllä" if contact.has_consent else "ei",
        ]
    details = contact.public_details() or {}
    return [
        details.get("name") or "",
        details.get("email") or "",
        details.get("phone") or "",
        "kyllä",
    ]


def rows(municipality, kind: str):
    for a in associations_for_export(municipality, kind):
        contacts = list(a.contacts.all())
        if kind == PUBLIC:
            contact = next((c for c in contacts if c.public_details()), None)
            # Without a name the row cannot say whose details they are; the importer needs it.
            if contact is not None and not contact.consent_name:
                contact = None
        else:
            contact = contacts[0] if contacts else None
        row = [
            a.name_fi,
            a.register_number,
            a.business_id,
            a.municipality.code,
            a.email,
            a.phone,
            a.website,
            _themes(a),
            a.description_fi,
            *_contact_cells(contact, kind),
        ]
        if kind == INTERNAL:
            confirmed = (
                timezone.localtime(a.confirmed_at).date().isoformat() if a.confirmed_at else ""
            )
            others = " | ".join(
                ", ".join(
                    filter(
                        None,
                        [
                            c.name,
                            c.get_role_display(),
                            c.email,
                            c.phone,
                            "julkaisulupa" if c.has_consent else "ei julkaisulupaa",
                        ],
                    )
                )
                for c in contacts[1:]
            )
            row += [a.get_status_display(), confirmed, others]
        yield row


def safe_cell(value) -> str:
    """A cell that Excel will not run as a formula (OWASP: CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if _DANGEROUS.match(text) else text


def to_csv(municipality, kind: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers(kind))
    for row in rows(municipality, kind):
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(municipality, kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Yhdistykset")
    bold = Font(bold=True)
    header_cells = []
    for name in headers(kind):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows(municipality, kind):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value or None)
            if isinstance(value, str) and value:
                cell.data_type = "s"  # text stays text: "=..." is never a formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(municipality, kind: str, fmt: str) -> str:
    return f"yhdistykset-{municipality.code}-{kind}-{timezone.localdate():%Y-%m-%d}.{fmt}"
