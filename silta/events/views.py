"""Event pages: the public event and its registration, the registrant's own link, the
organisers' planning, registration list, XLSX export and attendance, and the calendars.

Every change of state goes through services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from silta.accounts.permissions import can_manage_recipient_lists
from silta.core import audit
from silta.core.models import AuditLogEntry
from silta.core.params import text_param
from silta.core.views import _page, forbidden
from silta.places.views import _municipality

from . import ical, services, views_feed
from .forms import (
    EventForm,
    InvitationForm,
    ManageRegistrationForm,
    ProgrammeItemForm,
    QuestionForm,
    RegistrationForm,
    TaskForm,
    ThemesForm,
    validation_to_form,
)
from .models import (
    Event,
    Invitation,
    ProgrammeItem,
    Registration,
    Task,
    WorkshopQuestion,
    hash_token,
)
from .permissions import can_create_events, can_manage_event, organiser_choices
from .staff import send_staff_invitations

NOT_ORGANISER = gettext_lazy("Vain tapahtuman järjestäjät voivat tehdä tämän.")


def _event_id(pk) -> int:
    if pk > 2**31 - 1:
        raise Http404(_("Tapahtumaa ei löydy."))
    return pk


def _visible_event(request, pk, queryset=None):
    qs = queryset if queryset is not None else Event.objects.all()
    event = (
        qs.visible_to(request.user)
        .select_related(
            "municipality", "association__municipality", "organisation", "venue_municipality"
        )
        .filter(pk=_event_id(pk))
        .first()
    )
    if event is None:
        raise Http404(_("Tapahtumaa ei löydy tai se ei ole julkinen."))
    return event


def _managed_event(request, pk):
    """The event, or a response refusing it: 404 when it cannot be seen at all."""
    event = _visible_event(request, pk)
    if not can_manage_event(request.user, event):
        return event, forbidden(request, NOT_ORGANISER)
    return event, None


# -- public pages ----------------------------------------------------------------------------


@require_GET
def detail(request, pk):
    event = _visible_event(request, pk)
    programme = list(event.programme.all())
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "themes": event.themes.all(),
            "schedule": [
                p for p in programme if p.invitation == ProgrammeItem.Invitation.CONFIRMED
            ],
            "state": event.registration_state(),
            "closes_at": services.when(event.closes_at),
            "places_left": _places_left(event),
            "can_manage": can_manage_event(request.user, event),
        },
    )


def _places_left(event):
    if event.capacity is None:
        return None
    return max(0, event.capacity - services.confirmed_people(event))


@require_http_methods(["GET", "POST"])
def register(request, pk):
    event = _invited_event(request, pk) or _visible_event(request, pk)
    state = event.registration_state()
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.get_full_name(), "email": request.user.email}
    invitation, bad_invitation = _invitation(request, event)
    if invitation is not None:
        initial["email"] = invitation.email
        if invitation.association_id:
            initial["association"] = invitation.association_id
    form = RegistrationForm(request.POST or None, event=event, initial=initial)
    context = {"event": event, "form": form, "state": state, "places_left": _places_left(event)}
    context["closes_at"] = services.when(event.closes_at)
    context["bad_invitation"] = bad_invitation
    if bad_invitation and request.method == "GET":
        return render(request, "events/register.html", context, status=400)
    if request.method == "POST":
        if state != "open":
            form.is_valid()
            form.add_error(None, _("Tähän tapahtumaan ei voi enää ilmoittautua."))
            return render(request, "events/register.html", context, status=400)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration, token = services.register(
                    event.pk,
                    name=data["name"],
                    email=data["email"],
                    people=data["people"],
                    association=data.get("association"),
                    dietary_needs=data["dietary_needs"],
                    accessibility_needs=data["accessibility_needs"],
                    consent=data["consent"],
                    language=(getattr(request, "LANGUAGE_CODE", "fi") or "fi")[:2],
                    user=request.user,
                )
            except services.RegistrationError as exc:
                form.add_error("email" if exc.code == "duplicate" else None, exc.message)
                return render(request, "events/register.html", context, status=400)
            if invitation is not None:
                services.invitation_registered(invitation, registration)
            if registration.status == Registration.Status.WAITING:
                messages.info(
                    request,
                    _("Tapahtuma on täynnä. Olet jonossa; saat viestin, jos paikka vapautuu."),
                )
            else:
                messages.success(
                    request,
                    _("Ilmoittautuminen vastaanotettu. Lähetimme vahvistuksen sähköpostiisi."),
                )
            return redirect("events:registration", token=token)
        return render(request, "events/register.html", context, status=400)
    return render(request, "events/register.html", context)


def _invited_event(request, pk):
    """A personal invitation link opens the registration of an invitation-only meeting
    (a regional meeting, say) without signing in; a planned or cancelled one stays hidden."""
    token = text_param(request, "kutsu", 100)
    if not token:
        return None
    invitation = (
        Invitation.objects.select_related(
            "event__municipality", "event__organisation", "event__venue_municipality"
        )
        .filter(event_id=_event_id(pk), token_hash=hash_token(token))
        .exclude(event__status__in=[Event.Status.PLANNED, Event.Status.CANCELLED])
        .first()
    )
    return invitation.event if invitation else None


def _invitation(request, event):
    """(invitation, forged) from ?kutsu=: a valid personal link is noted as opened."""
    token = text_param(request, "kutsu", 100)
    if "kutsu" not in request.GET:
        return None, False
    invitation = Invitation.objects.by_token(event, token)
    if invitation is None:
        return None, True
    if request.method == "GET":
        services.invitation_opened(invitation)
    return invitation, False


@require_http_methods(["GET", "POST"])
def registration(request, token):
    found = Registration.objects.by_token(token)
    if found is None:
        return render(
            request,
            "404.html",
            {
                "message": _(
                    "Ilmoittautumislinkki ei ole voimassa. Tarkista, että kopioit koko "
                    "linkin viestistä, tai käytä uusimman viestin linkkiä."
                )
            },
            status=404,
        )
    event = found.event
    form = ManageRegistrationForm(request.POST or None, instance=found)
    if request.method == "POST":
        if "peru" in request.POST:
            services.cancel_registration(request.user, found)
            messages.success(request, _("Ilmoittautumisesi on peruttu."))
            return redirect("events:registration", token=token)
        if found.status == Registration.Status.CANCELLED:
            form.add_error(None, _("Ilmoittautuminen on jo peruttu."))
        elif form.is_valid():
            try:
                services.update_registration(request.user, found, **form.cleaned_data)
            except services.RegistrationError as exc:
                form.add_error("people", exc.message)
            else:
                messages.success(request, _("Muutokset tallennettu."))
                return redirect("events:registration", token=token)
        found.refresh_from_db()
        return render(
            request,
            "events/registration.html",
            {"registration": found, "event": event, "form": form},
            status=400,
        )
    return render(
        request, "events/registration.html", {"registration": found, "event": event, "form": form}
    )


@require_GET
def event_ics(request, pk):
    event = _visible_event(request, pk)
    body = ical.calendar([event], event.title)
    return _calendar_response(body, f"tapahtuma-{event.pk}.ics")


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _public_in(municipality):
    return (
        Event.objects.public()
        .in_municipality(municipality)
        .select_related("municipality", "association", "organisation")
    )


@require_GET
def municipality_events(request, code):
    m = _municipality(code)
    events = _public_in(m).upcoming().order_by("starts_at", "pk")
    from .summary import archive

    return render(
        request,
        "events/municipality.html",
        {
            "municipality": m,
            "page": _page(request, events, size=25),
            "summaries": archive(m)[:50],
        },
    )


@require_GET
def municipality_ics(request, code):
    m = _municipality(code)
    since = timezone.now() - timezone.timedelta(days=365)
    events = _public_in(m).filter(ends_at__gte=since).order_by("starts_at", "pk")[:500]
    body = ical.calendar(events, _("%(name)s: tapahtumat") % {"name": m.name})
    return _calendar_response(body, f"{m.code}-tapahtumat.ics")


# -- the organisers' pages -------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    events = (
        Event.objects.manageable_by(request.user)
        .select_related("municipality", "association", "organisation")
        .annotate(
            registered=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            )
        )
        .order_by("-starts_at", "pk")
    )
    return render(
        request,
        "events/mine.html",
        {
            "page": _page(request, events, size=25),
            "can_create": can_create_events(request.user),
            **views_feed.feed_context(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    if not can_create_events(request.user):
        return forbidden(
            request,
            _(
                "Tapahtumia voivat luoda kunnan, yhdistyksen ja koordinoivan organisaation toimijat."
            ),
        )
    choices = organiser_choices(request.user)
    kind = request.GET.get("laji", "")
    initial = {"kind": kind if kind in Event.Kind.values else Event.Kind.ASSOCIATION_EVENING}
    form = EventForm(request.POST or None, organisers=choices, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                event = services.create_event(
                    request.user,
                    themes=form.cleaned_data["themes"],
                    **form.organiser_fields(),
                    **form.event_fields(),
                )
            except ValidationError as exc:
                validation_to_form(form, exc)
            else:
                messages.success(request, _("Tapahtuma luotu. Jatka suunnittelua."))
                return redirect("events:plan", pk=event.pk)
        return render(
            request,
            "events/form.html",
            {"form": form, **views_feed.same_day_context(form)},
            status=400,
        )
    return render(request, "events/form.html", {"form": form, **views_feed.same_day_context(form)})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    form = EventForm(
        request.POST or None, instance=event, initial={"themes": list(event.themes.all())}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_event(
                    request.user, event, themes=form.cleaned_data["themes"], **form.event_fields()
                )
            except ValidationError as exc:
                validation_to_form(form, exc)
            else:
                messages.success(request, _("Tapahtuman tiedot tallennettu."))
                return redirect("events:plan", pk=event.pk)
        event.refresh_from_db()
        return render(
            request,
            "events/form.html",
            {"form": form, "event": event, **views_feed.same_day_context(form, event)},
            status=400,
        )
    return render(
        request,
        "events/form.html",
        {"form": form, "event": event, **views_feed.same_day_context(form, event)},
    )


PLAN_ACTIONS = {
    "themes",
    "item",
    "item_status",
    "item_delete",
    "task",
    "task_done",
    "question",
    "question_delete",
    "invite",
    "invite_retry",
}


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, pk):
    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    forms = {
        "themes": ThemesForm(initial={"themes": list(event.themes.all())}),
        "item": ProgrammeItemForm(event=event),
        "task": TaskForm(event=event),
        "question": QuestionForm(),
        "invite": InvitationForm(municipality=event.municipality, organisation=event.organisation),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("toiminto", "")
        if action not in PLAN_ACTIONS:
            messages.error(request, _("Tuntematon toiminto."))
            status = 400
        else:
            result = _plan_action(request, event, action, forms)
            if result is None:
                return redirect(
                    reverse("events:plan", args=[event.pk]) + f"#{action.split('_')[0]}"
                )
            status = 400
            if result is not True:
                messages.error(request, result)
    programme = list(event.programme.all())
    tasks = event.tasks.select_related("owner")
    return render(
        request,
        "events/plan.html",
        {
            "event": event,
            "forms": forms,
            "programme": programme,
            "schedule": [
                p for p in programme if p.invitation == ProgrammeItem.Invitation.CONFIRMED
            ],
            "all_confirmed": bool(programme)
            and all(p.invitation != ProgrammeItem.Invitation.ASKED for p in programme),
            "tasks": tasks,
            "questions": event.workshop_questions.all(),
            "themes": event.themes.all(),
            "invitation_statuses": ProgrammeItem.Invitation.choices,
            "registration_count": event.registrations.filter(
                status=Registration.Status.CONFIRMED
            ).count(),
            **_invitation_context(request.user, event),
        },
        status=status,
    )


def _can_invite(user, event) -> bool:
    """The municipality's liaison and agents invite to its events; the coordinator (who
    manages the organisation's events) invites to regional meetings."""
    if event.municipality_id is not None:
        return can_manage_recipient_lists(user, event.municipality)
    return event.organisation_id is not None and can_manage_event(user, event)


