"""iCalendar (RFC 5545) by hand: no calendar library is installed.

Times are written in UTC (the "Z" form, RFC 5545 3.3.5 form #2), so no VTIMEZONE is needed
and every client shows them in its own zone. Lines end in CRLF and are folded at 75 octets
without splitting a UTF-8 character; TEXT values are escaped (3.3.11)."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify

from .models import Event

PRODID = "-//Silta//Tapahtumat//FI"
STATUS = {
    Event.Status.PLANNED: "TENTATIVE",
    Event.Status.PUBLISHED: "CONFIRMED",
    Event.Status.HELD: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
}


def escape(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Splits a content line into pieces of at most 75 octets, continued with a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces = []
    current = b""
    limit = 75
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > limit:
            pieces.append(current.decode("utf-8"))
            current = b""
            limit = 74  # the leading space of a continuation line is one octet
        current += encoded
    pieces.append(current.decode("utf-8"))
    return "\r\n ".join(pieces)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "silta.invalid"


def _clean(value: str) -> str:
    # Control characters other than line breaks are not allowed in TEXT.
    return "".join(ch for ch in value if ch in "\n\t" or ch >= " ")


def vevent(
    event: Event, now: datetime | None = None, *, prefix: str = "", status: str = ""
) -> list[str]:
    """One VEVENT; `prefix` goes before the title (e.g. "Peruttu: ") and `status` overrides
    the event's own STATUS (e.g. TENTATIVE for a place on the waiting list)."""
    url = settings.SITE_URL.rstrip("/") + reverse("events:detail", args=[event.pk])
    location = ", ".join(p for p in (event.venue_name, event.address) if p)
    # In the active language (a person's own feed, a mail's recipient, the page's visitor),
    # the Finnish text when the event has none in it.
    description = event.description
    if event.online_link:
        description = f"{description}\n\n{event.online_link}".strip()
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{_host()}",
        f"DTSTAMP:{utc(now or timezone.now())}",
        f"LAST-MODIFIED:{utc(event.updated_at)}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SUMMARY:{escape(_clean(prefix + event.title))}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape(_clean(description))}")
    if location:
        lines.append(f"LOCATION:{escape(_clean(location))}")
    lines += [f"URL:{url}", f"STATUS:{status or STATUS[event.status]}", "END:VEVENT"]
    return lines


def calendar(
    events, name: str, now: datetime | None = None, *, refresh_hours: int = 0, vevents=()
) -> bytes:
    """A VCALENDAR of `events`, plus ready VEVENT line lists in `vevents`. `refresh_hours`
    tells subscribing clients how often to fetch again (Outlook reads X-PUBLISHED-TTL)."""
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(_clean(name))}",
        "X-WR-TIMEZONE:Europe/Helsinki",
    ]
    if refresh_hours:
        lines += [
            f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_hours}H",
            f"X-PUBLISHED-TTL:PT{refresh_hours}H",
        ]
    for event in events:
        lines += vevent(event, now)
    for lines_of_one in vevents:
        lines += lines_of_one
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def attachment(event: Event, language: str = "fi") -> dict:
    """The event as an email attachment (silta.core.mail), for the confirmation messages, in
    the recipient's `language`."""
    with translation.override(language):
        title = event.title
        return {
            "filename": f"{slugify(title)[:60].strip('-') or f'tapahtuma-{event.pk}'}.ics",
            "content_type": "text/calendar; charset=utf-8",
            "content": calendar([event], title).decode("utf-8"),
        }
