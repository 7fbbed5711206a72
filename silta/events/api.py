"""/api/v1/events: public events in a shape close to Linked Events (the Helsinki region's
event API): name and description as {fi, sv, en}, start_time, end_time, location, keywords,
offers, event_status. Only public, published (or held or cancelled) events, whoever asks."""

import datetime as dt

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from silta.api import queries
from silta.api import schemas as s
from silta.api.errors import ApiError, bad_parameter

from .models import Event, EventTheme

router = Router(tags=["Tapahtumat"])

ERRORS = {400: s.ErrorOut, 404: s.ErrorOut}
EVENT_STATUS = {
    Event.Status.PUBLISHED: "EventScheduled",
    Event.Status.HELD: "EventScheduled",
    Event.Status.CANCELLED: "EventCancelled",
    Event.Status.PLANNED: "EventScheduled",
}


class Organiser(Schema):
    type: str
    id: int
    name: s.Multilingual


class Location(Schema):
    name: str
    street_address: str
    municipality: str | None
    accessibility: str
    virtual_event_url: str


class Offer(Schema):
    is_free: bool
    price: s.Multilingual | None
    info_url: str | None


class EventOut(Schema):
    id: int
    name: s.Multilingual
    description: s.Multilingual
    type: str
    type_name: s.Multilingual
    start_time: dt.datetime
    end_time: dt.datetime
    location: Location
    keywords: list[s.VocabularyOut]
    offers: list[Offer]
    event_status: str
    organiser: Organiser
    maximum_attendee_capacity: int | None
    enrolment_start_time: dt.datetime | None
    enrolment_end_time: dt.datetime
    registration_url: str | None
    ics_url: str
    url: str

    model_config = s._examples(
        {
            "id": 3,
            "name": {"fi": "Oulun yhdistysilta", "sv": "", "en": "Oulu association evening"},
            "description": {
                "fi": "Ajankohtaista järjestöavustuksista ja työpaja.",
                "sv": "",
                "en": "",
            },
            "type": "association_evening",
            "type_name": {
                "fi": "yhdistysilta",
                "sv": "föreningskväll",
                "en": "association evening",
            },
            "start_time": "2027-03-16T15:00:00Z",
            "end_time": "2027-03-16T17:30:00Z",
            "location": {
                "name": "Oulun kaupungintalo, valtuustosali",
                "street_address": "Torikatu 10, 90100 Oulu",
                "municipality": "564",
                "accessibility": "Esteetön sisäänkäynti Torikadun puolelta.",
                "virtual_event_url": "",
            },
            "keywords": [
                {
                    "slug": "grants",
                    "name": {"fi": "Järjestöavustukset", "sv": "Föreningsbidrag", "en": "Grants"},
                }
            ],
            "offers": [
                {
                    "is_free": True,
                    "price": None,
                    "info_url": "https://silta.example.fi/tapahtumat/3/ilmoittaudu/",
                }
            ],
            "event_status": "EventScheduled",
            "organiser": {
                "type": "municipality",
                "id": 564,
                "name": {"fi": "Oulu", "sv": "Uleåborg", "en": "Oulu"},
            },
            "maximum_attendee_capacity": 80,
            "enrolment_start_time": None,
            "enrolment_end_time": "2027-03-09T21:59:00Z",
            "registration_url": "https://silta.example.fi/tapahtumat/3/ilmoittaudu/",
            "ics_url": "https://silta.example.fi/tapahtumat/3/tapahtuma.ics",
            "url": "https://silta.example.fi/tapahtumat/3/",
        }
    )


class EventPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[EventOut]

    model_config = s._page_example(EventOut, "events")


