"""Changes to surveys: copying questionnaires, rounds and their invitations, answers, mail.

Each runs in one transaction and writes the audit log with the round's municipality. Mail
goes through silta.core.mail from a background task after the commit. Answers themselves are
not copied into the audit log (they may be personal); the log says who saved what and when.
"""

from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from silta.accounts.models import Membership, Role
from silta.associations.models import Association
from silta.core import audit
from silta.core.models import AuditLogEntry
from silta.places.models import Municipality

from .models import (
    Answer,
    Choice,
    Invitation,
    Question,
    Questionnaire,
    Response,
    Round,
    Section,
    resume_keys_for,
)

A = AuditLogEntry.Action
LANGS = {code for code, _name in settings.LANGUAGES}


# Sent anonymous answers whose key is gone (SECRET_KEY replaced without a fallback).
ANONYMOUS_ALREADY_SENT = gettext_lazy(
    "Vastauksesi tähän kyselyyn on jo lähetetty. Nimettömän kyselyn lähetettyjä vastauksia "
    "ei voi enää avata tällä linkillä."
)


class SurveyError(Exception):
    """A refusal with a message for the person (Finnish msgid, already translated)."""


# -- questionnaires --------------------------------------------------------------------------


def _copy_fields(obj, exclude=("id",)):
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.name not in exclude and f.attname not in exclude
    }


@transaction.atomic
def copy_questionnaire(actor, questionnaire: Questionnaire, organisation) -> Questionnaire:
    """A full copy owned by the organisation; the original is not touched."""
    data = _copy_fields(questionnaire, exclude=("id", "key", "created_at", "organisation"))
    data["copied_from_id"] = questionnaire.pk
    data["is_template"] = False
    copy = Questionnaire.objects.create(**data, organisation=organisation)
    copy.title_fi = f"{questionnaire.title_fi} (kopio)"[:200]
    copy.save(update_fields=["title_fi"])
    new_questions: dict[int, Question] = {}
    sections = questionnaire.sections.prefetch_related("questions__choices")
    for section in sections:
        s_data = _copy_fields(section, exclude=("id", "questionnaire"))
        new_section = Section.objects.create(questionnaire=copy, **s_data)
        # Parents come before their follow-ups in `order`; a follow-up points at the copy.
        for question in section.questions.all():
            q_data = _copy_fields(question, exclude=("id", "section", "parent"))
            new_q = Question.objects.create(
                section=new_section,
                parent=new_questions.get(question.parent_id),
                **q_data,
            )
            new_questions[question.pk] = new_q
            Choice.objects.bulk_create(
                Choice(question=new_q, **_copy_fields(c, exclude=("id", "question")))
                for c in question.choices.all()
            )
    audit.record(
        actor,
        A.CREATE,
        copy,
        after=audit.snapshot(copy),
        note=f"kopio lomakkeesta {questionnaire.pk}",
    )
    return copy


@transaction.atomic
def update_questionnaire(actor, questionnaire: Questionnaire, *, fields: dict, questions: dict):
    """Changes a copy's texts. `questions` maps a question id to {"text_fi", "required"}."""
    if questionnaire.organisation_id is None:
        raise SurveyError(_("Mukana tulevaa mallipohjaa ei voi muokata. Tee siitä kopio."))
    before = audit.snapshot(questionnaire)
    for name, value in fields.items():
        setattr(questionnaire, name, value)
    questionnaire.full_clean()
    questionnaire.save()
    for question in Question.objects.filter(section__questionnaire=questionnaire):
        change = questions.get(question.pk)
        if change and (change["text_fi"], change["required"]) != (
            question.text_fi,
            question.required,
        ):
            question.text_fi = change["text_fi"]
            question.required = change["required"]
            question.save(update_fields=["text_fi", "required"])
    audit.record(actor, A.UPDATE, questionnaire, before=before, after=audit.snapshot(questionnaire))
    return questionnaire


# -- rounds and invitations ------------------------------------------------------------------


def _association_language(association) -> str:
    for lang in association.languages or []:
        if lang in LANGS:
            return lang
    return "fi"


