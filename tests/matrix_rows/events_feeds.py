"""Permission-matrix rows of the personal calendar feed and the event form's same-day hint."""

from django.urls import reverse

from silta.events import feeds

from ..events_factories import event, registration
from ..matrix import LOGIN, PUBLIC, Row, _url, expect


def _feed_of_member(w):
    """A real feed: the secret is the only key, so every persona (and nobody) gets it."""
    registration(event(w.oulu), user=w.user("oulu_member"))
    return reverse("events:feed", args=[feeds.rotate(w.user("oulu_member"))])


def _rotated_feed(w):
    old = feeds.rotate(w.user("oulu_member"))
    feeds.rotate(w.user("oulu_member"))
    return reverse("events:feed", args=[old])


def _same_day(w):
    ev = event(w.oulu)
    return reverse("events:same_day") + f"?kunta=564&paiva={ev.starts_at.date().isoformat()}"


def _check_feed(response, w, persona):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"Kev\xc3\xa4\xc3\xa4n yhdistysilta" in response.content


def _check_same_day(response, w, persona):
    assert "Kevään yhdistysilta" in response.content.decode()


ROWS = [
    Row("events-feed", "events:feed", _feed_of_member, PUBLIC, check=_check_feed),
    Row("events-feed-rotated", "events:feed", _rotated_feed, expect(404, 404)),
    Row("events-feed-forged", "events:feed", _url("events:feed", "0" * 40), expect(404, 404)),
    # Rotating is a POST (tests/test_events_feeds.py); a GET gets 405 from the signed-in.
    Row("events-feed_rotate", "events:feed_rotate", _url("events:feed_rotate"), expect(LOGIN, 405)),
    Row("events-same_day", "events:same_day", _same_day, PUBLIC, check=_check_same_day),
    Row("events-same_day-bad", "events:same_day", _url("events:same_day"), PUBLIC),
]
