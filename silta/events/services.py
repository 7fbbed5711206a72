"""Changes to events and registrations. One transaction each, an audit-log entry with the
event's municipality, mail after the commit (silta.core.mail queues on commit).

Registrations lock the event row (select_for_update) before counting places, so that
concurrent sign-ups for the last places never overbook: the second waits for the first."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from silta.core import audit
from silta.core.mail import send_mail
from silta.core.models import AuditLogEntry

from . import ical
from .models import (
    Event,
    Invitation,
    ProgrammeItem,
    Registration,
    Task,
    WorkshopQuestion,
    hash_token,
    new_token,
)

A = AuditLogEntry.Action

# Registrations are kept until the summary has been sent; the promise made at registration.
KEEP_AFTER_EVENT_DAYS = 90

EVENT_FIELDS = [
    "kind",
    "municipality",
    "association",
    "organisation",
    "venue_municipality",
    "title_fi",
    "title_sv",
    "title_en",
    "description_fi",
    "description_sv",
    "description_en",
    "venue_name",
    "address",
    "accessibility",
    "online_link",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "is_public",
    "status",
    "planning_for",
]
# Personal data stays out of the audit log; it records what happened to whom by id.
REGISTRATION_LOG_FIELDS = ["event", "status", "people", "attended", "erase_after"]


def when(moment) -> str:
    """'12.3.2027 klo 17.30' in Helsinki time."""
    local = timezone.localtime(moment)
    return _("%(date)s klo %(time)s") % {
        "date": f"{local.day}.{local.month}.{local.year}",
        "time": local.strftime("%H.%M"),
    }


class RegistrationError(Exception):
    """A registration refused for a reason the person can act on; `message` is Finnish."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _log(actor, action, obj, event, *, before=None, after=None, note=""):
    audit.record(
        actor,
        action,
        obj,
        before=before,
        after=after,
        municipality=event.home_municipality,
        note=note,
    )


def _check_event(event: Event) -> None:
    errors = {}
    organisers = [event.municipality_id, event.association_id, event.organisation_id]
    if sum(1 for o in organisers if o) != 1:
        errors["__all__"] = _("Tapahtumalla pitää olla täsmälleen yksi järjestäjä.")
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = _("Tapahtuman pitää päättyä alkamisensa jälkeen.")
    if (
        event.registration_opens_at
        and event.registration_closes_at
        and event.registration_closes_at <= event.registration_opens_at
    ):
        errors["registration_closes_at"] = _(
            "Ilmoittautumisen pitää päättyä sen alkamisen jälkeen."
        )
    if (
        event.registration_closes_at
        and event.ends_at
        and event.registration_closes_at > (event.ends_at)
    ):
        errors["registration_closes_at"] = _(
            "Ilmoittautumisen pitää päättyä viimeistään tapahtuman päättyessä."
        )
    if errors:
        raise ValidationError(errors)


def confirmed_people(event: Event) -> int:
    return (
        event.registrations.filter(status=Registration.Status.CONFIRMED).aggregate(n=Sum("people"))[
            "n"
        ]
        or 0
    )


@transaction.atomic
def create_event(actor, *, themes=(), **fields) -> Event:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"not event fields: {sorted(unknown)}")
    event = Event(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    for name, value in fields.items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    _check_event(event)
    event.full_clean()
    event.save()
    if themes:
        event.themes.set(themes)
    _log(actor, A.CREATE, event, event, after=audit.snapshot(event, EVENT_FIELDS))
    return event


@transaction.atomic
def update_event(actor, event: Event, *, themes=None, **changes) -> Event:
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"not event fields: {sorted(unknown)}")
    locked = Event.objects.select_for_update().get(pk=event.pk)
    before = audit.snapshot(locked, EVENT_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _check_event(locked)
    locked.full_clean()
    if locked.capacity is not None:
        taken = confirmed_people(locked)
        if locked.capacity < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "Ilmoittautuneita on jo %(n)s. Enimmäismäärä ei voi olla sitä pienempi; "
                        "peru ensin ilmoittautumisia tai nosta enimmäismäärää."
                    )
                    % {"n": taken}
                }
            )
    locked.save()
    if themes is not None:
        locked.themes.set(themes)
    after = audit.snapshot(locked, EVENT_FIELDS)
    if before != after:
        _log(actor, A.UPDATE, locked, locked, before=before, after=after)
    # A larger capacity makes room for people on the waiting list.
    _promote(locked)
    event.refresh_from_db()
    return locked


