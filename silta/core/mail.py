"""One helper for every email: rendered in the recipient's language, sent in the background.

Templates live at `emails/<name>_subject.txt`, `emails/<name>_body.txt` and
`emails/<name>_body.html` (the HTML part is optional).
"""

from django.conf import settings
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from .models import OutgoingEmail

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def recipient_language(recipient, default: str | None = None) -> str:
    lang = getattr(recipient, "language", "") or default or translation.get_language() or "fi"
    lang = lang[:2]
    return lang if lang in SUPPORTED else settings.LANGUAGE_CODE


def render_email(name: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        ctx = {"site_url": settings.SITE_URL, "LANGUAGE_CODE": language, **context}
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", ctx).split())
        text = render_to_string(f"emails/{name}_body.txt", ctx).strip() + "\n"
        try:
            html = render_to_string(f"emails/{name}_body.html", ctx)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html


def send_mail(
    name: str,
    recipient,
    context: dict | None = None,
    *,
    language=None,
    sensitive=False,
    attachments=None,
) -> OutgoingEmail:
    """Queues a message to a user (or a bare address) and sends it after the commit.

    `attachments`: [{"filename", "content_type", "content"}] with text content, such as an
    .ics file; kept with the message so that a retry attaches them again."""
    address = recipient if isinstance(recipient, str) else recipient.email
    lang = recipient_language(None if isinstance(recipient, str) else recipient, language)
    context = {"recipient": None if isinstance(recipient, str) else recipient, **(context or {})}
    subject, text, html = render_email(name, context, lang)
    return queue_message(
        name, address, lang, subject, text, html, sensitive=sensitive, attachments=attachments
    )


def attachment(filename: str, content: str, content_type: str) -> dict:
    """One stored attachment; the name is made safe for a MIME header."""
    safe = "".join(ch for ch in filename if ch >= " " and ch not in '/\\"').strip() or "liite"
    return {"filename": safe[:100], "content_type": content_type, "content": content}


def queue_message(
    name, address, language, subject, text, html="", *, sensitive=False, attachments=None
):
    """Stores an already rendered message and sends it in the background after the commit."""
    from .tasks import send_outgoing_email

    email = OutgoingEmail.objects.create(
        template=name,
        to=address,
        language=language,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        sensitive=sensitive,
        attachments=[
            attachment(a["filename"], a["content"], a["content_type"]) for a in attachments or []
        ],
    )
    transaction.on_commit(lambda: send_outgoing_email.enqueue(email.pk))
    return email


def retry_failed(max_attempts: int | None = None) -> int:
    """Queues again every message that failed and has attempts left."""
    from .tasks import MAX_ATTEMPTS, send_outgoing_email

    limit = max_attempts or MAX_ATTEMPTS
    ids = list(
        OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.FAILED, attempts__lt=limit
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        send_outgoing_email.enqueue(pk)
    return len(ids)
