"""The summary of an association evening (seed 004 step 4): prefilled with the workshop's
visible notes, saved as a draft, sent by email to every invited association and every
registration still stored (each address once, also when sending is repeated or the mail
server fails mid-send), archived on the municipality's events page and as a PDF, without
personal data of the registrations."""

import io

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from pypdf import PdfReader

from silta.core.models import AuditLogEntry, OutgoingEmail
from silta.events import summary as summaries
from silta.events import workshop
from silta.events.models import (
    Event,
    Invitation,
    Registration,
    Summary,
    SummaryRecipient,
    WorkshopQuestion,
    hash_token,
    new_token,
)

from .events_factories import event, registration

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
QUESTION_1 = "Miten kaupungin avustushaku voisi olla helpompi?"
QUESTION_2 = "Mitä tiloja yhdistykset tarvitsevat?"


class FlakyBackend(EmailBackend):
    """The mail server goes down after `FlakyBackend.allowed` messages."""

    allowed = 2
    sent = 0

    def send_messages(self, messages):
        if FlakyBackend.sent >= FlakyBackend.allowed:
            raise ConnectionRefusedError("palvelin ei vastaa")
        FlakyBackend.sent += len(messages)
        return super().send_messages(messages)


def _invite(ev, email, language="fi"):
    return Invitation.objects.create(
        event=ev, email=email, language=language, token_hash=hash_token(new_token())
    )


@pytest.fixture
def held(world):
    """An evening with a workshop: notes, +1s and a hidden note; invitations and
    registrations (one of them also invited, one cancelled)."""
    ev = event(world.oulu, title_fi="Syksyn yhdistysilta")
    q1 = WorkshopQuestion.objects.create(event=ev, text=QUESTION_1, order=1)
    q2 = WorkshopQuestion.objects.create(event=ev, text=QUESTION_2, order=2)
    board = workshop.set_open(None, workshop.board_for(ev), True)
    a, _ = workshop.add_note(board, q1, "Lyhyempi hakulomake", "laite-aaaaaaaaaaaaaaaa")
    b, _ = workshop.add_note(board, q1, "Neuvontailta ennen hakua", "laite-bbbbbbbbbbbbbbbb")
    workshop.support(board, b, "laite-aaaaaaaaaaaaaaaa")
    workshop.support(board, b, "laite-cccccccccccccccc")
    hidden, _ = workshop.add_note(board, q2, "Asiaton viesti", "laite-cccccccccccccccc")
    workshop.set_hidden(None, hidden, True)
    workshop.add_note(board, q2, "Kerhohuone iltaisin", "laite-aaaaaaaaaaaaaaaa")
    _invite(ev, "kylayhdistys@example.fi")
    _invite(ev, "svenska@example.fi", "sv")
    _invite(ev, "expats@example.fi", "en")
    registration(ev, name="Riitta Rekisteri", email="riitta.rekisteri@example.fi")
    registration(ev, name="Kaija Kylä", email="KYLAYHDISTYS@example.fi")  # also invited
    registration(
        ev, name="Pertti Peruttu", email="peruttu@example.fi", status=Registration.Status.CANCELLED
    )
    registration(
        ev, name="Jonna Jonossa", email="jono@example.fi", status=Registration.Status.WAITING
    )
    return ev


def _edit_url(ev):
    return reverse("events:summary_edit", args=[ev.pk])


def _form_data(page, **changes):
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(changes)
    return data


def _compose(client, ev, action="tallenna", **changes):
    page = client.get(_edit_url(ev))
    data = _form_data(
        page,
        decisions="Avustusohjeet uusitaan kevään aikana.",
        next_steps="Luonnos kommentoitavaksi maaliskuussa.",
        next_evening_on="2027-03-16",
        commenting="Kommentit 31.3. mennessä osoitteeseen yhdistykset@ouka.fi.",
        contact="Järjestöyhdyshenkilö Olli Oululainen, 040 123 4567",
    )
    data.update(changes)
    data["toiminto"] = action
    return client.post(_edit_url(ev), data)


def test_the_form_is_prefilled_with_the_visible_notes_by_question(world, held):
    page = world.client("oulu_liaison").get(_edit_url(held))
    assert page.status_code == 200
    form = page.context["form"]
    first, second = form.section_fields()
    assert (first.label, second.label) == (QUESTION_1, QUESTION_2)
    # Most supported first, with its count; the hidden note is left out.
    assert first.value().splitlines() == [
        "– Neuvontailta ennen hakua (samaa mieltä 2)",
        "– Lyhyempi hakulomake",
    ]
    assert second.value() == "– Kerhohuone iltaisin"
    assert "Asiaton viesti" not in page.content.decode()


