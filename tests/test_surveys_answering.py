"""Answering through a personal link: no account, save half-way, follow-ups, bad input."""

import pytest
from django.urls import reverse

from silta.surveys.models import Answer, Invitation, Response, Round

from .surveys_factories import by_topic, follow_up_of, full_answers, invite, make_round


@pytest.fixture
def setup(world):
    round_ = make_round(municipality=world.kempele)
    invitation = invite(round_, "seura@example.fi")
    topics, questions = by_topic(round_)
    return round_, invitation, topics, questions


def url(invitation):
    return reverse("surveys:answer", args=[invitation.token])


def saved(invitation):
    response = Response.objects.filter(invitation=invitation).first()
    if response is None:
        return None
    return {
        a.question.topic if not a.question.parent_id else f"{a.question.topic}+": a.value
        for a in response.answers.select_related("question")
    }


def post(client, invitation, data, *, final=True):
    response = Response.objects.filter(invitation=invitation).first()
    version = str(response.revision) if response else "0"
    return client.post(
        url(invitation), {**data, "versio": version, ("laheta" if final else "tallenna"): "1"}
    )


def test_the_link_opens_the_questionnaire_without_an_account(client, setup):
    round_, invitation, topics, _ = setup
    response = client.get(url(invitation))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Yhdistysten näkemys kunnan järjestöyhteistyöstä" in body
    assert "Tallenna ja jatka myöhemmin" in body
    assert "silta/surveys.js" in body and "<script>" not in body  # no inline script
    assert not Response.objects.exists()  # looking changes nothing


def test_save_half_way_then_finish(client, setup):
    round_, invitation, topics, questions = setup
    first = {f"q{topics['liaison'].pk}": "yes"}
    response = post(client, invitation, first, final=False)
    assert response.status_code == 302
    assert saved(invitation) == {"liaison": "yes"}
    stored = Response.objects.get(invitation=invitation)
    assert stored.submitted_at is None
    invitation.refresh_from_db()
    assert invitation.answered_at is None
    page = client.get(url(invitation)).content.decode()
    assert "tallennettu keskeneräisenä" in page
    assert 'value="yes" checked' in page or "checked" in page

    # Sending without the required answers is refused; the half-way answer stays.
    response = post(client, invitation, {}, final=True)
    assert response.status_code == 400
    assert "Tähän kysymykseen on vastattava." in response.content.decode()
    assert saved(invitation) == {"liaison": "yes"}

    data = {**full_answers(round_), **first}
    response = post(client, invitation, data, final=True)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert Response.objects.get(invitation=invitation).submitted_at is not None
    page = client.get(url(invitation)).content.decode()
    assert "Vastaukset lähetettiin" in page and "Tallenna muutokset" in page


def test_editing_after_sending_until_the_round_closes(client, setup):
    round_, invitation, topics, _ = setup
    post(client, invitation, full_answers(round_))
    data = {**full_answers(round_), f"q{topics['agents'].pk}": "positive"}
    assert post(client, invitation, data).status_code == 302
    assert saved(invitation)["agents"] == "positive"
    Round.objects.filter(pk=round_.pk).update(
        opens_on=round_.opens_on.replace(year=2020), closes_on=round_.opens_on.replace(year=2020)
    )
    response = post(client, invitation, {**data, f"q{topics['agents'].pk}": "negative"})
    assert response.status_code == 410
    body = response.content.decode()
    assert "Kysely on päättynyt" in body and "Vastauksesi on tallennettu" in body
    assert saved(invitation)["agents"] == "positive"


def test_follow_up_counts_only_for_its_triggering_answer(client, setup):
    round_, invitation, topics, questions = setup
    grants = topics["grants"]
    how = follow_up_of(questions, grants)
    # Without the triggering answer the follow-up is hidden and its value is dropped.
    page = client.get(url(invitation)).content.decode()
    assert f'id="kysymys-{how.pk}"' in page
    assert page.split(f'id="kysymys-{how.pk}"')[1].split(">")[0].count("hidden") == 1
    data = {**full_answers(round_), f"q{grants.pk}": "no", f"q{how.pk}": "x" * 10_000}
    assert post(client, invitation, data).status_code == 302  # not asked: not validated
    assert "grants+" not in saved(invitation)
    # With it, the follow-up is shown, validated and kept.
    data[f"q{grants.pk}"] = "yes"
    response = post(client, invitation, data)
    assert response.status_code == 400
    assert "Vastaus on liian pitkä: enintään 5000 merkkiä (nyt 10000)." in response.content.decode()
    data[f"q{how.pk}"] = "Perusteet ovat kunnan sivuilla."
    assert post(client, invitation, data).status_code == 302
    assert saved(invitation)["grants+"] == "Perusteet ovat kunnan sivuilla."
    page = client.get(url(invitation)).content.decode()
    assert page.split(f'id="kysymys-{how.pk}"')[1].split(">")[0].count("hidden") == 0


