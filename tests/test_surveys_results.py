"""Results per question, the anonymity rule, and exports."""

import csv
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from silta.surveys import services

from .surveys_factories import by_topic, follow_up_of, invite, make_round


def answer(round_, email, values, submit=True):
    invitation = invite(round_, email)
    return services.save_answers(
        None, round_, values, submit=submit, version="0", invitation=invitation
    )


def test_counts_percentages_chart_and_table(world):
    round_ = make_round(municipality=world.kempele)
    topics, questions = by_topic(round_)
    liaison, grants = topics["liaison"], topics["grants"]
    how = follow_up_of(questions, grants)
    answer(round_, "a@example.fi", {liaison: "yes", grants: "yes", how: '=HYPERLINK("x")'})
    answer(round_, "b@example.fi", {liaison: "yes"})
    answer(round_, "c@example.fi", {liaison: "no"})
    answer(round_, "d@example.fi", {liaison: "no"}, submit=False)  # half-way: not counted
    client = world.client("kempele_liaison")
    body = client.get(reverse("surveys:results", args=[round_.pk])).content.decode()
    assert "3 vastaajaa on lähettänyt vastauksensa." in body
    assert 'role="img"' in body and "<title id=" in body
    assert "Kyllä 2 (67 %)" in body  # in the chart's title
    assert '<th scope="row">Ei</th><td>1</td><td>33 %</td>' in body  # and in the table
    assert "=HYPERLINK" in body  # free text listed (escaped HTML)
    assert "<script" not in body.split("<main")[1]


def test_anonymous_round_shows_no_breakdown_under_five(world):
    round_ = make_round(
        key="peruskoulutuksen-palaute", target="training", region=world.oulu.region, anonymous=True
    )
    _, questions = by_topic(round_)
    scale = next(q for q in questions if q.kind == "scale")
    text = next(q for q in questions if q.kind == "long_text" and q.parent_id is None)
    for i in range(4):
        answer(round_, f"{i}@example.fi", {scale: 5, text: f"Palaute {i}"})
    client = world.client("coordinator")
    body = client.get(reverse("surveys:results", args=[round_.pk])).content.decode()
    assert "Tuloksia näytetään, kun vastaajia on vähintään 5" in body
    assert 'role="img"' not in body and "Palaute 0" not in body
    answer(round_, "4@example.fi", {scale: 4})
    body = client.get(reverse("surveys:results", args=[round_.pk])).content.decode()
    assert 'role="img"' in body
    # The free-text question had four answers: still hidden; nobody's name is shown.
    assert "Palaute 0" not in body and "Alle 5 vastausta" in body
    assert "0@example.fi" not in body


def test_exports_csv_and_xlsx(world):
    round_ = make_round(municipality=world.kempele)
    topics, questions = by_topic(round_)
    how = follow_up_of(questions, topics["grants"])
    answer(round_, "a@example.fi", {topics["liaison"]: "yes", topics["grants"]: "yes", how: "=1+1"})
    client = world.client("coordinator")
    response = client.get(reverse("surveys:export_csv", args=[round_.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, row = rows
    assert header[:3] == ["Tila", "Lähetetty", "Vastaaja"]
    assert "Kyllä" in row and "'=1+1" in row  # a formula stays text
    response = client.get(reverse("surveys:export_xlsx", args=[round_.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet[2]]
    assert "Kyllä" in values and "'=1+1" in values
    assert all(c.data_type != "f" for c in sheet[2])
    # Exports are for the round's organisers only.
    assert (
        world.client("oulu_agent").get(reverse("surveys:export_csv", args=[round_.pk])).status_code
        == 404
    )
    oulu_round = make_round(municipality=world.oulu, title="Oulu")
    assert (
        world.client("oulu_agent")
        .get(reverse("surveys:export_csv", args=[oulu_round.pk]))
        .status_code
        == 403
    )


def test_results_query_count_does_not_grow_with_answers(world, django_assert_max_num_queries):
    round_ = make_round(municipality=world.kempele)
    topics, questions = by_topic(round_)
    for i in range(40):
        answer(
            round_,
            f"{i}@example.fi",
            {
                q: ("yes" if q.kind != "multiple" else ["email"])
                for q in topics.values()
                if q.topic not in ("premises", "agents")
            },
        )
    client = world.client("coordinator")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("surveys:results", args=[round_.pk]))
    assert "40 vastaajaa" in response.content.decode()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("surveys:export_csv", args=[round_.pk])).status_code == 200
    assert timezone.localdate()
