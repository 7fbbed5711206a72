"""The overlap hint of the event form: what else is on that day in the same municipality,
server-side when the form is shown with a date and live through /tapahtumat/samana-paivana/.
A hint, never a blocker."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from silta.events.models import Event

from .events_factories import event

DAY = timezone.localdate() + dt.timedelta(days=30)


def _at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _on(organiser, title, day=DAY, hour=18, **fields):
    return event(
        organiser, title_fi=title, starts_at=_at(day, hour), ends_at=_at(day, hour + 2), **fields
    )


@pytest.fixture
def day_in_oulu(world):
    """Events on DAY (and around it) in Oulu and Kempele, in every state."""
    return {
        "municipal": _on(world.oulu, "Kaupungin yhdistysilta"),
        "association": _on(world.oulu_association, "Kyläyhdistyksen kesäjuhla", hour=12),
        "regional_in_oulu": _on(
            world.organisation, "Alueellinen tapaaminen", venue_municipality=world.oulu, hour=9
        ),
        "kempele": _on(world.kempele, "Kempeleen ilta"),
        "planned": _on(world.oulu, "Suunnitteilla", status=Event.Status.PLANNED),
        "invitation_only": _on(world.oulu, "Vain kutsutuille", is_public=False),
        "cancelled": _on(world.oulu, "Peruttu ilta", status=Event.Status.CANCELLED),
        "next_day": _on(world.oulu, "Seuraavan päivän ilta", day=DAY + dt.timedelta(days=1)),
        # 23.30–01.30 Helsinki time reaches into DAY from the evening before.
        "overnight": event(
            world.oulu,
            title_fi="Yön yli",
            starts_at=_at(DAY - dt.timedelta(days=1), 23, 30),
            ends_at=_at(DAY, 1, 30),
        ),
    }


def _hint(params, client=None):
    response = (client or Client()).get(reverse("events:same_day"), params)
    assert response.status_code == 200
    return response.content.decode()


SHOWN = ["municipal", "association", "regional_in_oulu", "overnight"]
HIDDEN = ["kempele", "planned", "invitation_only", "cancelled", "next_day"]


def test_lists_public_same_day_events_of_the_municipality_only(day_in_oulu):
    html = _hint({"kunta": "564", "paiva": DAY.isoformat()})

    for key in SHOWN:
        assert day_in_oulu[key].title_fi in html, key
    for key in HIDDEN:
        assert day_in_oulu[key].title_fi not in html, key
    # Title, time and organiser, earliest first.
    assert "klo 12.00–14.00" in html and "Oulun Kyläyhdistys ry" in html
    assert html.index("Alueellinen tapaaminen") < html.index("Kyläyhdistyksen kesäjuhla")
    assert f"Samana päivänä {DAY.day}.{DAY.month}.{DAY.year}: Oulu" in html
    assert "Voit silti tallentaa" in html


def test_a_day_without_other_events_says_so(world):
    html = _hint({"kunta": "564", "paiva": DAY.isoformat()})
    assert "ei ole muita julkisia tapahtumia" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kunta": "564"}, "Päivämäärä puuttuu tai on virheellinen"),
        ({"kunta": "564", "paiva": "2027-02-30"}, "Päivämäärä puuttuu tai on virheellinen"),
        ({"kunta": "564", "paiva": "12.3.2027"}, "Päivämäärä puuttuu tai on virheellinen"),
        ({"kunta": "564", "paiva": "9999-12-31"}, "Päivämäärä puuttuu tai on virheellinen"),
        ({"kunta": "564", "paiva": "0001-01-01"}, "Päivämäärä puuttuu tai on virheellinen"),
        ({"kunta": "564", "paiva": "\x00\x00"}, "Päivämäärä puuttuu tai on virheellinen"),
        ({"kunta": "999", "paiva": "2027-03-12"}, "Kuntaa ei löydy"),
        ({"kunta": "x\x00y", "paiva": "2027-03-12"}, "Kuntaa ei löydy"),
        ({"paiva": "2027-03-12"}, "Kuntaa ei löydy"),
        ({"kunta": "5" * 5000, "paiva": "2" * 5000}, "Päivämäärä puuttuu tai on virheellinen"),
        ({"organiser": "a:99999999999", "paiva": "2027-03-12"}, "Kuntaa ei löydy"),
        ({"organiser": "o:1", "paiva": "2027-03-12"}, "Kuntaa ei löydy"),
        ({"venue_municipality": "-1", "paiva": "2027-03-12"}, "Kuntaa ei löydy"),
    ],
)
def test_bad_parameters_get_an_empty_fragment_with_a_finnish_message(places, params, message):
    html = _hint(params)
    assert message in html
    assert "<li" not in html


def test_the_forms_own_fields_work_as_parameters(world, day_in_oulu):
    starts = f"{DAY.isoformat()}T17:30"
    by_association = _hint({"starts_at": starts, "organiser": f"a:{world.oulu_association.pk}"})
    by_municipality = _hint({"starts_at": starts, "organiser": f"m:{world.oulu.pk}"})
    # The venue's municipality wins over the organiser's.
    by_venue = _hint(
        {
            "starts_at": starts,
            "organiser": f"m:{world.oulu.pk}",
            "venue_municipality": str(world.kempele.pk),
        }
    )
    assert (
        "Kaupungin yhdistysilta" in by_association and "Kaupungin yhdistysilta" in by_municipality
    )
    assert "Kempeleen ilta" in by_venue and "Kaupungin yhdistysilta" not in by_venue


def test_the_event_being_edited_is_left_out(day_in_oulu):
    own = day_in_oulu["municipal"]
    html = _hint({"kunta": "564", "paiva": DAY.isoformat(), "ohita": str(own.pk)})
    assert own.title_fi not in html and "Kyläyhdistyksen kesäjuhla" in html


def test_only_get(places):
    assert Client().post(reverse("events:same_day"), {"kunta": "564"}).status_code == 405


def test_query_count_is_bounded(day_in_oulu, django_assert_max_num_queries):
    for n in range(10):
        _on(day_in_oulu["municipal"].municipality, f"Lisäilta {n}")
    with django_assert_max_num_queries(3):
        html = _hint({"kunta": "564", "paiva": DAY.isoformat()})
    assert "Lisäilta 9" in html


def _form_data(world, **changes):
    data = {
        "organiser": f"a:{world.oulu_association.pk}",
        "kind": Event.Kind.ASSOCIATION_EVENT,
        "title_fi": "Kyläyhdistyksen avoimet ovet",
        "starts_at": f"{DAY.isoformat()}T18:00",
        "ends_at": f"{DAY.isoformat()}T20:00",
        "status": Event.Status.PUBLISHED,
        "is_public": "on",
    }
    data.update(changes)
    return data


def test_form_shows_the_hint_when_re_rendered_with_a_date(world, day_in_oulu):
    client = world.client("oulu_member")
    # Something is wrong in the form (no title): it comes back with the hint for that day.
    response = client.post(reverse("events:create"), _form_data(world, title_fi=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="samana-paivana"' in html
    assert "Kaupungin yhdistysilta" in html and "Kempeleen ilta" not in html
    assert 'hx-get="/tapahtumat/samana-paivana/"' in html
    assert "change from:#id_starts_at" in html


def test_new_form_prompts_before_a_date_is_given(world):
    html = world.client("oulu_member").get(reverse("events:create")).content.decode()
    assert 'id="samana-paivana"' in html
    assert "Kun valitset alkamisajan" in html


def test_the_hint_never_blocks_saving(world, day_in_oulu):
    client = world.client("oulu_member")
    response = client.post(reverse("events:create"), _form_data(world))
    assert response.status_code == 302
    assert Event.objects.filter(title_fi="Kyläyhdistyksen avoimet ovet").exists()


def test_edit_form_shows_the_others_and_not_itself(world, day_in_oulu):
    own = day_in_oulu["municipal"]
    html = world.client("oulu_liaison").get(reverse("events:edit", args=[own.pk])).content.decode()
    assert "Kyläyhdistyksen kesäjuhla" in html
    assert f'href="/tapahtumat/{own.pk}/"' not in html.split('id="samana-paivana"')[1]
    # The live update knows the event's own municipality and leaves the event out.
    assert "&quot;kunta&quot;: &quot;564&quot;" in html
    assert f"&quot;ohita&quot;: &quot;{own.pk}&quot;" in html
