"""The live workshop of an association evening (seed 004 step 4): participants add views
from their phones through the QR code's link without an account, one device one voice; the
organisers show the board on the screen, open and close it, hide notes and type views in on
behalf of the room, every moderation in the audit log."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from silta.core.models import AuditLogEntry
from silta.events import workshop
from silta.events.models import NoteSupport, WorkshopBoard, WorkshopNote, WorkshopQuestion

from .events_factories import event


@pytest.fixture
def evening(world):
    ev = event(world.oulu)
    WorkshopQuestion.objects.create(event=ev, text="Miten avustushaku helpottuisi?", order=1)
    WorkshopQuestion.objects.create(event=ev, text="Mitä tiloja yhdistykset tarvitsevat?", order=2)
    return ev


def _board(ev, is_open=True):
    board = workshop.board_for(ev)
    if is_open:
        board = workshop.set_open(None, board, True)
    return board


def _token(board):
    return workshop.token_of(board)


def _question(ev, n=0):
    return list(ev.workshop_questions.all())[n]


def _phone(board) -> Client:
    """A participant's phone that has opened the workshop page (and got its device cookie)."""
    phone = Client()
    response = phone.get(reverse("events:workshop_public", args=[_token(board)]))
    assert response.status_code == 200
    return phone


def _add(phone, board, question, text):
    url = reverse("events:workshop_question", args=[_token(board), question.pk])
    return phone.post(url, {"toiminto": "lisaa", "text": text})


def _support(phone, board, note):
    url = reverse("events:workshop_question", args=[_token(board), note.question_id])
    return phone.post(url, {"toiminto": "samaa", "id": str(note.pk)})


def _board_url(ev):
    return reverse("events:workshop_board", args=[ev.pk])


def _fragment_url(ev):
    return reverse("events:workshop_board_fragment", args=[ev.pk])


# -- the participants ------------------------------------------------------------------------


def test_a_phone_adds_a_view_and_the_board_shows_it(world, evening):
    liaison = world.client("oulu_liaison")
    page = liaison.get(_board_url(evening))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "qr-code" in body  # the QR code, inline
    board = WorkshopBoard.objects.get(event=evening)
    token = _token(board)
    assert f"/tyopaja/{token}/" in body
    # Only a hash of the token is stored.
    assert board.token_hash != token and token not in board.link_seed
    assert WorkshopBoard.objects.filter(token_hash=workshop.hash_token(token)).exists()

    closed = Client().get(reverse("events:workshop_public", args=[token]))
    assert "Työpaja ei ole nyt auki" in closed.content.decode()
    liaison.post(_board_url(evening), {"toiminto": "avaa"})

    phone = _phone(board)
    question = _question(evening)
    response = _add(phone, board, question, "  Hakulomake on liian pitkä.  ")
    assert response.status_code == 302
    note = WorkshopNote.objects.get()
    assert note.text == "Hakulomake on liian pitkä."
    assert note.device_hash and note.added_by is None

    fragment = liaison.get(_fragment_url(evening))
    assert "Hakulomake on liian pitkä." in fragment.content.decode()
    own = phone.get(reverse("events:workshop_question", args=[token, question.pk]))
    assert "oma näkemyksesi" in own.content.decode()


def test_the_device_cookie_is_signed_and_http_only(world, evening):
    board = _board(evening)
    response = Client().get(reverse("events:workshop_public", args=[_token(board)]))
    cookie = response.cookies[workshop.DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    salt = signing._cookie_signer_salt(workshop.DEVICE_COOKIE, workshop.DEVICE_SALT)
    device_id = signing.get_cookie_signer(salt=salt).unsign(cookie.value)
    assert len(device_id) >= 16
    # Nothing stores the device id itself.
    phone = _phone(board)
    _add(phone, board, _question(evening), "Selkeämpi ohje")
    assert device_id not in WorkshopNote.objects.get().device_hash


def test_a_forged_device_cookie_is_not_a_device(world, evening):
    board = _board(evening)
    phone = Client()
    phone.cookies[workshop.DEVICE_COOKIE] = "itse-keksitty-laitetunniste-123"
    response = _add(phone, board, _question(evening), "Näkemys")
    assert response.status_code == 400
    assert "Salli evästeet" in response.content.decode()
    assert not WorkshopNote.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Kirjoita näkemyksesi"),
        ("   \n ", "Kirjoita näkemyksesi"),
        ("a" * 10_000, "liian pitkä"),
        ("x\x00y", ""),
    ],
)
def test_bad_notes_are_refused_clearly(world, evening, text, message):
    board = _board(evening)
    response = _add(_phone(board), board, _question(evening), text)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Tarkista lomake" in response.content.decode()
    assert not WorkshopNote.objects.exists()


