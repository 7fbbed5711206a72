"""Survey pages: answering by personal link, interviews, rounds, results and exports."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from silta.accounts.permissions import scope_of
from silta.core.params import text_param
from silta.core.views import _page, forbidden, requires

from . import answering, services
from . import results as results_mod
from .forms import (
    AnswerForm,
    InterviewForm,
    InviteForm,
    QuestionnaireForm,
    RoundForm,
    municipalities_for,
    regions_for,
)
from .models import Invitation, Questionnaire, Response, Round
from .permissions import (
    can_copy_questionnaire,
    can_create_rounds,
    can_edit_questionnaire,
    can_manage_round,
    can_use_surveys,
)

PAGE_SIZE = 25


def _sections(form):
    """Questions grouped by section, each with its bound field and whether it shows now."""
    sections = []
    for question in form.questions:
        if not sections or sections[-1]["section"].pk != question.section_id:
            sections.append({"section": question.section, "items": []})
        sections[-1]["items"].append(
            {
                "question": question,
                "field": form[f"q{question.pk}"],
                "visible": form.visible(question),
                "parent_name": f"q{question.parent_id}" if question.parent_id else "",
            }
        )
    return sections


def _saved(response):
    if response is None:
        return {}
    return {a.question_id: a.value for a in response.answers.all()}


def _answer_page(request, *, round_, form, response, status=200, **extra):
    return render(
        request,
        "surveys/answer.html",
        {
            "round": round_,
            "questionnaire": round_.questionnaire,
            "sections": _sections(form),
            "form": form,
            "response": response,
            "version": services.version_of(response),
            **extra,
        },
        status=status,
    )


def _link_problem(request, title, message, status, round_=None, answered=False):
    return render(
        request,
        "surveys/link_problem.html",
        {"title": title, "message": message, "round": round_, "answered": answered},
        status=status,
    )


def answer(request, token):
    """A personal link from an email: no account needed."""
    invitation = Invitation.objects.for_token(token)
    if invitation is None:
        return _link_problem(
            request,
            _("Linkki ei kelpaa"),
            _(
                "Tällä linkillä ei löydy kyselyä. Tarkista, että kopioit linkin "
                "sähköpostista kokonaan, tai pyydä uusi kutsu kyselyn lähettäjältä."
            ),
            404,
        )
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # The link came in the recipient's language; the page follows until a button is pressed.
        translation.activate(invitation.language)
        request.LANGUAGE_CODE = invitation.language
    round_ = invitation.round
    response = services.response_of(invitation, token)
    state = round_.state()
    if state == "upcoming":
        return _link_problem(
            request,
            _("Kysely ei ole vielä avoinna"),
            _("Kysely avautuu %(date)s. Tervetuloa vastaamaan silloin samalla linkillä.")
            % {"date": round_.opens_on.strftime("%-d.%-m.%Y")},
            403,
            round_,
        )
    if state == "closed":
        return _link_problem(
            request,
            _("Kysely on päättynyt"),
            _("Kysely päättyi %(date)s. Vastauksia ei voi enää lähettää eikä muuttaa.")
            % {"date": round_.closes_on.strftime("%-d.%-m.%Y")},
            410,
            round_,
            answered=bool(response and response.submitted_at),
        )
    if round_.anonymous and response is None and invitation.answered_at is not None:
        # The sent answers' key is gone (SECRET_KEY replaced without a fallback): an empty
        # form would let the same person answer twice (services.save_answers refuses too).
        return _link_problem(
            request,
            _("Vastauksesi on jo lähetetty"),
            services.ANONYMOUS_ALREADY_SENT,
            409,
            round_,
        )
    questions = results_mod.questions_of(round_.questionnaire)
    saved = _saved(response)
    sent_message = _(
        "Kiitos! Vastauksesi on lähetetty. Voit muuttaa niitä %(date)s asti tällä linkillä."
    ) % {"date": round_.closes_on.strftime("%-d.%-m.%Y")}
    saved_message = _("Vastauksesi on tallennettu. Voit jatkaa myöhemmin samalla linkillä.")
    pages = answering.Pages(questions)
    if pages.paged:
        return answering.run(
            answering.Flow(
                request=request,
                round_=round_,
                pages=pages,
                response=response,
                saved=saved,
                save=lambda values, submit, version, _meta: services.save_answers(
                    None,
                    round_,
                    values,
                    submit=submit,
                    version=version,
                    invitation=invitation,
                    token=token,
                ),
                url=lambda _response: request.path,
                render_page=lambda form, status, **extra: _answer_page(
                    request, round_=round_, form=form, response=response, status=status, **extra
                ),
                saved_message=saved_message,
                sent_message=sent_message,
            )
        )
    if request.method != "POST":
        form = AnswerForm(questions, saved=saved)
        return _answer_page(request, round_=round_, form=form, response=response)
    final = "laheta" in request.POST
    form = AnswerForm(questions, request.POST, final=final, saved=saved)
    if not form.is_valid():
        return _answer_page(request, round_=round_, form=form, response=response, status=400)
    try:
        services.save_answers(
            None,
            round_,
            form.values(),
            submit=final,
            version=form.cleaned_data.get("versio") or "",
            invitation=invitation,
            token=token,
        )
    except services.SurveyError as exc:
        form = AnswerForm(questions, saved=saved)
        return _answer_page(
            request, round_=round_, form=form, response=response, status=409, problem=str(exc)
        )
    messages.success(request, sent_message if final else saved_message)
    return redirect(request.path)


# -- for the people who run surveys ----------------------------------------------------------


def _compared_municipalities(user):
    """The municipalities whose comparison the person may open (not every one for admins)."""
    from silta.places.models import Municipality

    s = scope_of(user)
    ids = s.coordinated | s.liaison_of | s.agent_of
    if not ids:
        return []
    return list(
        Municipality.objects.filter(pk__in=ids).select_related("region").order_by("name_fi")
    )


@requires(can_use_surveys)
def index(request):
    user = request.user
    rounds = (
        Round.objects.visible_to(user)
        .select_related("questionnaire", "municipality", "region")
        .annotate(
            invited=Count("invitations", distinct=True),
            submitted=Count(
                "responses", filter=Q(responses__submitted_at__isnull=False), distinct=True
            ),
        )
        .order_by("-opens_on", "-id")
    )
    questionnaires = (
        Questionnaire.objects.usable_by(user)
        .select_related("organisation")
        .order_by("organisation_id", "title_fi")
        if can_create_rounds(user) or can_copy_questionnaire(user)
        else Questionnaire.objects.none()
    )
    return render(
        request,
        "surveys/index.html",
        {
            "page": _page(request, rounds, PAGE_SIZE),
            "questionnaires": questionnaires,
            "can_create": can_create_rounds(user),
            "can_copy": can_copy_questionnaire(user),
            "today": timezone.localdate(),
            "compared": _compared_municipalities(user),
        },
    )


def _questionnaire(request, pk):
    return get_object_or_404(Questionnaire.objects.usable_by(request.user), pk=pk)


@requires(can_use_surveys)
def questionnaire(request, pk):
    q = _questionnaire(request, pk)
    questions = results_mod.questions_of(q)
    form = AnswerForm(questions)
    return render(
        request,
        "surveys/questionnaire.html",
        {
            "questionnaire": q,
            "sections": _sections(form),
            "can_copy": can_copy_questionnaire(request.user),
            "can_edit": can_edit_questionnaire(request.user, q),
            "can_create": can_create_rounds(request.user),
        },
    )


@requires(can_copy_questionnaire)
def questionnaire_copy(request, pk):
    q = _questionnaire(request, pk)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    s = scope_of(request.user)
    organisation_id = min(s.coordinator_of) if s.coordinator_of else None
    if organisation_id is None:
        return forbidden(request, _("Kopio kuuluu koordinoivalle organisaatiolle."))
    from silta.accounts.models import CoordinatingOrganisation

    copy = services.copy_questionnaire(
        request.user, q, CoordinatingOrganisation.objects.get(pk=organisation_id)
    )
    messages.success(request, _("Lomakkeesta tehtiin kopio. Voit nyt muokata kopiota."))
    return redirect("surveys:questionnaire_edit", copy.pk)


@requires(can_use_surveys)
def questionnaire_edit(request, pk):
    q = _questionnaire(request, pk)
    if not can_edit_questionnaire(request.user, q):
        return forbidden(
            request, _("Mukana tulevaa mallipohjaa ei voi muokata. Tee siitä ensin kopio.")
        )
    questions = results_mod.questions_of(q)
    initial = {"title_fi": q.title_fi, "intro_fi": q.intro_fi}
    if request.method == "POST":
        form = QuestionnaireForm(request.POST, questions=questions, initial=initial)
        if form.is_valid():
            services.update_questionnaire(
                request.user,
                q,
                fields={
                    "title_fi": form.cleaned_data["title_fi"],
                    "intro_fi": form.cleaned_data["intro_fi"],
                },
                questions=form.question_changes(),
            )
            messages.success(request, _("Lomakkeen muutokset on tallennettu."))
            return redirect("surveys:questionnaire", q.pk)
        status = 400
    else:
        form = QuestionnaireForm(questions=questions, initial=initial)
        status = 200
    rows = [
        (question, form[f"text_{question.pk}"], form[f"required_{question.pk}"])
        for question in questions
    ]
    return render(
        request,
        "surveys/questionnaire_edit.html",
        {"questionnaire": q, "form": form, "rows": rows},
        status=status,
    )


@requires(can_create_rounds)
def round_create(request):
    s = scope_of(request.user)
    kwargs = {
        "questionnaires": Questionnaire.objects.usable_by(request.user),
        "municipalities": municipalities_for(s),
        "regions": regions_for(s),
    }
    initial = {}
    chosen = request.GET.get("lomake", "")
    if chosen.isdigit() and len(chosen) < 10:
        initial["questionnaire"] = int(chosen)
    if request.method == "POST":
        form = RoundForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            round_ = services.create_round(
                request.user,
                questionnaire=data["questionnaire"],
                title=data["title"],
                target_kind=data["target_kind"],
                municipality=data["municipality"],
                region=data["region"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                anonymous=data["anonymous"],
            )
            messages.success(
                request,
                _("Kyselykierros luotiin. Kutsuttavia: %(n)s.") % {"n": round_.invitations.count()},
            )
            return redirect("surveys:round", round_.pk)
        status = 400
    else:
        form = RoundForm(initial=initial, **kwargs)
        status = 200
    return render(request, "surveys/round_form.html", {"form": form}, status=status)


def _round(request, pk):
    return get_object_or_404(
        Round.objects.visible_to(request.user).select_related(
            "questionnaire", "municipality", "region", "created_by"
        ),
        pk=pk,
    )


@requires(can_use_surveys)
def round_detail(request, pk):
    round_ = _round(request, pk)
    manage = can_manage_round(request.user, round_)
    invitations = round_.invitations.select_related("association", "user", "response").order_by(
        "email"
    )
    interviews = round_.responses.interviews().select_related("interviewed_by")
    return render(
        request,
        "surveys/round.html",
        {
            "round": round_,
            "manage": manage,
            "page": _page(request, invitations, 100),
            "interviews": interviews,
            "counts": round_.invitations.aggregate(
                total=Count("id"),
                unsent=Count("id", filter=Q(sent_at__isnull=True)),
                answered=Count("id", filter=Q(answered_at__isnull=False)),
            ),
            "due": services.due_for_reminder(Round.objects.filter(pk=round_.pk)).count()
            if manage
            else 0,
            "invite_form": InviteForm(),
        },
    )


def _manage(request, pk):
    round_ = _round(request, pk)
    if not can_manage_round(request.user, round_):
        return round_, forbidden(request, _("Vain kyselyn järjestäjä voi tehdä tämän."))
    return round_, None


def _post_only():
    return HttpResponse(status=405, headers={"Allow": "POST"})


@requires(can_use_surveys)
def round_send(request, pk):
    round_, refusal = _manage(request, pk)
    if refusal:
        return refusal
    if request.method != "POST":
        return _post_only()
    try:
        n = services.send_invitations(request.user, round_)
    except services.SurveyError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:round", round_.pk)
    if n:
        messages.success(
            request,
            ngettext(
                "Kutsu lähetetään taustalla %(n)s vastaajalle.",
                "Kutsut lähetetään taustalla %(n)s vastaajalle.",
                n,
            )
            % {"n": n},
        )
    else:
        messages.info(request, _("Kaikki kutsut on jo lähetetty."))
    return redirect("surveys:round", round_.pk)


@requires(can_use_surveys)
def round_remind(request, pk):
    round_, refusal = _manage(request, pk)
    if refusal:
        return refusal
    if request.method != "POST":
        return _post_only()
    try:
        n = services.send_reminders(request.user, round_)
    except services.SurveyError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:round", round_.pk)
    if n:
        messages.success(
            request, _("Muistutus lähetetään taustalla %(n)s vastaamattomalle.") % {"n": n}
        )
    else:
        messages.info(
            request,
            _(
                "Muistutettavia ei ole: kaikki ovat vastanneet tai saaneet viestin jo tänään. "
                "Kukaan ei saa kahta viestiä samana päivänä."
            ),
        )
    return redirect("surveys:round", round_.pk)


@requires(can_use_surveys)
def round_invite(request, pk):
    round_, refusal = _manage(request, pk)
    if refusal:
        return refusal
    if request.method != "POST":
        return _post_only()
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["emails"]))
        return redirect("surveys:round", round_.pk)
    try:
        n = services.add_invitations(request.user, round_, form.cleaned_data["emails"])
    except services.SurveyError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:round", round_.pk)
    messages.success(
        request,
        _("Lisättiin %(n)s kutsuttavaa. Lähetä kutsut, kun olet valmis.") % {"n": n}
        if n
        else _("Kaikki osoitteet oli jo kutsuttu."),
    )
    return redirect("surveys:round", round_.pk)


@requires(can_use_surveys)
def interview(request, pk, response_id=None):
    """The interviewer enters the answers on the respondent's behalf (the mapping)."""
    round_, refusal = _manage(request, pk)
    if refusal:
        return refusal
    response = None
    if response_id is not None:
        response = get_object_or_404(
            Response.objects.filter(round=round_).interviews(), pk=response_id
        )
    if round_.state() == "closed":
        return _link_problem(
            request,
            _("Kysely on päättynyt"),
            _("Kysely on päättynyt; haastattelun vastauksia ei voi enää kirjata eikä muuttaa."),
            410,
            round_,
        )
    if round_.anonymous and response is None:
        return _link_problem(
            request,
            _("Nimettömään kyselyyn ei kirjata haastatteluja"),
            _(
                "Haastattelija tietäisi, kenen vastaukset ovat, eikä kysely olisi enää nimetön. "
                "Pyydä vastaajaa vastaamaan oman linkkinsä kautta, tai tee haastattelua varten "
                "kierros, jonka vastaukset ovat nimelliset."
            ),
            403,
            round_,
        )
    questions = results_mod.questions_of(round_.questionnaire)
    saved = _saved(response)
    meta_initial = (
        {"respondent_label": response.respondent_label, "interviewed_at": response.interviewed_at}
        if response
        else {"interviewed_at": timezone.localdate()}
    )
    pages = answering.Pages(questions)
    if pages.paged:
        return answering.run(_interview_flow(request, round_, pages, response, saved, meta_initial))
    if request.method == "POST":
        final = "laheta" in request.POST
        form = AnswerForm(questions, request.POST, final=final, saved=saved)
        meta = InterviewForm(request.POST, initial=meta_initial)
        if form.is_valid() and meta.is_valid():
            try:
                saved_response = services.save_answers(
                    request.user,
                    round_,
                    form.values(),
                    submit=final,
                    version=form.cleaned_data.get("versio") or "",
                    response=response,
                    interview=meta.cleaned_data,
                )
            except services.SurveyError as exc:
                form = AnswerForm(questions, saved=saved)
                return _answer_page(
                    request,
                    round_=round_,
                    form=form,
                    response=response,
                    status=409,
                    problem=str(exc),
                    meta=InterviewForm(initial=meta_initial),
                    interviewing=True,
                )
            messages.success(
                request,
                _("Haastattelun vastaukset on lähetetty.")
                if final
                else _("Haastattelu on tallennettu keskeneräisenä."),
            )
            return redirect("surveys:interview_edit", round_.pk, saved_response.pk)
        return _answer_page(
            request,
            round_=round_,
            form=form,
            response=response,
            status=400,
            meta=meta,
            interviewing=True,
        )
    return _answer_page(
        request,
        round_=round_,
        form=AnswerForm(questions, saved=saved),
        response=response,
        meta=InterviewForm(initial=meta_initial),
        interviewing=True,
    )


