"""The registration list as XLSX, for the caterer and the liaison's own records."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def _cell(value):
    # A text starting with = would be a formula in Excel: keep it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def registrations_xlsx(event, registrations) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ilmoittautuneet")[:31]
    headers = [
        _("Nimi"),
        _("Yhdistys"),
        _("Sähköposti"),
        _("Henkilömäärä"),
        _("Ruokavalio"),
        _("Saavutettavuustarpeet"),
        _("Tila"),
        _("Paikalla"),
        _("Ilmoittautunut"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in registrations:
        sheet.append(
            [
                _cell(r.name),
                _cell(r.association.name_fi if r.association else ""),
                _cell(r.email),
                r.people,
                _cell(r.dietary_needs),
                _cell(r.accessibility_needs),
                str(r.get_status_display()),
                _("kyllä") if r.attended else "",
                timezone.localtime(r.created_at).replace(tzinfo=None),
            ]
        )
    for column, width in zip("ABCDEFGHI", (28, 30, 30, 12, 28, 30, 12, 10, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
