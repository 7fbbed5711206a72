"""The personal calendar feed of one's registrations: a secret address that calendar apps
fetch without a session, shown on the person's events page, rotated to cut off the old one."""

import datetime as dt
import re

import icalendar
import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from silta.accounts.models import CalendarFeed
from silta.core.models import AuditLogEntry
from silta.events import feeds
from silta.events.models import Event, Registration, hash_token

from .events_factories import event, registration
from .factories import UserFactory

URL_RE = re.compile(r'value="(https?://[^"]+/kalenteri/([0-9a-f]{40})\.ics)"')


@pytest.fixture
def person(world):
    return UserFactory(email="riitta@example.fi", full_name="Riitta Rekisteri")


def _take_feed(person) -> str:
    """Turns the feed on from the events page, as the person would; returns the secret."""
    client = Client()
    client.force_login(person)
    response = client.post(reverse("events:feed_rotate"))
    assert response.status_code == 302
    assert response["Location"] == reverse("events:mine") + "#kalenteri"
    page = client.get(reverse("events:mine")).content.decode()
    return URL_RE.search(page).group(2)


def _fetch(secret):
    """As a calendar app: no cookies, no session."""
    return Client().get(reverse("events:feed", args=[secret]))


def _calendar(response) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.content.decode("utf-8"))


def _summaries(response) -> dict:
    return {str(v["UID"]): str(v["SUMMARY"]) for v in _calendar(response).walk("VEVENT")}


def _has(response, ev) -> bool:
    return any(uid.startswith(f"event-{ev.pk}@") for uid in _summaries(response))


def test_feed_shows_the_persons_own_registrations_without_a_session(world, person):
    signed_in = event(world.oulu, title_fi="Kirjautuneena")
    by_address = event(world.kempele, title_fi="Osoitteella ilmoittauduttu")
    others = event(world.oulu, title_fi="Toisen ilmoittautuminen")
    unverified = event(world.oulu, title_fi="Vahvistamaton osoite")
    withdrawn = event(world.oulu, title_fi="Peruin itse")
    replanned = event(world.oulu, title_fi="Palautettu suunnitteluun")
    registration(signed_in, user=person, email="toinen.osoite@example.fi")
    registration(by_address, email="riitta@example.fi")
    registration(others, email="joku@example.fi", user=world.user("oulu_member"))
    EmailAddress.objects.create(user=person, email="vanha@example.fi", verified=False)
    registration(unverified, email="vanha@example.fi")
    registration(withdrawn, user=person, status=Registration.Status.CANCELLED)
    registration(replanned, user=person)
    Event.objects.filter(pk=replanned.pk).update(status=Event.Status.PLANNED)
    secret = _take_feed(person)

    response = _fetch(secret)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert _has(response, signed_in) and _has(response, by_address)
    for ev in (others, unverified, withdrawn, replanned):
        assert not _has(response, ev), ev.title_fi
    assert "sessionid" not in response.cookies


def test_cancelled_event_stays_marked_cancelled_and_waiting_is_tentative(world, person):
    cancelled = event(world.oulu, title_fi="Kevätilta", status=Event.Status.CANCELLED)
    waiting = event(world.oulu, title_fi="Täysi ilta", capacity=1)
    registration(cancelled, user=person)
    registration(waiting, user=person, status=Registration.Status.WAITING)
    secret = _take_feed(person)

    vevents = {str(v["SUMMARY"]): v for v in _calendar(_fetch(secret)).walk("VEVENT")}

    assert str(vevents["Peruttu: Kevätilta"]["STATUS"]) == "CANCELLED"
    assert str(vevents["Jonossa: Täysi ilta"]["STATUS"]) == "TENTATIVE"


def test_a_swedish_speakers_feed_has_the_events_swedish_titles(world, person):
    """The feed is in its owner's language: an event's Swedish title and description when
    it has them, the Finnish ones when it has not, and the prefixes in Swedish."""
    person.language = "sv"
    person.save()
    both = event(
        world.oulu,
        title_fi="Syksyn yhdistysilta",
        title_sv="Höstens föreningskväll",
        description_fi="Kahvitarjoilu",
        description_sv="Kaffeservering",
    )
    finnish_only = event(world.oulu, title_fi="Kyläjuhla", status=Event.Status.CANCELLED)
    registration(both, user=person)
    registration(finnish_only, user=person)
    vevents = {str(v["SUMMARY"]): v for v in _calendar(_fetch(_take_feed(person))).walk("VEVENT")}
    assert str(vevents["Höstens föreningskväll"]["DESCRIPTION"]) == "Kaffeservering"
    assert "Syksyn yhdistysilta" not in vevents
    assert str(vevents["Inställt: Kyläjuhla"]["STATUS"]) == "CANCELLED"  # Finnish title kept


def test_one_event_appears_once_even_with_two_registrations(world, person):
    ev = event(world.oulu)
    registration(ev, user=person, email="toinen.osoite@example.fi")
    registration(ev, email="riitta@example.fi", status=Registration.Status.WAITING)
    secret = _take_feed(person)

    summaries = _summaries(_fetch(secret))

    assert list(summaries.values()) == ["Kevään yhdistysilta"]  # the confirmed place wins