def _invitation_context(user, event) -> dict:
    if not _can_invite(user, event):
        return {"can_invite": False}
    return {
        "can_invite": True,
        "invitations": services.invitation_counts(event),
        "failed_invitations": event.invitations.filter(status=Invitation.Status.FAILED)
        .select_related("association")
        .order_by("email")[:20],
    }


def _object(model, event, request):
    raw = request.POST.get("id", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return None
    return model.objects.filter(event=event, pk=int(raw)).first()


def _plan_action(request, event, action, forms):
    """Runs one planning action. None: done; True: a form has errors; str: a message."""
    user = request.user
    if action in ("invite", "invite_retry"):
        return _invite(request, event, action, forms)
    if action == "themes":
        form = forms["themes"] = ThemesForm(request.POST)
        if not form.is_valid():
            return True
        services.set_themes(user, event, list(form.cleaned_data["themes"]))
        messages.success(request, _("Teemat tallennettu."))
        return None
    if action == "item":
        form = forms["item"] = ProgrammeItemForm(request.POST, event=event)
        if not form.is_valid():
            return True
        d = form.cleaned_data
        try:
            services.add_programme_item(
                user,
                event,
                speaker=d["speaker"],
                topic=d["topic"],
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                invitation=d["invitation"],
            )
        except ValidationError as exc:
            validation_to_form(form, exc)
            if "starts_at" in getattr(exc, "error_dict", {}):
                form.add_error("start", exc.error_dict["starts_at"])
            return True
        messages.success(request, _("Puheenvuoro lisätty ohjelmaan."))
        return None
    if action in ("item_status", "item_delete"):
        item = _object(ProgrammeItem, event, request)
        if item is None:
            return _("Puheenvuoroa ei löydy.")
        if action == "item_delete":
            services.delete_programme_item(user, item)
            messages.success(request, _("Puheenvuoro poistettu."))
            return None
        try:
            services.set_invitation(user, item, request.POST.get("tila", ""))
        except ValidationError:
            return _("Tuntematon kutsun tila.")
        messages.success(request, _("Puhujan kutsun tila päivitetty."))
        return None
    if action == "task":
        form = forms["task"] = TaskForm(request.POST, event=event)
        if not form.is_valid():
            return True
        services.add_task(user, event, **form.cleaned_data)
        messages.success(request, _("Tehtävä lisätty."))
        return None
    if action == "task_done":
        task = _object(Task, event, request)
        if task is None:
            return _("Tehtävää ei löydy.")
        services.set_task_done(user, task, request.POST.get("tehty") == "1")
        return None
    if action == "question":
        form = forms["question"] = QuestionForm(request.POST)
        if not form.is_valid():
            return True
        services.add_question(user, event, text=form.cleaned_data["text"])
        messages.success(request, _("Kysymys lisätty työpajaan."))
        return None
    question = _object(WorkshopQuestion, event, request)
    if question is None:
        return _("Kysymystä ei löydy.")
    services.delete_question(user, question)
    messages.success(request, _("Kysymys poistettu."))
    return None


def _invite(request, event, action, forms):
    if not _can_invite(request.user, event):
        return _(
            "Kutsuja voivat lähettää kunnan järjestöyhdyshenkilö ja yhdistysagentit sekä "
            "alueellisiin tapaamisiin koordinaattori."
        )
    try:
        if action == "invite_retry":
            n = services.resend_failed_invitations(request.user, event)
            if not n:
                return _("Epäonnistuneita kutsuja ei ole.")
            messages.success(
                request,
                ngettext(
                    "%(n)s kutsu lähetetään uudelleen.",
                    "%(n)s kutsua lähetetään uudelleen.",
                    n,
                )
                % {"n": n},
            )
            return None
        form = forms["invite"] = InvitationForm(
            request.POST, municipality=event.municipality, organisation=event.organisation
        )
        if not form.is_valid():
            return True
        if form.invites_staff():
            counts = send_staff_invitations(request.user, event)
        else:
            counts = services.send_invitations(request.user, event, form.recipient_list())
    except services.InvitationError as exc:
        return exc.message
    if not counts["new"] and not counts["retried"]:
        return _(
            "Kaikille listan vastaanottajille on jo lähetetty kutsu. Uusia kutsuja ei lähetetty."
        )
    messages.success(
        request,
        _(
            "Kutsuja lähtee %(new)s. Epäonnistuneita lähetetään uudelleen %(retried)s. "
            "Jo aiemmin kutsuttuja ohitettiin %(already)s."
        )
        % counts,
    )
    return None


def _registrations(event):
    return event.registrations.select_related("association").order_by("status", "created_at", "pk")


@login_required
@require_GET
def registrations(request, pk):
    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    diets = (
        confirmed.values("dietary_needs")
        .annotate(people=Sum("people"), registrations=Count("pk"))
        .order_by("dietary_needs")
    )
    totals = confirmed.aggregate(people=Sum("people"), registrations=Count("pk"))
    waiting = event.registrations.filter(status=Registration.Status.WAITING).aggregate(
        people=Sum("people")
    )
    return render(
        request,
        "events/registrations.html",
        {
            "event": event,
            "page": _page(request, _registrations(event), size=100),
            "diets": diets,
            "totals": totals,
            "waiting_people": waiting["people"] or 0,
        },
    )


@login_required
@require_GET
def registrations_xlsx(request, pk):
    from . import export

    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    data = export.registrations_xlsx(event, _registrations(event))
    audit.record(
        request.user,
        AuditLogEntry.Action.EXPORT,
        event,
        municipality=event.home_municipality,
        note="ilmoittautuneet (xlsx)",
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ilmoittautuneet-{event.pk}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    if request.method == "POST":
        registration = _attendee(event, request.POST.get("id", ""))
        if registration is None:
            if request.htmx:
                return HttpResponse(_("Ilmoittautumista ei löydy."), status=400)
            messages.error(request, _("Ilmoittautumista ei löydy."))
            return redirect("events:attendance", pk=event.pk)
        services.set_attended(request.user, registration, request.POST.get("paikalla") == "1")
        if request.htmx:
            return render(request, "events/_attendee.html", {"r": registration, "event": event})
        return redirect(reverse("events:attendance", args=[event.pk]) + f"#r{registration.pk}")
    attendees = (
        event.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("association")
        .order_by("name", "pk")
    )
    present = sum(r.people for r in attendees if r.attended)
    return render(
        request,
        "events/attendance.html",
        {"event": event, "attendees": attendees, "present": present},
    )


def _attendee(event, raw):
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return None
    return (
        event.registrations.filter(status=Registration.Status.CONFIRMED, pk=int(raw))
        .select_related("event")
        .first()
    )
