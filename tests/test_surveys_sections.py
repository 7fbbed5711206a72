"""One section per page: answering by link and by interview, section by section."""

import pytest
from django.urls import reverse

from silta.surveys.models import Response, Round

from .surveys_factories import follow_up_of, invite, make_sectioned_round


@pytest.fixture
def setup(world):
    round_ = make_sectioned_round(world)
    invitation = invite(round_, "seura@example.fi")
    questions = list(_questions(round_))
    topics = {q.topic: q for q in questions if q.parent_id is None}
    return round_, invitation, topics, questions


def _questions(round_):
    from silta.surveys.results import questions_of

    return questions_of(round_.questionnaire)


def url(invitation, page=None):
    base = reverse("surveys:answer", args=[invitation.token])
    return f"{base}?osio={page}" if page else base


def version(invitation=None):
    response = Response.objects.filter(invitation=invitation).first()
    return str(response.revision) if response else "0"


def go(client, invitation, page, data, action="seuraava"):
    return client.post(
        url(invitation, page), {**data, "versio": version(invitation), "siirry": action}
    )


def saved(invitation):
    response = Response.objects.filter(invitation=invitation).first()
    if response is None:
        return {}
    return {
        (a.question.topic + ("+" if a.question.parent_id else "")): a.value
        for a in response.answers.select_related("question")
    }


PAGE_ANSWERS = {
    1: {"liaison": "yes", "convened": "no"},
    2: {"grants": "no"},
    3: {"premises": "free", "services": "no"},
    4: {"lived_experience": "no", "feedback": "no", "agents": "positive"},
}


def page_data(topics, page):
    return {f"q{topics[t].pk}": v for t, v in PAGE_ANSWERS[page].items()}


def test_first_page_shows_one_section_with_progress(client, setup):
    _round, invitation, topics, _ = setup
    body = client.get(url(invitation)).content.decode()
    assert "Osio 1/4: Nykytilanne" in body
    assert f'id="kysymys-{topics["liaison"].pk}"' in body
    assert f'id="kysymys-{topics["grants"].pk}"' not in body  # on page 2
    assert ">Seuraava</button>" in body and "Tallenna ja jatka myöhemmin" in body
    assert ">Edellinen</button>" not in body  # nothing before the first page
    body = client.get(url(invitation, 2)).content.decode()
    assert "Osio 2/4: Avustukset" in body and ">Edellinen</button>" in body
    for bad in ["0", "5", "x", "%00", "9" * 40]:
        assert client.get(url(invitation, bad)).status_code == 200  # falls back to page 1
    assert not Response.objects.exists()


def test_moving_back_and_forth_keeps_every_answer(client, setup):
    _round, invitation, topics, _ = setup
    response = go(client, invitation, 1, page_data(topics, 1))
    assert response.status_code == 302 and response["Location"].endswith("?osio=2")
    response = go(client, invitation, 2, page_data(topics, 2), action="edellinen")
    assert response["Location"].endswith("?osio=1")
    assert saved(invitation) == {"liaison": "yes", "convened": "no", "grants": "no"}
    page = client.get(url(invitation, 1)).content.decode()
    assert f'value="yes" id="id_q{topics["liaison"].pk}_0" checked' in page or "checked" in page
    page = client.get(url(invitation, 2)).content.decode()
    assert f'name="q{topics["grants"].pk}" value="no"' in page
    assert page.split(f'name="q{topics["grants"].pk}" value="no"')[1].split(">")[0].count("checked")
    # "Save and continue later" stays on the page and says so.
    response = go(client, invitation, 3, {f"q{topics['premises'].pk}": "free"}, "tallenna")
    assert response["Location"].endswith("?osio=3")
    assert "Voit jatkaa myöhemmin" in client.get(response["Location"]).content.decode()
    assert saved(invitation)["premises"] == "free"
    assert Response.objects.get().submitted_at is None


