"""A printable A4 poster of an event (seed 004 step 3: the invitation on the notice boards of
libraries, village halls and the town hall), with a QR code to the registration page.

One page, always: the body (title, time, place, themes, programme) is shrunk to fit when a
long title or programme would not; the registration block with the QR code keeps its place
and size at the bottom. Fonts are reportlab's built-in Helvetica (WinAnsi: ä ö å é € –);
any character outside it is written without its accent, or as "?"."""

import io
import unicodedata
from xml.sax.saxutils import escape

import segno
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from . import channels

BRAND = colors.HexColor("#0b5a8a")
INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#4a5562")

WIDTH, HEIGHT = A4
MARGIN = 18 * mm
QR_SIZE = 52 * mm
FOOTER_HEIGHT = 86 * mm  # registration block, QR code, address and organiser
BAND_HEIGHT = 16 * mm
POSTER_TALKS = 8  # a notice board shows the short programme; the rest is online

_STYLES = {
    "title": ParagraphStyle(
        "title", fontName="Helvetica-Bold", fontSize=34, leading=39, textColor=INK
    ),
    "when": ParagraphStyle(
        "when", fontName="Helvetica-Bold", fontSize=20, leading=25, textColor=BRAND
    ),
    "place": ParagraphStyle("place", fontName="Helvetica", fontSize=15, leading=19, textColor=INK),
    "heading": ParagraphStyle(
        "heading",
        fontName="Helvetica-Bold",
        fontSize=14,
        leading=18,
        textColor=BRAND,
        spaceBefore=10,
        spaceAfter=3,
    ),
    "body": ParagraphStyle("body", fontName="Helvetica", fontSize=12, leading=15, textColor=INK),
    "intro": ParagraphStyle(
        "intro", fontName="Helvetica", fontSize=14, leading=18, textColor=INK, spaceBefore=8
    ),
    "time": ParagraphStyle(
        "time", fontName="Helvetica-Bold", fontSize=12, leading=15, textColor=INK
    ),
    "register": ParagraphStyle(
        "register", fontName="Helvetica-Bold", fontSize=19, leading=23, textColor=INK
    ),
    "hint": ParagraphStyle("hint", fontName="Helvetica", fontSize=12, leading=15, textColor=MUTED),
    "url": ParagraphStyle(
        "url",
        fontName="Helvetica-Bold",
        fontSize=12,
        leading=15,
        textColor=INK,
        alignment=TA_CENTER,
        splitLongWords=True,
    ),
    "organiser": ParagraphStyle(
        "organiser", fontName="Helvetica", fontSize=11, leading=14, textColor=MUTED
    ),
}


def pdf_text(value: str) -> str:
    """Text that Helvetica can show, escaped for reportlab's paragraph markup."""
    out = []
    for ch in str(value):
        if unicodedata.category(ch) == "Cc":
            out.append(" ")
            continue
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", ch).encode("cp1252", "ignore").decode("cp1252")
            out.append(plain or "?")
    return escape(" ".join("".join(out).split()))


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(pdf_text(text), _STYLES[style])


