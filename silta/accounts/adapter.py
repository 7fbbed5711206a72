import logging
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext

from silta.core.mail import queue_message, recipient_language

# Messages that carry a code or a link that signs someone in.
SENSITIVE = ("login_code", "password_reset", "email_confirmation", "email_confirm")
# User.email and OutgoingEmail.to hold at most this many characters.
EMAIL_MAX_LENGTH = 254
log = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail through Silta's queue, in the recipient's own language."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if len(email) > EMAIL_MAX_LENGTH:
            # No account can have such an address and it cannot be stored; some allauth forms
            # (password reset) accept up to 320 characters and would otherwise end in a 500.
            log.info("Not sending %s to an address of %d characters", template_prefix, len(email))
            return
        user = get_user_model().objects.filter(email__iexact=email).first()
        lang = recipient_language(user)
        with translation.override(lang):
            site = SimpleNamespace(name="Silta", domain=urlsplit(settings.SITE_URL).netloc)
            ctx = {"email": email, "current_site": site, **context}
            msg = self.render_mail(template_prefix, email, ctx)
            html = ""
            for content, mimetype in getattr(msg, "alternatives", []):
                if mimetype == "text/html":
                    html = content
        name = template_prefix.rsplit("/", 1)[-1]
        queue_message(
            name,
            email,
            lang,
            msg.subject,
            msg.body,
            html,
            sensitive=any(name.startswith(s) for s in SENSITIVE),
        )

    def login(self, request, user) -> None:
        super().login(request, user)
        # The "signed in" message and the first page are already in the person's own
        # language (see UserLanguageMiddleware), unless a language button has been pressed.
        own = getattr(user, "language", "")
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and own in dict(settings.LANGUAGES):
            translation.activate(own)
            request.LANGUAGE_CODE = own

    def clean_email(self, email: str) -> str:
        # allauth would silently cut a longer address to 254 characters and sign up that one.
        email = super().clean_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                gettext("Sähköpostiosoite on liian pitkä: enintään %(max)d merkkiä.")
                % {"max": EMAIL_MAX_LENGTH}
            )
        return email

    def save_user(self, request, user, form, commit=True):
        # New people get the language they were using when they signed up.
        user.language = recipient_language(None, translation.get_language())
        return super().save_user(request, user, form, commit=commit)
