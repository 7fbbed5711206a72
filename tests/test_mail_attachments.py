"""Attachments in the mail queue: stored with the message, sent in the real MIME message,
kept for a retry after a failed send, and the event's .ics in registration confirmations."""

import email
import socket

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from silta.core.mail import attachment, retry_failed, send_mail
from silta.core.models import OutgoingEmail
from silta.events import services
from silta.events.models import Registration

from .events_factories import event
from .factories import UserFactory

S = OutgoingEmail.Status
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Testi//FI\r\nEND:VCALENDAR\r\n"
ICS_ATTACHMENT = {
    "filename": "kevaan-yhdistysilta.ics",
    "content_type": "text/calendar; charset=utf-8",
    "content": ICS,
}


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def dead_smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 3},
        }
    }
    return settings


def _mime(message) -> email.message.Message:
    """The message as it goes over SMTP, parsed back."""
    return email.message_from_bytes(message.message().as_bytes())


def _calendar_parts(message):
    return [p for p in _mime(message).walk() if p.get_content_type() == "text/calendar"]


def test_attachment_is_stored_and_sent_in_the_smtp_message(places, sent):
    person = UserFactory()
    stored = sent(
        send_mail, "erasure_requested", person, {"request": None}, attachments=[ICS_ATTACHMENT]
    )

    [message] = mail.outbox
    assert message.attachments == [("kevaan-yhdistysilta.ics", ICS, "text/calendar")]
    [part] = _calendar_parts(message)
    assert part.get_filename() == "kevaan-yhdistysilta.ics"
    assert part.get_content_charset() == "utf-8"
    assert part.get("Content-Disposition").startswith("attachment")
    # MIME text parts carry their own line ends; the calendar text itself arrives whole.
    assert part.get_payload(decode=True).decode("utf-8").splitlines() == ICS.splitlines()
    # The text body is still there beside the attachment.
    assert "Hei" in message.body
    stored.refresh_from_db()
    assert stored.status == S.SENT
    assert stored.attachments == [ICS_ATTACHMENT]


def test_messages_without_attachments_are_unchanged(places, sent):
    stored = sent(send_mail, "erasure_requested", UserFactory(), {"request": None})
    assert mail.outbox[0].attachments == []
    assert not _calendar_parts(mail.outbox[0])
    stored.refresh_from_db()
    assert stored.attachments == []


def test_a_failed_send_keeps_the_attachment_and_the_retry_sends_it(
    places, sent, dead_smtp, settings
):
    stored = sent(
        send_mail,
        "erasure_requested",
        UserFactory(),
        {"request": None},
        attachments=[ICS_ATTACHMENT],
    )
    stored.refresh_from_db()
    assert stored.status == S.FAILED
    assert stored.attachments == [ICS_ATTACHMENT]

    settings.MAILERS = LOCMEM  # the server is back
    assert retry_failed() == 1

    [message] = mail.outbox
    assert message.attachments == [("kevaan-yhdistysilta.ics", ICS, "text/calendar")]
    stored.refresh_from_db()
    assert stored.status == S.SENT and stored.attempts == 2


def test_sensitive_message_keeps_only_the_names_of_its_attachments_after_sending(places, sent):
    stored = sent(
        send_mail,
        "erasure_requested",
        UserFactory(),
        {"request": None},
        sensitive=True,
        attachments=[ICS_ATTACHMENT],
    )
    assert mail.outbox[0].attachments[0][1] == ICS  # what left had the whole file
    stored.refresh_from_db()
    assert stored.body_text == "[poistettu lähetyksen jälkeen]"
    assert stored.attachments == [
        {"filename": "kevaan-yhdistysilta.ics", "content_type": "text/calendar; charset=utf-8"}
    ]
    assert stored.attachment_names == ["kevaan-yhdistysilta.ics"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.ics", "....etcpasswd.ics"),
        ('a"b\r\nBcc: x@example.org.ics', "abBcc: x@example.org.ics"),
        ("\x00\x00", "liite"),
        ("x" * 300 + ".ics", "x" * 100),
    ],
)
def test_attachment_names_are_made_safe(given, expected):
    assert attachment(given, "x", "text/plain")["filename"] == expected


def _register(ev, address, language="fi"):
    return services.register(ev.pk, name="Maija", email=address, consent=True, language=language)


def test_registration_confirmation_carries_the_events_ics(world, sent):
    ev = event(world.oulu, title_fi="Kevään yhdistysilta; avustukset, tilat")

    sent(_register, ev, "maija@example.fi")

    [message] = mail.outbox
    [(filename, content, mimetype)] = message.attachments
    assert filename == "kevaan-yhdistysilta-avustukset-tilat.ics"
    assert mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Kevään yhdistysilta; avustukset, tilat"
    assert str(vevent["UID"]).startswith(f"event-{ev.pk}@")
    assert vevent.decoded("DTSTART") == ev.starts_at
    # The registration's personal link is not in the attachment (it is kept after sending).
    assert "ilmoittautuminen/" not in content
    [part] = _calendar_parts(message)
    assert part.get_content_charset() == "utf-8"


def test_waiting_list_gets_the_ics_only_when_promoted(world, sent):
    ev = event(world.oulu, capacity=1)
    first, _token = sent(_register, ev, "eka@example.fi")
    waiting, _token = sent(_register, ev, "toka@example.fi")
    assert waiting.status == Registration.Status.WAITING
    confirmation_to_waiting = mail.outbox[1]
    assert confirmation_to_waiting.to == ["toka@example.fi"]
    assert confirmation_to_waiting.attachments == []

    sent(services.cancel_registration, None, first)

    promoted = [m for m in mail.outbox if m.to == ["toka@example.fi"]][-1]
    assert promoted.subject.startswith("Paikka vapautui")
    [(filename, content, mimetype)] = promoted.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    assert f"UID:event-{ev.pk}@" in content
    # The cancellation notice to the first person carries no calendar file.
    cancelled = [m for m in mail.outbox if m.to == ["eka@example.fi"]][-1]
    assert cancelled.attachments == []


def test_sent_email_pages_list_attachment_names(world, sent):
    ev = event(world.oulu)
    sent(_register, ev, "maija@example.fi")
    stored = OutgoingEmail.objects.get(to="maija@example.fi")
    admin = world.client("admin")

    listing = admin.get(reverse("sent_emails")).content.decode()
    detail = admin.get(reverse("sent_email", args=[stored.pk])).content.decode()

    assert "kevaan-yhdistysilta.ics" in listing
    assert "Liitteet" in detail and "kevaan-yhdistysilta.ics" in detail
    assert Client().get(reverse("sent_email", args=[stored.pk])).status_code == 302
