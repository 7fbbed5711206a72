"""Planning an association evening: creating it, themes, programme and speakers, the
division of tasks on the owners' dashboards, workshop questions, the generated schedule,
and the organisers' registration list, XLSX export and attendance at the door."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from silta.core.models import AuditLogEntry
from silta.events import services
from silta.events.models import Event, EventTheme, ProgrammeItem, Registration, Task
from silta.events.themes import ensure_themes

from .events_factories import event, planned, registration


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _new_event_data(world, **changes):
    day = timezone.localdate() + dt.timedelta(days=60)
    data = {
        "organiser": f"m:{world.oulu.pk}",
        "kind": "association_evening",
        "title_fi": "Syksyn yhdistysilta",
        "starts_at": f"{day:%Y-%m-%d}T17:00",
        "ends_at": f"{day:%Y-%m-%d}T19:30",
        "venue_name": "Kaupungintalo",
        "capacity": "60",
        "status": "planned",
        "is_public": "on",
    }
    data.update(changes)
    return data


def test_the_eight_themes_of_seed_004_are_there(db):
    ensure_themes(EventTheme)
    assert EventTheme.objects.count() == 8
    assert EventTheme.objects.filter(name_fi="Järjestöavustukset").exists()


def test_liaison_creates_an_evening_in_helsinki_time(world):
    ensure_themes(EventTheme)
    client = world.client("oulu_liaison")
    grants = EventTheme.objects.get(slug="grants")
    response = client.post(
        reverse("events:create"), _new_event_data(world, themes=[str(grants.pk)])
    )
    assert response.status_code == 302
    ev = Event.objects.get()
    assert ev.municipality == world.oulu and ev.association is None
    assert timezone.localtime(ev.starts_at).hour == 17
    assert list(ev.themes.all()) == [grants]
    assert response["Location"] == reverse("events:plan", args=[ev.pk])
    entry = AuditLogEntry.objects.get(object_type="events.event")
    assert entry.municipality == world.oulu and entry.action == "create"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"ends_at": "2020-01-01T10:00"}, "päättyä alkamisensa jälkeen"),
        ({"starts_at": "huomenna"}, "Anna päivä ja kellonaika"),
        ({"title_fi": ""}, "Tämä kenttä vaaditaan"),
        ({"title_fi": "x" * 10_000}, "enintään 200"),
        ({"organiser": f"m:{999999}"}, "Valitse oikea vaihtoehto"),
        ({"capacity": "-1"}, "0"),
        ({"kind": "juhla"}, "Valitse oikea vaihtoehto"),
        (
            {
                "registration_opens_at": "2030-01-02T10:00",
                "registration_closes_at": "2030-01-01T10:00",
            },
            "Ilmoittautumisen pitää päättyä",
        ),
    ],
)
def test_bad_event_input_changes_nothing(world, changes, message):
    response = world.client("oulu_liaison").post(
        reverse("events:create"), _new_event_data(world, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_one_cannot_organise_for_another_municipality(world):
    response = world.client("oulu_liaison").post(
        reverse("events:create"), _new_event_data(world, organiser=f"m:{world.kempele.pk}")
    )
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_outsider_cannot_create_events(world):
    response = world.client("outsider").post(reverse("events:create"), _new_event_data(world))
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_organiser_is_exactly_one_by_database_constraint(world):
    from django.db import IntegrityError, transaction

    ev = event(world.oulu)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=ev.pk).update(association=world.oulu_association)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=ev.pk).update(ends_at=ev.starts_at)


def test_programme_tasks_questions_and_the_generated_schedule(world):
    ev = planned(world.oulu)
    client = world.client("oulu_liaison")
    url = reverse("events:plan", args=[ev.pk])
    agent = world.user("oulu_agent")

    def post(**data):
        return client.post(url, data)

    assert (
        post(
            toiminto="item",
            speaker="Sivistysjohtaja",
            topic="Avustukset",
            start="17:15",
            end="17:45",
            invitation="asked",
        ).status_code
        == 302
    )
    assert (
        post(
            toiminto="item",
            speaker="Leader",
            topic="Leader-avustukset",
            start="17.45",
            end="18.00",
            invitation="confirmed",
        ).status_code
        == 302
    )
    # A talk outside the evening, or ending before it starts, is refused.
    response = post(
        toiminto="item", speaker="X", topic="Y", start="21:00", end="22:00", invitation="asked"
    )
    assert response.status_code == 400
    assert "mahtua tapahtuman" in response.content.decode()
    response = post(
        toiminto="item", speaker="X", topic="Y", start="18:00", end="17:00", invitation="asked"
    )
    assert response.status_code == 400
    assert ev.programme.count() == 2

    page = client.get(url).content.decode()
    assert "Kaikkia puhujia ei ole vielä vahvistettu" in page
    first = ev.programme.get(speaker="Sivistysjohtaja")
    assert post(toiminto="item_status", id=str(first.pk), tila="confirmed").status_code == 302
    assert post(toiminto="item_status", id=str(first.pk), tila="kyllä").status_code == 400
    assert post(toiminto="item_status", id="abc", tila="confirmed").status_code == 400
    page = client.get(url).content.decode()
    assert "Kaikkia puhujia ei ole vielä vahvistettu" not in page
    assert "Kutsuteksti" in page and "17.15–17.45 Avustukset (Sivistysjohtaja)" in page
    public = client.get(reverse("events:detail", args=[ev.pk])).content.decode()
    assert "Avustukset" in public

    due = timezone.localdate() + dt.timedelta(days=7)
    assert (
        post(
            toiminto="task",
            title="Varaa sali ja kahvit",
            owner=str(agent.pk),
            due_on=f"{due:%d.%m.%Y}",
        ).status_code
        == 302
    )
    task = Task.objects.get()
    assert (task.owner, task.due_on) == (agent, due)
    # Only the organiser's own people can own a task.
    response = post(toiminto="task", title="Vieras", owner=str(world.user("kempele_liaison").pk))
    assert response.status_code == 400
    assert post(toiminto="task", title="x", due_on="ensi viikolla").status_code == 400

    dashboard = world.client("oulu_agent").get(reverse("dashboard")).content.decode()
    assert "Omat tehtävät" in dashboard and "Varaa sali ja kahvit" in dashboard
    assert post(toiminto="task_done", id=str(task.pk), tehty="1").status_code == 302
    task.refresh_from_db()
    assert task.done
    dashboard = world.client("oulu_agent").get(reverse("dashboard")).content.decode()
    assert "Varaa sali ja kahvit" not in dashboard

    assert (
        post(toiminto="question", text="Mitä tapahtumia teillä on ensi vuonna?").status_code == 302
    )
    assert post(toiminto="question", text="").status_code == 400
    question = ev.workshop_questions.get()
    assert post(toiminto="question_delete", id=str(question.pk)).status_code == 302
    assert not ev.workshop_questions.exists()
    assert post(toiminto="tuntematon").status_code == 400

    ensure_themes(EventTheme)
    premises = EventTheme.objects.get(slug="premises")
    assert post(toiminto="themes", themes=[str(premises.pk)]).status_code == 302
    assert list(ev.themes.all()) == [premises]
    assert AuditLogEntry.objects.filter(object_type="events.programmeitem").count() >= 3


def test_other_municipalitys_liaison_cannot_plan(world):
    ev = event(world.oulu)
    client = world.client("kempele_liaison")
    response = client.post(
        reverse("events:plan", args=[ev.pk]), {"toiminto": "question", "text": "x"}
    )
    assert response.status_code == 403
    assert not ev.workshop_questions.exists()


def test_dashboard_warns_when_no_evening_is_planned(world):
    client = world.client("oulu_liaison")
    page = client.get(reverse("dashboard")).content.decode()
    assert "ei ole suunniteltu yhdistysiltaa" in page
    planned(
        world.oulu,
        starts_at=timezone.now() + dt.timedelta(days=200),
        ends_at=timezone.now() + dt.timedelta(days=200, hours=2),
    )
    page = client.get(reverse("dashboard")).content.decode()
    assert "ei ole suunniteltu yhdistysiltaa" not in page
    # Kempele still has none.
    assert (
        "ei ole suunniteltu yhdistysiltaa"
        in world.client("kempele_liaison").get(reverse("dashboard")).content.decode()
    )


def test_coordinator_is_warned_about_fewer_than_two_regional_meetings(world):
    client = world.client("coordinator")
    assert (
        "Tavoite on vähintään kaksi vuodessa" in client.get(reverse("dashboard")).content.decode()
    )
    year = timezone.localdate().year
    for month in (3, 10):
        start = timezone.make_aware(dt.datetime(year, month, 10, 9))
        event(world.organisation, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    assert (
        "Tavoite on vähintään kaksi vuodessa"
        not in client.get(reverse("dashboard")).content.decode()
    )


def test_registration_list_diet_counts_and_xlsx(world):
    ev = event(world.oulu)
    registration(ev, name="A", people=2, dietary_needs="gluteeniton")
    registration(ev, name="B", people=1, dietary_needs="gluteeniton")
    registration(ev, name='=HYPERLINK("x")', people=1)
    registration(ev, name="Jonossa", status=Registration.Status.WAITING)
    client = world.client("oulu_agent")
    page = client.get(reverse("events:registrations", args=[ev.pk])).content.decode()
    assert "yhteensä 4 henkilöä" in page and "Jonossa 1 henkilöä" in page
    assert "gluteeniton</th><td>3</td>" in page
    response = client.get(reverse("events:registrations_xlsx", args=[ev.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Nimi" and len(rows) == 5
    assert any(r[0] == '\'=HYPERLINK("x")' for r in rows)  # never a formula
    assert AuditLogEntry.objects.filter(action="export", object_id=str(ev.pk)).exists()


def test_attendance_toggles_with_htmx_and_without_javascript(world):
    ev = event(world.oulu)
    reg, _t = registration(ev, name="Paula Paikalla")
    client = world.client("oulu_liaison")
    url = reverse("events:attendance", args=[ev.pk])
    page = client.get(url).content.decode()
    assert "Paula Paikalla" in page and 'aria-pressed="false"' in page
    response = client.post(url, {"id": reg.pk, "paikalla": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    assert "<html" not in response.content.decode()
    reg.refresh_from_db()
    assert reg.attended
    response = client.post(url, {"id": reg.pk, "paikalla": "0"})
    assert response.status_code == 302 and response["Location"].endswith(f"#r{reg.pk}")
    reg.refresh_from_db()
    assert not reg.attended
    for bad in ["", "abc", "999999", "1" * 40]:
        assert client.post(url, {"id": bad, "paikalla": "1"}).status_code == 302
    assert world.client("oulu_member").post(url, {"id": reg.pk, "paikalla": "1"}).status_code == 403


def test_member_plans_their_associations_public_event(world):
    client = world.client("oulu_member")
    data = _new_event_data(
        world,
        organiser=f"a:{world.oulu_association.pk}",
        kind="association_event",
        title_fi="Kyläjuhla",
        status="published",
    )
    assert client.post(reverse("events:create"), data).status_code == 302
    ev = Event.objects.get()
    assert ev.association == world.oulu_association
    assert ev in Event.objects.manageable_by(world.user("oulu_member"))
    assert ev not in Event.objects.manageable_by(world.user("oulu_liaison"))
    listing = world.client("anonymous").get(reverse("events:municipality", args=["564"]))
    assert "Kyläjuhla" in listing.content.decode()


def test_schedule_service_orders_confirmed_talks(world):
    ev = planned(world.oulu)
    start = ev.starts_at
    services.add_programme_item(
        None,
        ev,
        speaker="B",
        topic="Toinen",
        starts_at=start + dt.timedelta(minutes=30),
        ends_at=start + dt.timedelta(minutes=50),
        invitation="confirmed",
    )
    services.add_programme_item(
        None,
        ev,
        speaker="A",
        topic="Eka",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        invitation="confirmed",
    )
    services.add_programme_item(
        None,
        ev,
        speaker="C",
        topic="Ei tule",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        invitation="declined",
    )
    assert [p.topic for p in services.schedule(ev)] == ["Eka", "Toinen"]
    assert ProgrammeItem.objects.count() == 3
