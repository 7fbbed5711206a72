"""The summary of an association evening (kooste; seed 004 step 4): composed from the
workshop's visible notes, sent by email to every invited association and every registration
still stored, archived on the municipality's public events page and downloadable as PDF.

Sending is resumable: every address is recorded once (SummaryRecipient) with its queued
message, so sending again reaches only addresses not yet reached and retries the failed
messages, never sending the same summary twice to one address.

The summary holds no personal data of registrations: the notes are anonymous and the
recipients are never shown on the public page, in the email or in the PDF."""

import datetime as dt
import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from silta.core import audit
from silta.core.mail import send_mail
from silta.core.models import AuditLogEntry, OutgoingEmail

from .models import Event, Registration, Summary, SummaryRecipient
from .workshop import clean_text, questions_with_notes

A = AuditLogEntry.Action
TEMPLATE = "event_summary"
FIELDS = ["decisions", "next_steps", "next_evening_on", "commenting", "contact"]
SECTION_MAX_LENGTH = 20_000


class SummaryError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _log(actor, action, obj, event, *, before=None, after=None, note=""):
    audit.record(
        actor,
        action,
        obj,
        before=before,
        after=after,
        municipality=event.home_municipality,
        note=note,
    )


def initial_sections(event: Event) -> list[dict]:
    """The visible notes grouped by question, most supported first, as editable text."""
    sections = []
    for question in questions_with_notes(event, include_hidden=False):
        lines = []
        for note in question.note_list:
            line = f"– {note.text}"
            if note.support_count:
                line += " " + _("(samaa mieltä %(n)s)") % {"n": note.support_count}
            lines.append(line)
        sections.append({"question": question.text, "text": "\n".join(lines)})
    return sections


def _clean_sections(sections) -> list[dict]:
    cleaned = []
    for section in sections:
        question = clean_text(str(section.get("question", "")))[:500]
        text = clean_text(str(section.get("text", "")))[:SECTION_MAX_LENGTH]
        if question or text:
            cleaned.append({"question": question, "text": text})
    return cleaned


@transaction.atomic
def save_draft(actor, event: Event, *, sections, **fields) -> Summary:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"not summary fields: {sorted(unknown)}")
    summary = Summary.objects.select_for_update().filter(event=event).first()
    created = summary is None
    if created:
        summary = Summary(event=event, created_by=actor if actor.is_authenticated else None)
    before = audit.snapshot(summary, FIELDS + ["sections"]) if not created else {}
    summary.sections = _clean_sections(sections)
    for name, value in fields.items():
        setattr(summary, name, clean_text(value) if isinstance(value, str) else value)
    summary.full_clean(exclude=["event", "created_by"])
    summary.save()
    after = audit.snapshot(summary, FIELDS + ["sections"])
    if created:
        _log(actor, A.CREATE, summary, event, after=after)
    elif before != after:
        _log(actor, A.UPDATE, summary, event, before=before, after=after)
    return summary


def is_empty(summary: Summary) -> bool:
    return not any(s.get("text") for s in summary.sections) and not any(
        getattr(summary, f) for f in ("decisions", "next_steps", "commenting", "contact")
    )


def recipients_of(event: Event) -> list[tuple[str, str]]:
    """(address, language) of every invitation and every registration still stored (not
    cancelled), each address once; the invitation's language wins."""
    found: dict[str, tuple[str, str]] = {}
    for email, language in event.invitations.values_list("email", "language").order_by("pk"):
        found.setdefault(email.strip().casefold(), (email.strip().lower(), language))
    registrations = (
        event.registrations.exclude(status=Registration.Status.CANCELLED)
        .values_list("email", "language")
        .order_by("pk")
    )
    for email, language in registrations:
        found.setdefault(email.strip().casefold(), (email.strip().lower(), language))
    return list(found.values())


def public_path(event: Event) -> str:
    return reverse("events:summary", args=[event.pk])


def pdf_path(event: Event) -> str:
    return reverse("events:summary_pdf", args=[event.pk])


def _queue(summary: Summary, email: str, language: str) -> OutgoingEmail:
    event = summary.event
    return send_mail(
        TEMPLATE,
        email,
        {
            "event": event,
            "summary": summary,
            "date": _local_date(event.starts_at),
            "next_evening": _date(summary.next_evening_on),
            "summary_path": public_path(event),
            "pdf_path": pdf_path(event),
        },
        language=language,
    )