def test_required_answers_are_checked_when_moving_on(client, setup):
    _round, invitation, topics, _ = setup
    go(client, invitation, 1, page_data(topics, 1))
    typed = {f"q{topics['premises'].pk}": "fee"}  # services missing
    response = go(client, invitation, 3, typed)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tähän kysymykseen on vastattava." in body
    assert f'href="#kysymys-{topics["services"].pk}"' in body  # the summary links to the field
    assert (
        body.split(f'name="q{topics["premises"].pk}" value="fee"')[1].split(">")[0].count("checked")
    )  # what was typed is still there
    assert "premises" not in saved(invitation)  # the page was not saved
    # Going back or saving for later does not demand the required answers.
    assert go(client, invitation, 3, typed, "edellinen").status_code == 302
    assert saved(invitation)["premises"] == "fee"


def test_bad_input_on_a_page_saves_nothing_and_shows_finnish_errors(client, setup):
    _round, invitation, topics, questions = setup
    how = follow_up_of(questions, topics["grants"])
    data = {f"q{topics['grants'].pk}": "yes", f"q{how.pk}": "x" * 6000}
    response = go(client, invitation, 2, data, "tallenna")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vastaus on liian pitkä" in body and "Tämän sivun vastauksia ei tallennettu" in body
    assert not Response.objects.exists()
    response = go(client, invitation, 1, {f"q{topics['liaison'].pk}": "yes\x00"}, "tallenna")
    assert response.status_code == 400
    assert "Valitse jokin annetuista vaihtoehdoista." in response.content.decode()


def test_follow_up_rule_without_javascript(client, setup):
    _round, invitation, topics, questions = setup
    go(client, invitation, 1, page_data(topics, 1))
    how = follow_up_of(questions, topics["grants"])
    page = client.get(url(invitation, 2)).content.decode()
    assert page.split(f'id="kysymys-{how.pk}"')[1].split(">")[0].count("hidden") == 1
    # Without JavaScript "yes" opens the follow-up only on the server: stay on the page.
    data = {f"q{topics['grants'].pk}": "yes", "ilman_js": "1"}
    response = go(client, invitation, 2, data)
    assert response["Location"].endswith("?osio=2")
    page = client.get(response["Location"]).content.decode()
    assert "tähän osioon tuli jatkokysymys" in page
    assert page.split(f'id="kysymys-{how.pk}"')[1].split(">")[0].count("hidden") == 0
    data[f"q{how.pk}"] = "Hakemukset kerran vuodessa."
    response = go(client, invitation, 2, data)
    assert response["Location"].endswith("?osio=3")
    assert saved(invitation)["grants+"] == "Hakemukset kerran vuodessa."
    # With JavaScript the follow-up was already shown: moving on is not held back.
    # Answering "no" drops the follow-up's answer.
    response = go(client, invitation, 2, {f"q{topics['grants'].pk}": "no", f"q{how.pk}": "x"})
    assert response["Location"].endswith("?osio=3")
    assert "grants+" not in saved(invitation)


def test_follow_up_of_a_question_on_another_page_goes_by_the_saved_answer(world, client):
    # A follow-up on page 2 whose question is on page 1.
    from silta.surveys.models import Question

    round_ = make_sectioned_round(world)
    questions = _questions(round_)
    topics = {q.topic: q for q in questions if q.parent_id is None}
    how = follow_up_of(questions, topics["convened"])
    Question.objects.filter(pk=how.pk).update(section=topics["grants"].section, order=99)
    invitation = invite(round_, "toinen@example.fi")
    page = client.get(url(invitation, 2)).content.decode()
    assert page.split(f'id="kysymys-{how.pk}"')[1].split(">")[0].count("hidden") == 1
    go(client, invitation, 1, {f"q{topics['convened'].pk}": "yes"}, "tallenna")
    page = client.get(url(invitation, 2)).content.decode()
    assert page.split(f'id="kysymys-{how.pk}"')[1].split(">")[0].count("hidden") == 0


