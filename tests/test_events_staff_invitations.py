"""Invitations to people (seeds 000 step 7, 002 steps 4–6): the liaison invites the
municipality's liaisons and agents to a planning or peer meeting, the coordinator invites the
liaisons and agents of every municipality the organisation serves to a regional meeting.
Personal links work without signing in, even for an invitation-only meeting; nobody is
invited twice."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from silta.accounts.models import Role
from silta.events.models import Event, Invitation
from silta.events.staff import STAFF, staff_recipients

from .events_factories import event
from .factories import UserFactory, grant


def _send(world, ev, captured, persona):
    with captured(execute=True):
        return world.client(persona).post(
            reverse("events:plan", args=[ev.pk]), {"toiminto": "invite", "lista": STAFF}
        )


def _link(message):
    return re.search(r"(/tapahtumat/\d+/ilmoittaudu/\?kutsu=[\w-]+)", message.body).group(1)


@pytest.fixture
def regional(world):
    return event(
        world.organisation,
        title_fi="Syksyn alueellinen tapaaminen",
        is_public=False,
        venue_municipality=world.oulu,
    )


def test_coordinator_invites_the_liaisons_and_agents_of_the_region(
    world, regional, django_capture_on_commit_callbacks
):
    response = _send(world, regional, django_capture_on_commit_callbacks, "coordinator")
    assert response.status_code == 302, response.content.decode()[:1500]
    addresses = sorted(m.to[0] for m in mail.outbox)
    # Oulu's liaison and agent, Kempele's liaison, the coordinator; not Helsinki, not members.
    assert addresses == [
        "kempele.yhdyshenkilo@example.fi",
        "koordinaattori@example.fi",
        "oulu.agentti@example.fi",
        "oulu.yhdyshenkilo@example.fi",
    ]
    message = next(m for m in mail.outbox if m.to[0] == "kempele.yhdyshenkilo@example.fi")
    assert "kutsuu sinut tapahtumaan" in message.body
    assert world.organisation.name in message.body
    assert Invitation.objects.filter(event=regional, association__isnull=True).count() == 4

    # Sending again invites nobody twice.
    mail.outbox.clear()
    response = _send(world, regional, django_capture_on_commit_callbacks, "coordinator")
    assert mail.outbox == []
    assert "Kaikille listan vastaanottajille on jo lähetetty kutsu" in response.content.decode()


def test_a_new_agent_gets_the_invitation_when_sent_again(
    world, regional, django_capture_on_commit_callbacks
):
    _send(world, regional, django_capture_on_commit_callbacks, "coordinator")
    newcomer = UserFactory(email="uusi.agentti@example.fi", full_name="Uusi Agentti")
    grant(newcomer, Role.AGENT, municipality=world.kempele)
    mail.outbox.clear()
    _send(world, regional, django_capture_on_commit_callbacks, "coordinator")
    assert [m.to[0] for m in mail.outbox] == ["uusi.agentti@example.fi"]


def test_the_personal_link_opens_an_invitation_only_meeting_without_signing_in(
    world, regional, django_capture_on_commit_callbacks
):
    from django.test import Client

    _send(world, regional, django_capture_on_commit_callbacks, "coordinator")
    message = next(m for m in mail.outbox if m.to[0] == "kempele.yhdyshenkilo@example.fi")
    anonymous = Client()
    # Without the link the meeting is not shown to the public.
    assert anonymous.get(reverse("events:register", args=[regional.pk])).status_code == 404
    page = anonymous.get(_link(message))
    assert page.status_code == 200
    assert "Syksyn alueellinen tapaaminen" in page.content.decode()
    response = anonymous.post(
        _link(message),
        {
            "name": "Kaisa Kempele",
            "email": "kempele.yhdyshenkilo@example.fi",
            "people": "1",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get(email="kempele.yhdyshenkilo@example.fi")
    assert invitation.registration is not None
    # A forged link is still a 404 for an invitation-only meeting.
    forged = reverse("events:register", args=[regional.pk]) + "?kutsu=vaarennetty"
    assert anonymous.get(forged).status_code == 404
    # The link of another event does not open this one.
    other = event(world.organisation, is_public=False, title_fi="Toinen tapaaminen")
    token = _link(message).split("kutsu=")[1]
    url = reverse("events:register", args=[other.pk]) + f"?kutsu={token}"
    assert anonymous.get(url).status_code == 404


def test_a_planned_meeting_stays_hidden_even_with_a_link(
    world, regional, django_capture_on_commit_callbacks
):
    from django.test import Client

    _send(world, regional, django_capture_on_commit_callbacks, "coordinator")
    link = _link(mail.outbox[0])
    Event.objects.filter(pk=regional.pk).update(status=Event.Status.PLANNED)
    assert Client().get(link).status_code == 404


def test_liaison_invites_the_municipalitys_own_people_to_a_planning_meeting(
    world, django_capture_on_commit_callbacks
):
    meeting = event(
        world.oulu, kind=Event.Kind.PLANNING_MEETING, is_public=False, title_fi="Suunnittelu"
    )
    response = _send(world, meeting, django_capture_on_commit_callbacks, "oulu_liaison")
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [
        "oulu.agentti@example.fi",
        "oulu.yhdyshenkilo@example.fi",
    ]


def test_only_the_organisers_may_invite(world, regional, django_capture_on_commit_callbacks):
    for persona in ("kempele_liaison", "oulu_agent", "outsider"):
        response = _send(world, regional, django_capture_on_commit_callbacks, persona)
        assert response.status_code in (403, 404), persona
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_the_organisation_form_offers_no_association_lists(world, regional):
    page = world.client("coordinator").get(reverse("events:plan", args=[regional.pk]))
    body = page.content.decode()
    assert "Alueen kuntien järjestöyhdyshenkilöt, yhdistysagentit ja koordinaattorit" in body
    assert "Kaikki kunnan toiminnassa olevat yhdistykset" not in body
    # Choosing an association list for a regional meeting is refused clearly.
    response = world.client("coordinator").post(
        reverse("events:plan", args=[regional.pk]), {"toiminto": "invite", "lista": "kaikki"}
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_nobody_to_invite_is_said_plainly(world, django_capture_on_commit_callbacks):
    ev = event(world.helsinki, kind=Event.Kind.PEER_MEETING, is_public=False)
    assert staff_recipients(ev) == []
    admin = world.client("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("events:plan", args=[ev.pk]), {"toiminto": "invite", "lista": STAFF}
        )
    assert response.status_code == 400
    assert "Kutsuttavia ei ole" in response.content.decode()
    assert mail.outbox == []