def test_a_closed_workshop_takes_no_views_and_says_so(world, evening):
    board = _board(evening)
    phone = _phone(board)
    workshop.set_open(world.user("oulu_liaison"), board, False)
    response = _add(phone, board, _question(evening), "Myöhästynyt näkemys")
    assert response.status_code == 400
    assert "Työpaja ei ole nyt auki" in response.content.decode()
    assert not WorkshopNote.objects.exists()
    page = phone.get(
        reverse("events:workshop_question", args=[_token(board), _question(evening).pk])
    )
    assert "Lisää näkemys" not in page.content.decode()


def test_a_double_submit_adds_the_view_once(world, evening):
    board = _board(evening)
    phone = _phone(board)
    first = _add(phone, board, _question(evening), "Avustuksille oma neuvontailta")
    second = _add(phone, board, _question(evening), "Avustuksille oma neuvontailta")
    assert first.status_code == second.status_code == 302
    assert WorkshopNote.objects.count() == 1
    page = phone.get(second["Location"])
    assert "jo tallennettu" in page.content.decode()


def test_a_device_adds_at_most_three_views_per_question(world, evening):
    board = _board(evening)
    phone = _phone(board)
    for n in range(3):
        assert _add(phone, board, _question(evening), f"Näkemys {n}").status_code == 302
    response = _add(phone, board, _question(evening), "Neljäs näkemys")
    assert response.status_code == 400
    assert "Olet jo lisännyt 3 näkemystä" in response.content.decode()
    # Another question and another phone still have their own voice.
    assert _add(phone, board, _question(evening, 1), "Toiseen kysymykseen").status_code == 302
    assert _add(_phone(board), board, _question(evening), "Toinen puhelin").status_code == 302
    assert WorkshopNote.objects.count() == 5


def test_plus_one_once_per_device_and_never_to_ones_own(world, evening):
    board = _board(evening)
    author, other = _phone(board), _phone(board)
    _add(author, board, _question(evening), "Kerhotilat iltaisin auki")
    note = WorkshopNote.objects.get()

    own = _support(author, board, note)
    assert own.status_code == 400
    assert "Omaa näkemystä ei voi kannattaa" in own.content.decode()

    assert _support(other, board, note).status_code == 302
    twice = _support(other, board, note)
    assert twice.status_code == 400
    assert "Olet jo samaa mieltä" in twice.content.decode()
    assert NoteSupport.objects.filter(note=note).count() == 1

    page = other.get(reverse("events:workshop_question", args=[_token(board), note.question_id]))
    assert "olet samaa mieltä" in page.content.decode()
    fragment = world.client("oulu_liaison").get(_fragment_url(evening))
    assert "<strong>+1</strong>" in fragment.content.decode()


@pytest.mark.parametrize("value", ["", "abc", "999999999", "1" * 10_000, "x\x00"])
def test_plus_one_to_a_missing_note_is_refused(world, evening, value):
    board = _board(evening)
    url = reverse("events:workshop_question", args=[_token(board), _question(evening).pk])
    response = _phone(board).post(url, {"toiminto": "samaa", "id": value})
    assert response.status_code == 400
    assert "Näkemystä ei löydy" in response.content.decode()
    assert not NoteSupport.objects.exists()


def test_a_note_of_another_event_cannot_be_supported_through_this_link(world, evening):
    board = _board(evening)
    other_event = event(world.oulu, title_fi="Toinen ilta")
    other_q = WorkshopQuestion.objects.create(event=other_event, text="Muu kysymys")
    other_board = _board(other_event)
    _add(_phone(other_board), other_board, other_q, "Toisen illan näkemys")
    foreign = WorkshopNote.objects.get()
    url = reverse("events:workshop_question", args=[_token(board), _question(evening).pk])
    response = _phone(board).post(url, {"toiminto": "samaa", "id": str(foreign.pk)})
    assert response.status_code == 400
    # The other event's question through this event's link: not found.
    page = Client().get(reverse("events:workshop_question", args=[_token(board), other_q.pk]))
    assert page.status_code == 404


@pytest.mark.parametrize("token", ["väärä", "a" * 10_000, "x%00y", "A" * 16])
def test_a_forged_workshop_link_is_refused_clearly(world, evening, client, token):
    _board(evening)
    response = client.get(f"/tyopaja/{token}/")
    assert response.status_code == 404
    assert "Työpajan linkki ei ole voimassa" in response.content.decode()
    post = client.post(f"/tyopaja/{token}/{_question(evening).pk}/", {"toiminto": "lisaa"})
    assert post.status_code in (403, 404)  # no CSRF cookie yet, or not found
    assert not WorkshopNote.objects.exists()


