"""The live workshop of an association evening (seed 004 step 4, seed 000 step 2).

Participants open the workshop from a QR code on the screen, without an account, and add
their views to the questions planned for the evening; the organisers show the board on the
screen, hide notes that do not belong there and type in views on behalf of the room.

One device, one voice: a device is known by a random id in a signed, HttpOnly cookie. Only a
hash of it is stored with its notes and +1s, so a device can add a few notes per question and
support each note once, never its own. See docs/decisions/0007-workshop-device-voice.md for
what this does and does not prevent.

The workshop link's token is stored only as a hash. The link can still be shown again on the
organisers' board because it is derived from a random seed with SECRET_KEY (an HMAC): the
database alone does not give the link away. After SECRET_KEY is replaced, the old key in
SECRET_KEY_FALLBACKS still derives the link (printed QR codes work and the board shows them);
without it the board gets a new link."""

import base64
import hashlib
import re
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from silta.core import audit
from silta.core.models import AuditLogEntry
from silta.core.tokens import stored_derivation

from .models import (
    Event,
    NoteSupport,
    WorkshopBoard,
    WorkshopNote,
    WorkshopQuestion,
    hash_token,
)

A = AuditLogEntry.Action

NOTES_PER_DEVICE = 3  # per question
MAX_NOTES_PER_QUESTION = 400  # a bound on what a script clearing its cookies could add
NOTE_MAX_LENGTH = 500
DEVICE_COOKIE = "silta_tyopaja"
DEVICE_SALT = "silta.events.workshop.device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 14
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class WorkshopError(Exception):
    """Refused for a reason the participant or organiser can act on; `message` is Finnish."""

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


# -- the link --------------------------------------------------------------------------------