def _interview_flow(request, round_, pages, response, saved, meta_initial):
    def save(values, submit, version, meta):
        interview = meta or {
            "respondent_label": response.respondent_label,
            "interviewed_at": response.interviewed_at,
        }
        return services.save_answers(
            request.user,
            round_,
            values,
            submit=submit,
            version=version,
            response=response,
            interview=interview,
        )

    def url(saved_response):
        if saved_response is None:
            return reverse("surveys:interview", args=[round_.pk])
        return reverse("surveys:interview_edit", args=[round_.pk, saved_response.pk])

    return answering.Flow(
        request=request,
        round_=round_,
        pages=pages,
        response=response,
        saved=saved,
        save=save,
        url=url,
        render_page=lambda form, status, **extra: _answer_page(
            request,
            round_=round_,
            form=form,
            response=response,
            status=status,
            interviewing=True,
            **extra,
        ),
        context={"interviewing": True},
        meta_form=lambda data: InterviewForm(data, initial=meta_initial),
        saved_message=_("Haastattelu on tallennettu keskeneräisenä."),
        sent_message=_("Haastattelun vastaukset on lähetetty."),
    )


@requires(can_use_surveys)
def round_results(request, pk):
    round_ = _round(request, pk)
    submitted, question_results = results_mod.compute(round_)
    return render(
        request,
        "surveys/results.html",
        {
            "round": round_,
            "submitted": submitted,
            "results": question_results,
            "min_group": results_mod.MIN_GROUP,
            "too_few": round_.anonymous and submitted < results_mod.MIN_GROUP,
            "manage": can_manage_round(request.user, round_),
        },
    )


