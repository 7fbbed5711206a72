"""Workshop and summary pages: the participants' workshop page (no account, reached by the QR
code), the organisers' board for the screen with its live fragment and moderation, the
summary's editor, and the summary's public page and PDF.

Every change of state goes through workshop.py and summary.py."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from . import summary as summaries
from . import workshop
from .models import Summary, WorkshopNote, WorkshopQuestion
from .permissions import can_manage_event
from .views import _managed_event, _visible_event

_DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
POLL_SECONDS = 4


# -- forms -----------------------------------------------------------------------------------


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Näkemyksesi"),
        max_length=workshop.NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": workshop.NOTE_MAX_LENGTH}),
        help_text=gettext_lazy("Enintään 500 merkkiä. Näkemykset näytetään nimettöminä."),
        error_messages={
            "required": gettext_lazy("Kirjoita näkemyksesi ennen lähettämistä."),
            "max_length": gettext_lazy("Näkemys on liian pitkä: enintään %(limit_value)d merkkiä."),
        },
    )

    def clean_text(self):
        text = workshop.clean_text(self.cleaned_data["text"])
        if not text:
            raise ValidationError(_("Kirjoita näkemyksesi ennen lähettämistä."))
        return text


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Anna päivä muodossa 12.3.2027.")},
    )


def _area(label, max_length, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class SummaryForm(forms.Form):
    """One text per workshop question (labelled by the question), then what happens next."""

    decisions = _area(gettext_lazy("Päätökset ja sovitut asiat"), 5000)
    next_steps = _area(
        gettext_lazy("Miten asia etenee"),
        5000,
        help_text=gettext_lazy("Esimerkiksi teeman jatkotyöstäminen ja sen aikataulu."),
    )
    next_evening_on = _date_field(gettext_lazy("Seuraavan yhdistysillan päivä"))
    commenting = _area(
        gettext_lazy("Miten teemaa voi kommentoida"),
        2000,
        rows=3,
        help_text=gettext_lazy("Mihin ja mihin mennessä yhdistykset voivat lähettää kommentteja."),
    )
    contact = _area(gettext_lazy("Yhteystiedot"), 1000, rows=3)

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        section_fields = {}
        for i, section in enumerate(sections):
            field = _area(
                section["question"] or _("Muut näkemykset"),
                summaries.SECTION_MAX_LENGTH,
                rows=max(4, min(14, section["text"].count("\n") + 2)),
            )
            field.initial = section["text"]
            section_fields[f"osio_{i}"] = field
        # The workshop's sections come first, in the order of the questions.
        self.fields = {**section_fields, **self.fields}

    def section_fields(self):
        return [self[f"osio_{i}"] for i in range(len(self.sections))]

    def other_fields(self):
        return [self[name] for name in summaries.FIELDS]

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and "\x00" in value:
                data[name] = workshop.clean_text(value)
        return data

    def result(self):
        d = self.cleaned_data
        sections = [
            {"question": s["question"], "text": d.get(f"osio_{i}", "")}
            for i, s in enumerate(self.sections)
        ]
        return sections, {name: d.get(name) for name in summaries.FIELDS}


# -- the participants' workshop page ---------------------------------------------------------


def _device_id(request) -> str | None:
    value = request.get_signed_cookie(
        workshop.DEVICE_COOKIE,
        default=None,
        salt=workshop.DEVICE_SALT,
        max_age=workshop.DEVICE_MAX_AGE,
    )
    return value if value and _DEVICE_ID.match(value) else None


def _with_device(request, response, device_id):
    """Sets the device cookie when the browser did not send a valid one."""
    from django.conf import settings

    if _device_id(request) != device_id:
        response.set_signed_cookie(
            workshop.DEVICE_COOKIE,
            device_id,
            salt=workshop.DEVICE_SALT,
            max_age=workshop.DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            path="/tyopaja/",
        )
    return response


def _board_or_404(request, token):
    board = workshop.board_by_token(token)
    if board is None:
        raise _NotFound()
    return board


class _NotFound(Exception):
    pass


def _not_found(request):
    return render(
        request,
        "events/workshop/not_found.html",
        {
            "message": _(
                "Työpajan linkki ei ole voimassa. Tarkista osoite tai lue QR-koodi "
                "uudelleen näytöltä."
            )
        },
        status=404,
    )


def _public_context(board, token, device_id, question=None):
    questions = workshop.questions_with_notes(
        board.event, include_hidden=False, device_id=device_id
    )
    return {
        "board": board,
        "event": board.event,
        # The token the page was opened with (its hash found the board): a participant's
        # visit never renews the link the way the organisers' board may after a key change.
        "token": token,
        "questions": questions,
        "question": question,
        "limit": workshop.NOTES_PER_DEVICE,
    }


@require_GET
def workshop_public(request, token):
    try:
        board = _board_or_404(request, token)
    except _NotFound:
        return _not_found(request)
    device_id = _device_id(request) or workshop.new_device_id()
    context = _public_context(board, token, device_id)
    response = render(request, "events/workshop/public.html", context)
    response["Cache-Control"] = "no-store"
    return _with_device(request, response, device_id)


@require_http_methods(["GET", "POST"])
def workshop_question(request, token, question):
    try:
        board = _board_or_404(request, token)
    except _NotFound:
        return _not_found(request)
    if question > 2**31 - 1:
        return _not_found(request)
    found = WorkshopQuestion.objects.filter(event_id=board.event_id, pk=question).first()
    if found is None:
        return _not_found(request)
    device_id = _device_id(request)
    form = NoteForm(request.POST if request.POST.get("toiminto") == "lisaa" else None)
    status = 200
    if request.method == "POST":
        outcome = _participant_action(request, board, found, device_id, form)
        if outcome is None:
            url = reverse("events:workshop_question", args=[token, found.pk])
            return redirect(url + "#nakemykset")
        status = 400
        if outcome is not True:
            messages.error(request, outcome)
    device_id = device_id or workshop.new_device_id()
    context = _public_context(board, token, device_id, found)
    context["form"] = form
    context["current"] = next(q for q in context["questions"] if q.pk == found.pk)
    context["own_count"] = sum(1 for n in context["current"].note_list if n.is_own)
    response = render(request, "events/workshop/question.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return _with_device(request, response, device_id)


def _participant_action(request, board, question, device_id, form):
    """None: done; True: the form has errors; str: a message."""
    if device_id is None:
        return _(
            "Selaimesi ei lähettänyt laitteen tunnistetta. Salli evästeet tälle sivustolle, "
            "lataa sivu uudelleen ja yritä sitten uudelleen."
        )
    action = request.POST.get("toiminto", "")
    if action == "lisaa":
        if not board.is_open:
            return _("Työpaja ei ole nyt auki. Näkemyksiä voi lisätä, kun vetäjä avaa sen.")
        if not form.is_valid():
            return True
        try:
            _added, created = workshop.add_note(
                board, question, form.cleaned_data["text"], device_id
            )
        except workshop.WorkshopError as exc:
            form.add_error("text", exc.message)
            return True
        if created:
            messages.success(request, _("Kiitos! Näkemyksesi on lisätty taululle."))
        else:
            messages.info(
                request, _("Tämä näkemys oli jo tallennettu. Sitä ei lisätty toiseen kertaan.")
            )
        return None
    if action == "samaa":
        note = _note(request, WorkshopNote.objects.filter(question=question))
        if note is None:
            return _("Näkemystä ei löydy.")
        try:
            workshop.support(board, note, device_id)
        except workshop.WorkshopError as exc:
            return exc.message
        messages.success(request, _("Samaa mieltä -äänesi on kirjattu."))
        return None
    return _("Tuntematon toiminto.")


def _note(request, queryset):
    raw = request.POST.get("id", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return None
    return queryset.select_related("question").filter(pk=int(raw)).first()


# -- the organisers' board -------------------------------------------------------------------


def _presenting(request) -> bool:
    return request.GET.get("esitys") == "1"


def _board_context(request, event, board):
    presenting = _presenting(request)
    questions = workshop.questions_with_notes(event, include_hidden=not presenting)
    return {
        "event": event,
        "board": board,
        "questions": questions,
        "version": workshop.board_version(board),
        "presenting": presenting,
        "poll_seconds": POLL_SECONDS,
    }


BOARD_ACTIONS = {"avaa", "sulje", "piilota", "palauta", "lisaa", "uusi_linkki"}


@login_required
@require_http_methods(["GET", "POST"])
def workshop_board(request, pk):
    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    board = workshop.board_for(event)
    status = 200
    form = NoteForm()
    if request.method == "POST":
        action = request.POST.get("toiminto", "")
        result = (
            _board_action(request, event, board, action)
            if action in BOARD_ACTIONS
            else _("Tuntematon toiminto.")
        )
        if isinstance(result, NoteForm):
            form, result = result, True
        if result is None:
            board.refresh_from_db()
            if request.htmx:
                return _fragment_response(request, event, board)
            suffix = "?esitys=1" if _presenting(request) else ""
            return redirect(reverse("events:workshop_board", args=[event.pk]) + suffix)
        status = 400
        if result is not True:
            if request.htmx:
                return HttpResponse(result, status=400)
            messages.error(request, result)
    token = workshop.token_of(board, request.user)
    link = request.build_absolute_uri(reverse("events:workshop_public", args=[token]))
    context = _board_context(request, event, board)
    context.update(
        {
            "link": link,
            "short_link": re.sub(r"^https?://", "", link),
            "qr": _qr(link),
            "form": form,
            "can_summarise": True,
        }
    )
    return render(request, "events/workshop/board.html", context, status=status)


def _qr(link: str) -> str:
    import segno

    return segno.make(link, error="m").svg_inline(
        scale=1,
        border=2,
        omitsize=True,
        svgclass="qr-code",
        title=_("QR-koodi työpajan sivulle"),
        dark="#1b2430",
        light="#ffffff",
    )


def _board_action(request, event, board, action):
    user = request.user
    if action in ("avaa", "sulje"):
        workshop.set_open(user, board, action == "avaa")
        if action == "avaa":
            messages.success(request, _("Työpaja on auki. Osallistujat voivat lisätä näkemyksiä."))
        else:
            messages.success(request, _("Työpaja on suljettu."))
        return None
    if action == "uusi_linkki":
        workshop.new_link(user, board)
        messages.success(request, _("Työpajalle tehtiin uusi linkki. Vanha linkki ei enää toimi."))
        return None
    if action in ("piilota", "palauta"):
        note = _note(request, WorkshopNote.objects.filter(question__event=event))
        if note is None:
            return _("Näkemystä ei löydy.")
        workshop.set_hidden(user, note, action == "piilota")
        return None
    # lisaa: a view typed in on behalf of the room
    raw = request.POST.get("kysymys", "")
    question = None
    if raw.isascii() and raw.isdigit() and len(raw) <= 9:
        question = event.workshop_questions.filter(pk=int(raw)).first()
    if question is None:
        return _("Kysymystä ei löydy.")
    form = NoteForm(request.POST)
    if not form.is_valid():
        return form
    try:
        workshop.add_note_for_room(user, question, form.cleaned_data["text"])
    except workshop.WorkshopError as exc:
        return exc.message
    messages.success(request, _("Näkemys lisätty taululle."))
    return None


def _fragment_response(request, event, board):
    context = _board_context(request, event, board)
    response = render(request, "events/workshop/_board.html", context)
    response["ETag"] = f'"{context["version"]}"'
    patch_cache_control(response, no_cache=True, private=True)
    return response


@login_required
@require_GET
def workshop_board_fragment(request, pk):
    """The live part of the board, polled by htmx: 204 while nothing has changed since the
    version the page shows, 304 for a matching If-None-Match, else the fragment."""
    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    board = workshop.board_for(event)
    version = workshop.board_version(board)
    if request.GET.get("versio") == version:
        return HttpResponse(status=204)
    if request.headers.get("If-None-Match", "").strip() == f'"{version}"':
        response = HttpResponse(status=304)
        response["ETag"] = f'"{version}"'
        return response
    return _fragment_response(request, event, board)


# -- the summary -----------------------------------------------------------------------------


def _sections(event, existing):
    if existing is not None and existing.sections:
        return existing.sections
    return summaries.initial_sections(event)


def _summary_initial(existing):
    if existing is None:
        return {}
    return {name: getattr(existing, name) for name in summaries.FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def summary_edit(request, pk):
    event, refused = _managed_event(request, pk)
    if refused:
        return refused
    existing = Summary.objects.filter(event=event).first()
    sections = _sections(event, existing)
    form = SummaryForm(request.POST or None, sections=sections, initial=_summary_initial(existing))
    status = 200
    if request.method == "POST":
        action = request.POST.get("toiminto", "")
        if action == "nouda":
            fresh = summaries.initial_sections(event)
            fields = _summary_initial(existing) if existing else {}
            summaries.save_draft(request.user, event, sections=fresh, **fields)
            messages.success(request, _("Työpajan näkemykset haettiin koosteeseen uudelleen."))
            return redirect("events:summary_edit", pk=event.pk)
        if action not in ("tallenna", "laheta"):
            messages.error(request, _("Tuntematon toiminto."))
            status = 400
        elif form.is_valid():
            sections, fields = form.result()
            existing = summaries.save_draft(request.user, event, sections=sections, **fields)
            if action == "tallenna":
                messages.success(request, _("Koosteen luonnos tallennettu."))
                return redirect("events:summary_edit", pk=event.pk)
            try:
                counts = summaries.send_summary(request.user, existing)
            except summaries.SummaryError as exc:
                messages.error(request, exc.message)
                status = 400
            else:
                _sent_message(request, counts)
                return redirect("events:summary_edit", pk=event.pk)
        else:
            status = 400
    recipients = summaries.recipients_of(event)
    context = {
        "event": event,
        "form": form,
        "summary": existing,
        "recipient_count": len(recipients),
        "delivery": summaries.delivery_counts(existing) if existing else None,
    }
    return render(request, "events/summary/edit.html", context, status=status)


def _sent_message(request, counts):
    if not counts["new"] and not counts["retried"]:
        messages.info(
            request,
            _(
                "Kooste on jo lähetetty kaikille kutsutuille ja ilmoittautuneille. "
                "Uusia viestejä ei lähetetty."
            ),
        )
        return
    text = ngettext(
        "Kooste lähtee %(n)s vastaanottajalle.",
        "Kooste lähtee %(n)s vastaanottajalle.",
        counts["new"],
    ) % {"n": counts["new"]}
    if counts["retried"]:
        text += " " + ngettext(
            "%(n)s epäonnistunut viesti lähetetään uudelleen.",
            "%(n)s epäonnistunutta viestiä lähetetään uudelleen.",
            counts["retried"],
        ) % {"n": counts["retried"]}
    if counts["already"]:
        text += " " + ngettext(
            "%(n)s oli jo saanut sen.", "%(n)s oli jo saanut sen.", counts["already"]
        ) % {"n": counts["already"]}
    messages.success(request, text)


def _shown_summary(request, pk):
    """The summary as the public (sent) or its organisers (a draft too) may see it."""
    event = _visible_event(request, pk)
    found = Summary.objects.filter(event=event).first()
    if found is None:
        raise Http404(_("Tapahtumalla ei ole julkaistua koostetta."))
    found.event = event
    if found.status != Summary.Status.SENT and not can_manage_event(request.user, event):
        raise Http404(_("Tapahtumalla ei ole julkaistua koostetta."))
    return found


@require_GET
def summary_public(request, pk):
    found = _shown_summary(request, pk)
    event = found.event
    return render(
        request,
        "events/summary/public.html",
        {
            "event": event,
            "summary": found,
            "municipality": event.home_municipality,
            "can_manage": can_manage_event(request.user, event),
        },
    )


@require_GET
def summary_pdf(request, pk):
    found = _shown_summary(request, pk)
    lang = (getattr(request, "LANGUAGE_CODE", "fi") or "fi")[:2]
    response = HttpResponse(summaries.pdf(found, language=lang), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kooste-{found.event.pk}.pdf"'
    return response
