"""Registration for events: the form, the waiting list and its promotion, deadlines,
duplicates, the personal link, and no overbooking under concurrent sign-ups."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from silta.core.models import AuditLogEntry, OutgoingEmail
from silta.events import services
from silta.events.models import Event, Registration

from .events_factories import event, registration

GOOD = {
    "name": "Maija Meikäläinen",
    "email": "Maija@Example.fi",
    "people": "2",
    "dietary_needs": "gluteeniton",
    "accessibility_needs": "induktiosilmukka",
    "consent": "on",
}


def _register(client, ev, **changes):
    return client.post(reverse("events:register", args=[ev.pk]), {**GOOD, **changes})


def _sent(to):
    return list(OutgoingEmail.objects.filter(to=to).order_by("pk"))


def test_registering_confirms_and_mails_a_personal_link(world):
    ev = event(world.oulu, capacity=10)
    response = _register(Client(), ev, association=str(world.oulu_association.pk))
    assert response.status_code == 302
    reg = Registration.objects.get(event=ev)
    assert reg.email == "maija@example.fi"
    assert reg.status == Registration.Status.CONFIRMED
    assert reg.people == 2 and reg.association == world.oulu_association
    assert reg.erase_after == timezone.localtime(ev.ends_at).date() + dt.timedelta(days=90)
    # The token is stored hashed only; the link in the mail and the redirect carry it.
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert token not in reg.token_hash and len(reg.token_hash) == 64
    [message] = _sent("maija@example.fi")
    assert "Ilmoittautuminen vahvistettu" in message.subject
    assert reverse("events:registration", args=[token]) in message.body_text
    assert reverse("events:event_ics", args=[ev.pk]) in message.body_text
    page = Client().get(response["Location"])
    assert page.status_code == 200
    assert "vahvistettu" in page.content.decode()
    # The audit log records the registration without the person's name or address.
    entry = AuditLogEntry.objects.get(object_type="events.registration")
    assert entry.municipality == world.oulu
    assert "maija" not in str(entry.changes).lower()


def test_full_event_puts_people_on_the_waiting_list_and_promotes_on_cancel(world):
    ev = event(world.oulu, capacity=2)
    _first, first_token = services.register(
        ev.pk, name="Eka", email="eka@example.fi", people=2, consent=True
    )
    response = _register(Client(), ev, email="toka@example.fi", people="1")
    assert response.status_code == 302
    waiting = Registration.objects.get(email="toka@example.fi")
    assert waiting.status == Registration.Status.WAITING
    assert "Olet jonossa" in _sent("toka@example.fi")[0].subject

    # The first registrant cancels through their link: the waiting person is promoted.
    client = Client()
    response = client.post(reverse("events:registration", args=[first_token]), {"peru": "1"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    promoted = _sent("toka@example.fi")[-1]
    assert "Paikka vapautui" in promoted.subject
    assert "/ilmoittautuminen/" in promoted.body_text
    assert Registration.objects.get(email="eka@example.fi").status == "cancelled"
    assert "peruttu" in _sent("eka@example.fi")[-1].subject


def test_registering_twice_with_the_same_email_is_refused_kindly(world):
    ev = event(world.oulu)
    assert _register(Client(), ev).status_code == 302
    response = _register(Client(), ev, email=" MAIJA@example.fi ")
    assert response.status_code == 400
    assert "Tällä sähköpostiosoitteella on jo ilmoittauduttu" in response.content.decode()
    assert Registration.objects.filter(event=ev).count() == 1


def test_after_cancelling_one_may_register_again(world):
    ev = event(world.oulu)
    reg, _token = services.register(ev.pk, name="A", email="a@example.fi", consent=True)
    services.cancel_registration(None, reg)
    again, _token = services.register(ev.pk, name="A", email="a@example.fi", consent=True)
    assert again.status == Registration.Status.CONFIRMED


def test_registration_closes_at_its_deadline(world):
    ev = event(world.oulu, registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    page = Client().get(reverse("events:register", args=[ev.pk]))
    assert "Ilmoittautuminen päättyi" in page.content.decode()
    response = _register(Client(), ev)
    assert response.status_code == 400
    assert not Registration.objects.exists()
    with pytest.raises(services.RegistrationError) as exc:
        services.register(ev.pk, name="A", email="a@example.fi", consent=True)
    assert exc.value.code == "closed"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"email": "ei-osoite"}, "Tarkista sähköpostiosoite"),
        ({"people": "0"}, "vähintään 1"),
        ({"people": "500"}, "enintään 20"),
        ({"people": "kaksi"}, "numerona"),
        ({"consent": ""}, "vaatii suostumuksen"),
        ({"name": ""}, "Tämä kenttä vaaditaan"),
        ({"name": "x" * 10_000}, "enintään 200"),
        ({"name": "Nul\x00merkki"}, "Null"),
        ({"association": "999999"}, "Valitse oikea vaihtoehto"),
    ],
)
def test_bad_registration_input_changes_nothing(world, changes, message):
    ev = event(world.oulu)
    response = _register(Client(), ev, **changes)
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not Registration.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_forged_and_garbage_tokens_get_a_finnish_404(world):
    event(world.oulu)
    for token in ["vaarennettu", "a" * 300, "%00"]:
        response = Client().get(f"/ilmoittautuminen/{token}/")
        assert response.status_code == 404
        assert "Ilmoittautumislinkki ei ole voimassa" in response.content.decode()
    response = Client().post("/ilmoittautuminen/vaarennettu/", {"peru": "1"})
    assert response.status_code == 404


def test_registrant_changes_party_size_but_never_beyond_capacity(world):
    ev = event(world.oulu, capacity=3)
    reg, token = services.register(ev.pk, name="A", email="a@example.fi", people=1, consent=True)
    services.register(ev.pk, name="B", email="b@example.fi", people=1, consent=True)
    url = reverse("events:registration", args=[token])
    response = Client().post(url, {"people": "3", "dietary_needs": "", "accessibility_needs": ""})
    assert response.status_code == 400
    assert "ei ole tilaa" in response.content.decode()
    reg.refresh_from_db()
    assert reg.people == 1
    response = Client().post(
        url, {"people": "2", "dietary_needs": "vegaani", "accessibility_needs": ""}
    )
    assert response.status_code == 302
    reg.refresh_from_db()
    assert (reg.people, reg.dietary_needs) == (2, "vegaani")


def test_capacity_below_current_registrations_is_refused(world):
    ev = event(world.oulu, capacity=5)
    services.register(ev.pk, name="A", email="a@example.fi", people=3, consent=True)
    client = world.client("oulu_liaison")
    data = {
        "kind": ev.kind,
        "title_fi": ev.title_fi,
        "starts_at": timezone.localtime(ev.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(ev.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "2",
        "status": "published",
        "is_public": "on",
    }
    response = client.post(reverse("events:edit", args=[ev.pk]), data)
    assert response.status_code == 400
    assert "Ilmoittautuneita on jo 3" in response.content.decode()
    ev.refresh_from_db()
    assert ev.capacity == 5


def test_raising_capacity_promotes_from_the_waiting_list(world):
    ev = event(world.oulu, capacity=1)
    services.register(ev.pk, name="A", email="a@example.fi", consent=True)
    waiting, _t = services.register(ev.pk, name="B", email="b@example.fi", consent=True)
    assert waiting.status == "waiting"
    services.update_event(world.user("oulu_liaison"), ev, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_confirmation_is_in_the_registrants_language(world):
    ev = event(world.oulu, title_fi="Syksyn yhdistysilta", title_sv="Höstens föreningskväll")
    Client().post(reverse("events:register", args=[ev.pk]), GOOD, HTTP_ACCEPT_LANGUAGE="sv")
    reg = Registration.objects.get()
    message = OutgoingEmail.objects.get(to=reg.email)
    assert message.language == reg.language == "sv"
    # The calendar attachment too: the event's Swedish title, in its name and its entry.
    (attached,) = message.attachments
    assert attached["filename"] == "hostens-foreningskvall.ics"
    assert "SUMMARY:Höstens föreningskväll" in attached["content"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_overbook(places, settings):
    """20 people register at once for the last 3 places: exactly 3 get in, 17 wait."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write; row locks are tested on PostgreSQL")
    from silta.places.models import Municipality

    oulu = Municipality.objects.get(code="564")
    ev = event(oulu, capacity=10)
    for i in range(7):
        registration(ev, email=f"aiempi{i}@example.fi")
    barrier = threading.Barrier(20)
    statuses = []
    lock = threading.Lock()

    def sign_up(i):
        try:
            barrier.wait()
            response = Client().post(
                reverse("events:register", args=[ev.pk]),
                {**GOOD, "email": f"rinnakkain{i}@example.fi", "people": "1"},
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * 20
    new = Registration.objects.filter(event=ev, email__startswith="rinnakkain")
    assert new.filter(status="confirmed").count() == 3
    assert new.filter(status="waiting").count() == 17
    assert services.confirmed_people(Event.objects.get(pk=ev.pk)) == 10


def test_erase_expired_removes_registrations_after_the_promised_date(world):
    ev = event(world.oulu)
    old, _t = registration(ev, erase_after=timezone.localdate() - dt.timedelta(days=1))
    kept, _t = registration(ev)
    assert services.erase_expired() == 1
    assert list(Registration.objects.all()) == [kept]
    assert AuditLogEntry.objects.filter(action="erase", object_id=str(old.pk)).exists()
    assert not mail.outbox


def test_the_daily_command_erases_expired_registrations(world):
    from io import StringIO

    from django.core.management import call_command

    ev = event(world.oulu)
    registration(ev, erase_after=timezone.localdate() - dt.timedelta(days=3))
    kept, _t = registration(ev)
    out = StringIO()
    call_command("erase_expired_registrations", stdout=out)
    assert "Poistettiin 1 ilmoittautumista." in out.getvalue()
    assert list(Registration.objects.all()) == [kept]
