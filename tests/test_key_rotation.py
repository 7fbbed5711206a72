"""Replacing SECRET_KEY: with the old key in SECRET_KEY_FALLBACKS, the links already mailed or
printed keep working and are shown again as they were; without it they stop working, and what
Silta mails or shows next is a new link that works. A forged link opens nothing either way."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from silta.core.models import AuditLogEntry
from silta.events import workshop
from silta.events.models import WorkshopBoard, WorkshopQuestion
from silta.surveys import services
from silta.surveys.models import Invitation, Response, hash_token, resume_key_for, token_for

from .events_factories import event
from .surveys_factories import full_answers, invite, make_round
from .test_settings import PRODUCTION, run

OLD_KEY = "vanha-avain-" + "v" * 50
NEW_KEY = "uusi-avain-" + "u" * 50
LINK = re.compile(r"/kysely/([A-Za-z0-9_-]+)/")
WORKSHOP_LINK = re.compile(r"/tyopaja/([A-Za-z0-9_-]+)/")
INVALID = "Linkki ei kelpaa"


@pytest.fixture
def keys(settings):
    """The site runs on the old key; `replace(keep_old)` puts the new key in its place."""
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []

    def replace(keep_old: bool):
        settings.SECRET_KEY = NEW_KEY
        settings.SECRET_KEY_FALLBACKS = [OLD_KEY] if keep_old else []

    return replace


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """Runs a delivery and returns the answer-link tokens of the mail it sent, by address."""

    def run_(fn, *args):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            fn(*args)
        return {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox[before:]}

    return run_


def _answer_url(token):
    return reverse("surveys:answer", args=[token])


def _mailed_invitation(world, delivered, **round_fields):
    round_ = make_round(municipality=world.kempele, **round_fields)
    invitation = invite(round_, "vastaaja@example.fi")
    token = delivered(services.deliver_invitations, round_.pk)["vastaaja@example.fi"]
    return round_, invitation, token


# -- the settings ----------------------------------------------------------------------------


def test_secret_key_fallbacks_are_read_from_the_environment():
    show = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.SECRET_KEY_FALLBACKS))"
    )
    done = run("-c", show, **PRODUCTION, SECRET_KEY_FALLBACKS=f"{OLD_KEY},{NEW_KEY}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [OLD_KEY, NEW_KEY]
    done = run("-c", show, **PRODUCTION)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


# -- survey answer links ---------------------------------------------------------------------


def test_a_mailed_answer_link_opens_after_the_key_is_replaced_with_a_fallback(
    client, world, keys, delivered
):
    round_, invitation, token = _mailed_invitation(world, delivered)
    keys(keep_old=True)
    page = client.get(_answer_url(token))
    assert page.status_code == 200
    assert round_.questionnaire.title in page.content.decode()
    answer = {**full_answers(round_), "versio": "0", "laheta": "1"}
    assert client.post(_answer_url(token), answer).status_code == 302
    assert Response.objects.get().invitation == invitation


def test_a_mailed_answer_link_is_refused_once_the_old_key_is_dropped(
    client, world, keys, delivered
):
    _round, _invitation, token = _mailed_invitation(world, delivered)
    keys(keep_old=False)
    page = client.get(_answer_url(token))
    assert page.status_code == 404 and INVALID in page.content.decode()


def test_forged_answer_links_are_refused_after_the_key_is_replaced(client, world, keys, delivered):
    round_, invitation, token = _mailed_invitation(world, delivered)
    keys(keep_old=True)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(_answer_url(altered)).status_code == 404
    # A link made with some other key, its hash written in the database: the hash alone
    # does not open it, only a token that one of the site's keys derives.
    forged = token_for(invitation.salt, "arvattu-avain-" + "x" * 50)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(forged))
    page = client.get(_answer_url(forged))
    assert page.status_code == 404 and INVALID in page.content.decode()
    assert not Response.objects.filter(round=round_).exists()


def _remind(delivered, round_):
    Invitation.objects.filter(round=round_).update(sent_at=timezone.now() - timedelta(days=2))
    return delivered(services.deliver_reminders, round_.pk)["vastaaja@example.fi"]


def test_a_reminder_after_the_key_change_carries_the_same_link_with_a_fallback(
    client, world, keys, delivered
):
    round_, invitation, token = _mailed_invitation(world, delivered)
    keys(keep_old=True)
    assert _remind(delivered, round_) == token
    assert client.get(_answer_url(token)).status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).token_hash == invitation.token_hash


def test_a_reminder_after_the_old_key_is_dropped_carries_a_new_working_link(
    client, world, keys, delivered
):
    round_, invitation, token = _mailed_invitation(world, delivered)
    keys(keep_old=False)
    renewed = _remind(delivered, round_)
    assert renewed != token
    assert client.get(_answer_url(renewed)).status_code == 200
    assert client.get(_answer_url(token)).status_code == 404
    entry = AuditLogEntry.objects.get(object_type="surveys.invitation")
    assert entry.object_id == str(invitation.pk) and "uusittu" in entry.note
    # The next reminder carries the new link again: it is renewed once, not every time.
    Invitation.objects.filter(pk=invitation.pk).update(reminded_at=None)
    assert _remind(delivered, round_) == renewed
    assert AuditLogEntry.objects.filter(object_type="surveys.invitation").count() == 1


@pytest.mark.parametrize("keep_old", [True, False])
def test_the_front_page_link_to_a_waiting_survey_works_after_the_key_change(
    world, keys, delivered, keep_old
):
    round_ = make_round(key="kartoitus", target="liaison", municipality=world.kempele)
    token = delivered(services.deliver_invitations, round_.pk)["kempele.yhdyshenkilo@example.fi"]
    keys(keep_old=keep_old)
    liaison = world.client("kempele_liaison")  # signed in after the change
    page = liaison.get(reverse("dashboard")).content.decode()
    shown = LINK.search(page).group(1)
    assert (shown == token) is keep_old
    assert liaison.get(_answer_url(shown)).status_code == 200


# -- anonymous rounds ------------------------------------------------------------------------


def _post_anonymous(client, token, round_, *, final):
    stored = Response.objects.filter(round=round_).first()
    data = {
        **full_answers(round_),
        "versio": str(stored.revision) if stored else "0",
        ("laheta" if final else "tallenna"): "1",
    }
    return client.post(_answer_url(token), data)


def test_an_anonymous_draft_is_found_again_after_the_key_change_with_a_fallback(
    client, world, keys, delivered
):
    round_, invitation, token = _mailed_invitation(world, delivered, anonymous=True)
    assert _post_anonymous(client, token, round_, final=False).status_code == 302
    draft = Response.objects.get()
    keys(keep_old=True)
    page = client.get(_answer_url(token))
    assert page.status_code == 200 and "tallennettu keskeneräisenä" in page.content.decode()
    assert _post_anonymous(client, token, round_, final=True).status_code == 302
    assert Response.objects.count() == 1  # the draft was sent, no second response
    sent = Response.objects.get()
    assert sent.pk == draft.pk and sent.submitted_at is not None
    assert sent.resume_key == draft.resume_key  # kept under the key it was stored with
    # The link of the sent answers (its invitation has forgotten the salt) still edits them.
    page = client.get(_answer_url(token))
    assert page.status_code == 200 and "Vastaukset lähetettiin" in page.content.decode()
    assert _post_anonymous(client, token, round_, final=True).status_code == 302
    assert Response.objects.count() == 1


def test_sent_anonymous_answers_are_not_counted_twice_once_the_old_key_is_dropped(
    client, world, keys, delivered
):
    """The sent answers' key cannot be made again: the link says they were sent instead of
    offering an empty form, and a post (an old tab) makes no second response."""
    round_, _invitation, token = _mailed_invitation(world, delivered, anonymous=True)
    assert _post_anonymous(client, token, round_, final=True).status_code == 302
    keys(keep_old=False)
    page = client.get(_answer_url(token))
    body = page.content.decode()
    assert page.status_code == 409 and "Vastauksesi tähän kyselyyn on jo lähetetty" in body
    assert 'name="laheta"' not in body
    posted = client.post(_answer_url(token), {**full_answers(round_), "versio": "0", "laheta": "1"})
    assert posted.status_code == 409
    assert Response.objects.filter(round=round_).count() == 1


def test_a_survey_refusal_is_in_the_respondents_language(client, world, delivered):
    """A conflict (the answers were saved from another window) is explained in Swedish to a
    Swedish respondent, not in Finnish."""
    round_, invitation, token = _mailed_invitation(world, delivered)
    Invitation.objects.filter(pk=invitation.pk).update(language="sv")
    assert _post_anonymous(client, token, round_, final=False).status_code == 302
    stale = {**full_answers(round_), "versio": "0", "tallenna": "1"}
    body = client.post(_answer_url(token), stale).content.decode()
    assert "Dina svar hade redan sparats" in body
    assert "Vastauksesi oli jo tallennettu" not in body


def test_a_new_anonymous_response_after_the_key_change_uses_the_new_key(
    client, world, keys, delivered
):
    round_, _invitation, token = _mailed_invitation(world, delivered, anonymous=True)
    keys(keep_old=True)
    assert _post_anonymous(client, token, round_, final=False).status_code == 302
    assert Response.objects.get().resume_key == resume_key_for(token, NEW_KEY)
    # Someone else's link does not find it.
    other = invite(round_, "toinen@example.fi")
    page = client.get(_answer_url(other.token)).content.decode()
    assert "tallennettu keskeneräisenä" not in page


# -- workshop links --------------------------------------------------------------------------


@pytest.fixture
def evening(world):
    ev = event(world.oulu)
    WorkshopQuestion.objects.create(event=ev, text="Miten avustushaku helpottuisi?", order=1)
    return ev


def _shown_link(world, ev):
    """The workshop link the organisers' board shows (a liaison signed in now)."""
    page = world.client("oulu_liaison").get(reverse("events:workshop_board", args=[ev.pk]))
    assert page.status_code == 200
    return WORKSHOP_LINK.search(page.content.decode()).group(1)