def association_addresses(municipality) -> list[tuple]:
    """(association, email) for the municipality's associations that have an address.

    Uses the directory's own recipient logic when it is there (silta.associations.recipients),
    otherwise the association's general email."""
    associations = list(
        Association.objects.public().in_municipality(municipality).order_by("name_fi")
    )
    try:
        from silta.associations import recipients  # noqa: PLC0415 - optional module
    except ImportError:
        recipients = None
    finder = getattr(recipients, "association_email", None)
    found = []
    for association in associations:
        email = finder(association) if finder else association.email
        if email:
            found.append((association, email))
    return found


def target_recipients(round_: Round) -> list[dict]:
    """Who the round's target means today, as invitation fields."""
    rows = []
    active = Membership.objects.active().select_related("user")
    if round_.target_kind == Round.Target.LIAISON and round_.municipality_id:
        for m in active.filter(role=Role.LIAISON, municipality_id=round_.municipality_id):
            rows.append({"user": m.user, "email": m.user.email, "language": m.user.language})
    elif round_.target_kind == Round.Target.ASSOCIATIONS and round_.municipality_id:
        for association, email in association_addresses(round_.municipality):
            rows.append(
                {
                    "association": association,
                    "email": email,
                    "language": _association_language(association),
                }
            )
    elif round_.target_kind == Round.Target.AGENTS:
        places = (
            Municipality.objects.filter(region_id=round_.region_id)
            if round_.region_id
            else Municipality.objects.filter(pk=round_.municipality_id)
        )
        for m in active.filter(role=Role.AGENT, municipality__in=places):
            rows.append({"user": m.user, "email": m.user.email, "language": m.user.language})
    return rows


def _add_invitations(round_: Round, rows: list[dict]) -> int:
    have = {e.lower() for e in round_.invitations.values_list("email", flat=True)}
    new = []
    for row in rows:
        email = row["email"].strip().lower()
        if not email or email in have:
            continue
        have.add(email)
        invitation = Invitation(
            round=round_,
            user=row.get("user"),
            association=row.get("association"),
            email=email,
            language=row.get("language") if row.get("language") in LANGS else "fi",
        )
        invitation.set_token()
        new.append(invitation)
    Invitation.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def create_round(
    actor,
    *,
    questionnaire,
    title,
    target_kind,
    opens_on,
    closes_on,
    municipality=None,
    region=None,
    anonymous=False,
) -> Round:
    round_ = Round(
        questionnaire=questionnaire,
        title=title.strip(),
        target_kind=target_kind,
        municipality=municipality,
        region=region,
        opens_on=opens_on,
        closes_on=closes_on,
        anonymous=anonymous,
        created_by=actor,
    )
    round_.full_clean()
    round_.save()
    _add_invitations(round_, target_recipients(round_))
    audit.record(actor, A.CREATE, round_, after=audit.snapshot(round_), municipality=municipality)
    return round_


@transaction.atomic
def add_invitations(actor, round_: Round, emails: list[str]) -> int:
    """Invites people by address (a training's participants); an address already invited is
    skipped."""
    if round_.state() == "closed":
        raise SurveyError(_("Kysely on päättynyt; kutsuja ei voi enää lisätä."))
    added = _add_invitations(round_, [{"email": e, "language": "fi"} for e in emails])
    if added:
        audit.record(
            actor,
            A.UPDATE,
            round_,
            municipality=round_.municipality,
            note=f"kutsuttu {added} vastaajaa",
        )
    return added


@transaction.atomic
def link_token(invitation: Invitation, actor=None) -> str:
    """The token of the invitation's link, for mail and pages: the link already mailed when
    a site key still gives its stored hash (SECRET_KEY, or the old key in
    SECRET_KEY_FALLBACKS). When none does (SECRET_KEY was replaced and the old key dropped),
    that link is dead and cannot be shown again: the invitation gets a new token, so that a
    reminder carries a working link. Empty for an anonymous invitation already answered."""
    token = invitation.token
    if token or not invitation.salt:
        return token
    locked = Invitation.objects.select_for_update().select_related("round").get(pk=invitation.pk)
    token = locked.token  # another process may have renewed it meanwhile
    if not token and locked.salt:
        token = locked.set_token()
        locked.save(update_fields=["salt", "token_hash"])
        audit.record(
            actor,
            A.UPDATE,
            locked,
            municipality=locked.round.municipality,
            note="kyselylinkki uusittu: vanhaa linkkiä ei voi enää muodostaa (avain vaihdettu)",
        )
    invitation.salt, invitation.token_hash = locked.salt, locked.token_hash
    return token


