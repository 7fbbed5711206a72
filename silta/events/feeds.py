"""The personal calendar feed of one's own registrations (/kalenteri/<secret>.ics).

Calendar apps (Outlook, Google Calendar, phones) fetch the address without a session, so the
secret in it is the only key. The secret is an HMAC of a random per-person nonce with
SECRET_KEY; the database keeps the nonce and the secret's SHA-256, never the secret itself.
Rotating draws a new nonce, so the old address answers 404. Whose registrations: those with
`user` = the person, and those made without signing in from one of the person's verified
addresses. See docs/decisions/0008-calendar-feed-secret.md."""

import re
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from silta.accounts.models import CalendarFeed
from silta.core import audit
from silta.core.models import AuditLogEntry
from silta.core.tokens import stored_derivation

from . import ical
from .models import VISIBLE_STATUSES, Event, Registration, hash_token

SALT = "silta.events.feeds.calendar"
SECRET_LENGTH = 40
_SECRET_RE = re.compile(rf"[0-9a-f]{{{SECRET_LENGTH}}}")
# How far back the feed reaches, and how many events at most.
DAYS_BACK = 365
MAX_EVENTS = 500
REFRESH_HOURS = 4


def _derive(feed: CalendarFeed, key: str | None = None) -> str:
    value = salted_hmac(SALT, f"{feed.user_id}:{feed.nonce}", secret=key, algorithm="sha256")
    return value.hexdigest()[:SECRET_LENGTH]


def secret_of(feed: CalendarFeed) -> str | None:
    """The secret of the stored address, for showing it to its owner again. Tries the old
    SECRET_KEY_FALLBACKS too; None when no key gives the stored hash (the key was replaced
    without a fallback: the owner has to take a new address)."""
    return stored_derivation(lambda key: _derive(feed, key), feed.token_hash)


def feed_url(secret: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("events:feed", args=[secret])


def by_secret(secret: str) -> CalendarFeed | None:
    """The feed of an active person, or None for anything forged, rotated or malformed."""
    if not secret or not _SECRET_RE.fullmatch(secret):
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(secret), user__is_active=True)
        .first()
    )


@transaction.atomic
def rotate(user) -> str:
    """Creates the person's feed or gives it a new address; returns the new secret."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    created = feed is None
    if created:
        feed = CalendarFeed(user=user)
    feed.nonce = secrets.token_urlsafe(32)
    secret = _derive(feed)
    feed.token_hash = hash_token(secret)
    feed.created_at = timezone.now()
    feed.save()
    audit.record(
        user,
        AuditLogEntry.Action.CREATE if created else AuditLogEntry.Action.UPDATE,
        feed,
        note="kalenteritilaus otettu käyttöön"
        if created
        else "kalenteritilauksen osoite vaihdettu",
    )
    return secret


def registrations_of(user):
    """The person's registrations shown in the feed: not cancelled, events published, held or
    cancelled (not ones taken back to planning), from the last year on."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values("email")
    since = timezone.now() - timezone.timedelta(days=DAYS_BACK)
    return (
        Registration.objects.filter(Q(user=user) | Q(user__isnull=True, email__in=verified))
        .exclude(status=Registration.Status.CANCELLED)
        .filter(event__status__in=VISIBLE_STATUSES, event__ends_at__gte=since)
        .select_related("event")
        .order_by("event__starts_at", "event_id", "status", "pk")
    )


def body(user, now=None) -> bytes:
    """The iCalendar of the person's registrations, in the person's language. A cancelled
    event stays, with STATUS:CANCELLED and "Peruttu:" before its title (Outlook ignores the
    status in subscriptions); a registration the person cancelled disappears; a place on the
    waiting list is TENTATIVE with "Jonossa:"."""
    now = now or timezone.now()
    seen = set()
    vevents = []
    with translation.override(user.language or "fi"):
        name = _("Omat ilmoittautumiset – Silta")
        # A confirmed place sorts before a waiting one ("confirmed" < "waiting"): one event
        # appears once even if the person registered both signed in and by address.
        for registration in registrations_of(user)[:MAX_EVENTS]:
            event = registration.event
            if event.pk in seen:
                continue
            seen.add(event.pk)
            if event.status == Event.Status.CANCELLED:
                vevents.append(
                    ical.vevent(
                        event, now, prefix=pgettext("calendar title prefix", "Peruttu") + ": "
                    )
                )
            elif registration.status == Registration.Status.WAITING:
                vevents.append(
                    ical.vevent(
                        event,
                        now,
                        prefix=pgettext("calendar title prefix", "Jonossa") + ": ",
                        status="TENTATIVE",
                    )
                )
            else:
                vevents.append(ical.vevent(event, now))
    return ical.calendar([], name, now, refresh_hours=REFRESH_HOURS, vevents=vevents)