def test_review_lists_answers_with_links_and_sends(client, setup):
    _round, invitation, topics, _ = setup
    for page in (1, 2, 3, 4):
        response = go(client, invitation, page, page_data(topics, page))
        assert response.status_code == 302
    assert response["Location"].endswith("?osio=tarkistus")
    body = client.get(response["Location"]).content.decode()
    for n, title in [(1, "Nykytilanne"), (2, "Avustukset"), (3, "Tilat ja palvelut")]:
        assert f"Osio {n}/4: {title}" in body and f'href="?osio={n}"' in body
    assert "Kyllä, maksutta" in body and "Myönteisesti" in body
    assert "Puuttuu" not in body
    response = client.post(
        url(invitation, "tarkistus"), {"versio": version(invitation), "laheta": "1"}
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert Response.objects.get().submitted_at is not None
    body = client.get(response["Location"]).content.decode()
    assert "Kiitos! Vastauksesi on lähetetty." in body and "Vastaukset lähetettiin" in body


def test_final_submit_jumps_to_the_first_section_with_a_missing_answer(client, setup):
    _round, invitation, topics, _ = setup
    go(client, invitation, 1, page_data(topics, 1))
    go(client, invitation, 2, page_data(topics, 2))
    go(client, invitation, 3, {f"q{topics['premises'].pk}": "free"}, "tallenna")  # services left
    go(client, invitation, 4, page_data(topics, 4))
    body = client.get(url(invitation, "tarkistus")).content.decode()
    assert "Yksi pakollinen vastaus puuttuu" in body
    response = client.post(
        url(invitation, "tarkistus"), {"versio": version(invitation), "laheta": "1"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Osio 3/4: Tilat ja palvelut" in body
    assert "Vastauksia ei lähetetty" in body and "Tähän kysymykseen on vastattava." in body
    assert f'href="#kysymys-{topics["services"].pk}"' in body
    assert 'action="?osio=3"' in body
    assert Response.objects.get().submitted_at is None
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_double_submit_on_a_page_and_at_the_end(client, setup):
    _round, invitation, topics, _ = setup
    data = {**page_data(topics, 1), "versio": "0", "siirry": "seuraava"}
    assert client.post(url(invitation, 1), data).status_code == 302
    again = client.post(url(invitation, 1), {**data, f"q{topics['convened'].pk}": "yes"})
    assert again.status_code == 409
    assert "Vastauksesi oli jo tallennettu" in again.content.decode()
    assert saved(invitation)["convened"] == "no"
    for page in (2, 3, 4):
        go(client, invitation, page, page_data(topics, page))
    send = {"versio": version(invitation), "laheta": "1"}
    assert client.post(url(invitation, "tarkistus"), send).status_code == 302
    stamp = Response.objects.get().submitted_at
    assert client.post(url(invitation, "tarkistus"), send).status_code == 409
    assert Response.objects.get().submitted_at == stamp
    assert Response.objects.count() == 1


def test_round_closing_while_on_page_two(client, setup):
    round_, invitation, topics, _ = setup
    go(client, invitation, 1, page_data(topics, 1))
    page = client.get(url(invitation, 2))
    assert page.status_code == 200
    Round.objects.filter(pk=round_.pk).update(
        opens_on=round_.opens_on.replace(year=2020), closes_on=round_.opens_on.replace(year=2020)
    )
    response = go(client, invitation, 2, page_data(topics, 2))
    assert response.status_code == 410
    assert "Kysely on päättynyt" in response.content.decode()
    assert "grants" not in saved(invitation)


def test_after_sending_every_page_save_keeps_the_required_answers(client, setup):
    _round, invitation, topics, _ = setup
    for page in (1, 2, 3, 4):
        go(client, invitation, page, page_data(topics, page))
    client.post(url(invitation, "tarkistus"), {"versio": version(invitation), "laheta": "1"})
    body = client.get(url(invitation, 2)).content.decode()
    assert "Tallenna muutokset" in body
    response = go(client, invitation, 2, {}, "tallenna")
    assert response.status_code == 400  # sent answers may not lose a required answer
    assert saved(invitation)["grants"] == "no"
    assert (
        go(client, invitation, 2, {f"q{topics['grants'].pk}": "yes"}, "tallenna").status_code == 302
    )
    assert saved(invitation)["grants"] == "yes"


def test_single_section_questionnaire_keeps_one_page(world, client):
    from .surveys_factories import make_round

    round_ = make_round(municipality=world.kempele)
    invitation = invite(round_, "yksi@example.fi")
    body = client.get(url(invitation)).content.decode()
    assert "Osio 1/" not in body and "Lähetä vastaukset" in body and "siirry" not in body


def test_interview_section_by_section(world):
    round_ = make_sectioned_round(world, target=Round.Target.LIAISON)
    questions = _questions(round_)
    topics = {q.topic: q for q in questions if q.parent_id is None}
    client = world.client("coordinator")
    start = reverse("surveys:interview", args=[round_.pk])
    # Pages after the first wait for who was interviewed.
    assert client.get(start + "?osio=2")["Location"].endswith("?osio=1")
    body = client.get(start).content.decode()
    assert "Osio 1/4: Nykytilanne" in body and "Haastateltava" in body
    data = {f"q{topics['liaison'].pk}": "yes", f"q{topics['convened'].pk}": "yes"}
    response = client.post(start + "?osio=1", {**data, "versio": "0", "siirry": "seuraava"})
    assert response.status_code == 400  # the interviewee's name is missing
    assert "Kirjoita, ketä haastattelit." in response.content.decode()
    assert not Response.objects.exists()
    meta = {
        "respondent_label": "Jari Kemppainen, vapaa-ajanohjaaja",
        "interviewed_at": "2026-01-05",
    }
    response = client.post(start + "?osio=1", {**data, **meta, "versio": "0", "siirry": "seuraava"})
    stored = Response.objects.get()
    edit = reverse("surveys:interview_edit", args=[round_.pk, stored.pk])
    assert response["Location"] == f"{edit}?osio=2"
    assert stored.respondent_label.startswith("Jari Kemppainen")
    pages = {
        2: {"grants": "yes"},
        3: {"premises": "free", "services": "yes"},
        4: {"lived_experience": "yes", "feedback": "yes", "agents": "positive"},
    }
    for page, answers in pages.items():
        stored.refresh_from_db()
        body = client.get(f"{edit}?osio={page}").content.decode()
        assert f"Osio {page}/4" in body and "Haastateltava: Jari Kemppainen" in body
        response = client.post(
            f"{edit}?osio={page}",
            {
                **{f"q{topics[t].pk}": v for t, v in answers.items()},
                "versio": str(stored.revision),
                "siirry": "seuraava",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    stored.refresh_from_db()
    review = client.get(f"{edit}?osio=tarkistus").content.decode()
    assert "Tarkista vastaukset" in review and "Lähetä vastaus" in review
    response = client.post(
        f"{edit}?osio=tarkistus", {"versio": str(stored.revision), "laheta": "1"}
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.submitted_at is not None and stored.interviewed_by == world.user("coordinator")
    assert stored.answers.count() == 8


def test_section_page_query_counts(client, setup, django_assert_max_num_queries):
    _round, invitation, topics, _ = setup
    go(client, invitation, 1, page_data(topics, 1))
    # invitation, response, answers, questions, choices, session (+ messages)
    with django_assert_max_num_queries(8):
        assert client.get(url(invitation, 2)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(url(invitation, "tarkistus")).status_code == 200
    with django_assert_max_num_queries(16):
        assert go(client, invitation, 2, page_data(topics, 2)).status_code == 302
