"""Anonymous rounds: nothing stored ties a response to its invitation or to a person."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from silta.core.models import AuditLogEntry
from silta.surveys import services
from silta.surveys.models import Answer, Invitation, Response, Round, resume_key_for

from .surveys_factories import full_answers, invite, make_round, make_sectioned_round


def url(token, page=None):
    base = reverse("surveys:answer", args=[token])
    return f"{base}?osio={page}" if page else base


def post(client, token, data, *, final=True):
    response = services.anonymous_response(Invitation.objects.for_token(token).round, token)
    version = str(response.revision) if response else "0"
    return client.post(
        url(token), {**data, "versio": version, ("laheta" if final else "tallenna"): "1"}
    )


@pytest.fixture
def anonymous(world):
    round_ = make_round(municipality=world.kempele, anonymous=True, title="Nimetön")
    first = invite(round_, "eka@example.fi", association=world.kempele_association)
    second = invite(round_, "toka@example.fi")
    return round_, first, second


def _rows(model):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608 - fixed names
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _day_start():
    return timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time())
    )


def test_after_sending_no_column_joins_a_response_to_its_invitation(client, anonymous):
    round_, first, second = anonymous
    token = first.token
    assert post(client, token, full_answers(round_), final=False).status_code == 302
    assert post(client, token, full_answers(round_)).status_code == 302
    first.refresh_from_db()
    response = Response.objects.get()
    assert response.submitted_at is not None and first.answered_at is not None

    # The response has no reference to an invitation, a user or a label.
    assert response.invitation_id is None and response.respondent_label == ""
    assert response.interviewed_by_id is None
    # No stored value of the response or its answers is one of the invitation's own
    # (address, link hash, salt, association): only the round and the day are shared.
    identity = {
        str(row[name])
        for row in _rows(Invitation)
        for name in ("email", "token_hash", "salt")
        if row[name]
    } | {str(first.association), str(first.association_id)}
    for row in _rows(Response) + _rows(Answer):
        for name, value in row.items():
            if name in ("id", "round_id", "question_id", "response_id", "revision"):
                continue
            assert value in (None, "") or str(value) not in identity, name
    columns = {f.column for f in Response._meta.concrete_fields}
    assert {c for c in columns if c.endswith("_id")} == {
        "round_id",
        "invitation_id",
        "interviewed_by_id",
    }
    assert _rows(Response)[0]["invitation_id"] is None
    # The invitation keeps only the lookup hash and the day; its salt is gone, so even the
    # site's key cannot rebuild the link, and from it the response's key.
    assert first.salt == "" and first.token == ""
    assert first.answered_at == _day_start()
    assert response.submitted_at == response.created_at == response.updated_at == _day_start()
    assert response.resume_key == resume_key_for(token)
    assert response.resume_key not in (first.token_hash, second.token_hash)
    # The audit log names the round, not the response.
    assert not AuditLogEntry.objects.filter(object_type="surveys.response").exists()
    assert AuditLogEntry.objects.filter(object_type="surveys.round", note__contains="nimetön")


def test_the_link_still_resumes_and_edits_after_sending(client, anonymous):
    round_, first, _ = anonymous
    token = first.token
    post(client, token, full_answers(round_), final=False)
    page = client.get(url(token)).content.decode()
    assert "tallennettu keskeneräisenä" in page
    post(client, token, full_answers(round_))
    first.refresh_from_db()
    assert first.salt == ""
    page = client.get(url(token))
    assert page.status_code == 200 and "Vastaukset lähetettiin" in page.content.decode()
    from .surveys_factories import by_topic

    agents = by_topic(round_)[0]["agents"]
    data = {**full_answers(round_), f"q{agents.pk}": "negative"}
    assert post(client, token, data).status_code == 302
    assert Response.objects.count() == 1
    assert Answer.objects.get(question=agents).value == "negative"
    # Someone else's link finds nothing of it.
    other = client.get(url(anonymous[2].token)).content.decode()
    assert "Vastaukset lähetettiin" not in other


def test_forged_links_still_do_not_open(client, anonymous):
    round_, first, _ = anonymous
    token = first.token
    post(client, token, full_answers(round_))
    first.refresh_from_db()
    assert client.get(url(first.token_hash)).status_code == 404
    assert client.get(url(token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404


def test_reminders_skip_those_who_answered(world, anonymous, django_capture_on_commit_callbacks):
    from django.core import mail

    round_, first, second = anonymous
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=2))
    services.save_answers(
        None, round_, {}, submit=True, version="0", invitation=first, token=first.token
    )
    client = world.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:round_remind", args=[round_.pk]))
    assert [m.to for m in mail.outbox] == [["toka@example.fi"]]
    assert f"/kysely/{second.token}/" in mail.outbox[0].body


def test_results_and_exports_show_no_identity(world, anonymous):
    round_, first, _ = anonymous
    from silta.surveys.results import table

    from .surveys_factories import by_topic

    topics, _ = by_topic(round_)
    services.save_answers(
        None,
        round_,
        {topics["liaison"]: "yes"},
        submit=True,
        version="0",
        invitation=first,
        token=first.token,
    )
    header, rows = table(round_)
    assert "Vastaaja" not in header
    flat = " ".join(" ".join(r) for r in rows)
    assert "eka@example.fi" not in flat and str(world.kempele_association) not in flat
    client = world.client("coordinator")
    page = client.get(reverse("surveys:round", args=[round_.pk])).content.decode()
    assert "Haastattelut" not in page  # the anonymous response is not an interview


def test_interviews_are_refused_in_an_anonymous_round(world):
    round_ = make_round(
        key="kartoitus", target=Round.Target.LIAISON, municipality=world.kempele, anonymous=True
    )
    client = world.client("coordinator")
    response = client.get(reverse("surveys:interview", args=[round_.pk]))
    assert response.status_code == 403
    assert "Nimettömään kyselyyn ei kirjata haastatteluja" in response.content.decode()
    response = client.post(
        reverse("surveys:interview", args=[round_.pk]),
        {"respondent_label": "X", "interviewed_at": "2026-01-01", "versio": "0", "laheta": "1"},
    )
    assert response.status_code == 403 and not Response.objects.exists()
    with pytest.raises(services.SurveyError):
        services.save_answers(
            None,
            round_,
            {},
            submit=True,
            version="0",
            interview={"respondent_label": "X", "interviewed_at": timezone.localdate()},
        )


def test_identified_rounds_are_unchanged(client, world):
    round_ = make_round(municipality=world.kempele)
    invitation = invite(round_, "nimi@example.fi", association=world.kempele_association)
    token = invitation.token
    client.post(url(token), {**full_answers(round_), "versio": "0", "laheta": "1"})
    response = Response.objects.get()
    invitation.refresh_from_db()
    assert response.invitation == invitation and response.resume_key is None
    assert response.respondent_label == str(world.kempele_association)
    assert invitation.salt and invitation.token == token
    assert response.submitted_at != _day_start() or response.submitted_at.time() != 0
    assert AuditLogEntry.objects.filter(
        object_type="surveys.response", object_id=str(response.pk)
    ).exists()


def test_anonymous_round_answered_section_by_section(client, world):
    round_ = make_sectioned_round(world, anonymous=True)
    invitation = invite(round_, "osiot@example.fi")
    token = invitation.token
    from silta.surveys.results import questions_of

    from .test_surveys_sections import PAGE_ANSWERS

    topics = {q.topic: q for q in questions_of(round_.questionnaire) if q.parent_id is None}
    for page, answers in PAGE_ANSWERS.items():
        stored = services.anonymous_response(round_, token)
        data = {f"q{topics[t].pk}": v for t, v in answers.items()}
        version = str(stored.revision) if stored else "0"
        response = client.post(url(token, page), {**data, "versio": version, "siirry": "seuraava"})
        assert response.status_code == 302
    stored = services.anonymous_response(round_, token)
    response = client.post(url(token, "tarkistus"), {"versio": str(stored.revision), "laheta": "1"})
    assert response.status_code == 302
    stored.refresh_from_db()
    invitation.refresh_from_db()
    assert stored.submitted_at and stored.invitation_id is None and invitation.salt == ""
    assert stored.answers.count() == 8


def test_migration_unlinks_existing_anonymous_responses(world):
    """The data migration's function run over a response stored the old way."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("silta.surveys.migrations.0003_anonymous_responses")
    round_ = make_round(municipality=world.kempele, anonymous=True)
    invitation = invite(round_, "vanha@example.fi")
    token = invitation.token
    old = Response.objects.create(
        round=round_, invitation=invitation, respondent_label="", submitted_at=timezone.now()
    )
    Invitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now())
    named = make_round(municipality=world.kempele, title="Nimellinen")
    kept = Response.objects.create(round=named, invitation=invite(named, "n@example.fi"))
    migration.unlink_anonymous_responses(apps, None)
    old.refresh_from_db()
    invitation.refresh_from_db()
    kept.refresh_from_db()
    assert old.invitation_id is None and old.resume_key == resume_key_for(token)
    assert invitation.salt == "" and invitation.answered_at == _day_start()
    assert old.submitted_at == _day_start()
    assert kept.invitation_id is not None and kept.resume_key is None
    assert services.anonymous_response(round_, token) == old


def test_anonymous_answer_page_query_count(client, anonymous, django_assert_max_num_queries):
    round_, first, _ = anonymous
    post(client, first.token, full_answers(round_), final=False)
    with django_assert_max_num_queries(8):
        assert client.get(url(first.token)).status_code == 200