def _moment(value: str, parameter: str, *, end: bool) -> dt.datetime:
    """An ISO date (a whole day in Helsinki time) or an ISO date and time."""
    raw = value.strip()[:40]
    try:
        if len(raw) == 10:
            day = dt.date.fromisoformat(raw)
            if end:
                day += dt.timedelta(days=1)
            return timezone.make_aware(dt.datetime.combine(day, dt.time()))
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise bad_parameter(
            parameter,
            "invalid_datetime",
            _("Parametrin %(name)s pitää olla päivä (2027-03-16) tai aika (2027-03-16T17:00).")
            % {"name": parameter},
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _for_listing(queryset):
    return queryset.select_related(
        "municipality", "association__municipality", "organisation", "venue_municipality"
    ).prefetch_related(Prefetch("themes", queryset=EventTheme.objects.all()))


def _organiser(event: Event) -> dict:
    if event.municipality_id:
        m = event.municipality
        return {"type": "municipality", "id": m.pk, "name": m.names()}
    if event.association_id:
        a = event.association
        return {"type": "association", "id": a.pk, "name": s.multilingual(a, "name")}
    o = event.organisation
    return {"type": "organisation", "id": o.pk, "name": {"fi": o.name, "sv": "", "en": ""}}


def event_out(event: Event, links: s.Links) -> dict:
    home = event.home_municipality
    registration = (
        links.absolute(reverse("events:register", args=[event.pk]))
        if event.status == Event.Status.PUBLISHED
        else None
    )
    return {
        "id": event.pk,
        "name": s.multilingual(event, "title"),
        "description": s.multilingual(event, "description"),
        "type": event.kind,
        "type_name": s.in_all_languages(Event.Kind(event.kind).label),
        "start_time": event.starts_at,
        "end_time": event.ends_at,
        "location": {
            "name": event.venue_name,
            "street_address": event.address,
            "municipality": home.code if home else None,
            "accessibility": event.accessibility,
            "virtual_event_url": event.online_link,
        },
        "keywords": [s.vocabulary(t) for t in event.themes.all()],
        "offers": [{"is_free": True, "price": None, "info_url": registration}],
        "event_status": EVENT_STATUS[event.status],
        "organiser": _organiser(event),
        "maximum_attendee_capacity": event.capacity,
        "enrolment_start_time": event.registration_opens_at,
        "enrolment_end_time": event.closes_at,
        "registration_url": registration,
        "ics_url": links.absolute(reverse("events:event_ics", args=[event.pk])),
        "url": links.absolute(reverse("events:detail", args=[event.pk])),
    }


def _page_links(request, page: queries.Page):
    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return (
        link(page.number + 1) if page.has_next else None,
        link(page.number - 1) if page.has_previous else None,
    )


@router.get(
    "",
    response={200: EventPage, **ERRORS},
    url_name="events",
    summary="Tapahtumat",
    description="Julkiset tapahtumat: yhdistysillat, alueelliset tapaamiset, koulutukset ja "
    "yhdistysten avoimet tapahtumat. Ilman aikarajausta tulevat ja käynnissä olevat "
    "tapahtumat. start ja end rajaavat tapahtumat, jotka ovat käynnissä aikavälillä; pelkkä "
    "päivä tarkoittaa koko päivää Suomen aikaa. Järjestys: alkamisaika.",
)
def events(
    request,
    municipality: str | None = Query(None, description="Kuntanumero, esim. 564 (Oulu)."),
    start: str | None = Query(None, description="Alkaen: 2027-03-01 tai 2027-03-01T12:00."),
    end: str | None = Query(None, description="Päättyen: 2027-03-31 (päivä mukaan lukien)."),
    page: int = Query(1, ge=1, description="Sivun numero, 1 on ensimmäinen."),
    page_size: int = Query(
        queries.DEFAULT_PAGE_SIZE,
        ge=1,
        le=queries.MAX_PAGE_SIZE,
        description="Tuloksia sivulla, 1–100 (oletus 20).",
    ),
    lang: str | None = Query(None, description="Virheilmoitusten kieli: fi, sv tai en."),
):
    qs = Event.objects.public().order_by("starts_at", "pk")
    if municipality is not None:
        qs = qs.in_municipality(queries.municipality_by_code(municipality))
    since = _moment(start, "start", end=False) if start else None
    until = _moment(end, "end", end=True) if end else None
    if since and until and until <= since:
        raise bad_parameter(
            "end", "end_before_start", _("Aikavälin lopun pitää olla sen alun jälkeen.")
        )
    if since is None and until is None:
        since = timezone.now()
    if since is not None:
        qs = qs.filter(ends_at__gt=since)
    if until is not None:
        qs = qs.filter(starts_at__lt=until)
    found = queries.paginate(qs, page, page_size, display=_for_listing)
    links = s.Links(request)
    next_url, previous_url = _page_links(request, found)
    return {
        "count": found.count,
        "next": next_url,
        "previous": previous_url,
        "results": [event_out(e, links) for e in found.rows],
    }


@router.get(
    "/{event_id}",
    response={200: EventOut, **ERRORS},
    url_name="event",
    summary="Yksi tapahtuma",
    description="Julkinen tapahtuma, myös mennyt tai peruttu. Muu: 404.",
)
def event(request, event_id: int, lang: str | None = Query(None)):
    found = _for_listing(Event.objects.public().filter(pk=event_id)).first()
    if found is None:
        raise ApiError(404, _("Tapahtumaa numerolla %(id)s ei löydy.") % {"id": event_id})
    return event_out(found, s.Links(request))