def test_a_new_link_retires_the_old_one(world, evening):
    board = _board(evening)
    old = _token(board)
    response = world.client("oulu_liaison").post(_board_url(evening), {"toiminto": "uusi_linkki"})
    assert response.status_code == 302
    assert Client().get(reverse("events:workshop_public", args=[old])).status_code == 404
    new = _token(WorkshopBoard.objects.get())
    assert new != old
    assert Client().get(reverse("events:workshop_public", args=[new])).status_code == 200


def test_posts_without_csrf_token_are_refused(world, evening):
    board = _board(evening)
    phone = Client(enforce_csrf_checks=True)
    phone.get(reverse("events:workshop_public", args=[_token(board)]))
    url = reverse("events:workshop_question", args=[_token(board), _question(evening).pk])
    assert phone.post(url, {"toiminto": "lisaa", "text": "Ilman tunnistetta"}).status_code == 403
    organiser = Client(enforce_csrf_checks=True)
    organiser.force_login(world.user("oulu_liaison"))
    assert organiser.post(_board_url(evening), {"toiminto": "sulje"}).status_code == 403
    assert not WorkshopNote.objects.exists()
    assert WorkshopBoard.objects.get().is_open


# -- the organisers --------------------------------------------------------------------------


def test_the_liaison_hides_and_restores_a_note_with_audit(world, evening):
    board = _board(evening)
    phone = _phone(board)
    _add(phone, board, _question(evening), "Asiaton kommentti")
    _add(phone, board, _question(evening), "Hyvä näkemys")
    note = WorkshopNote.objects.get(text="Asiaton kommentti")
    liaison = world.client("oulu_liaison")

    response = liaison.post(
        _board_url(evening), {"toiminto": "piilota", "id": str(note.pk)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="board"' in response.content.decode()  # htmx gets the fragment back
    note.refresh_from_db()
    assert note.is_hidden
    entry = AuditLogEntry.objects.filter(object_id=str(note.pk), note="näkemys piilotettu").get()
    assert entry.actor == world.user("oulu_liaison") and entry.municipality == world.oulu

    public = phone.get(reverse("events:workshop_question", args=[_token(board), note.question_id]))
    assert "Asiaton kommentti" not in public.content.decode()
    assert "Hyvä näkemys" in public.content.decode()
    # The board shows it to the organisers, marked; the presentation leaves it out.
    assert "piilotettu" in liaison.get(_fragment_url(evening)).content.decode()
    shown = liaison.get(_fragment_url(evening) + "?esitys=1").content.decode()
    assert "Asiaton kommentti" not in shown and "Hyvä näkemys" in shown
    # A hidden note cannot be supported.
    assert _support(_phone(board), board, note).status_code == 400

    assert (
        liaison.post(_board_url(evening), {"toiminto": "palauta", "id": str(note.pk)}).status_code
        == 302
    )
    note.refresh_from_db()
    assert not note.is_hidden
    assert AuditLogEntry.objects.filter(object_id=str(note.pk), note="näkemys palautettu").exists()


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "oulu_member", "kempele_liaison"])
def test_only_organisers_moderate(world, evening, persona):
    board = _board(evening)
    _add(_phone(board), board, _question(evening), "Näkemys")
    note = WorkshopNote.objects.get()
    client = world.client(persona)
    for data in (
        {"toiminto": "piilota", "id": str(note.pk)},
        {"toiminto": "sulje"},
        {"toiminto": "lisaa", "kysymys": str(note.question_id), "text": "Väärennös"},
    ):
        response = client.post(_board_url(evening), data)
        assert response.status_code in (302, 403)
        if persona == "anonymous":
            assert "/kirjaudu" in response["Location"] or "login" in response["Location"]
    note.refresh_from_db()
    assert not note.is_hidden and WorkshopBoard.objects.get().is_open
    assert WorkshopNote.objects.count() == 1
    assert client.get(_fragment_url(evening)).status_code in (302, 403)