@transaction.atomic
def set_themes(actor, event: Event, themes) -> None:
    before = sorted(event.themes.values_list("slug", flat=True))
    event.themes.set(themes)
    after = sorted(t.slug for t in themes)
    if before != after:
        _log(actor, A.UPDATE, event, event, before={"themes": before}, after={"themes": after})


# -- programme, tasks, workshop questions ----------------------------------------------------


def _check_slot(event: Event, starts_at, ends_at) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Puheenvuoron pitää päättyä alkamisensa jälkeen.")})
    if starts_at < event.starts_at or ends_at > event.ends_at:
        raise ValidationError(
            {"starts_at": _("Puheenvuoron pitää mahtua tapahtuman alun ja lopun väliin.")}
        )


@transaction.atomic
def add_programme_item(actor, event, *, speaker, topic, starts_at, ends_at, invitation="asked"):
    _check_slot(event, starts_at, ends_at)
    item = ProgrammeItem(
        event=event,
        speaker=speaker.strip(),
        topic=topic.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        invitation=invitation,
    )
    item.full_clean()
    item.save()
    _log(actor, A.CREATE, item, event, after=audit.snapshot(item))
    return item


@transaction.atomic
def set_invitation(actor, item: ProgrammeItem, invitation: str) -> ProgrammeItem:
    if invitation not in ProgrammeItem.Invitation.values:
        raise ValidationError({"invitation": _("Tuntematon kutsun tila.")})
    before = audit.snapshot(item, ["invitation"])
    item.invitation = invitation
    item.save(update_fields=["invitation"])
    _log(actor, A.UPDATE, item, item.event, before=before, after={"invitation": invitation})
    return item


@transaction.atomic
def delete_programme_item(actor, item: ProgrammeItem) -> None:
    _log(actor, A.DELETE, item, item.event, before=audit.snapshot(item))
    item.delete()


@transaction.atomic
def add_task(actor, event, *, title, owner=None, due_on=None) -> Task:
    task = Task(event=event, title=title.strip(), owner=owner, due_on=due_on)
    task.full_clean()
    task.save()
    _log(actor, A.CREATE, task, event, after=audit.snapshot(task))
    return task


@transaction.atomic
def set_task_done(actor, task: Task, done: bool) -> Task:
    if task.done != done:
        task.done = done
        task.save(update_fields=["done"])
        _log(actor, A.UPDATE, task, task.event, before={"done": not done}, after={"done": done})
    return task


@transaction.atomic
def add_question(actor, event, *, text) -> WorkshopQuestion:
    order = event.workshop_questions.count() + 1
    question = WorkshopQuestion(event=event, text=text.strip(), order=order)
    question.full_clean()
    question.save()
    _log(actor, A.CREATE, question, event, after=audit.snapshot(question))
    return question


@transaction.atomic
def delete_question(actor, question: WorkshopQuestion) -> None:
    _log(actor, A.DELETE, question, question.event, before=audit.snapshot(question))
    question.delete()


def schedule(event: Event) -> list[ProgrammeItem]:
    """The schedule of the invitation: the confirmed talks in time order."""
    return [
        item
        for item in event.programme.all()
        if item.invitation == ProgrammeItem.Invitation.CONFIRMED
    ]


# -- registrations ---------------------------------------------------------------------------


def manage_path(token: str) -> str:
    return reverse("events:registration", args=[token])


def _mail_context(registration: Registration, token: str | None) -> dict:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "manage_path": manage_path(token) if token else "",
        "event_path": reverse("events:detail", args=[event.pk]),
        "ics_path": reverse("events:event_ics", args=[event.pk]),
    }


def _rotate_token(registration: Registration) -> str:
    """A fresh token for a message: only its hash is stored, so each email carries a new one
    and the old link stops working."""
    token = new_token()
    registration.token_hash = hash_token(token)
    registration.save(update_fields=["token_hash"])
    return token


