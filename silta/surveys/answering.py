"""Answering one section per page: a personal link's answers and an interviewer's.

A questionnaire of several sections is answered a page at a time (`?osio=2`), ending in a
review of every answer (`?osio=tarkistus`) where the answers are sent. Every page saves
what it shows, so moving back and forth loses nothing; a page whose answers do not pass
stays on the screen with the typed values and saves nothing. Required questions are
checked when moving on and again, over every section, when the answers are sent. A
questionnaire of one section keeps the single page of the views.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from silta.core.params import text_param

from . import services
from .forms import AnswerForm
from .models import Question
from .results import display_value

REVIEW = "tarkistus"
K = Question.Kind


class Pages:
    """The questionnaire's sections that have questions, in order, numbered from 1."""

    def __init__(self, questions):
        self.questions = list(questions)
        self.sections: list[tuple] = []
        for question in self.questions:
            if not self.sections or self.sections[-1][0].pk != question.section_id:
                self.sections.append((question.section, []))
            self.sections[-1][1].append(question)

    @property
    def count(self) -> int:
        return len(self.sections)

    @property
    def paged(self) -> bool:
        return self.count > 1

    def number(self, request):
        """The page asked for: a section's number, REVIEW, or 1 for anything else."""
        value = text_param(request, "osio", 12)
        if value == REVIEW:
            return REVIEW
        if value.isascii() and value.isdigit() and 1 <= int(value) <= self.count:
            return int(value)
        return 1

    def on(self, number: int) -> list:
        return self.sections[number - 1][1]

    def section(self, number: int):
        return self.sections[number - 1][0]

    def page_of(self, question_id: int) -> int:
        for i, (_section, questions) in enumerate(self.sections, start=1):
            if any(q.pk == question_id for q in questions):
                return i
        return 1


def as_post(questions, saved: dict) -> QueryDict:
    """Saved answers as the form would post them (to check them as if sent)."""
    data = QueryDict(mutable=True)
    for question in questions:
        value = saved.get(question.pk)
        if value is None:
            continue
        if isinstance(value, list):
            data.setlist(f"q{question.pk}", [str(v) for v in value])
        else:
            data[f"q{question.pk}"] = str(value)
    return data


def first_missing(pages: Pages, saved: dict):
    """(None, the checked form) when every required answer is there, else (the number of
    the first page with a missing or faulty answer, the form)."""
    form = AnswerForm(pages.questions, as_post(pages.questions, saved), final=True, saved=saved)
    if form.is_valid():
        return None, form
    wrong = [int(name[1:]) for name in form.errors if name.startswith("q")]
    return min(pages.page_of(pk) for pk in wrong), form


def _newly_asked(form: AnswerForm, saved: dict) -> bool:
    """Whether the page's answers opened a follow-up on the same page that was not shown
    when the page was built (without JavaScript the person has not seen it yet)."""
    before = AnswerForm(form.questions, saved=saved, context=form.context)
    for question in form.questions:
        if (
            question.parent_id
            and form.visible(question)
            and not before.visible(question)
            and form.cleaned_data.get(f"q{question.pk}") in (None, "", [])
        ):
            return True
    return False


@dataclass
class Flow:
    """What differs between a personal link and an interview.

    `save(values, submit, version, meta)` stores the answers (raising SurveyError);
    `url(response)` is the page's address; `render_page(form, status, **extra)` draws a
    section page; `context` goes to the review page."""

    request: object
    round_: object
    pages: Pages
    response: object
    saved: dict
    save: Callable
    url: Callable
    render_page: Callable
    context: dict = field(default_factory=dict)
    meta_form: Callable | None = None  # the interview's own fields, on the first page
    saved_message: str = ""
    sent_message: str = ""


def _go(flow: Flow, response, number):
    return redirect(f"{flow.url(response)}?osio={number}")


def _page_context(flow: Flow, number: int) -> dict:
    return {
        "paged": True,
        "page_number": number,
        "page_count": flow.pages.count,
        "page_section": flow.pages.section(number),
        "is_last": number == flow.pages.count,
        "first_page": number == 1,
    }


