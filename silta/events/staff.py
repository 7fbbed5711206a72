"""Invitations to people rather than associations (seeds 000 step 7 and 002 steps 4–6): the
liaison invites the municipality's liaisons and agents to a planning, regular or peer
meeting; the coordinator invites the liaisons and agents of every municipality the
organisation serves to a regional meeting. Same Invitation rows and personal links as the
association invitations, so counts, resending and "nobody twice" work the same way."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from silta.accounts.models import Membership, Role
from silta.core.mail import recipient_language

from . import services
from .models import Event, Invitation, hash_token, new_token

STAFF = "henkilosto"  # the InvitationForm choice


@dataclass(frozen=True)
class StaffRecipient:
    email: str
    name: str
    language: str


def staff_municipality_ids(event: Event) -> list[int]:
    if event.municipality_id:
        return [event.municipality_id]
    if event.organisation_id:
        return list(event.organisation.municipalities.values_list("pk", flat=True))
    return []


def staff_recipients(event: Event) -> list[StaffRecipient]:
    """The liaisons and agents in force today in the event's municipality (or the
    organisation's municipalities), each address once, and for a regional meeting the
    organisation's coordinators too."""
    memberships = Membership.objects.active().filter(
        role__in=[Role.LIAISON, Role.AGENT], municipality_id__in=staff_municipality_ids(event)
    )
    if event.organisation_id:
        memberships = memberships | Membership.objects.active().filter(
            role=Role.COORDINATOR, organisation_id=event.organisation_id
        )
    seen, people = set(), []
    for m in memberships.select_related("user").order_by("user__email"):
        email = (m.user.email or "").strip().lower()
        if not email or email in seen:
            continue
        seen.add(email)
        people.append(
            StaffRecipient(email, m.user.get_full_name() or "", recipient_language(m.user))
        )
    return people


def send_staff_invitations(actor, event: Event) -> dict:
    """Invites the people of `staff_recipients`; those already invited to this event are
    skipped and failed invitations are sent again. Returns {"new", "already", "retried"}."""
    services.check_can_invite(event, staff=True)
    people = staff_recipients(event)
    if not people:
        raise services.InvitationError(
            "empty",
            _("Kutsuttavia ei ole: kunnalle ei ole merkitty järjestöyhdyshenkilöä eikä agentteja."),
        )
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        invited = {e.casefold() for e in event.invitations.values_list("email", flat=True)}
        created = []
        for person in people:
            if person.email.casefold() in invited:
                continue
            invited.add(person.email.casefold())
            token = new_token()
            message = services.render_invitation(
                event, person.email, person.name, person.language, token, staff=True
            )
            created.append(
                Invitation(
                    event=event,
                    email=person.email,
                    language=person.language,
                    token_hash=hash_token(token),
                    message=message,
                )
            )
        Invitation.objects.bulk_create(created)
        retried = services.resend_failed(event)
        counts = {"new": len(created), "already": len(people) - len(created), "retried": retried}
        services.log_invitations(actor, event, counts, note="kutsut: yhdyshenkilöt ja agentit")
    return counts
