"""Silta's mail: rendered in the recipient's language, kept, sent once, and never lost.

Sending happens in a task after the commit; the tests run the commit callbacks and the
ImmediateBackend runs the task, so `mail.outbox` shows what left.
"""

import io
import socket
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from silta.core.mail import retry_failed, send_mail
from silta.core.models import OutgoingEmail
from silta.core.tasks import MAX_ATTEMPTS, send_outgoing_email

from .factories import UserFactory

S = OutgoingEmail.Status
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
JANUARY = {"fi": "tammikuu", "sv": "januari", "en": "January"}
YES = {"fi": "kyllä", "sv": "ja", "en": "yes"}


@pytest.fixture
def probe_templates(settings):
    """emails/langprobe_*: shows the active language through Django's own translations."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {**engine, "DIRS": [*engine["DIRS"], Path(__file__).parent / "templates"]}
    ]


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Calls its argument and then runs what waited for the commit (the send)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def dead_smtp(settings):
    """A mail server address where nothing listens."""
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


def _reload(email: OutgoingEmail) -> OutgoingEmail:
    email.refresh_from_db()
    return email


# -- language -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_message_is_rendered_in_the_recipients_language(places, probe_templates, sent, language):
    person = UserFactory(email=f"henkilo.{language}@example.fi", language=language)

    stored = sent(send_mail, "langprobe", person, {"when": date(2026, 1, 15)})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.subject == f"[{language}] {YES[language]}"
    assert message.body == (
        f"kieli={language} koodi={language} kuukausi={JANUARY[language]} "
        f"vastaanottaja={person.email}\n"
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert html.strip() == f'<p lang="{language}">{JANUARY[language]}</p>'
    stored = _reload(stored)
    assert (stored.language, stored.template, stored.status) == (language, "langprobe", S.SENT)
    assert stored.subject == message.subject and stored.body_text == message.body


def test_the_pages_language_does_not_leak_into_the_mail(places, probe_templates, sent):
    person = UserFactory(language="sv")
    with translation.override("en"):
        sent(send_mail, "langprobe", person, {"when": date(2026, 1, 1)})
        assert translation.get_language() == "en"  # and the page's language is back
    assert mail.outbox[0].subject == "[sv] ja"


@pytest.mark.parametrize(
    ("active", "language", "expected"),
    [("en", None, "en"), ("fi", "sv", "sv"), ("sv", "de", "fi"), ("en", "sv-fi", "sv")],
    ids=["page language", "given language", "unknown language", "regional variant"],
)
def test_bare_addresses_get_the_given_or_current_language(
    places, probe_templates, sent, active, language, expected
):
    with translation.override(active):
        stored = sent(
            send_mail,
            "langprobe",
            "ulkopuolinen@example.org",
            {"when": date(2026, 1, 1)},
            language=language,
        )
    assert _reload(stored).language == expected
    assert mail.outbox[0].subject == f"[{expected}] {YES[expected]}"
    assert "vastaanottaja=-" in mail.outbox[0].body


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_erasure_confirmation_uses_the_recipients_language(places, sent, language):
    person = UserFactory(full_name="Ulla Ulkopuolinen", language=language)
    stored = sent(send_mail, "erasure_requested", person, {"request": None})

    message = mail.outbox[0]
    with translation.override(language):
        # Equal to the Finnish text until the catalogues are compiled, translated after.
        subject = gettext("Silta: pyyntösi tilin poistamisesta on vastaanotettu")
        greeting = gettext("Hei %(name)s,") % {"name": "Ulla"}
        footer = gettext("Silta – kunnan ja yhdistysten yhteistyön palvelu")
    assert message.subject == subject
    assert message.body.startswith(greeting + "\n")
    assert footer in message.body
    assert "http://" in message.body or "https://" in message.body  # the site address
    assert _reload(stored).language == language


# -- stored, sent, retried ----------------------------------------------------------------------


def test_a_message_is_stored_then_marked_sent(places, sent):
    person = UserFactory()
    stored = sent(send_mail, "erasure_requested", person, {"request": None})
    stored = _reload(stored)
    assert stored.status == S.SENT
    assert stored.sent_at is not None
    assert stored.attempts == 1
    assert stored.last_error == ""
    assert mail.outbox[0].from_email == "Silta <silta@localhost>"


def test_nothing_is_sent_when_the_change_is_rolled_back(places, sent):
    person = UserFactory()

    def failing_change():
        with transaction.atomic():
            send_mail("erasure_requested", person, {"request": None})
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        sent(failing_change)
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_a_failing_mail_server_keeps_the_message_and_its_error(places, sent, dead_smtp):
    person = UserFactory()

    stored = _reload(sent(send_mail, "erasure_requested", person, {"request": None}))

    assert stored.status == S.FAILED
    assert stored.attempts == 1
    assert stored.sent_at is None
    assert "ConnectionRefused" in stored.last_error
    # Nothing of the message is lost: it can be sent later as it was.
    assert stored.to == person.email
    assert stored.subject and "Hei" in stored.body_text
    assert mail.outbox == []


def test_retry_sends_a_failed_message_exactly_once(places, sent, dead_smtp, settings):
    person = UserFactory()
    stored = sent(send_mail, "erasure_requested", person, {"request": None})
    body = _reload(stored).body_text

    settings.MAILERS = LOCMEM  # the server is back
    assert retry_failed() == 1

    stored = _reload(stored)
    assert stored.status == S.SENT and stored.attempts == 2 and stored.last_error == ""
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body == body
    assert retry_failed() == 0
    assert len(mail.outbox) == 1


def test_retry_command_reports_how_many(places, sent, dead_smtp, settings):
    for _ in range(2):
        sent(send_mail, "erasure_requested", UserFactory(), {"request": None})
    settings.MAILERS = LOCMEM
    out = io.StringIO()
    call_command("retry_failed_emails", stdout=out)
    assert out.getvalue().strip() == "Uudelleen jonoon: 2 viestiä."
    assert len(mail.outbox) == 2
    assert not OutgoingEmail.objects.exclude(status=S.SENT).exists()


def test_a_message_that_keeps_failing_stops_being_retried_but_is_kept(places, sent, dead_smtp):
    stored = sent(send_mail, "erasure_requested", UserFactory(), {"request": None})
    for _ in range(MAX_ATTEMPTS - 1):
        assert retry_failed() == 1
    stored = _reload(stored)
    assert stored.attempts == MAX_ATTEMPTS and stored.status == S.FAILED
    assert retry_failed() == 0
    assert _reload(stored).body_text  # still there for an administrator to act on


def test_the_send_task_twice_sends_once(places, sent):
    stored = sent(send_mail, "erasure_requested", UserFactory(), {"request": None})
    assert len(mail.outbox) == 1

    again = send_outgoing_email.enqueue(stored.pk)

    assert again.return_value == "skipped"
    assert len(mail.outbox) == 1
    assert _reload(stored).attempts == 1


def test_the_send_task_for_a_missing_message_does_nothing(places):
    assert send_outgoing_email.enqueue(987654).return_value == "skipped"
    assert mail.outbox == []


# -- sensitive messages -------------------------------------------------------------------------


def test_a_sensitive_message_is_blanked_after_sending(places, probe_templates, sent):
    person = UserFactory()
    stored = sent(send_mail, "langprobe", person, {"when": date(2026, 1, 1)}, sensitive=True)
    assert "tammikuu" in mail.outbox[0].body  # the person got it in full
    stored = _reload(stored)
    assert stored.status == S.SENT
    assert "tammikuu" not in stored.body_text + stored.body_html
    assert stored.body_text == "[poistettu lähetyksen jälkeen]"
    assert stored.subject == mail.outbox[0].subject  # what was sent stays visible


def test_a_sensitive_message_keeps_its_body_until_it_is_really_sent(
    places, probe_templates, sent, dead_smtp, settings
):
    stored = sent(send_mail, "langprobe", UserFactory(), {"when": date(2026, 1, 1)}, sensitive=True)
    assert "tammikuu" in _reload(stored).body_text
    settings.MAILERS = LOCMEM
    retry_failed()
    assert "tammikuu" in mail.outbox[0].body
    assert "tammikuu" not in _reload(stored).body_text


def test_a_normal_message_keeps_its_body(places, sent):
    stored = sent(send_mail, "erasure_requested", UserFactory(), {"request": None})
    assert _reload(stored).body_text == mail.outbox[0].body