def test_open_and_close_are_logged_and_a_closed_board_says_so(world, evening):
    liaison = world.client("oulu_liaison")
    liaison.get(_board_url(evening))
    liaison.post(_board_url(evening), {"toiminto": "avaa"})
    liaison.post(_board_url(evening), {"toiminto": "sulje"})
    board = WorkshopBoard.objects.get()
    assert not board.is_open
    notes = set(
        AuditLogEntry.objects.filter(object_type="events.workshopboard").values_list(
            "note", flat=True
        )
    )
    assert notes == {"työpaja avattu", "työpaja suljettu"}
    page = Client().get(reverse("events:workshop_public", args=[_token(board)]))
    assert "Työpaja ei ole nyt auki" in page.content.decode()


def test_the_liaison_types_in_a_view_for_the_room(world, evening):
    _board(evening, is_open=False)  # allowed even when the phones are closed out
    liaison = world.client("oulu_liaison")
    q = _question(evening, 1)
    response = liaison.post(
        _board_url(evening),
        {"toiminto": "lisaa", "kysymys": str(q.pk), "text": "Salista: kylätalo"},
    )
    assert response.status_code == 302
    note = WorkshopNote.objects.get()
    assert (note.question, note.added_by, note.device_hash) == (q, world.user("oulu_liaison"), "")
    assert AuditLogEntry.objects.filter(object_id=str(note.pk), action="create").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"toiminto": "lisaa", "kysymys": "999999", "text": "x"},
        {"toiminto": "lisaa", "kysymys": "", "text": "x"},
        {"toiminto": "lisaa", "text": "a" * 10_000},
        {"toiminto": "piilota", "id": "x\x00"},
        {"toiminto": "tuntematon"},
    ],
)
def test_bad_board_actions_are_refused(world, evening, data):
    _board(evening)
    if data.get("kysymys") is None and data["toiminto"] == "lisaa":
        data = {**data, "kysymys": str(_question(evening).pk)}
    response = world.client("oulu_liaison").post(_board_url(evening), data)
    assert response.status_code == 400
    assert not WorkshopNote.objects.exists()


def test_the_board_fragment_answers_unchanged_without_a_body(world, evening):
    board = _board(evening)
    liaison = world.client("oulu_liaison")
    first = liaison.get(_fragment_url(evening))
    etag = first["ETag"]
    version = etag.strip('"')
    assert f"versio={version}" in first.content.decode()
    assert liaison.get(_fragment_url(evening), {"versio": version}).status_code == 204
    assert liaison.get(_fragment_url(evening), HTTP_IF_NONE_MATCH=etag).status_code == 304

    _add(_phone(board), board, _question(evening), "Uusi näkemys")
    changed = liaison.get(_fragment_url(evening), {"versio": version})
    assert changed.status_code == 200
    assert "Uusi näkemys" in changed.content.decode() and changed["ETag"] != etag
    note = WorkshopNote.objects.get()
    version = changed["ETag"].strip('"')
    _support(_phone(board), board, note)
    assert liaison.get(_fragment_url(evening), {"versio": version}).status_code == 200


def test_the_board_fragment_query_count_does_not_grow_with_notes(
    world, evening, django_assert_max_num_queries
):
    board = _board(evening)
    liaison = world.client("oulu_liaison")
    for n in range(3):
        WorkshopQuestion.objects.create(event=evening, text=f"Lisäkysymys {n}", order=3 + n)
    dev = [workshop.device_hash(f"laite-{i}") for i in range(5)]
    for q in evening.workshop_questions.all():
        for i in range(8):
            note = WorkshopNote.objects.create(
                question=q, text=f"N{i}", text_hash=f"h{i}", device_hash=dev[i % 5]
            )
            for d in dev[:3]:
                if d != note.device_hash:
                    NoteSupport.objects.create(note=note, device_hash=d)
    liaison.get(_fragment_url(evening))  # warm the session
    with django_assert_max_num_queries(12):
        response = liaison.get(_fragment_url(evening))
    assert response.status_code == 200 and response.content.decode().count('<li class="note') == 40
    with django_assert_max_num_queries(14):
        assert liaison.get(_board_url(evening)).status_code == 200
    with django_assert_max_num_queries(8):
        page = Client().get(reverse("events:workshop_public", args=[_token(board)]))
    assert page.status_code == 200


def test_a_question_page_has_a_query_bound(world, evening, django_assert_max_num_queries):
    board = _board(evening)
    phone = _phone(board)
    for i in range(3):
        _add(phone, board, _question(evening), f"Näkemys {i}")
    url = reverse("events:workshop_question", args=[_token(board), _question(evening).pk])
    with django_assert_max_num_queries(10):
        assert phone.get(url).status_code == 200


def test_the_plan_page_links_to_the_board(world, evening):
    page = world.client("oulu_agent").get(reverse("events:plan", args=[evening.pk]))
    assert _board_url(evening) in page.content.decode()