def answer_url(invitation: Invitation) -> str:
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse("surveys:answer", args=[link_token(invitation)])


def _mail(invitation: Invitation, name: str) -> None:
    from silta.core.mail import send_mail

    send_mail(
        name,
        invitation.user or invitation.email,
        {
            "round": invitation.round,
            "questionnaire_title": invitation.round.questionnaire.title,
            "url": answer_url(invitation),
            "closes_on": invitation.round.closes_on,
            "respondent": invitation.respondent,
        },
        language=invitation.language,
    )


def deliver_invitations(round_id: int) -> int:
    """Sends the round's unsent invitations (run in the background). Each invitation is
    marked sent in the same transaction as its message is queued, so a rerun sends none
    twice."""
    sent = 0
    ids = list(
        Invitation.objects.filter(round_id=round_id, sent_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("round__questionnaire", "user", "association")
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if (
                invitation is None
                or invitation.round.state() == "closed"
                or invitation.answered_at is not None
            ):
                continue
            _mail(invitation, "survey_invitation")
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["sent_at"])
            sent += 1
    return sent


def _start_of_today():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def due_for_reminder(rounds=None):
    """Unanswered invitations of open rounds that got nothing from Silta today."""
    today_start = _start_of_today()
    day = timezone.localdate()
    qs = Invitation.objects.filter(
        answered_at__isnull=True,
        sent_at__lt=today_start,
        round__opens_on__lte=day,
        round__closes_on__gte=day,
    ).exclude(reminded_at__gte=today_start)
    if rounds is not None:
        qs = qs.filter(round__in=rounds)
    return qs


def deliver_reminders(round_id: int | None = None) -> int:
    sent = 0
    rounds = None if round_id is None else Round.objects.filter(pk=round_id)
    for pk in list(due_for_reminder(rounds).values_list("pk", flat=True)):
        with transaction.atomic():
            invitation = (
                due_for_reminder(rounds)
                .select_for_update(of=("self",))
                .select_related("round__questionnaire", "user", "association")
                .filter(pk=pk)
                .first()
            )
            if invitation is None:
                continue
            _mail(invitation, "survey_reminder")
            invitation.reminded_at = timezone.now()
            invitation.save(update_fields=["reminded_at"])
            sent += 1
    return sent


def send_invitations(actor, round_: Round) -> int:
    """Queues the unsent invitations for the background; returns how many there are."""
    from .tasks import send_round_invitations

    if round_.state() == "closed":
        raise SurveyError(_("Kysely on päättynyt; kutsuja ei voi enää lähettää."))
    count = round_.invitations.filter(sent_at__isnull=True).count()
    if count:
        with transaction.atomic():
            audit.record(
                actor,
                A.UPDATE,
                round_,
                municipality=round_.municipality,
                note=f"kutsut lähetetään {count} vastaajalle",
            )
        transaction.on_commit(lambda: send_round_invitations.enqueue(round_.pk))
    return count


def send_reminders(actor, round_: Round) -> int:
    from .tasks import send_round_reminders

    if not round_.is_open():
        raise SurveyError(_("Muistutuksia voi lähettää vain avoinna olevasta kyselystä."))
    count = due_for_reminder(Round.objects.filter(pk=round_.pk)).count()
    if count:
        with transaction.atomic():
            audit.record(
                actor,
                A.UPDATE,
                round_,
                municipality=round_.municipality,
                note=f"muistutus {count} vastaajalle",
            )
        transaction.on_commit(lambda: send_round_reminders.enqueue(round_.pk))
    return count


# -- answers ---------------------------------------------------------------------------------


def version_of(response: Response | None) -> str:
    return str(response.revision) if response else "0"


def anonymous_response(round_: Round, token: str) -> Response | None:
    """The response an anonymous round's link leads back to, found by the link alone (under
    the key of any site key, so a draft saved before SECRET_KEY was replaced is found)."""
    return Response.objects.filter(round=round_, resume_key__in=resume_keys_for(token)).first()


def response_of(invitation: Invitation, token: str) -> Response | None:
    if invitation.round.anonymous:
        return anonymous_response(invitation.round, token)
    return Response.objects.filter(invitation=invitation).first()


def _blur_to_day(round_: Round, response: Response, invitation: Invitation | None, submit):
    """In an anonymous round no stored time is finer than the day, and a sent answer leaves
    no salt behind from which the link (and so the response's key) could be derived."""
    day = _start_of_today()
    Response.objects.filter(pk=response.pk).update(
        created_at=day,
        updated_at=day,
        submitted_at=day if response.submitted_at else None,
    )
    response.created_at = response.updated_at = day
    if response.submitted_at:
        response.submitted_at = day
    if invitation is not None and submit:
        invitation.answered_at = day
        invitation.salt = ""
        invitation.save(update_fields=["answered_at", "salt"])


@transaction.atomic
def save_answers(
    actor,
    round_: Round,
    values: dict,
    *,
    submit: bool,
    version: str,
    invitation: Invitation | None = None,
    response: Response | None = None,
    interview: dict | None = None,
    token: str | None = None,
) -> Response:
    """Stores one respondent's answers. `values` maps a question to its cleaned value (None:
    no answer). `version` is what the form was built from: a second post of the same form
    (a double submit) or a save from another window is refused and changes nothing.

    In an anonymous round the response is found and kept by the link's `token` (derived
    from the invitation while it still has its salt), never by the invitation."""
    if interview is None and not round_.is_open():
        raise SurveyError(_("Kysely ei ole avoinna."))
    if interview is not None and round_.state() == "closed":
        raise SurveyError(_("Kysely on päättynyt; vastauksia ei voi enää muuttaa."))
    if interview is not None and round_.anonymous and response is None:
        raise SurveyError(
            _(
                "Nimettömään kyselyyn ei kirjata haastatteluja: haastattelija tietäisi, kenen "
                "vastaukset ovat. Pyydä vastaajaa vastaamaan oman linkkinsä kautta."
            )
        )
    anonymous = invitation is not None and round_.anonymous
    key = None
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if anonymous:
            token = token or invitation.token
            if not token:
                raise SurveyError(_("Linkki ei kelpaa."))
            # A response saved before SECRET_KEY was replaced keeps the key it was stored
            # under; a new one is stored under the current key.
            keys = resume_keys_for(token)
            key = keys[0]
            response = (
                Response.objects.select_for_update()
                .filter(round=round_, resume_key__in=keys)
                .first()
            )
            if response is None and invitation.answered_at is not None:
                # Sent answers whose key is gone (SECRET_KEY replaced without a fallback):
                # a second response would count the same person twice.
                raise SurveyError(str(ANONYMOUS_ALREADY_SENT))
        else:
            response = Response.objects.filter(invitation=invitation).first()
    elif response is not None:
        response = Response.objects.select_for_update().get(pk=response.pk)
    if version != version_of(response):
        raise SurveyError(
            _(
                "Vastauksesi oli jo tallennettu, tai niitä on muutettu toisessa ikkunassa. "
                "Alla ovat tallennetut vastaukset; tarkista ne ja tallenna uudelleen "
                "tarvittaessa."
            )
        )
    now = timezone.now()
    created = response is None
    if created:
        if anonymous:
            response = Response(round=round_, resume_key=key)
        else:
            response = Response(round=round_, invitation=invitation)
            if invitation is not None:
                response.respondent_label = invitation.respondent[:200]
    if interview is not None:
        response.interviewed_by = actor
        response.interviewed_at = interview["interviewed_at"]
        response.respondent_label = interview["respondent_label"]
    if submit and response.submitted_at is None:
        response.submitted_at = now
    response.revision += 1
    response.save()
    existing = {a.question_id: a for a in response.answers.all()} if not created else {}
    for question, value in values.items():
        answer = existing.get(question.pk)
        if value in (None, "", []):
            if answer is not None:
                answer.delete()
        elif answer is None:
            Answer.objects.create(response=response, question=question, value=value)
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value"])
    if anonymous:
        _blur_to_day(
            round_, response, invitation if invitation.answered_at is None else None, submit
        )
        # The log says a response of the round changed, not which one.
        audit.record(
            None,
            A.UPDATE,
            round_,
            municipality=round_.municipality,
            note="nimetön vastaus lähetetty" if submit else "nimetön vastaus tallennettu kesken",
        )
        return response
    if invitation is not None and submit and invitation.answered_at is None:
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at"])
    audit.record(
        actor,
        A.CREATE if created else A.UPDATE,
        response,
        municipality=round_.municipality,
        note=("vastaukset lähetetty" if submit else "vastaukset tallennettu kesken")
        + (f"; haastattelu {response.interviewed_at}" if interview else ""),
    )
    return response
