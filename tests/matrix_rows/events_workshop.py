"""Permission-matrix rows of the workshop (the participants' page by link, the organisers'
board and its live fragment) and of the summary (editor, public page, PDF)."""

from django.urls import reverse

from silta.events import workshop
from silta.events.models import Summary, WorkshopQuestion

from ..events_factories import event, planned
from ..matrix import LOGIN, PUBLIC, Row, expect

OULU_MANAGERS = {"oulu_liaison": 200, "oulu_agent": 200, "admin": 200}
MANAGE_PUBLISHED = expect(LOGIN, 403, **OULU_MANAGERS)
PLANNED = expect(LOGIN, 404, **OULU_MANAGERS)
NOT_FOUND = expect(404, 404)


def _managed(name, factory=event):
    return lambda w: reverse(name, args=[factory(w.oulu).pk])


def _board(w, is_open=True):
    ev = event(w.oulu)
    question = WorkshopQuestion.objects.create(event=ev, text="Miten avustushaku helpottuisi?")
    board = workshop.board_for(ev)
    if is_open:
        workshop.set_open(None, board, True)
    return workshop.token_of(board), question


def _public(w):
    token, _q = _board(w)
    return reverse("events:workshop_public", args=[token])


def _question(w):
    token, q = _board(w)
    return reverse("events:workshop_question", args=[token, q.pk])


def _closed_question(w):
    token, q = _board(w, is_open=False)
    return reverse("events:workshop_question", args=[token, q.pk])


def _summary(name, status=Summary.Status.SENT, **fields):
    def url(w):
        ev = event(w.oulu, **fields)
        Summary.objects.create(event=ev, decisions="Avustusohjeet uusitaan.", status=status)
        return reverse(name, args=[ev.pk])

    return url


def _no_summary(name):
    return lambda w: reverse(name, args=[event(w.oulu).pk])


DRAFT = expect(404, 404, **OULU_MANAGERS)

ROWS = [
    Row(
        "events-workshop_board",
        "events:workshop_board",
        _managed("events:workshop_board"),
        MANAGE_PUBLISHED,
    ),
    Row(
        "events-workshop_board-planned",
        "events:workshop_board",
        _managed("events:workshop_board", planned),
        PLANNED,
    ),
    Row(
        "events-workshop_board_fragment",
        "events:workshop_board_fragment",
        _managed("events:workshop_board_fragment"),
        MANAGE_PUBLISHED,
    ),
    Row(
        "events-workshop_board_fragment-planned",
        "events:workshop_board_fragment",
        _managed("events:workshop_board_fragment", planned),
        PLANNED,
    ),
    # The participants' pages need no account: the link is the key.
    Row("events-workshop_public", "events:workshop_public", _public, PUBLIC),
    Row(
        "events-workshop_public-forged",
        "events:workshop_public",
        lambda w: reverse("events:workshop_public", args=["vaarennetty-linkki"]),
        NOT_FOUND,
    ),
    Row("events-workshop_question", "events:workshop_question", _question, PUBLIC),
    Row("events-workshop_question-closed", "events:workshop_question", _closed_question, PUBLIC),
    Row(
        "events-workshop_question-forged",
        "events:workshop_question",
        lambda w: reverse("events:workshop_question", args=["vaarennetty-linkki", 1]),
        NOT_FOUND,
    ),
    Row(
        "events-summary_edit",
        "events:summary_edit",
        _managed("events:summary_edit"),
        MANAGE_PUBLISHED,
    ),
    Row(
        "events-summary_edit-planned",
        "events:summary_edit",
        _managed("events:summary_edit", planned),
        PLANNED,
    ),
    Row("events-summary", "events:summary", _summary("events:summary"), PUBLIC),
    Row(
        "events-summary-draft",
        "events:summary",
        _summary("events:summary", Summary.Status.DRAFT),
        DRAFT,
    ),
    Row("events-summary-none", "events:summary", _no_summary("events:summary"), NOT_FOUND),
    Row(
        "events-summary-not-public",
        "events:summary",
        _summary("events:summary", is_public=False),
        expect(
            404,
            404,
            oulu_liaison=200,
            oulu_agent=200,
            oulu_member=200,
            coordinator=200,
            admin=200,
        ),
    ),
    Row("events-summary_pdf", "events:summary_pdf", _summary("events:summary_pdf"), PUBLIC),
    Row(
        "events-summary_pdf-draft",
        "events:summary_pdf",
        _summary("events:summary_pdf", Summary.Status.DRAFT),
        DRAFT,
    ),
]
