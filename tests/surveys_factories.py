"""Survey test helpers: rounds in a named state, answering through the test client."""

from datetime import timedelta

from django.utils import timezone

from silta.surveys import services
from silta.surveys.models import Invitation, Questionnaire, Round
from silta.surveys.results import questions_of
from silta.surveys.shipped import ensure_templates


def template(key: str) -> Questionnaire:
    ensure_templates()
    return Questionnaire.objects.get(key=key)


def make_round(
    actor=None,
    *,
    key="yhdistysten-nakemys",
    target=Round.Target.ASSOCIATIONS,
    municipality=None,
    region=None,
    state="open",
    anonymous=False,
    title=None,
) -> Round:
    today = timezone.localdate()
    opens, closes = {
        "open": (today - timedelta(days=3), today + timedelta(days=10)),
        "upcoming": (today + timedelta(days=2), today + timedelta(days=10)),
        "closed": (today - timedelta(days=10), today - timedelta(days=1)),
    }[state]
    round_ = services.create_round(
        actor,
        questionnaire=template(key),
        title=title or f"Testikierros {key}",
        target_kind=target,
        municipality=municipality,
        region=region,
        opens_on=opens,
        closes_on=closes if state != "closed" else today,
        anonymous=anonymous,
    )
    if state == "closed":
        # The round form refuses a closing day in the past; close it after the fact.
        Round.objects.filter(pk=round_.pk).update(opens_on=opens, closes_on=closes)
        round_.refresh_from_db()
    return round_


def invite(round_, email="vastaaja@example.fi", **fields) -> Invitation:
    invitation = Invitation(round=round_, email=email, language=fields.pop("language", "fi"))
    for name, value in fields.items():
        setattr(invitation, name, value)
    invitation.set_token()
    invitation.save()
    return invitation


def by_topic(round_) -> dict:
    """Top-level questions by topic, and each question's follow-ups."""
    questions = questions_of(round_.questionnaire)
    return {q.topic: q for q in questions if q.parent_id is None}, questions


def follow_up_of(questions, parent):
    return next(q for q in questions if q.parent_id == parent.pk)


def full_answers(round_) -> dict:
    """POST data answering every required question of the associations' view."""
    questions = questions_of(round_.questionnaire)
    data = {}
    for q in questions:
        if q.parent_id is None and q.required:
            data[f"q{q.pk}"] = "no" if q.kind in ("single", "yes_no") else "1"
            if q.kind == "single" and "no" not in {c.value for c in q.choices.all()}:
                data[f"q{q.pk}"] = q.choices.all()[0].value
    return data


YES_ALL = dict.fromkeys(
    ["liaison", "convened", "grants", "services", "lived_experience", "feedback"], "yes"
) | {"premises": "free", "agents": "positive"}


def mapping(municipality, answers, *, years_ago=0, title=None):
    """A mapping round of the municipality, answered in an interview."""
    round_ = make_round(
        key="kartoitus",
        target=Round.Target.LIAISON,
        municipality=municipality,
        title=title or f"{municipality.name_fi}: kartoitus -{years_ago}",
    )
    topics, _questions = by_topic(round_)
    services.save_answers(
        None,
        round_,
        {topics[t]: v for t, v in answers.items()},
        submit=True,
        version="0",
        interview={"respondent_label": "Yhdyshenkilö", "interviewed_at": timezone.localdate()},
    )
    if years_ago:
        shift = timedelta(days=365 * years_ago)
        Round.objects.filter(pk=round_.pk).update(
            opens_on=round_.opens_on - shift, closes_on=round_.closes_on - shift
        )
    return round_


def associations(municipality, answers_list, *, anonymous=False):
    round_ = make_round(municipality=municipality, anonymous=anonymous, title="Yhdistykset")
    topics, _questions = by_topic(round_)
    for i, answers in enumerate(answers_list):
        services.save_answers(
            None,
            round_,
            {topics[t]: v for t, v in answers.items()},
            submit=True,
            version="0",
            invitation=invite(round_, f"y{i}@example.fi"),
        )
    return round_


MAPPING_SECTIONS = [
    ("Nykytilanne", ["liaison", "convened"]),
    ("Avustukset", ["grants"]),
    ("Tilat ja palvelut", ["premises", "services"]),
    ("Kokemustieto ja palaute", ["lived_experience", "feedback", "agents"]),
]


def sectioned(organisation, key="kartoitus", sections=MAPPING_SECTIONS, actor=None):
    """The organisation's own copy of a shipped questionnaire, its questions moved into
    sections by topic (each follow-up goes with its question)."""
    from silta.surveys.models import Question, Section

    copy = services.copy_questionnaire(actor, template(key), organisation)
    copy.sections.all().delete()  # the copy's questions go with it; rebuilt below
    original = questions_of(template(key))
    made = {}
    for order, (title, topics) in enumerate(sections):
        section = Section.objects.create(questionnaire=copy, order=order, title_fi=title)
        n = 0
        for question in original:
            if question.parent_id is None and question.topic in topics:
                chain = [question] + [q for q in original if q.parent_id == question.pk]
                for q in chain:
                    new = Question.objects.create(
                        section=section,
                        order=n,
                        parent=made.get(q.parent_id),
                        **services._copy_fields(q, exclude=("id", "section", "parent", "order")),
                    )
                    for choice in q.choices.all():
                        choice.pk = None
                        choice.question = new
                        choice.save()
                    made[q.pk] = new
                    n += 1
    return copy


def make_sectioned_round(world, *, target=Round.Target.ASSOCIATIONS, anonymous=False, key=None):
    """An open round of Kempele on a four-section copy of the associations' view (or the
    mapping for the liaison)."""
    key = key or ("kartoitus" if target == Round.Target.LIAISON else "yhdistysten-nakemys")
    questionnaire = sectioned(world.organisation, key)
    today = timezone.localdate()
    return services.create_round(
        None,
        questionnaire=questionnaire,
        title="Kempele osioittain",
        target_kind=target,
        municipality=world.kempele,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=10),
        anonymous=anonymous,
    )
