"""Permission-matrix rows of the events pages, the calendars and /api/v1/events."""

from django.urls import reverse

from ..events_factories import event, planned, registration
from ..matrix import LOGIN, PUBLIC, SIGNED_IN, Row, _url, expect

OULU_MANAGERS = {"oulu_liaison": 200, "oulu_agent": 200, "admin": 200}
# Planned events are seen only by those who organise them.
PLANNED = expect(LOGIN, 404, **OULU_MANAGERS)
# Published: everyone signed in sees it; only the organisers may manage it.
MANAGE_PUBLISHED = expect(LOGIN, 403, **OULU_MANAGERS)


def _published(name):
    return lambda w: reverse(name, args=[event(w.oulu).pk])


def _planned(name):
    return lambda w: reverse(name, args=[planned(w.oulu).pk])


def _regional(w):
    ev = event(w.organisation, is_public=False, venue_municipality=w.oulu)
    return reverse("events:detail", args=[ev.pk])


def _registration(w):
    _r, token = registration(event(w.oulu))
    return reverse("events:registration", args=[token])


def _api_event(w):
    return reverse("api-v1:event", args=[event(w.oulu).pk])


def _api_planned(w):
    return reverse("api-v1:event", args=[planned(w.oulu).pk])


ROWS = [
    Row("events-mine", "events:mine", _url("events:mine"), SIGNED_IN),
    Row("events-create", "events:create", _url("events:create"), expect(LOGIN, 200, outsider=403)),
    Row("events-detail", "events:detail", _published("events:detail"), PUBLIC),
    Row(
        "events-detail-planned",
        "events:detail",
        _planned("events:detail"),
        expect(404, 404, **OULU_MANAGERS),
    ),
    Row(
        "events-detail-regional",
        "events:detail",
        _regional,
        expect(
            404,
            404,
            oulu_liaison=200,
            kempele_liaison=200,
            oulu_agent=200,
            coordinator=200,
            admin=200,
        ),
    ),
    Row("events-detail-missing", "events:detail", _url("events:detail", 999999), expect(404, 404)),
    Row("events-event_ics", "events:event_ics", _published("events:event_ics"), PUBLIC),
    Row(
        "events-event_ics-planned",
        "events:event_ics",
        _planned("events:event_ics"),
        expect(404, 404, **OULU_MANAGERS),
    ),
    Row("events-register", "events:register", _published("events:register"), PUBLIC),
    Row(
        "events-register-planned",
        "events:register",
        _planned("events:register"),
        expect(404, 404, **OULU_MANAGERS),
    ),
    Row("events-edit", "events:edit", _published("events:edit"), MANAGE_PUBLISHED),
    Row("events-edit-planned", "events:edit", _planned("events:edit"), PLANNED),
    Row("events-plan", "events:plan", _published("events:plan"), MANAGE_PUBLISHED),
    Row("events-plan-planned", "events:plan", _planned("events:plan"), PLANNED),
    Row("events-plan-missing", "events:plan", _url("events:plan", 999999), expect(LOGIN, 404)),
    Row(
        "events-registrations",
        "events:registrations",
        _published("events:registrations"),
        MANAGE_PUBLISHED,
    ),
    Row(
        "events-registrations-planned",
        "events:registrations",
        _planned("events:registrations"),
        PLANNED,
    ),
    Row(
        "events-registrations_xlsx",
        "events:registrations_xlsx",
        _published("events:registrations_xlsx"),
        MANAGE_PUBLISHED,
    ),
    Row(
        "events-attendance",
        "events:attendance",
        _published("events:attendance"),
        MANAGE_PUBLISHED,
    ),
    Row("events-attendance-planned", "events:attendance", _planned("events:attendance"), PLANNED),
    Row("events-registration", "events:registration", _registration, PUBLIC),
    Row(
        "events-registration-forged",
        "events:registration",
        _url("events:registration", "vaarennettu-linkki"),
        expect(404, 404),
    ),
    Row("events-municipality", "events:municipality", _url("events:municipality", "564"), PUBLIC),
    Row(
        "events-municipality-missing",
        "events:municipality",
        _url("events:municipality", "999"),
        expect(404, 404),
    ),
    Row(
        "events-municipality_ics",
        "events:municipality_ics",
        _url("events:municipality_ics", "564"),
        PUBLIC,
    ),
    Row(
        "events-municipality_ics-missing",
        "events:municipality_ics",
        _url("events:municipality_ics", "x"),
        expect(404, 404),
    ),
    Row("api-events", "api-v1:events", _url("api-v1:events"), PUBLIC),
    Row("api-event", "api-v1:event", _api_event, PUBLIC),
    # A session never widens the API: a planned event is 404 even to its organisers.
    Row("api-event-planned", "api-v1:event", _api_planned, expect(404, 404)),
]