def _token_from_seed(seed: str, key: str | None = None) -> str:
    digest = salted_hmac(
        "silta.events.workshop.link", seed, secret=key, algorithm="sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode("ascii")


def _stored_token(board: WorkshopBoard) -> str | None:
    """The token whose hash the board keeps, from whichever site key derives it (SECRET_KEY
    or an old key of SECRET_KEY_FALLBACKS); None when no key known any more does."""
    return stored_derivation(lambda key: _token_from_seed(board.link_seed, key), board.token_hash)


def board_for(event: Event) -> WorkshopBoard:
    """The event's workshop board, created (closed) on first use."""
    board = WorkshopBoard.objects.filter(event=event).first()
    if board is not None:
        return board
    seed = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            return WorkshopBoard.objects.create(
                event=event, link_seed=seed, token_hash=hash_token(_token_from_seed(seed))
            )
    except IntegrityError:  # two organisers opened the board at once
        return WorkshopBoard.objects.get(event=event)


def token_of(board: WorkshopBoard, actor=None) -> str:
    """The workshop link's token for the organisers' board. When SECRET_KEY was replaced
    without keeping the old key in SECRET_KEY_FALLBACKS, the link (and any printed QR code)
    no longer works and cannot be shown again: the board gets a new link, as with "Tee uusi
    linkki", so the organisers at least see one that works. `board` is updated in place."""
    token = _stored_token(board)
    if token is not None:
        return token
    with transaction.atomic():
        locked = WorkshopBoard.objects.select_for_update().get(pk=board.pk)
        token = _stored_token(locked)  # another organiser's page may have renewed it
        if token is None:
            locked = new_link(actor, locked, note="työpajan uusi linkki: vanha avain poistunut")
            token = _token_from_seed(locked.link_seed)
    board.link_seed, board.token_hash = locked.link_seed, locked.token_hash
    return token


def board_by_token(token: str) -> WorkshopBoard | None:
    if not token or len(token) > 100:
        return None
    return (
        WorkshopBoard.objects.select_related(
            "event__municipality", "event__association", "event__organisation"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def new_link(actor, board: WorkshopBoard, *, note="työpajan uusi linkki") -> WorkshopBoard:
    """A new link for the workshop; the old one (and its QR code) stops working."""
    board = WorkshopBoard.objects.select_for_update().get(pk=board.pk)
    board.link_seed = secrets.token_urlsafe(32)
    board.token_hash = hash_token(_token_from_seed(board.link_seed))
    board.save(update_fields=["link_seed", "token_hash"])
    _log(actor, A.UPDATE, board, board.event, after={"link": "uusi"}, note=note)
    return board


@transaction.atomic
def set_open(actor, board: WorkshopBoard, is_open: bool) -> WorkshopBoard:
    board = WorkshopBoard.objects.select_for_update().select_related("event").get(pk=board.pk)
    if board.is_open == is_open:
        return board
    board.is_open = is_open
    if is_open:
        board.opened_at = timezone.now()
    else:
        board.closed_at = timezone.now()
    board.save(update_fields=["is_open", "opened_at", "closed_at"])
    _log(
        actor,
        A.UPDATE,
        board,
        board.event,
        before={"is_open": not is_open},
        after={"is_open": is_open},
        note="työpaja avattu" if is_open else "työpaja suljettu",
    )
    return board


# -- the device ------------------------------------------------------------------------------


def new_device_id() -> str:
    return secrets.token_urlsafe(18)


def device_hash(device_id: str) -> str:
    return hashlib.sha256(f"workshop-device:{device_id}".encode()).hexdigest()


def clean_text(text: str) -> str:
    """The note as stored: control characters out (PostgreSQL refuses NUL), space trimmed."""
    return _CONTROL.sub("", text or "").strip()


# -- notes and +1s ---------------------------------------------------------------------------


def _check_open(board: WorkshopBoard) -> None:
    if not board.is_open:
        raise WorkshopError(
            "closed", _("Työpaja ei ole nyt auki. Näkemyksiä voi lisätä, kun vetäjä avaa sen.")
        )


def _check_text(text: str) -> str:
    text = clean_text(text)
    if not text:
        raise WorkshopError("empty", _("Kirjoita näkemyksesi ennen lähettämistä."))
    if len(text) > NOTE_MAX_LENGTH:
        raise WorkshopError(
            "long",
            _("Näkemys on liian pitkä: enintään %(max)s merkkiä, nyt %(n)s.")
            % {"max": NOTE_MAX_LENGTH, "n": len(text)},
        )
    return text


def add_note(board: WorkshopBoard, question: WorkshopQuestion, text: str, device_id: str):
    """Adds a participant's view. Returns (note, created): a repeated submit of the same text
    from the same device gives the note already stored."""
    text = _check_text(text)
    if question.event_id != board.event_id:
        raise WorkshopError("question", _("Kysymystä ei löydy."))
    dev = device_hash(device_id)
    try:
        with transaction.atomic():
            # The question row is the lock: a device's parallel submits are counted one by one.
            question = WorkshopQuestion.objects.select_for_update().get(pk=question.pk)
            board = WorkshopBoard.objects.get(pk=board.pk)
            _check_open(board)
            existing = question.notes.filter(device_hash=dev, text_hash=hash_token(text)).first()
            if existing is not None:
                return existing, False
            if question.notes.filter(device_hash=dev).count() >= NOTES_PER_DEVICE:
                raise WorkshopError(
                    "limit",
                    _(
                        "Olet jo lisännyt %(n)s näkemystä tähän kysymykseen. Voit antaa "
                        "samaa mieltä -äänen muiden näkemyksille."
                    )
                    % {"n": NOTES_PER_DEVICE},
                )
            if question.notes.count() >= MAX_NOTES_PER_QUESTION:
                raise WorkshopError("full", _("Tähän kysymykseen ei voi enää lisätä näkemyksiä."))
            note = WorkshopNote.objects.create(
                question=question, text=text, text_hash=hash_token(text), device_hash=dev
            )
    except IntegrityError:
        note = WorkshopNote.objects.get(
            question=question, device_hash=dev, text_hash=hash_token(text)
        )
        return note, False
    return note, True


@transaction.atomic
def add_note_for_room(actor, question: WorkshopQuestion, text: str) -> WorkshopNote:
    """The organiser types in a view said aloud in the room; allowed open or closed."""
    text = _check_text(text)
    note = WorkshopNote.objects.create(
        question=question, text=text, text_hash=hash_token(text), added_by=actor
    )
    _log(
        actor,
        A.CREATE,
        note,
        question.event,
        after={"question": question.pk, "text": text},
        note="työpajan näkemys salin puolesta",
    )
    return note


def support(board: WorkshopBoard, note: WorkshopNote, device_id: str) -> bool:
    """A device's +1 for a note. True when counted; WorkshopError when it cannot be."""
    dev = device_hash(device_id)
    if note.question.event_id != board.event_id or note.is_hidden:
        raise WorkshopError("note", _("Näkemystä ei löydy."))
    if note.device_hash == dev:
        raise WorkshopError("own", _("Omaa näkemystä ei voi kannattaa."))
    try:
        with transaction.atomic():
            _check_open(WorkshopBoard.objects.get(pk=board.pk))
            if NoteSupport.objects.filter(note=note, device_hash=dev).exists():
                raise WorkshopError("twice", _("Olet jo samaa mieltä tämän näkemyksen kanssa."))
            NoteSupport.objects.create(note=note, device_hash=dev)
    except IntegrityError as exc:
        raise WorkshopError("twice", _("Olet jo samaa mieltä tämän näkemyksen kanssa.")) from exc
    return True


@transaction.atomic
def set_hidden(actor, note: WorkshopNote, hidden: bool) -> WorkshopNote:
    note = WorkshopNote.objects.select_for_update().get(pk=note.pk)
    if note.is_hidden != hidden:
        note.is_hidden = hidden
        note.save(update_fields=["is_hidden", "updated_at"])
        event = Event.objects.get(pk=note.question.event_id)
        _log(
            actor,
            A.UPDATE,
            note,
            event,
            before={"is_hidden": not hidden},
            after={"is_hidden": hidden},
            note="näkemys piilotettu" if hidden else "näkemys palautettu",
        )
    return note


# -- reading the board -----------------------------------------------------------------------


def questions_with_notes(event: Event, *, include_hidden: bool, device_id: str | None = None):
    """The questions in order, each with `.note_list` ordered by +1s (most first) and then
    by time; with a device, each note knows whether it is the device's own (`is_own`) and
    whether the device already supports it (`supported`). Three queries."""
    questions = list(event.workshop_questions.all())
    notes = WorkshopNote.objects.filter(question__event=event).annotate(
        support_count=Count("supports")
    )
    if not include_hidden:
        notes = notes.filter(is_hidden=False)
    supported = set()
    dev = device_hash(device_id) if device_id else None
    if dev:
        supported = set(
            NoteSupport.objects.filter(note__question__event=event, device_hash=dev).values_list(
                "note_id", flat=True
            )
        )
    by_question: dict[int, list] = {q.pk: [] for q in questions}
    for note in notes.order_by("-support_count", "created_at", "pk"):
        note.is_own = bool(dev) and note.device_hash == dev
        note.supported = note.pk in supported
        by_question.setdefault(note.question_id, []).append(note)
    for q in questions:
        q.note_list = by_question.get(q.pk, [])
        q.visible_count = sum(1 for n in q.note_list if not n.is_hidden)
    return questions


def board_version(board: WorkshopBoard) -> str:
    """Changes whenever what the board shows changes: opened or closed, a question, a note,
    a +1 or a note hidden. Two queries; the board fragment answers 304/204 when it is equal."""
    notes = WorkshopNote.objects.filter(question__event_id=board.event_id).aggregate(
        n=Count("pk", distinct=True),
        hidden=Count("pk", filter=Q(is_hidden=True), distinct=True),
        last=Max("updated_at"),
        support_n=Count("supports"),
        support_last=Max("supports__id"),
    )
    questions = list(
        WorkshopQuestion.objects.filter(event_id=board.event_id).values_list("pk", "order")
    )
    raw = f"{board.token_hash}|{board.is_open}|{sorted(notes.items())}|{questions}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]
