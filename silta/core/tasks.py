import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import OutgoingEmail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@task()
def send_outgoing_email(email_id: int) -> str:
    """Sends one queued message. A message already sent is never sent again."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == OutgoingEmail.Status.SENT:
            return "skipped"
        email.attempts += 1
        message = EmailMultiAlternatives(subject=email.subject, body=email.body_text, to=[email.to])
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        for item in email.attachments or []:
            if item.get("content"):
                # Django adds the charset (utf-8) itself to a text/* part.
                mimetype = item.get("content_type", "text/plain").split(";")[0].strip()
                message.attach(item["filename"], item["content"], mimetype)
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - any transport error: keep the message, retry later
            email.status = OutgoingEmail.Status.FAILED
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.save(update_fields=["status", "attempts", "last_error"])
            log.warning("Sending mail %s failed: %s", email_id, exc)
            return "failed"
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        if email.sensitive:
            # A login code has no use once delivered; don't keep it readable in the database.
            email.body_text = email.body_html = "[poistettu lähetyksen jälkeen]"
            # Keep the names for the sent-email page, not what they held.
            email.attachments = [
                {"filename": a.get("filename", ""), "content_type": a.get("content_type", "")}
                for a in email.attachments or []
            ]
        email.save()
    return "sent"
