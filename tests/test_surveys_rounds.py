"""Running rounds: creation from a target, invitations and reminders by mail, interviews,
visibility."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from silta.surveys.models import Invitation, Response, Round

from .factories import AssociationFactory, Role, UserFactory, grant
from .surveys_factories import by_topic, invite, make_round, template


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _form(world, **changes):
    today = timezone.localdate()
    return {
        "questionnaire": template("yhdistysten-nakemys").pk,
        "title": "Kempeleen yhdistysten näkemys",
        "target_kind": "associations",
        "municipality": world.kempele.pk,
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(),
        **changes,
    }


def test_coordinator_creates_a_round_for_kempeles_associations(world):
    AssociationFactory(
        name_fi="Kempeleen Ruotsalaiset rf",
        municipality=world.kempele,
        email="rf@example.fi",
        languages=["sv"],
    )
    AssociationFactory(name_fi="Osoitteeton ry", municipality=world.kempele, email="")
    world.kempele_association.email = "kyla@example.fi"
    world.kempele_association.save()
    client = world.client("coordinator")
    response = client.post(reverse("surveys:round_create"), _form(world))
    round_ = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "surveys:round", args=[round_.pk]
    )
    invitations = {i.email: i for i in round_.invitations.all()}
    assert set(invitations) == {"rf@example.fi", "kyla@example.fi"}
    assert invitations["rf@example.fi"].language == "sv"
    assert invitations["kyla@example.fi"].association == world.kempele_association
    assert round_.created_by == world.user("coordinator")
    assert all(
        len(i.token_hash) == 64 and i.token not in i.token_hash for i in invitations.values()
    )


def test_a_round_for_the_liaison_invites_the_municipalitys_liaison(world):
    round_ = make_round(key="kartoitus", target="liaison", municipality=world.kempele)
    assert [i.user for i in round_.invitations.all()] == [world.user("kempele_liaison")]


def test_a_round_for_the_agents_of_a_region(world):
    round_ = make_round(key="arviointi-agentit", target="agents", region=world.oulu.region)
    assert [i.user for i in round_.invitations.all()] == [world.user("oulu_agent")]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Anna kierrokselle nimi."),
        ({"title": "x" * 10_000}, "Enintään 200 merkkiä"),
        ({"questionnaire": "999999"}, "Valitse lomake luettelosta."),
        ({"questionnaire": "abc\x00"}, "Tyhjiä merkkejä (null) ei sallita."),
        ({"target_kind": "kaikki"}, "Valitse kohderyhmä luettelosta."),
        ({"municipality": ""}, "Valitse kunta, jonka kyselystä on kyse."),
        ({"closes_on": "2020-01-01"}, "Sulkeutumispäivä ei voi olla ennen avautumispäivää."),
        ({"opens_on": "31.2.2026"}, "Anna päivämäärä muodossa vvvv-kk-pp."),
    ],
)
def test_bad_round_input_changes_nothing(world, changes, message):
    response = world.client("coordinator").post(
        reverse("surveys:round_create"), _form(world, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Round.objects.exists()


def test_a_liaison_cannot_create_a_round_for_another_municipality(world):
    response = world.client("oulu_liaison").post(reverse("surveys:round_create"), _form(world))
    assert response.status_code == 400
    assert "Valitse kunta luettelosta." in response.content.decode()
    assert not Round.objects.exists()


def test_invitations_are_mailed_in_the_recipients_language(world, sent):
    world.kempele_association.email = "kyla@example.fi"
    world.kempele_association.languages = ["sv"]
    world.kempele_association.save()
    round_ = make_round(municipality=world.kempele)
    client = world.client("coordinator")
    response = sent(client.post, reverse("surveys:round_send", args=[round_.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kyla@example.fi"]
    invitation = round_.invitations.get()
    assert f"/kysely/{invitation.token}/" in message.body
    assert invitation.sent_at is not None
    # Sending again sends nothing twice.
    sent(client.post, reverse("surveys:round_send", args=[round_.pk]))
    assert len(mail.outbox) == 1


def test_reminders_go_to_non_answerers_never_twice_a_day(world, sent):
    round_ = make_round(municipality=world.kempele)
    yesterday = timezone.now() - timedelta(days=1, hours=1)
    waiting = invite(round_, "odottaa@example.fi", sent_at=yesterday)
    invite(round_, "vastasi@example.fi", sent_at=yesterday, answered_at=timezone.now())
    invite(round_, "tanaan@example.fi", sent_at=timezone.now())
    invite(round_, "ei-lahetetty@example.fi")
    client = world.client("coordinator")
    response = sent(client.post, reverse("surveys:round_remind", args=[round_.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["odottaa@example.fi"]]
    assert f"/kysely/{waiting.token}/" in mail.outbox[0].body
    # The button and the scheduled command on the same day: nothing more.
    sent(client.post, reverse("surveys:round_remind", args=[round_.pk]))
    sent(call_command, "send_survey_reminders")
    assert len(mail.outbox) == 1
    # The next day the command reminds again.
    Invitation.objects.filter(pk=waiting.pk).update(reminded_at=yesterday)
    sent(call_command, "send_survey_reminders")
    assert len(mail.outbox) == 2


def test_a_closed_round_sends_nothing(world, sent):
    round_ = make_round(municipality=world.kempele, state="closed")
    invite(round_, "a@example.fi")
    client = world.client("coordinator")
    response = sent(client.post, reverse("surveys:round_send", args=[round_.pk]), follow=True)
    assert "Kysely on päättynyt" in response.content.decode()
    response = sent(client.post, reverse("surveys:round_remind", args=[round_.pk]), follow=True)
    assert "vain avoinna olevasta" in response.content.decode()
    assert mail.outbox == []


def test_training_participants_are_added_by_address(world):
    round_ = make_round(key="peruskoulutuksen-palaute", target="training", region=world.oulu.region)
    client = world.client("coordinator")
    url = reverse("surveys:round_invite", args=[round_.pk])
    response = client.post(url, {"emails": "a@example.fi\nei-osoite\x00\n"}, follow=True)
    assert "eivät ole sähköpostiosoitteita" in response.content.decode()
    assert not round_.invitations.exists()
    client.post(url, {"emails": "a@example.fi\nB@example.fi, a@example.fi"})
    assert sorted(round_.invitations.values_list("email", flat=True)) == [
        "a@example.fi",
        "b@example.fi",
    ]


def test_the_coordinator_interviews_the_kempele_liaison(world):
    round_ = make_round(key="kartoitus", target="liaison", municipality=world.kempele)
    topics, questions = by_topic(round_)
    client = world.client("coordinator")
    url = reverse("surveys:interview", args=[round_.pk])
    page = client.get(url).content.decode()
    assert "Haastateltava" in page
    base = {
        f"q{q.pk}": (
            "free" if q.topic == "premises" else "positive" if q.topic == "agents" else "yes"
        )
        for q in topics.values()
    }
    data = {
        **base,
        "respondent_label": "Kaisa Kempele, vapaa-ajanohjaaja",
        "interviewed_at": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "versio": "0",
        "laheta": "1",
    }
    bad = {**data, "interviewed_at": "2999-01-01"}
    response = client.post(url, bad)
    assert (
        response.status_code == 400 and "ei voi olla tulevaisuudessa" in response.content.decode()
    )
    assert not Response.objects.exists()
    response = client.post(url, data)
    stored = Response.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:interview_edit", args=[round_.pk, stored.pk])
    assert stored.interviewed_by == world.user("coordinator")
    assert stored.interviewed_at == timezone.localdate() - timedelta(days=1)
    assert stored.respondent_label == "Kaisa Kempele, vapaa-ajanohjaaja"
    assert stored.submitted_at is not None
    assert stored.answers.count() == 8
    page = client.get(reverse("surveys:round", args=[round_.pk])).content.decode()
    assert "Kaisa Kempele, vapaa-ajanohjaaja" in page and "Kerttu Koordinaattori" in page


def test_kempele_rounds_are_invisible_to_the_oulu_liaison(world):
    kempele = make_round(municipality=world.kempele, title="Kempeleen kierros")
    oulu = make_round(municipality=world.oulu, title="Oulun kierros")
    page = world.client("oulu_liaison").get(reverse("surveys:index")).content.decode()
    assert "Oulun kierros" in page and "Kempeleen kierros" not in page
    for name in ["round", "results", "interview", "export_csv"]:
        response = world.client("oulu_liaison").get(reverse(f"surveys:{name}", args=[kempele.pk]))
        assert response.status_code == 404, name
    assert (
        world.client("oulu_liaison").get(reverse("surveys:round", args=[oulu.pk])).status_code
        == 200
    )


def test_dashboard_shows_waiting_surveys_and_running_rounds(world):
    round_ = make_round(
        key="kartoitus", target="liaison", municipality=world.kempele, title="Kartoitus K"
    )
    round_.invitations.update(sent_at=timezone.now())
    page = world.client("kempele_liaison").get(reverse("dashboard")).content.decode()
    invitation = round_.invitations.get()
    assert "odottavat vastaustasi" in page and f"/kysely/{invitation.token}/" in page
    assert "Kartoitus K" in page  # the liaison may run their own municipality's rounds
    page = world.client("coordinator").get(reverse("dashboard")).content.decode()
    assert "Kartoitus K" in page
    page = world.client("oulu_liaison").get(reverse("dashboard")).content.decode()
    assert "Kartoitus K" not in page


def test_index_and_round_query_counts(world, django_assert_max_num_queries):
    people = [UserFactory() for _ in range(30)]
    for i in range(30):
        round_ = make_round(municipality=world.kempele, title=f"Kierros {i:02d}")
    for person in people:
        grant(person, Role.ASSOCIATION_MEMBER, association=world.kempele_association)
        invite(round_, person.email)
    client = world.client("coordinator")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("surveys:index"))
    assert "Kierros 29" in response.content.decode()
    with django_assert_max_num_queries(10):
        response = client.get(reverse("surveys:round", args=[round_.pk]))
    assert people[-1].email in response.content.decode()
