"""Events in named states, for the events tests and the permission matrix."""

import datetime as dt

from django.utils import timezone

from silta.events.models import Event, Registration, hash_token, new_token


def event(organiser, **fields) -> Event:
    """A published, public association evening three weeks ahead, 17–19 Helsinki time."""
    day = timezone.localdate() + dt.timedelta(days=21)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(17)))
    kind = {
        "municipality": Event.Kind.ASSOCIATION_EVENING,
        "organisation": Event.Kind.REGIONAL_MEETING,
        "association": Event.Kind.ASSOCIATION_EVENT,
    }
    key = organiser._meta.model_name
    key = {"coordinatingorganisation": "organisation"}.get(key, key)
    values = {
        key: organiser,
        "kind": kind[key],
        "title_fi": "Kevään yhdistysilta",
        "venue_name": "Kaupungintalo",
        "address": "Torikatu 10, 90100 Oulu",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "status": Event.Status.PUBLISHED,
        "is_public": True,
    }
    values.update(fields)
    return Event.objects.create(**values)


def planned(organiser, **fields) -> Event:
    return event(
        organiser, status=Event.Status.PLANNED, title_fi="Suunnitteilla oleva ilta", **fields
    )


def registration(ev, *, token=None, **fields) -> tuple[Registration, str]:
    token = token or new_token()
    values = {
        "name": "Riitta Rekisteri",
        "email": f"{token[:8].lower()}@example.fi",
        "people": 1,
        "consent": True,
        "erase_after": timezone.localdate() + dt.timedelta(days=120),
        "status": Registration.Status.CONFIRMED,
        "token_hash": hash_token(token),
    }
    values.update(fields)
    return Registration.objects.create(event=ev, **values), token
