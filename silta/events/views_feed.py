"""The personal calendar feed (/kalenteri/<secret>.ics) and its address on the person's
events page, and the "same day in the municipality" hint of the event form."""

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from silta.accounts.models import CalendarFeed
from silta.associations.models import Association
from silta.core.params import text_param
from silta.places.models import Municipality

from . import feeds
from .forms import EventForm
from .models import Event

# -- the personal calendar feed ----------------------------------------------------------------


@require_GET
def feed(request, secret):
    found = feeds.by_secret(secret)
    if found is None:
        raise Http404(_("Kalenteria ei löydy. Osoite on voitu vaihtaa: hae uusi osoite Siltasta."))
    response = HttpResponse(feeds.body(found.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="silta-ilmoittautumiset.ics"'
    # The address is a secret: no shared caches, no search engines.
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def feed_rotate(request):
    had_feed = CalendarFeed.objects.filter(user=request.user).exists()
    feeds.rotate(request.user)
    if had_feed:
        messages.success(
            request, _("Kalenterin osoite vaihdettu. Vanha osoite ei enää toimi: päivitä tilaus.")
        )
    else:
        messages.success(
            request, _("Kalenteritilaus otettu käyttöön. Kopioi osoite kalenteriohjelmaasi.")
        )
    return redirect(reverse("events:mine") + "#kalenteri")


def feed_context(user) -> dict:
    """For events/mine.html: the person's feed address, if any."""
    found = CalendarFeed.objects.filter(user=user).first()
    if found is None:
        return {"feed": {"exists": False}}
    secret = feeds.secret_of(found)
    return {
        "feed": {
            "exists": True,
            "url": feeds.feed_url(secret) if secret else "",
            "created_at": found.created_at,
        }
    }


# -- what else is on that day ----------------------------------------------------------------

MAX_SAME_DAY = 20


def _day(raw: str) -> dt.date | None:
    """YYYY-MM-DD, or the date part of a datetime-local value (YYYY-MM-DDTHH:MM)."""
    raw = raw[:10]
    try:
        day = dt.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None
    if day is None or not (1900 <= day.year <= 2200):
        return None
    return day


def _int(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def _municipality_of_organiser(value: str) -> Municipality | None:
    kind, _sep, raw = value.partition(":")
    pk = _int(raw)
    if pk is None:
        return None
    if kind == "m":
        return Municipality.objects.filter(pk=pk).first()
    if kind == "a":
        association = (
            Association.objects.public().select_related("municipality").filter(pk=pk).first()
        )
        return association.municipality if association else None
    return None


def same_day_events(municipality, day: dt.date, exclude=None):
    """Public, not cancelled events of any organiser in the municipality that are on during
    the day (Helsinki time)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    events = (
        Event.objects.public()
        .in_municipality(municipality)
        .exclude(status=Event.Status.CANCELLED)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("municipality", "association", "organisation")
        .order_by("starts_at", "pk")
    )
    if exclude:
        events = events.exclude(pk=exclude)
    return list(events[:MAX_SAME_DAY])


def _hint(municipality, day, exclude=None, *, asked=True) -> dict:
    """The context of events/_same_day.html. `asked`: the request named a municipality and a
    day itself (the endpoint), so a missing or bad one gets a message."""
    if day is None or municipality is None:
        if not asked:
            return {"prompt": True}
        if day is None:
            return {
                "message": _(
                    "Päivämäärä puuttuu tai on virheellinen. Anna päivä muodossa VVVV-KK-PP."
                )
            }
        return {"message": _("Kuntaa ei löydy. Valitse järjestäjä tai tapahtumapaikan kunta.")}
    return {
        "municipality": municipality,
        "day": day,
        "events": same_day_events(municipality, day, exclude),
    }


@require_GET
def same_day(request):
    """An HTML fragment for the event form (htmx): ?kunta=<code>&paiva=YYYY-MM-DD, or the
    form's own fields (starts_at, venue_municipality, organiser). Never an error page."""
    day = _day(text_param(request, "paiva", 10) or text_param(request, "starts_at", 16))
    municipality = None
    venue = _int(text_param(request, "venue_municipality", 9))
    code = text_param(request, "kunta", 3)
    organiser = text_param(request, "organiser", 20)
    if venue is not None:
        municipality = Municipality.objects.filter(pk=venue).first()
    elif code:
        municipality = Municipality.objects.filter(code=code).first() if code.isdigit() else None
    elif organiser:
        municipality = _municipality_of_organiser(organiser)
    exclude = _int(text_param(request, "ohita", 9))
    return render(request, "events/_same_day.html", _hint(municipality, day, exclude))


def same_day_context(form: EventForm, event: Event | None = None) -> dict:
    """For events/form.html: the hint as the form now stands, and the values the live
    update sends along (the edited event's own municipality, and the event to leave out)."""
    vals = {}
    if event is not None:
        vals["ohita"] = str(event.pk)
        home = event.home_municipality
        if home is not None:
            vals["kunta"] = home.code
    if form.is_bound:
        data = form.data
        try:
            starts = form.fields["starts_at"].clean(data.get("starts_at", ""))
        except ValidationError:
            starts = None
        venue = _int(str(data.get("venue_municipality", "")))
        if venue is not None:
            municipality = Municipality.objects.filter(pk=venue).first()
        elif event is not None:
            municipality = event.home_municipality
        else:
            municipality = _municipality_of_organiser(str(data.get("organiser", "")))
    elif event is not None:
        starts = event.starts_at
        municipality = event.venue_municipality or event.home_municipality
    else:
        starts = municipality = None
    day = timezone.localtime(starts).date() if starts else None
    return {
        "same_day": _hint(municipality, day, event.pk if event else None, asked=False),
        "same_day_vals": json.dumps(vals) if vals else "",
    }