def test_feed_is_valid_icalendar_with_stable_uids(world, person):
    ev = event(
        world.oulu,
        title_fi="Avustukset, tilat; ja vuosikello\\ yhdessä – järjestöjen ja kunnan ilta " * 2,
        description_fi="Rivi yksi\nRivi kaksi, pilkku; puolipiste",
        venue_name="Kylätalo",
        address="Kirkkotie 1, 90100 Oulu",
    )
    registration(ev, user=person)
    secret = _take_feed(person)

    first, second = _fetch(secret), _fetch(secret)

    raw = first.content
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert any(line.startswith(b" ") for line in lines)  # the long title was folded
    calendar = _calendar(first)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT4H"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == ev.title_fi  # commas, semicolons, backslashes survive
    assert str(vevent["DESCRIPTION"]) == ev.description_fi
    assert str(vevent["LOCATION"]) == "Kylätalo, Kirkkotie 1, 90100 Oulu"
    assert vevent.decoded("DTSTART") == ev.starts_at
    assert vevent.decoded("DTEND") == ev.ends_at
    assert vevent.decoded("DTSTAMP").tzinfo is not None
    assert _summaries(first).keys() == _summaries(second).keys()


def test_forged_malformed_and_rotated_addresses_are_404(world, person):
    registration(event(world.oulu), user=person)
    old = _take_feed(person)
    new = _take_feed(person)  # "Vaihda osoite"

    assert new != old
    assert _fetch(old).status_code == 404
    assert _fetch(new).status_code == 200
    for forged in ("0" * 40, new[:-1] + ("0" if new[-1] != "0" else "1"), new.upper(), "x" * 400):
        assert _fetch(forged).status_code == 404, forged
    assert Client().get(f"/kalenteri/{new}%00.ics").status_code == 404
    assert Client().post(reverse("events:feed", args=[new])).status_code == 405


def test_secret_is_not_stored_and_rotating_is_logged(world, person):
    secret = _take_feed(person)
    feed = CalendarFeed.objects.get(user=person)
    assert feed.token_hash == hash_token(secret)
    assert secret not in feed.nonce and secret not in feed.token_hash
    _take_feed(person)
    notes = list(
        AuditLogEntry.objects.filter(object_type="accounts.calendarfeed").values_list(
            "note", flat=True
        )
    )
    assert sorted(notes) == [
        "kalenteritilauksen osoite vaihdettu",
        "kalenteritilaus otettu käyttöön",
    ]


def test_an_erased_or_inactive_person_has_no_feed(world, person):
    secret = _take_feed(person)
    person.is_active = False
    person.save()
    assert _fetch(secret).status_code == 404


def test_events_page_offers_the_feed_and_its_copy_and_rotate_buttons(world, person):
    client = Client()
    client.force_login(person)
    page = client.get(reverse("events:mine")).content.decode()
    assert "Ota kalenteritilaus käyttöön" in page
    assert "Kopioi osoite" not in page

    secret = _take_feed(person)
    page = client.get(reverse("events:mine")).content.decode()
    assert f"/kalenteri/{secret}.ics" in page
    assert "Kopioi osoite" in page and "Vaihda osoite" in page
    assert 'for="kalenteri-osoite"' in page


def test_rotating_needs_a_signed_in_post(world, person):
    url = reverse("events:feed_rotate")
    response = Client().post(url)
    assert response.status_code == 302 and "/tili/" in response["Location"]
    client = Client()
    client.force_login(person)
    assert client.get(url).status_code == 405
    assert not CalendarFeed.objects.exists()
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(person)
    assert csrf.post(url).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_address_survives_a_secret_key_change_with_a_fallback(world, person, settings):
    secret = _take_feed(person)
    client = Client()
    client.force_login(person)

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "uusi-avain-" + "x" * 50
    assert f"/kalenteri/{secret}.ics" in client.get(reverse("events:mine")).content.decode()

    settings.SECRET_KEY_FALLBACKS = []
    page = client.get(reverse("events:mine")).content.decode()
    assert secret not in page
    assert "salausavain on vaihtunut" in page
    assert _fetch(secret).status_code == 200  # the subscription itself keeps working


def test_old_events_fall_out_of_the_feed(world, person):
    long_ago = timezone.now() - dt.timedelta(days=feeds.DAYS_BACK + 10)
    old = event(world.oulu, starts_at=long_ago, ends_at=long_ago + dt.timedelta(hours=2))
    registration(old, user=person)
    assert not _has(_fetch(_take_feed(person)), old)


def test_feed_query_count_does_not_grow_with_registrations(
    world, person, django_assert_max_num_queries
):
    for n in range(15):
        registration(event(world.oulu, title_fi=f"Ilta {n}"), user=person)
    secret = _take_feed(person)
    with django_assert_max_num_queries(3):
        response = _fetch(secret)
    assert len(_summaries(response)) == 15


def test_events_page_with_the_feed_has_a_query_bound(world, person, django_assert_max_num_queries):
    _take_feed(person)
    client = Client()
    client.force_login(person)
    client.get(reverse("events:mine"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("events:mine")).status_code == 200


def test_erasing_a_person_deletes_their_calendar_feed(world, person):
    from silta.accounts.models import CalendarFeed
    from silta.accounts.services import erase_user

    secret = _take_feed(person)
    erase_user(world.user("admin"), person)
    assert not CalendarFeed.objects.filter(user=person).exists()
    assert _fetch(secret).status_code == 404