def register(
    event_id: int,
    *,
    name: str,
    email: str,
    people: int = 1,
    association=None,
    dietary_needs: str = "",
    accessibility_needs: str = "",
    consent: bool = False,
    language: str = "fi",
    user=None,
    now=None,
) -> tuple[Registration, str]:
    """Registers one person (with `people` in their party). Confirmed while there is room,
    on the waiting list otherwise. Returns the registration and its manage token."""
    email = email.strip().lower()
    if not consent:
        raise RegistrationError(
            "consent",
            _(
                "Ilmoittautuminen vaatii suostumuksen tietojen säilyttämiseen koosteen lähettämiseen asti."
            ),
        )
    try:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            state = event.registration_state(now)
            if state == "closed":
                raise RegistrationError(
                    "closed",
                    _("Ilmoittautuminen tähän tapahtumaan on päättynyt %(when)s.")
                    % {"when": when(event.closes_at)},
                )
            if state == "not_yet":
                raise RegistrationError(
                    "not_yet",
                    _("Ilmoittautuminen alkaa %(when)s.")
                    % {"when": when(event.registration_opens_at)},
                )
            if state != "open":
                raise RegistrationError(
                    "unavailable", _("Tähän tapahtumaan ei voi nyt ilmoittautua.")
                )
            if event.registrations.active().filter(email=email).exists():
                raise RegistrationError("duplicate", _duplicate_message())
            room = event.capacity is None or confirmed_people(event) + people <= event.capacity
            token = new_token()
            registration = Registration(
                event=event,
                name=name.strip(),
                email=email,
                people=people,
                association=association,
                dietary_needs=dietary_needs.strip(),
                accessibility_needs=accessibility_needs.strip(),
                consent=True,
                erase_after=(
                    timezone.localtime(event.ends_at).date()
                    + dt.timedelta(days=KEEP_AFTER_EVENT_DAYS)
                ),
                status=Registration.Status.CONFIRMED if room else Registration.Status.WAITING,
                language=language if language in ("fi", "sv", "en") else "fi",
                token_hash=hash_token(token),
                user=user if getattr(user, "is_authenticated", False) else None,
            )
            registration.full_clean(exclude=["token_hash"])
            registration.save()
            _log(
                user,
                A.CREATE,
                registration,
                event,
                after=audit.snapshot(registration, REGISTRATION_LOG_FIELDS),
            )
            send_mail(
                "event_registration",
                registration.email,
                _mail_context(registration, token),
                language=registration.language,
                sensitive=True,
                # Into the calendar only with a place; the waiting list gets it when promoted.
                attachments=[ical.attachment(event, registration.language)]
                if registration.status == Registration.Status.CONFIRMED
                else [],
            )
    except IntegrityError as exc:
        # The partial unique index catches what the check above could not see.
        raise RegistrationError("duplicate", _duplicate_message()) from exc
    return registration, token


def _duplicate_message() -> str:
    return _(
        "Tällä sähköpostiosoitteella on jo ilmoittauduttu tähän tapahtumaan. Voit muuttaa "
        "tai perua ilmoittautumisesi vahvistusviestin linkistä."
    )


