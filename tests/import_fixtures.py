"""Import files made in code (XLSX with openpyxl, CSV in the encodings Excel writes)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = [
    "Nimi",
    "Rekisterinumero",
    "Y-tunnus",
    "Kuntanumero",
    "Sähköposti",
    "Puhelin",
    "Verkkosivu",
    "Teemat",
    "Kuvaus",
    "Yhteyshenkilö",
    "Yhteyshenkilön sähköposti",
    "Yhteyshenkilön puhelin",
    "Julkaisulupa",
]


def row(name, reg="", bid="", code="564", email="", phone="", web="", themes="", desc="", **c):
    return [
        name,
        reg,
        bid,
        code,
        email,
        phone,
        web,
        themes,
        desc,
        c.get("contact_name", ""),
        c.get("contact_email", ""),
        c.get("contact_phone", ""),
        c.get("consent", ""),
    ]


def xlsx_bytes(rows, header=HEADER, extra_sheet=False) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(list(r) if r is not None else [])
    if extra_sheet:
        book.create_sheet("Muistiinpanot").append(["ei tuoda"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER, delimiter=";", encoding="utf-8-sig") -> bytes:
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow(r)
    return out.getvalue().encode(encoding)


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


GOOD_ROWS = [
    row(
        "Oulun Partiolaiset ry",
        reg="123.456",
        bid="0737546-2",
        email="info@partio.example.fi",
        phone="040 123 4567",
        web="www.partio.example.fi",
        themes="partio; Nuoriso",
        desc="Partiota kaikenikäisille.",
        contact_name="Pekka Partio",
        contact_email="pekka@partio.example.fi",
        contact_phone="040 765 4321",
        consent="kyllä",
    ),
    row(
        "Hiukkavaaran Kyläyhdistys",
        email="kyla@example.fi",
        themes="village",
        contact_name="Kaija Kylä",
        contact_email="kaija@example.fi",
        consent="ei",
    ),
    row("Oulun Shakkikerho ry", reg="654321", themes="Kulttuuri"),
]