def _filename(round_, ext):
    return f"kysely-{round_.pk}-{timezone.localdate():%Y%m%d}.{ext}"


@requires(can_use_surveys)
def export_csv(request, pk):
    round_, refusal = _manage(request, pk)
    if refusal:
        return refusal
    response = HttpResponse(results_mod.as_csv(round_), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(round_, "csv")}"'
    return response


@requires(can_use_surveys)
def export_xlsx(request, pk):
    round_, refusal = _manage(request, pk)
    if refusal:
        return refusal
    response = HttpResponse(
        results_mod.as_xlsx(round_),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(round_, "xlsx")}"'
    return response


# -- comparisons ------------------------------------------------------------------------------


def _code(code: str, length: int) -> str:
    """A municipality's or region's number from the path; anything else is not found."""
    if not (code.isascii() and code.isdigit() and len(code) <= length):
        raise Http404(_("Kuntaa tai aluetta ei löydy."))
    return code


def _presenting(request) -> bool:
    return text_param(request, "esitys", 10) == "1"


@requires(can_use_surveys)
def comparison(request, code, present=False):
    from silta.places.models import Municipality

    from .compare import can_view_comparison, compare

    municipality = get_object_or_404(
        Municipality.objects.select_related("region"), code=_code(code, 3)
    )
    if not can_view_comparison(request.user, municipality):
        raise Http404(_("Vertailua ei löydy."))
    data = compare(municipality)
    present = present or _presenting(request)
    s = scope_of(request.user)
    region = municipality.region
    return render(
        request,
        "surveys/comparison_present.html" if present else "surveys/comparison.html",
        {
            "c": data,
            "municipality": municipality,
            "region": region,
            "show_overview": region is not None and (s.is_admin or bool(s.coordinated)),
        },
    )