@pytest.mark.parametrize(
    ("topic", "value", "message"),
    [
        ("liaison", "maybe", "Valitse jokin annetuista vaihtoehdoista."),
        ("liaison", "yes\x00", "Valitse jokin annetuista vaihtoehdoista."),
        ("liaison", "x" * 10_000, "Valitse jokin annetuista vaihtoehdoista."),
    ],
)
def test_bad_answers_change_nothing(client, setup, topic, value, message):
    round_, invitation, topics, _ = setup
    post(client, invitation, {f"q{topics['agents'].pk}": "neutral"}, final=False)
    before = saved(invitation)
    data = {**full_answers(round_), f"q{topics[topic].pk}": value}
    response = post(client, invitation, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Mitään ei tallennettu" in body
    assert saved(invitation) == before


def test_number_scale_and_text_limits(world, client):
    round_ = make_round(key="peruskoulutuksen-palaute", target="training", region=world.oulu.region)
    invitation = invite(round_)
    topics, questions = by_topic(round_)
    number = next(q for q in questions if q.kind == "number")
    scale = next(q for q in questions if q.kind == "scale")
    word = next(q for q in questions if q.kind == "short_text")
    many = next(q for q in questions if q.kind == "multiple")
    cases = [
        ({f"q{number.pk}": "101"}, "Luku saa olla enintään 100."),
        ({f"q{number.pk}": "-1"}, "Luvun pitää olla vähintään 0."),
        ({f"q{number.pk}": "kolme"}, "Anna vastaus kokonaislukuna."),
        ({f"q{number.pk}": "9" * 5000}, "Anna vastaus kokonaislukuna."),
        ({f"q{scale.pk}": "6"}, "Valitse jokin annetuista vaihtoehdoista."),
        ({f"q{word.pk}": "sana" * 20}, "enintään 60 merkkiä"),
        ({f"q{many.pk}": ["role", "olematon"]}, "Valitse jokin annetuista vaihtoehdoista."),
    ]
    for data, message in cases:
        response = post(client, invitation, data, final=False)
        assert response.status_code == 400, data
        assert message in response.content.decode(), message
    assert not Answer.objects.exists()
    good = {
        f"q{number.pk}": "12",
        f"q{scale.pk}": "4",
        f"q{word.pk}": "Innostava\x00",
        f"q{many.pk}": ["role", "travel"],
    }
    assert post(client, invitation, good, final=False).status_code == 302
    values = {a.question_id: a.value for a in Answer.objects.all()}
    assert values == {number.pk: 12, scale.pk: 4, word.pk: "Innostava", many.pk: ["role", "travel"]}


def test_double_submit_is_refused_and_keeps_the_saved_answer(client, setup):
    round_, invitation, topics, _ = setup
    data = {**full_answers(round_), "versio": "0", "laheta": "1"}
    assert client.post(url(invitation), data).status_code == 302
    first = saved(invitation)
    stamp = Response.objects.get(invitation=invitation).updated_at
    # The same form posted again (a second click) carries the old version.
    again = {**data, f"q{topics['agents'].pk}": "negative"}
    response = client.post(url(invitation), again)
    assert response.status_code == 409
    assert "Vastauksesi oli jo tallennettu" in response.content.decode()
    assert saved(invitation) == first
    assert Response.objects.get(invitation=invitation).updated_at == stamp
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    "token",
    ["vaara", "x" * 500, "ä" * 43, "%00", "A" * 43],
)
def test_forged_links_get_a_clear_page(client, setup, token):
    response = client.get(f"/kysely/{token}/")
    assert response.status_code == 404
    assert "Linkki ei kelpaa" in response.content.decode()
    response = client.post(f"/kysely/{token}/", {"laheta": "1"})
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_a_link_of_another_invitation_with_a_guessed_hash_does_not_open(client, setup):
    # The hash is stored, the token is not: the hash itself is not a working link.
    _, invitation, _, _ = setup
    assert client.get(f"/kysely/{invitation.token_hash}/").status_code == 404
    assert Invitation.objects.for_token(invitation.token) == invitation


def test_not_yet_open_and_closed_rounds(world, client):
    upcoming = make_round(municipality=world.kempele, state="upcoming", title="Tuleva")
    closed = make_round(municipality=world.kempele, state="closed", title="Mennyt")
    a, b = invite(upcoming), invite(closed)
    response = client.get(url(a))
    assert response.status_code == 403 and "ei ole vielä avoinna" in response.content.decode()
    response = client.post(url(b), {**full_answers(closed), "versio": "0", "laheta": "1"})
    assert response.status_code == 410 and "Kysely on päättynyt" in response.content.decode()
    assert not Response.objects.exists()


def test_answer_page_query_count(client, setup, django_assert_max_num_queries):
    round_, invitation, _, _ = setup
    post(client, invitation, full_answers(round_), final=False)
    # invitation, response, answers, questions, choices, session (+ messages)
    with django_assert_max_num_queries(8):
        assert client.get(url(invitation)).status_code == 200


def test_the_page_speaks_the_invitations_language(client, setup):
    round_, _, _, _ = setup
    swedish = invite(round_, "forening@example.fi", language="sv")
    body = client.get(url(swedish)).content.decode()
    assert '<html lang="sv">' in body
    assert "Föreningarnas syn på kommunens föreningssamarbete" in body
