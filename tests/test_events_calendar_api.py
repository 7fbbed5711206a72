"""Calendars (RFC 5545) and /api/v1/events, plus query-count bounds on every events list
page, feed and endpoint."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from silta.events import ical
from silta.events.models import Event

from .events_factories import event, planned, registration
from .factories import AssociationFactory


def _unfold(body: bytes) -> list[str]:
    text = body.decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    return text.replace("\r\n ", "").split("\r\n")


def test_fold_keeps_lines_within_75_octets_and_utf8_intact():
    line = "DESCRIPTION:" + "äöå€ Kylätalolla " * 20
    folded = ical.fold(line)
    for piece in folded.split("\r\n"):
        assert len(piece.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line


def test_escape_text_values():
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_event_feed_is_valid_icalendar(world):
    ev = event(
        world.oulu,
        title_fi="Yhdistysilta; teemana avustukset, tilat",
        description_fi="Rivi 1\nRivi 2 " + "pitkä kuvaus " * 20,
        online_link="https://meet.example.fi/x",
    )
    response = Client().get(reverse("events:event_ics", args=[ev.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    for raw in body.split(b"\r\n"):
        assert len(raw) <= 75
    lines = _unfold(body)
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "SUMMARY:Yhdistysilta\\; teemana avustukset\\, tilat" in lines
    assert any(line.startswith("UID:event-") for line in lines)
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    start = ev.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in lines
    assert "STATUS:CONFIRMED" in lines


def test_municipality_feed_has_public_events_only(world):
    event(world.oulu, title_fi="Julkinen ilta")
    event(world.oulu, title_fi="Kutsuvierasilta", is_public=False)
    planned(world.oulu)
    event(world.kempele, title_fi="Kempeleen ilta")
    event(AssociationFactory(municipality=world.oulu), title_fi="Kyläjuhla")
    lines = _unfold(Client().get(reverse("events:municipality_ics", args=["564"])).content)
    summaries = sorted(line for line in lines if line.startswith("SUMMARY:"))
    assert summaries == ["SUMMARY:Julkinen ilta", "SUMMARY:Kyläjuhla"]
    assert lines.count("BEGIN:VEVENT") == 2


def test_api_lists_public_events_in_linked_events_shape(world):
    ensure = event(
        world.oulu, title_fi="Kevään yhdistysilta", title_en="Spring evening", capacity=80
    )
    event(world.oulu, is_public=False)
    planned(world.oulu)
    event(world.kempele)
    data = Client().get("/api/v1/events?municipality=564").json()
    assert data["count"] == 1
    [item] = data["results"]
    assert item["id"] == ensure.pk
    assert item["name"] == {"fi": "Kevään yhdistysilta", "sv": "", "en": "Spring evening"}
    assert item["event_status"] == "EventScheduled"
    assert item["location"]["municipality"] == "564"
    assert item["organiser"]["type"] == "municipality"
    assert item["maximum_attendee_capacity"] == 80
    assert item["offers"][0]["info_url"].endswith(f"/tapahtumat/{ensure.pk}/ilmoittaudu/")
    assert item["type_name"]["fi"] == "yhdistysilta"
    detail = Client().get(f"/api/v1/events/{ensure.pk}").json()
    assert detail["start_time"] == item["start_time"]


def test_api_time_range(world):
    now = timezone.now()
    past = event(
        world.oulu,
        title_fi="Mennyt",
        starts_at=now - dt.timedelta(days=30),
        ends_at=now - dt.timedelta(days=30) + dt.timedelta(hours=2),
        status="held",
    )
    future = event(world.oulu, title_fi="Tuleva")
    ids = [e["id"] for e in Client().get("/api/v1/events").json()["results"]]
    assert ids == [future.pk]  # without a range: upcoming only
    day = timezone.localtime(past.starts_at).date()
    ids = [e["id"] for e in Client().get(f"/api/v1/events?start={day}&end={day}").json()["results"]]
    assert ids == [past.pk]
    ids = [
        e["id"]
        for e in Client()
        .get(f"/api/v1/events?start={day - dt.timedelta(days=1)}&end={day + dt.timedelta(days=60)}")
        .json()["results"]
    ]
    assert ids == [past.pk, future.pk]


@pytest.mark.parametrize(
    "query, status, parameter",
    [
        ("municipality=999", 404, "municipality"),
        ("municipality=abc", 404, "municipality"),
        ("start=eilen", 400, "start"),
        ("end=2027-13-45", 400, "end"),
        ("start=2027-03-10&end=2027-03-01", 400, "end"),
        ("page=0", 400, "page"),
        ("page_size=1000", 400, "page_size"),
        ("page=99", 404, "page"),
        ("start=%00", 400, "start"),
        ("start=" + "9" * 5000, 400, "start"),
    ],
)
def test_api_bad_parameters(world, query, status, parameter):
    event(world.oulu)
    response = Client().get(f"/api/v1/events?{query}")
    assert response.status_code == status
    body = response.json()
    assert body["detail"]
    assert body["errors"][0]["parameter"] == parameter


def test_api_unknown_or_hidden_event_is_404(world):
    hidden = event(world.oulu, is_public=False)
    for path in [
        f"/api/v1/events/{hidden.pk}",
        "/api/v1/events/999999",
        "/api/v1/events/abc",
        "/api/v1/events/99999999999999999999",
    ]:
        response = world.client("admin").get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"]


def test_api_documented_in_openapi(world):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/events" in schema["paths"]
    assert "/api/v1/events/{event_id}" in schema["paths"]


# -- query counts ----------------------------------------------------------------------------


def _grow(world, n=30):
    associations = [AssociationFactory(municipality=world.oulu) for _ in range(5)]
    for i in range(n):
        ev = event(
            associations[i % 5] if i % 3 == 0 else world.oulu,
            title_fi=f"Tapahtuma {i}",
            starts_at=timezone.now() + dt.timedelta(days=i + 1),
            ends_at=timezone.now() + dt.timedelta(days=i + 1, hours=2),
        )
        from silta.events.models import EventTheme
        from silta.events.themes import ensure_themes

        ensure_themes(EventTheme)
        ev.themes.set(EventTheme.objects.all()[:3])
    return ev


@pytest.mark.parametrize("grown", [False, True])
def test_query_counts_public_lists(world, django_assert_max_num_queries, grown):
    ev = _grow(world) if grown else event(world.oulu)
    for i in range(40 if grown else 1):
        registration(ev, email=f"q{i}@example.fi", dietary_needs="vegaani" if i % 2 else "")
    client = Client()
    urls = [
        (reverse("events:municipality", args=["564"]), 6),
        (reverse("events:municipality_ics", args=["564"]), 4),
        ("/api/v1/events?municipality=564&page_size=100", 6),
        (f"/api/v1/events/{ev.pk}", 4),
        (reverse("events:detail", args=[ev.pk]), 8),
        (reverse("events:event_ics", args=[ev.pk]), 4),
    ]
    for url, bound in urls:
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("grown", [False, True])
def test_query_counts_organiser_pages(world, django_assert_max_num_queries, grown):
    ev = _grow(world) if grown else event(world.oulu)
    for i in range(60 if grown else 1):
        registration(ev, email=f"q{i}@example.fi", dietary_needs="vegaani" if i % 2 else "")
    if grown:
        from silta.events.models import Task

        for i in range(15):
            Task.objects.create(event=ev, title=f"T{i}", owner=world.user("oulu_liaison"))
    client = world.client("oulu_liaison")
    urls = [
        (reverse("events:mine"), 8),
        (reverse("events:plan", args=[ev.pk]), 16),
        (reverse("events:registrations", args=[ev.pk]), 12),
        (reverse("events:registrations_xlsx", args=[ev.pk]), 9),
        (reverse("events:attendance", args=[ev.pk]), 8),
        (reverse("dashboard"), 25),
    ]
    for url, bound in urls:
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200, url


def test_registration_page_query_count(world, django_assert_max_num_queries):
    ev = event(world.oulu)
    _r, token = registration(ev)
    with django_assert_max_num_queries(6):
        assert Client().get(reverse("events:registration", args=[token])).status_code == 200
    assert Event.objects.count() == 1