def test_a_draft_is_saved_and_not_yet_public(world, held, client):
    liaison = world.client("oulu_liaison")
    response = _compose(liaison, held, osio_0="Hakuun toivottiin neuvontaa.")
    assert response.status_code == 302
    saved = Summary.objects.get(event=held)
    assert saved.status == Summary.Status.DRAFT
    assert saved.sections[0] == {"question": QUESTION_1, "text": "Hakuun toivottiin neuvontaa."}
    assert str(saved.next_evening_on) == "2027-03-16"
    assert AuditLogEntry.objects.filter(object_type="events.summary", action="create").exists()
    assert mail.outbox == []

    assert client.get(reverse("events:summary", args=[held.pk])).status_code == 404
    assert client.get(reverse("events:summary_pdf", args=[held.pk])).status_code == 404
    preview = liaison.get(reverse("events:summary", args=[held.pk]))
    assert preview.status_code == 200 and "Luonnos" in preview.content.decode()
    archive = client.get(reverse("events:municipality", args=["564"]))
    assert "Koosteet" not in archive.content.decode()

    # The edited text is kept when the page is opened again.
    again = liaison.get(_edit_url(held))
    assert again.context["form"].section_fields()[0].value() == "Hakuun toivottiin neuvontaa."


def test_sending_reaches_every_invited_and_registered_address_once(
    world, held, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = LOCMEM
    liaison = world.client("oulu_liaison")
    with django_capture_on_commit_callbacks(execute=True):
        response = _compose(liaison, held, action="laheta")
    assert response.status_code == 302
    addresses = sorted(m.to[0] for m in mail.outbox)
    assert addresses == [
        "expats@example.fi",
        "jono@example.fi",
        "kylayhdistys@example.fi",
        "riitta.rekisteri@example.fi",
        "svenska@example.fi",
    ]
    page = liaison.get(response["Location"])
    assert "Kooste lähtee 5 vastaanottajalle" in page.content.decode()
    assert page.context["delivery"]["sent"] == 5
    languages = dict(OutgoingEmail.objects.values_list("to", "language"))
    assert languages["svenska@example.fi"] == "sv" and languages["expats@example.fi"] == "en"
    message = next(m for m in mail.outbox if m.to == ["kylayhdistys@example.fi"])
    assert message.subject == "Kooste: Syksyn yhdistysilta"
    assert QUESTION_1 in message.body and "Neuvontailta ennen hakua" in message.body
    assert f"/tapahtumat/{held.pk}/kooste.pdf" in message.body
    summary = Summary.objects.get()
    assert summary.status == Summary.Status.SENT and summary.sent_at
    assert AuditLogEntry.objects.filter(note="kooste lähetetty").count() == 1

    # Sending again sends nothing; a new registration gets it, and only it.
    with django_capture_on_commit_callbacks(execute=True):
        again = _compose(liaison, held, action="laheta")
    assert len(mail.outbox) == 5
    assert "Uusia viestejä ei lähetetty" in liaison.get(again["Location"]).content.decode()
    registration(held, name="Myöhäinen", email="myohainen@example.fi")
    with django_capture_on_commit_callbacks(execute=True):
        _compose(liaison, held, action="laheta")
    assert [m.to[0] for m in mail.outbox[5:]] == ["myohainen@example.fi"]
    assert SummaryRecipient.objects.count() == 6


def test_a_mail_server_failing_mid_send_is_resumed_without_duplicates(
    world, held, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_events_summary.FlakyBackend"}}
    FlakyBackend.allowed, FlakyBackend.sent = 2, 0
    liaison = world.client("oulu_liaison")
    with django_capture_on_commit_callbacks(execute=True):
        _compose(liaison, held, action="laheta")
    assert len(mail.outbox) == 2
    summary = Summary.objects.get()
    counts = summaries.delivery_counts(summary)
    assert (counts["sent"], counts["failed"]) == (2, 3)
    page = liaison.get(_edit_url(held))
    assert page.context["delivery"]["failed"] == 3

    # The server is back: sending again retries the three, and nobody gets it twice.
    FlakyBackend.allowed = 100
    with django_capture_on_commit_callbacks(execute=True):
        response = _compose(liaison, held, action="laheta")
    assert (
        "3 epäonnistunutta viestiä lähetetään uudelleen"
        in liaison.get(response["Location"]).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        _compose(liaison, held, action="laheta")
    addresses = [m.to[0] for m in mail.outbox]
    assert len(addresses) == 5 == len(set(addresses))
    assert summaries.delivery_counts(summary)["sent"] == 5
    assert OutgoingEmail.objects.filter(template="event_summary").count() == 5


def test_the_sent_summary_is_archived_publicly_with_a_pdf(
    world, held, client, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        _compose(world.client("oulu_liaison"), held, action="laheta")
    archive = client.get(reverse("events:municipality", args=["564"]))
    body = archive.content.decode()
    assert "Koosteet" in body and reverse("events:summary", args=[held.pk]) in body

    page = client.get(reverse("events:summary", args=[held.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert QUESTION_1 in text and "Avustusohjeet uusitaan" in text
    assert "tiistai 16.3.2027" in text

    pdf = client.get(reverse("events:summary_pdf", args=[held.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    reader = PdfReader(io.BytesIO(pdf.content))
    content = "\n".join(p.extract_text() for p in reader.pages)
    assert QUESTION_1 in content and QUESTION_2 in content
    assert "Neuvontailta ennen hakua" in content and "Järjestöyhdyshenkilö" in content


def test_the_summary_holds_no_personal_data_of_registrations(
    world, held, client, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        _compose(world.client("oulu_liaison"), held, action="laheta", contact="")
    pdf = client.get(reverse("events:summary_pdf", args=[held.pk]))
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    public = client.get(reverse("events:summary", args=[held.pk])).content.decode()
    bodies = [m.body for m in mail.outbox]
    for r in Registration.objects.filter(event=held):
        for where in [pdf_text, public, *bodies]:
            assert r.name not in where
            assert r.email not in where.lower()


def test_an_empty_summary_is_not_sent(world, settings, django_capture_on_commit_callbacks):
    settings.MAILERS = LOCMEM
    ev = event(world.oulu)
    _invite(ev, "kylayhdistys@example.fi")
    liaison = world.client("oulu_liaison")
    with django_capture_on_commit_callbacks(execute=True):
        response = liaison.post(_edit_url(ev), {"toiminto": "laheta"})
    assert response.status_code == 400
    assert "Kooste on tyhjä" in response.content.decode()
    assert mail.outbox == [] and Summary.objects.get().status == Summary.Status.DRAFT


def test_without_recipients_nothing_is_sent_and_it_says_so(
    world, django_capture_on_commit_callbacks
):
    ev = event(world.oulu)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("oulu_liaison").post(
            _edit_url(ev), {"toiminto": "laheta", "decisions": "Päätös"}
        )
    assert response.status_code == 400
    assert "ei ole kutsuttuja eikä ilmoittautuneita" in response.content.decode()
    assert Summary.objects.get().status == Summary.Status.DRAFT


@pytest.mark.parametrize(
    "changes",
    [
        {"decisions": "a" * 10_000},
        {"osio_0": "b" * 30_000},
        {"next_evening_on": "31.2.2027"},
        {"next_evening_on": "huomenna"},
        {"contact": "x\x00y"},
        {"toiminto": "tuntematon"},
    ],
)
def test_bad_summary_input_is_refused_and_saves_nothing(world, held, changes):
    liaison = world.client("oulu_liaison")
    page = liaison.get(_edit_url(held))
    data = {**_form_data(page), "toiminto": "tallenna", **changes}
    response = liaison.post(_edit_url(held), data)
    assert response.status_code == 400
    assert not Summary.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "oulu_member", "kempele_liaison"])
def test_only_organisers_compose_and_send(world, held, persona, django_capture_on_commit_callbacks):
    client = world.client(persona)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_edit_url(held), {"toiminto": "laheta", "decisions": "Väärennös"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert persona == "anonymous" and "next=" in response["Location"]
    assert not Summary.objects.exists() and mail.outbox == []


def test_refetching_notes_replaces_the_sections(world, held):
    liaison = world.client("oulu_liaison")
    _compose(liaison, held, osio_0="Oma tiivistys")
    board = workshop.board_for(held)
    workshop.add_note(
        board, held.workshop_questions.first(), "Myöhäinen näkemys", "laite-dddddddddddddddd"
    )
    response = liaison.post(_edit_url(held), {"toiminto": "nouda"})
    assert response.status_code == 302
    text = Summary.objects.get().sections[0]["text"]
    assert "Myöhäinen näkemys" in text and "Oma tiivistys" not in text
    assert Summary.objects.get().decisions == "Avustusohjeet uusitaan kevään aikana."


def test_the_archive_has_a_query_bound(world, client, django_assert_max_num_queries):
    for n in range(6):
        ev = event(world.oulu, title_fi=f"Ilta {n}", status=Event.Status.HELD)
        Summary.objects.create(event=ev, decisions="x", status=Summary.Status.SENT)
    hidden = event(world.oulu, title_fi="Suljettu ilta", is_public=False)
    Summary.objects.create(event=hidden, decisions="x", status=Summary.Status.SENT)
    draft = event(world.oulu, title_fi="Luonnosilta")
    Summary.objects.create(event=draft, decisions="x")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("events:municipality", args=["564"]))
    body = response.content.decode()
    assert body.count("/kooste/") == 6
    assert "Suljettu ilta" not in body.split("Koosteet")[1]
    assert "Luonnosilta" not in body.split("Koosteet")[1]
    with django_assert_max_num_queries(6):
        assert client.get(reverse("events:summary", args=[ev.pk])).status_code == 200


def test_a_non_public_evenings_summary_is_not_public(world, client):
    ev = event(world.oulu, is_public=False)
    Summary.objects.create(event=ev, decisions="Sisäinen", status=Summary.Status.SENT)
    assert client.get(reverse("events:summary", args=[ev.pk])).status_code == 404
    assert (
        world.client("oulu_agent").get(reverse("events:summary", args=[ev.pk])).status_code == 200
    )