def _participant_page(token):
    return Client().get(reverse("events:workshop_public", args=[token]))


def test_the_workshop_board_shows_the_same_link_after_the_key_change_with_a_fallback(
    world, keys, evening
):
    printed = _shown_link(world, evening)
    keys(keep_old=True)
    assert _shown_link(world, evening) == printed
    page = _participant_page(printed)
    assert page.status_code == 200
    assert f"/tyopaja/{printed}/" in page.content.decode()  # its question links work too
    assert not AuditLogEntry.objects.filter(note__contains="uusi linkki").exists()


def test_the_workshop_board_gets_a_new_working_link_once_the_old_key_is_dropped(
    world, keys, evening
):
    printed = _shown_link(world, evening)
    keys(keep_old=False)
    # A participant with the printed link before an organiser opens the board: the link
    # still finds the board (by its hash) and the visit renews nothing.
    assert _participant_page(printed).status_code == 200
    assert WorkshopBoard.objects.get().token_hash == hash_token(printed)
    shown = _shown_link(world, evening)
    assert shown != printed
    assert _participant_page(shown).status_code == 200
    assert _participant_page(printed).status_code == 404
    entry = AuditLogEntry.objects.get(object_type="events.workshopboard")
    assert "uusi linkki" in entry.note and entry.actor == world.user("oulu_liaison")
    assert _shown_link(world, evening) == shown  # renewed once, then shown as it is


def test_a_forged_workshop_link_is_refused_after_the_key_change(world, keys, evening):
    board = workshop.board_for(evening)
    keys(keep_old=True)
    printed = workshop.token_of(board)
    forged = printed[:-1] + ("A" if printed[-1] != "A" else "B")
    assert _participant_page(forged).status_code == 404
    seed_with_other_key = workshop._token_from_seed(board.link_seed, "arvattu-avain-" + "x" * 50)
    assert _participant_page(seed_with_other_key).status_code == 404
    assert WorkshopBoard.objects.get().token_hash == board.token_hash