@transaction.atomic
def update_registration(actor, registration: Registration, **changes) -> Registration:
    """Changes by the registrant: party size, diet, accessibility needs."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise RegistrationError("cancelled", _("Ilmoittautuminen on jo peruttu."))
    before = audit.snapshot(registration, REGISTRATION_LOG_FIELDS)
    people = changes.get("people", registration.people)
    if (
        registration.status == Registration.Status.CONFIRMED
        and event.capacity is not None
        and people > registration.people
        and confirmed_people(event) - registration.people + people > event.capacity
    ):
        raise RegistrationError(
            "full",
            _("Tapahtumassa ei ole tilaa useammalle. Henkilömäärää ei muutettu."),
        )
    for name in ("people", "dietary_needs", "accessibility_needs", "name"):
        if name in changes:
            value = changes[name]
            setattr(registration, name, value.strip() if isinstance(value, str) else value)
    registration.full_clean(exclude=["token_hash"])
    registration.save()
    after = audit.snapshot(registration, REGISTRATION_LOG_FIELDS)
    if before != after:
        _log(actor, A.UPDATE, registration, event, before=before, after=after)
    _promote(event)
    return registration


@transaction.atomic
def cancel_registration(actor, registration: Registration) -> Registration:
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return registration
    before = audit.snapshot(registration, REGISTRATION_LOG_FIELDS)
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    _log(
        actor,
        A.UPDATE,
        registration,
        event,
        before=before,
        after=audit.snapshot(registration, REGISTRATION_LOG_FIELDS),
        note="peruttu",
    )
    send_mail(
        "event_cancelled",
        registration.email,
        _mail_context(registration, None),
        language=registration.language,
    )
    _promote(event)
    return registration


def _promote(event: Event) -> list[Registration]:
    """Moves people from the waiting list, in the order they registered, while they fit.
    Call with the event row locked."""
    if event.status != Event.Status.PUBLISHED:
        return []
    waiting = list(
        event.registrations.select_for_update()
        .filter(status=Registration.Status.WAITING)
        .order_by("created_at", "pk")
    )
    if not waiting:
        return []
    taken = confirmed_people(event)
    promoted = []
    for registration in waiting:
        if event.capacity is not None and taken + registration.people > event.capacity:
            continue
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        taken += registration.people
        promoted.append(registration)
        _log(
            None,
            A.UPDATE,
            registration,
            event,
            before={"status": "waiting"},
            after={"status": "confirmed"},
            note="nostettu jonosta",
        )
        token = _rotate_token(registration)
        send_mail(
            "event_promoted",
            registration.email,
            _mail_context(registration, token),
            language=registration.language,
            sensitive=True,
            attachments=[ical.attachment(event, registration.language)],
        )
    return promoted


@transaction.atomic
def set_attended(actor, registration: Registration, attended: bool) -> Registration:
    if registration.attended != attended:
        registration.attended = attended
        registration.save(update_fields=["attended", "updated_at"])
        _log(
            actor,
            A.UPDATE,
            registration,
            registration.event,
            before={"attended": not attended},
            after={"attended": attended},
        )
    return registration


@transaction.atomic
def erase_expired(today=None) -> int:
    """Erases the registrations whose promised keeping time has passed (run daily)."""
    today = today or timezone.localdate()
    expired = list(Registration.objects.filter(erase_after__lt=today).select_related("event"))
    for registration in expired:
        _log(
            None,
            A.ERASE,
            registration,
            registration.event,
            before=audit.snapshot(registration, REGISTRATION_LOG_FIELDS),
        )
    Registration.objects.filter(pk__in=[r.pk for r in expired]).delete()
    return len(expired)


# -- invitations (seed 004 step 3) -----------------------------------------------------------

INVITATION_TEMPLATE = "event_invitation"


class InvitationError(Exception):
    """Invitations refused for a reason the organiser can act on; `message` is Finnish."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def all_active_list(municipality):
    """An unsaved recipient list: every active association of the municipality."""
    from silta.associations.models import RecipientList

    return RecipientList(municipality=municipality, name="", filters={"tila": "active"})


def invitation_path(event: Event, token: str) -> str:
    return reverse("events:register", args=[event.pk]) + f"?kutsu={token}"


def _render_invitation(
    event: Event, email: str, name: str, language: str, token: str, *, staff=False
):
    return send_mail(
        INVITATION_TEMPLATE,
        email,
        {
            "event": event,
            "staff": staff,
            "organiser": event.organiser,
            "name": name,
            "register_path": invitation_path(event, token),
            "event_path": reverse("events:detail", args=[event.pk]),
            "ics_path": reverse("events:event_ics", args=[event.pk]),
            "closes_at": when(event.closes_at),
        },
        language=language,
    )


def _check_can_invite(event: Event, *, staff=False) -> None:
    if staff and not (event.municipality_id or event.organisation_id):
        raise InvitationError(
            "organiser",
            _(
                "Yhdyshenkilöitä ja agentteja voi kutsua vain kunnan tai koordinoivan "
                "organisaation tapahtumaan."
            ),
        )
    if not staff and not event.municipality_id:
        raise InvitationError(
            "organiser", _("Yhdistyksiä voi kutsua sähköpostilla vain kunnan tapahtumaan.")
        )
    state = event.registration_state()
    if state in ("unavailable", "closed"):
        raise InvitationError(
            "state",
            _(
                "Kutsuja voi lähettää vain julkaistuun tapahtumaan, johon ilmoittautuminen "
                "ei ole vielä päättynyt. Julkaise tapahtuma ensin tai tarkista "
                "ilmoittautumisaika."
            ),
        )