def _body(f: channels.Facts, ctx: dict) -> list:
    event = f.event
    story = [_p(ctx["title"], "title"), Spacer(1, 5 * mm), _p(ctx["when"].capitalize(), "when")]
    if ctx["place"]:
        story += [Spacer(1, 2 * mm), _p(ctx["place"], "place")]
    if ctx["online_link"]:
        story.append(
            _p(_("Voit osallistua myös etänä: %(link)s") % {"link": ctx["online_link"]}, "body")
        )
    if ctx["municipal_evening"]:
        story.append(
            _p(
                _(
                    "Kunta kutsuu paikkakunnalla toimivat yhdistykset ja järjestöt yhdistysiltaan "
                    "keskustelemaan yhteistyöstä ja ajankohtaisista asioista."
                ),
                "intro",
            )
        )
    if ctx["description"] and not ctx["schedule"]:
        story += [Spacer(1, 3 * mm), _p(ctx["description"][:700], "body")]
    if ctx["themes"]:
        story.append(_p(_("Teemat"), "heading"))
        story += [_p(f"• {name}", "body") for name in ctx["themes"]]
    if ctx["schedule"]:
        story.append(_p(_("Ohjelma"), "heading"))
        rows = [
            [_p(time, "time"), _p(f"{topic} ({speaker})", "body")]
            for time, topic, speaker in ctx["schedule"][:POSTER_TALKS]
        ]
        more = len(ctx["schedule"]) - POSTER_TALKS
        if more > 0:
            rows.append(
                [
                    "",
                    _p(
                        ngettext(
                            "… ja %(n)s muu puheenvuoro.",
                            "… ja %(n)s muuta puheenvuoroa.",
                            more,
                        )
                        % {"n": more},
                        "body",
                    ),
                ]
            )
        table = Table(rows, colWidths=[30 * mm, WIDTH - 2 * MARGIN - 30 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        story.append(table)
    if event.accessibility.strip():
        story.append(_p(_("Saavutettavuus"), "heading"))
        story.append(_p(event.accessibility[:400], "body"))
    return story


def _registration_lines(f: channels.Facts, ctx: dict) -> tuple[str, str]:
    """(the big line beside the QR code, the hint under it)."""
    if f.state == "closed":
        return _("Ilmoittautuminen on päättynyt."), _("Lisätietoja tapahtuman sivulla:")
    if f.state == "not_yet":
        line = _("Ilmoittautuminen alkaa %(opens)s") % {"opens": ctx["opens"]}
        if ctx["has_deadline"]:
            line += ". " + _("Ilmoittaudu viimeistään %(deadline)s") % {"deadline": ctx["deadline"]}
        return line, _("Lue QR-koodi puhelimella tai kirjoita osoite selaimeen.")
    if ctx["has_deadline"]:
        line = _("Ilmoittaudu viimeistään %(deadline)s") % {"deadline": ctx["deadline"]}
    else:
        line = _("Ilmoittaudu ennakkoon")
    return line, _("Lue QR-koodi puhelimella tai kirjoita osoite selaimeen.")


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares: sharp in print at any size."""
    qr = segno.make(url, error="m", micro=False)
    rows = [list(row) for row in qr.matrix]
    n = len(rows)
    quiet = 2  # modules of white around it; the page margin gives the rest
    module = size / (n + 2 * quiet)
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for r, row in enumerate(rows):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                canvas.rect(
                    x + (quiet + start) * module,
                    y + size - (quiet + r + 1) * module,
                    (c - start) * module,
                    module,
                    stroke=0,
                    fill=1,
                )
            else:
                c += 1


def _draw_band(canvas: Canvas, label: str) -> None:
    canvas.setFillColor(BRAND)
    canvas.rect(0, HEIGHT - BAND_HEIGHT, WIDTH, BAND_HEIGHT, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(MARGIN, HEIGHT - BAND_HEIGHT + 5.5 * mm, pdf_text(label.upper()))


def _draw_footer(canvas: Canvas, f: channels.Facts, ctx: dict) -> None:
    bottom = MARGIN
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(2)
    canvas.line(MARGIN, bottom + FOOTER_HEIGHT, WIDTH - MARGIN, bottom + FOOTER_HEIGHT)

    url = ctx["url"] if f.state != "closed" else ctx["detail_url"]
    qr_y = bottom + FOOTER_HEIGHT - 4 * mm - QR_SIZE
    _draw_qr(canvas, url, MARGIN, qr_y, QR_SIZE)

    line, hint = _registration_lines(f, ctx)
    text_x = MARGIN + QR_SIZE + 8 * mm
    text_w = WIDTH - MARGIN - text_x
    Frame(
        text_x, qr_y, text_w, QR_SIZE, leftPadding=0, rightPadding=0, topPadding=0, showBoundary=0
    ).addFromList(
        [
            KeepInFrame(
                text_w,
                QR_SIZE,
                [_p(line, "register"), Spacer(1, 4 * mm), _p(hint, "hint")],
                mode="shrink",
            )
        ],
        canvas,
    )
    # The address under the QR code, for those who type it.
    url_top = qr_y - 2 * mm
    Frame(
        MARGIN, url_top - 20 * mm, WIDTH - 2 * MARGIN, 20 * mm, 0, 0, 0, 0, showBoundary=0
    ).addFromList(
        [KeepInFrame(WIDTH - 2 * MARGIN, 20 * mm, [_p(url, "url")], mode="shrink")], canvas
    )
    organiser = _("Järjestäjä: %(organiser)s") % {"organiser": ctx["organiser"]}
    Frame(MARGIN, bottom, WIDTH - 2 * MARGIN, 12 * mm, 0, 0, 0, 0, showBoundary=0).addFromList(
        [KeepInFrame(WIDTH - 2 * MARGIN, 12 * mm, [_p(organiser, "organiser")], mode="shrink")],
        canvas,
    )


def poster_pdf(f: channels.Facts, lang: str = "fi") -> bytes:
    """The poster in one language, as PDF bytes."""
    with translation.override(lang):
        ctx = channels._context(f, lang)
        ctx["detail_url"] = channels.detail_url(f.event)
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, lang=lang, invariant=False)
        canvas.setTitle(pdf_text(ctx["title"]))
        canvas.setAuthor(pdf_text(ctx["organiser"]))
        canvas.setSubject(pdf_text(ctx["when"]))
        canvas.setCreator("Silta")
        _draw_band(canvas, f.event.get_kind_display())
        top = HEIGHT - BAND_HEIGHT - 10 * mm
        body_bottom = MARGIN + FOOTER_HEIGHT + 6 * mm
        body_w, body_h = WIDTH - 2 * MARGIN, top - body_bottom
        Frame(MARGIN, body_bottom, body_w, body_h, 0, 0, 0, 0, showBoundary=0).addFromList(
            [KeepInFrame(body_w, body_h, _body(f, ctx), mode="shrink")], canvas
        )
        _draw_footer(canvas, f, ctx)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()