def _overview(request, code):
    from silta.places.models import Region

    from .compare import can_view_region_overview, overview

    region = get_object_or_404(Region, code=_code(code, 2))
    if not can_view_region_overview(request.user, region):
        return (
            region,
            None,
            forbidden(
                request,
                _("Alueen yhteenveto on alueen kuntia palvelevien koordinaattorien käytössä."),
            ),
        )
    return region, overview(region, request.user), None


@requires(can_use_surveys)
def region_overview(request, code):
    from .compare import TOPICS
    from .evidence import CRITERIA

    region, rows, refusal = _overview(request, code)
    if refusal:
        return refusal
    return render(
        request,
        "surveys/region_overview.html",
        {
            "region": region,
            "rows": rows,
            "topics": [str(title) for _key, title in TOPICS],
            "criteria": [(str(short), str(label)) for _key, label, short in CRITERIA],
            "answered": sum(1 for r in rows if r.year),
            "assessed": sum(1 for r in rows if r.assessment_year),
        },
    )


@requires(can_use_surveys)
def region_overview_xlsx(request, code):
    from .compare import overview_xlsx

    region, rows, refusal = _overview(request, code)
    if refusal:
        return refusal
    response = HttpResponse(
        overview_xlsx(region, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"kartoitukset-{region.code}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