def send_invitations(actor, event: Event, recipient_list=None) -> dict:
    """Invites the list's recipients (None: every active association of the event's
    municipality) and sends again the invitations of this event that failed. Each address
    is invited once per event: those already invited are skipped. Returns the counts
    {"new", "already", "retried"}. The messages leave in the background after the commit."""
    from silta.associations.recipients import resolve

    _check_can_invite(event)
    if recipient_list is None:
        recipient_list = all_active_list(event.municipality)
    elif recipient_list.municipality_id != event.municipality_id:
        raise InvitationError("municipality", _("Vastaanottajalista kuuluu toiselle kunnalle."))
    resolution = resolve(recipient_list)
    if resolution.errors:
        raise InvitationError(
            "list",
            _(
                "Vastaanottajalistan rajaus ei ole enää voimassa: %(errors)s Tallenna lista uudelleen."
            )
            % {"errors": " ".join(resolution.errors)},
        )
    if not resolution.recipients:
        raise InvitationError(
            "empty", _("Listalla ei ole yhtään vastaanottajaa, jolla on sähköpostiosoite.")
        )
    with transaction.atomic():
        # Two organisers sending at once: the second waits and then skips those invited.
        event = Event.objects.select_for_update().get(pk=event.pk)
        invited = {e.casefold() for e in event.invitations.values_list("email", flat=True)}
        created = []
        for recipient in resolution.recipients:
            email = recipient.email.strip().lower()
            if email.casefold() in invited:
                continue
            invited.add(email.casefold())
            token = new_token()
            message = _render_invitation(event, email, recipient.name, recipient.language, token)
            created.append(
                Invitation(
                    event=event,
                    association=recipient.association,
                    email=email,
                    language=recipient.language,
                    token_hash=hash_token(token),
                    message=message,
                )
            )
        Invitation.objects.bulk_create(created)
        retried = _resend_failed(event)
        counts = {
            "new": len(created),
            "already": len(resolution.recipients) - len(created),
            "retried": retried,
        }
        log_invitations(
            actor,
            event,
            counts,
            note=f"kutsut: {recipient_list.name or 'kaikki toiminnassa olevat yhdistykset'}",
        )
    return counts


def log_invitations(actor, event: Event, counts: dict, *, note: str) -> None:
    _log(
        actor,
        A.UPDATE,
        event,
        event,
        after={"invitations_sent": counts["new"], "invitations_retried": counts["retried"]},
        note=note,
    )


def _resend_failed(event: Event) -> int:
    """Queues again the failed messages of the event's invitations, the same message (so the
    same link); silta.core's send task never sends a message twice."""
    from silta.core.tasks import send_outgoing_email

    failed = list(
        event.invitations.select_for_update(of=("self",))
        .filter(status=Invitation.Status.FAILED)
        .select_related("association")
    )
    ids = []
    for invitation in failed:
        if invitation.message_id is None:  # the stored message was removed: write it again
            token = new_token()
            name = invitation.association.name_fi if invitation.association else ""
            invitation.message = _render_invitation(
                event,
                invitation.email,
                name,
                invitation.language,
                token,
                staff=invitation.association_id is None,
            )
            invitation.token_hash = hash_token(token)
        else:
            ids.append(invitation.message_id)
        invitation.status = Invitation.Status.QUEUED
        invitation.error = ""
        invitation.save(update_fields=["message", "token_hash", "status", "error"])
    for pk in ids:
        transaction.on_commit(lambda pk=pk: send_outgoing_email.enqueue(pk))
    return len(failed)


@transaction.atomic
def resend_failed_invitations(actor, event: Event) -> int:
    _check_can_invite(event, staff=True)
    event = Event.objects.select_for_update().get(pk=event.pk)
    retried = _resend_failed(event)
    if retried:
        _log(actor, A.UPDATE, event, event, after={"invitations_retried": retried})
    return retried


def invitation_counts(event: Event) -> dict:
    from django.db.models import Count, Q

    S = Invitation.Status
    return event.invitations.aggregate(
        total=Count("pk"),
        queued=Count("pk", filter=Q(status=S.QUEUED)),
        sent=Count("pk", filter=Q(status=S.SENT)),
        failed=Count("pk", filter=Q(status=S.FAILED)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        registered=Count(
            "pk",
            filter=Q(registration__isnull=False)
            & ~Q(registration__status=Registration.Status.CANCELLED),
        ),
    )


def invitation_opened(invitation: Invitation) -> None:
    """The personal link was followed: noted once, the first time."""
    with transaction.atomic():
        changed = Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
        if changed:
            invitation.refresh_from_db(fields=["opened_at"])
            _log(None, A.UPDATE, invitation, invitation.event, after={"opened": True})


@transaction.atomic
def invitation_registered(invitation: Invitation, registration: Registration) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    fields = ["registration"]
    invitation.registration = registration
    if invitation.opened_at is None:
        invitation.opened_at = timezone.now()
        fields.append("opened_at")
    invitation.save(update_fields=fields)
    _log(
        None,
        A.UPDATE,
        invitation,
        invitation.event,
        after={"registration": registration.pk},
    )


# Used by silta.events.staff (invitations to liaisons, agents and coordinators).
render_invitation = _render_invitation
check_can_invite = _check_can_invite
resend_failed = _resend_failed