def review_page(flow: Flow, *, status=200, problem=""):
    form = AnswerForm(flow.pages.questions, saved=flow.saved)
    blocks = []
    missing = 0
    for number, (section, questions) in enumerate(flow.pages.sections, start=1):
        rows = []
        for question in questions:
            if not form.visible(question):
                continue
            value = flow.saved.get(question.pk)
            lacking = question.required and value in (None, "", [])
            missing += lacking
            rows.append(
                {
                    "question": question,
                    "text": display_value(question, value),
                    "missing": lacking,
                }
            )
        blocks.append({"number": number, "section": section, "rows": rows})
    return render(
        flow.request,
        "surveys/answer_review.html",
        {
            **flow.context,
            "round": flow.round_,
            "questionnaire": flow.round_.questionnaire,
            "response": flow.response,
            "version": services.version_of(flow.response),
            "blocks": blocks,
            "missing": missing,
            "page_count": flow.pages.count,
            "problem": problem,
        },
        status=status,
    )


def run(flow: Flow):
    request, pages = flow.request, flow.pages
    number = pages.number(request)
    if flow.meta_form is not None and flow.response is None and number != 1:
        return _go(flow, None, 1)  # an interview starts with who was interviewed
    if request.method != "POST":
        if number == REVIEW:
            return review_page(flow)
        form = AnswerForm(pages.on(number), saved=flow.saved, context=pages.questions)
        return flow.render_page(form, 200, **_page_context(flow, number), **_meta(flow, number))
    if number == REVIEW:
        return _send(flow)
    action = request.POST.get("siirry", "")
    submitted = bool(flow.response and flow.response.submitted_at)
    # Sent answers stay complete: after sending, every change is checked as if sent again.
    final = action == "seuraava" or submitted
    form = AnswerForm(
        pages.on(number), request.POST, final=final, saved=flow.saved, context=pages.questions
    )
    meta = flow.meta_form(request.POST) if flow.meta_form and number == 1 else None
    form_ok = form.is_valid()
    if not form_ok or (meta is not None and not meta.is_valid()):
        extra = {"meta": meta} if meta is not None else _meta(flow, number)
        return flow.render_page(form, 400, **_page_context(flow, number), **extra)
    try:
        response = flow.save(
            form.values(), False, form.cleaned_data.get("versio") or "", meta and meta.cleaned_data
        )
    except services.SurveyError as exc:
        fresh = AnswerForm(pages.on(number), saved=flow.saved, context=pages.questions)
        return flow.render_page(
            fresh, 409, problem=str(exc), **_page_context(flow, number), **_meta(flow, number)
        )
    if action == "edellinen":
        target = max(number - 1, 1)
    elif action == "seuraava":
        target = number + 1 if number < pages.count else REVIEW
        if "ilman_js" in request.POST and _newly_asked(form, flow.saved):
            target = number
            messages.info(
                request,
                _(
                    "Vastauksesi perusteella tähän osioon tuli jatkokysymys. Vastaa siihen "
                    "tarvittaessa ja valitse sitten Seuraava."
                ),
            )
    else:
        target = number
        messages.success(request, flow.saved_message)
    return _go(flow, response, target)


def _meta(flow: Flow, number: int) -> dict:
    if flow.meta_form is None or number != 1:
        return {}
    return {"meta": flow.meta_form(None)}


def _send(flow: Flow):
    request, pages = flow.request, flow.pages
    if "laheta" not in request.POST:
        return _go(flow, flow.response, REVIEW)
    number, checked = first_missing(pages, flow.saved)
    if number is not None:
        questions = pages.on(number)
        form = AnswerForm(
            questions,
            as_post(questions, flow.saved),
            final=True,
            saved=flow.saved,
            context=pages.questions,
        )
        form.is_valid()
        return flow.render_page(
            form,
            400,
            problem=_(
                "Vastauksia ei lähetetty: tästä osiosta puuttuu pakollisia vastauksia. "
                "Vastaa niihin ja lähetä sitten vastaukset tarkistussivulta."
            ),
            **_page_context(flow, number),
            **_meta(flow, number),
        )
    version = request.POST.get("versio", "")[:64]
    try:
        response = flow.save(checked.values(), True, version, None)
    except services.SurveyError as exc:
        return review_page(flow, status=409, problem=str(exc))
    messages.success(request, flow.sent_message)
    return _go(flow, response, REVIEW)