def send_summary(actor, summary: Summary) -> dict:
    """Sends the summary to every address not yet sent to and retries the failed messages.
    Returns {"new", "already", "retried"}. Marks the summary sent (and so public)."""
    from silta.core.tasks import send_outgoing_email

    if is_empty(summary):
        raise SummaryError(
            "empty", _("Kooste on tyhjä. Kirjoita ja tallenna kooste ennen lähettämistä.")
        )
    with transaction.atomic():
        summary = Summary.objects.select_for_update().select_related("event").get(pk=summary.pk)
        event = summary.event
        recipients = recipients_of(event)
        if not recipients:
            raise SummaryError(
                "nobody",
                _(
                    "Tapahtumalla ei ole kutsuttuja eikä ilmoittautuneita, joille koosteen "
                    "voisi lähettää."
                ),
            )
        done = {e.casefold() for e in summary.recipients.values_list("email", flat=True)}
        created = []
        for email, language in recipients:
            if email.casefold() in done:
                continue
            done.add(email.casefold())
            message = _queue(summary, email, language)
            created.append(
                SummaryRecipient(summary=summary, email=email, language=language, message=message)
            )
        SummaryRecipient.objects.bulk_create(created)
        retried = []
        failed = summary.recipients.select_for_update(of=("self",)).filter(
            Q(message__isnull=True) | Q(message__status=OutgoingEmail.Status.FAILED)
        )
        for recipient in failed:
            if recipient.message_id is None:
                recipient.message = _queue(summary, recipient.email, recipient.language)
                recipient.save(update_fields=["message"])
            else:
                retried.append(recipient.message_id)
        for pk in retried:
            transaction.on_commit(lambda pk=pk: send_outgoing_email.enqueue(pk))
        was_draft = summary.status == Summary.Status.DRAFT
        if was_draft:
            summary.status = Summary.Status.SENT
            summary.sent_at = timezone.now()
            summary.save(update_fields=["status", "sent_at", "updated_at"])
        counts = {
            "new": len(created),
            "already": len(recipients) - len(created),
            "retried": len(retried),
        }
        _log(
            actor,
            A.UPDATE,
            summary,
            event,
            before={"status": "draft"} if was_draft else None,
            after={
                "status": summary.status,
                "summary_sent": counts["new"],
                "summary_retried": counts["retried"],
            },
            note="kooste lähetetty",
        )
    return counts


def delivery_counts(summary: Summary) -> dict:
    S = OutgoingEmail.Status
    return summary.recipients.aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(message__status=S.SENT)),
        queued=Count("pk", filter=Q(message__status=S.QUEUED)),
        failed=Count("pk", filter=Q(message__status=S.FAILED) | Q(message__isnull=True)),
    )


def archive(municipality):
    """The sent summaries of the municipality's public events, newest first (one query)."""
    return (
        Summary.objects.filter(
            status=Summary.Status.SENT,
            event__in=Event.objects.public().in_municipality(municipality),
        )
        .select_related("event")
        .order_by("-event__starts_at", "-pk")
    )


# -- PDF -------------------------------------------------------------------------------------


def _local_date(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.day}.{local.month}.{local.year}"


def _date(day: dt.date | None) -> str:
    return f"{day.day}.{day.month}.{day.year}" if day else ""


def _paragraphs(text: str, style) -> list:
    from reportlab.platypus import Paragraph

    return [
        Paragraph(escape(block).replace("\n", "<br/>"), style)
        for block in text.split("\n\n")
        if block.strip()
    ]


def pdf(summary: Summary, language: str = "fi") -> bytes:
    """The summary as an A4 PDF in Helvetica (which has ä, ö and å)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    event = summary.event
    styles = getSampleStyleSheet()
    body, h1, h2 = styles["BodyText"], styles["Title"], styles["Heading2"]
    meta = styles["Normal"]
    buffer = io.BytesIO()
    with translation.override(language):
        title = _("Kooste: %(title)s") % {"title": event.title}
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=title,
            author=str(event.organiser),
            lang=language,
        )
        story = [Paragraph(escape(title), h1)]
        facts = _local_date(event.starts_at)
        if event.venue_name:
            facts += f", {event.venue_name}"
        story.append(Paragraph(escape(f"{event.organiser} · {facts}"), meta))
        story.append(Spacer(1, 6 * mm))
        if summary.sections:
            story.append(Paragraph(escape(_("Työpajan anti")), h2))
            for section in summary.sections:
                if section.get("question"):
                    story.append(Paragraph(escape(section["question"]), styles["Heading3"]))
                story.extend(_paragraphs(section.get("text", ""), body))
        for label, value in (
            (_("Päätökset ja sovitut asiat"), summary.decisions),
            (_("Miten asia etenee"), summary.next_steps),
            (_("Seuraava yhdistysilta"), _date(summary.next_evening_on)),
            (_("Miten teemaa voi kommentoida"), summary.commenting),
            (_("Yhteystiedot"), summary.contact),
        ):
            if value:
                story.append(Paragraph(escape(label), h2))
                story.extend(_paragraphs(value, body))
        story.append(Spacer(1, 8 * mm))
        story.append(
            Paragraph(
                escape(settings.SITE_URL.rstrip("/") + public_path(event)),
                meta,
            )
        )
        doc.build(story)
    return buffer.getvalue()
