"""The questionnaires that ship with Silta, and copies of them."""

import pytest
from django.urls import reverse

from silta.surveys.models import Choice, Question, Questionnaire
from silta.surveys.shipped import SHIPPED, ensure_templates

from .surveys_factories import template

MAPPING_TOPICS = [
    "liaison",
    "convened",
    "grants",
    "premises",
    "services",
    "lived_experience",
    "agents",
    "feedback",
]


def _snapshot(q):
    return list(
        Question.objects.filter(section__questionnaire=q)
        .order_by("order")
        .values_list("text_fi", "text_sv", "text_en", "required", "kind", "topic")
    )


def test_shipped_templates_are_there_after_migrating(db):
    keys = set(Questionnaire.objects.templates().values_list("key", flat=True))
    assert keys == {spec["key"] for spec in SHIPPED}
    assert ensure_templates() == 0  # idempotent: nothing new on a second run
    assert Questionnaire.objects.count() == len(SHIPPED)


def test_the_mapping_asks_the_eight_questions_of_seed_000(db):
    mapping = template("kartoitus")
    top = list(
        Question.objects.filter(section__questionnaire=mapping, parent__isnull=True).order_by(
            "order"
        )
    )
    assert [q.topic for q in top] == MAPPING_TOPICS
    assert top[0].text_fi == "Onko kunnassa nimettyä järjestöyhdyshenkilöä?"
    assert top[2].text_fi == "Maksetaanko kunnassa järjestöavustuksia?"
    assert "millä perusteella" in top[2].follow_ups.get().text_fi.lower()
    for q in top:
        assert q.kind in ("yes_no", "single")
        assert q.follow_ups.count() == 1, q.text_fi  # its "how" / "on what grounds"
        assert q.text_sv and q.text_en
    # The associations answer the same eight topics, so each can be compared.
    view = template("yhdistysten-nakemys")
    view_topics = list(
        Question.objects.filter(section__questionnaire=view, parent__isnull=True)
        .order_by("order")
        .values_list("topic", flat=True)
    )
    assert view_topics == MAPPING_TOPICS


def test_the_self_assessment_has_the_seven_criteria(db):
    q = template("jarjestoystavallinen-kunta")
    criteria = Question.objects.filter(section__questionnaire=q, parent__isnull=True)
    assert criteria.count() == 7
    assert criteria.filter(text_fi__startswith="Kunta tarjoaa yhdistyksille tiloja").exists()


def test_every_question_has_three_languages_and_valid_follow_ups(db):
    ensure_templates()
    for q in Question.objects.select_related("parent"):
        assert q.text_fi and q.text_sv and q.text_en, q.pk
        if q.parent_id:
            offered = set(q.parent.choices.values_list("value", flat=True))
            assert set(q.parent_value.split(",")) <= offered, q.text_fi
    for c in Choice.objects.all():
        assert c.label_fi and c.label_sv and c.label_en


def test_coordinator_copies_a_template_and_edits_the_copy(world):
    client = world.client("coordinator")
    original = template("kartoitus")
    before = _snapshot(original)
    response = client.post(reverse("surveys:questionnaire_copy", args=[original.pk]))
    copy = Questionnaire.objects.get(copied_from=original)
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:questionnaire_edit", args=[copy.pk])
    assert copy.organisation == world.organisation and not copy.is_template and copy.key is None
    assert _snapshot(copy) == before
    # Follow-ups point at the copy's own questions.
    assert not Question.objects.filter(
        section__questionnaire=copy, parent__section__questionnaire=original
    ).exists()

    first = Question.objects.filter(section__questionnaire=copy).order_by("order").first()
    data = {"title_fi": "Oma kartoitus", "intro_fi": ""}
    for q in Question.objects.filter(section__questionnaire=copy):
        data[f"text_{q.pk}"] = q.text_fi
        if q.required:
            data[f"required_{q.pk}"] = "on"
    data[f"text_{first.pk}"] = "Onko kunnassa järjestöyhdyshenkilö?"
    response = client.post(reverse("surveys:questionnaire_edit", args=[copy.pk]), data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.text_fi == "Onko kunnassa järjestöyhdyshenkilö?"
    copy.refresh_from_db()
    assert copy.title_fi == "Oma kartoitus"
    # The shipped template stays intact.
    assert _snapshot(original) == before
    assert Questionnaire.objects.get(pk=original.pk).title_fi == (
        "Kunnan järjestöyhteistyön kartoitus"
    )


def test_a_shipped_template_cannot_be_edited(world):
    original = template("kartoitus")
    before = _snapshot(original)
    for persona in ["coordinator", "admin"]:
        client = world.client(persona)
        url = reverse("surveys:questionnaire_edit", args=[original.pk])
        assert client.get(url).status_code == 403
        response = client.post(url, {"title_fi": "Muutettu"})
        assert response.status_code == 403
        assert "Tee siitä ensin kopio" in response.content.decode()
    assert _snapshot(original) == before
    assert Questionnaire.objects.get(pk=original.pk).title_fi != "Muutettu"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title_fi", "", "Anna lomakkeelle otsikko."),
        ("title_fi", "x" * 10_000, "Enintään 200 merkkiä"),
        ("question", "", "Kysymys ei voi olla tyhjä."),
    ],
)
def test_bad_edits_of_a_copy_change_nothing(world, field, value, message):
    client = world.client("coordinator")
    original = template("tyopaja")
    client.post(reverse("surveys:questionnaire_copy", args=[original.pk]))
    copy = Questionnaire.objects.get(copied_from=original)
    before = _snapshot(copy)
    data = {"title_fi": "Nimi", "intro_fi": ""}
    questions = list(Question.objects.filter(section__questionnaire=copy))
    for q in questions:
        data[f"text_{q.pk}"] = q.text_fi
    if field == "question":
        data[f"text_{questions[0].pk}"] = value
    else:
        data[field] = value
    response = client.post(reverse("surveys:questionnaire_edit", args=[copy.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot(copy) == before


def test_copying_needs_a_post_and_a_coordinator(world):
    original = template("kartoitus")
    url = reverse("surveys:questionnaire_copy", args=[original.pk])
    assert world.client("coordinator").get(url).status_code == 405
    assert world.client("oulu_liaison").post(url).status_code == 403
    assert not Questionnaire.objects.filter(copied_from=original).exists()
