"""Survey demo data (called by load_demo; idempotent): the shipped templates; the mapping of
Kempele, the coordinator interviewing Kempele's liaison, and mappings of a few neighbours to
compare with; Kempele's associations answering the associations' view (some finished, some
half-way); and feedback from the agents' basic training.

Rounds are found again by their title, so a second run creates nothing."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from silta.accounts.models import Membership, Role, User
from silta.core import demo as core_demo
from silta.places.models import Municipality, Region

from . import services
from .models import Question, Questionnaire, Round
from .results import questions_of
from .shipped import ensure_templates

K = Question.Kind
TEXTS = [
    "Yhdistysilta keväällä ja syksyllä, kutsu sähköpostilla ja kunnan verkkosivuilla.",
    "Avustushakemukset arvioidaan hyvinvointilautakunnassa; perusteet ovat verkkosivuilla.",
    "Koulun ja kirjaston tiloja saa iltaisin maksutta, kun toiminta on avointa kaikille.",
    "Järjestöt ovat mukana HYTE-työryhmässä ja hyvinvointikertomuksen valmistelussa.",
    "Kokemustietoa on kerätty yhdistysillan työpajassa ja kyselyllä.",
    "Toivomme selkeämpää tietoa siitä, keneen kunnassa voi ottaa yhteyttä.",
    "Hyvä ja käytännöllinen koulutus, lisää esimerkkejä vaikuttamistyöstä.",
]
NEIGHBOURS = ["425", "494", "859", "564"]  # Liminka, Muhos, Tyrnävä, Oulu


def _value(question, rng, lean=0.7):
    choices = [c.value for c in question.choices.all()]
    if question.kind in (K.YES_NO, K.SINGLE):
        if "yes" in choices and rng.random() < lean:
            return "yes"
        if "free" in choices and rng.random() < lean:
            return "free"
        if "positive" in choices and rng.random() < lean:
            return "positive"
        return rng.choice(choices)
    if question.kind == K.MULTIPLE:
        return sorted(rng.sample(choices, rng.randint(1, min(3, len(choices)))))
    if question.kind == K.SCALE:
        return rng.choice([3, 4, 4, 5, 5, 2])
    if question.kind == K.NUMBER:
        low = question.min_value or 0
        high = min(question.max_value or 20, 20)
        return rng.randint(low, max(low, high))
    text = rng.choice(TEXTS)
    return text[: question.text_limit]


def _answers(questions, rng, *, upto=None, lean=0.7):
    """Plausible answers; a follow-up only when its parent's answer triggers it."""
    from .forms import matches

    values, given = {}, {}
    for i, question in enumerate(questions):
        if upto is not None and i >= upto:
            break
        if question.parent_id is not None:
            parent = given.get(question.parent_id)
            if parent is None or not matches(parent, question.parent_value):
                continue
        value = _value(question, rng, lean)
        values[question] = value
        given[question.pk] = value
    return values


def _round(actor, title, **fields):
    found = Round.objects.filter(title=title).first()
    if found:
        return found, False
    return services.create_round(actor, title=title, **fields), True


def load(stdout) -> None:
    created_templates = ensure_templates()
    coordinator = User.objects.filter(email=f"koordinaattori@{core_demo.DOMAIN}").first()
    kempele = Municipality.objects.filter(code=core_demo.KEMPELE).first()
    region = Region.objects.filter(code=core_demo.REGION_CODE).first()
    if coordinator is None or kempele is None or region is None:
        stdout.write("Kyselyt: esittelyhenkilöitä ei löytynyt, vain mallipohjat ladattu.")
        return
    rng = random.Random(core_demo.SEED)
    today = timezone.localdate()
    made = 0
    templates = {q.key: q for q in Questionnaire.objects.templates()}
    mapping = templates["kartoitus"]
    mapping_questions = questions_of(mapping)
    with transaction.atomic():
        liaison = (
            Membership.objects.active()
            .filter(role=Role.LIAISON, municipality=kempele)
            .select_related("user")
            .order_by("id")
            .first()
        )
        # The mapping of Kempele: the coordinator interviews the liaison by phone.
        round_, new = _round(
            coordinator,
            "Kempeleen järjestöyhteistyön kartoitus 2026",
            questionnaire=mapping,
            target_kind=Round.Target.LIAISON,
            municipality=kempele,
            opens_on=today - timedelta(days=40),
            closes_on=today + timedelta(days=60),
        )
        if new:
            made += 1
            label = (
                f"{liaison.user.full_name}, {liaison.title or 'järjestöyhdyshenkilö'}"
                if liaison
                else "Kempeleen järjestöyhdyshenkilö"
            )
            services.save_answers(
                coordinator,
                round_,
                _answers(mapping_questions, rng, lean=0.6),
                submit=True,
                version="0",
                interview={
                    "respondent_label": label,
                    "interviewed_at": today - timedelta(days=35),
                },
            )
            round_.invitations.update(answered_at=timezone.now())
        # Neighbours' mappings, for the comparison at the association evening.
        for code in NEIGHBOURS:
            m = Municipality.objects.get(code=code)
            round_, new = _round(
                coordinator,
                f"{m.name_fi}: järjestöyhteistyön kartoitus 2026",
                questionnaire=mapping,
                target_kind=Round.Target.LIAISON,
                municipality=m,
                opens_on=today - timedelta(days=60),
                closes_on=today + timedelta(days=30),
            )
            if new:
                made += 1
                services.save_answers(
                    coordinator,
                    round_,
                    _answers(mapping_questions, rng, lean=0.5),
                    submit=True,
                    version="0",
                    interview={
                        "respondent_label": f"{m.name_fi}n järjestöyhdyshenkilö",
                        "interviewed_at": today - timedelta(days=50),
                    },
                )
                round_.invitations.update(answered_at=timezone.now())
        # Kempele's associations answer through their emailed links.
        view = templates["yhdistysten-nakemys"]
        round_, new = _round(
            coordinator,
            "Kempeleen yhdistysten näkemys 2026",
            questionnaire=view,
            target_kind=Round.Target.ASSOCIATIONS,
            municipality=kempele,
            opens_on=today - timedelta(days=14),
            closes_on=today + timedelta(days=21),
        )
        if new:
            made += 1
            round_.invitations.update(sent_at=timezone.now() - timedelta(days=14))
            view_questions = questions_of(view)
            invitations = list(round_.invitations.order_by("email"))
            for i, invitation in enumerate(invitations):
                if i % 3 == 2:
                    continue  # not answered yet
                half = i % 4 == 1
                services.save_answers(
                    None,
                    round_,
                    _answers(view_questions, rng, upto=4 if half else None, lean=0.45),
                    submit=not half,
                    version="0",
                    invitation=invitation,
                )
        # Feedback on the basic training of the region's agents (anonymous).
        feedback = templates["peruskoulutuksen-palaute"]
        round_, new = _round(
            coordinator,
            "Yhdistysagenttien peruskoulutus, kevät 2026: palaute",
            questionnaire=feedback,
            target_kind=Round.Target.AGENTS,
            region=region,
            opens_on=today - timedelta(days=20),
            closes_on=today + timedelta(days=10),
            anonymous=True,
        )
        if new:
            made += 1
            round_.invitations.update(sent_at=timezone.now() - timedelta(days=20))
            feedback_questions = questions_of(feedback)
            for invitation in list(round_.invitations.order_by("email"))[:8]:
                services.save_answers(
                    None,
                    round_,
                    _answers(feedback_questions, rng, lean=0.3),
                    submit=True,
                    version="0",
                    invitation=invitation,
                )
        made += _previous_mapping(coordinator, kempele, mapping, mapping_questions, today)
        made += _self_assessments(coordinator, kempele, templates, today)
    stdout.write(
        f"Kyselyt: {created_templates} uutta mallipohjaa, {made} uutta kyselykierrosta "
        f"({Round.objects.count()} kierrosta yhteensä)."
    )


def _previous_mapping(coordinator, kempele, mapping, mapping_questions, today) -> int:
    """Last year's mapping of Kempele, for the year-on-year comparison (its own random
    sequence, so that the other demo answers stay as they were)."""
    title = "Kempeleen järjestöyhteistyön kartoitus 2025"
    round_, new = _round(
        coordinator,
        title,
        questionnaire=mapping,
        target_kind=Round.Target.LIAISON,
        municipality=kempele,
        opens_on=today,
        closes_on=today + timedelta(days=30),
    )
    if not new:
        return 0
    services.save_answers(
        coordinator,
        round_,
        _answers(mapping_questions, random.Random(core_demo.SEED + 2025), lean=0.4),
        submit=True,
        version="0",
        interview={
            "respondent_label": "Kempeleen järjestöyhdyshenkilö",
            "interviewed_at": today - timedelta(days=395),
        },
    )
    round_.invitations.update(answered_at=timezone.now())
    # A round cannot be created in the past; it is moved there after the interview.
    Round.objects.filter(pk=round_.pk).update(
        opens_on=today - timedelta(days=400), closes_on=today - timedelta(days=340)
    )
    return 1


# Kempele improved on grants and premises since last year; Oulu assessed itself once.
SELF_ASSESSMENTS = [
    (
        "244",
        "Kempeleen järjestöystävällisyyden itsearviointi 2025",
        1,
        {"participation": "partly", "equal_partners": "partly", "liaison": "partly"}
        | {"premises": "no", "grants": "partly", "lived_experience": "no"}
        | {"communication": "partly"},
    ),
    (
        "244",
        "Kempeleen järjestöystävällisyyden itsearviointi 2026",
        0,
        {"participation": "yes", "equal_partners": "partly", "liaison": "yes"}
        | {"premises": "partly", "grants": "yes", "lived_experience": "partly"}
        | {"communication": "yes"},
    ),
    (
        "564",
        "Oulun järjestöystävällisyyden itsearviointi 2026",
        0,
        {"participation": "yes", "equal_partners": "yes", "liaison": "yes"}
        | {"premises": "partly", "grants": "yes", "lived_experience": "yes"}
        | {"communication": "partly"},
    ),
]
PROFILES = {
    "244": {
        "grants_url": "https://www.kempele.fi/vapaa-aika/avustukset",
        "grants_note": "Toiminta- ja kohdeavustukset haetaan helmikuussa; päättää "
        "hyvinvointilautakunta.",
        "premises_terms": "partly",
        "premises_url": "https://www.kempele.fi/tilavaraukset",
        "premises_note": "Koulujen liikuntasalit ja kirjaston kokoustila maksutta avoimeen "
        "toimintaan.",
        "communication_note": "Yhdistysten tapahtumat kuntatiedotteessa ja kunnan "
        "tapahtumakalenterissa.",
    },
    "564": {
        "grants_url": "https://www.ouka.fi/avustukset",
        "premises_terms": "fee",
        "premises_url": "https://www.ouka.fi/tilavaraukset",
        "document_url": "https://www.ouka.fi/jarjestoyhteistyo",
        "document_note": "Yhteistyöasiakirja laadittiin yhdessä yhdistysten kanssa "
        "yhdistysilloissa.",
        "communication_url": "https://www.ouka.fi/yhdistykset",
    },
}


def _self_assessments(coordinator, kempele, templates, today) -> int:
    """Self-assessment rounds, Kempele's association evening and the cooperation profiles
    of Kempele and Oulu, so that the evidence beside the criteria shows in the demo."""
    from silta.events.models import Event
    from silta.places.models import CooperationProfile
    from silta.places.services import update_cooperation_profile

    for code, fields in PROFILES.items():
        m = Municipality.objects.filter(code=code).first()
        if m and not CooperationProfile.objects.filter(municipality=m).exists():
            update_cooperation_profile(coordinator, m, **fields)
    day = today - timedelta(days=150)
    starts = timezone.make_aware(datetime.combine(day, time(17)))
    Event.objects.get_or_create(
        municipality=kempele,
        title_fi="Kempeleen yhdistysilta",
        defaults={
            "kind": Event.Kind.ASSOCIATION_EVENING,
            "description_fi": "Kartoituksen tulokset ja työpaja avustuksista ja tiloista.",
            "venue_name": "Kempeleen kunnantalo",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "status": Event.Status.HELD,
        },
    )
    questionnaire = templates.get("jarjestoystavallinen-kunta")
    if questionnaire is None:
        return 0
    topics = {q.topic: q for q in questions_of(questionnaire) if q.parent_id is None}
    made = 0
    for code, title, years_ago, answers in SELF_ASSESSMENTS:
        m = Municipality.objects.filter(code=code).first()
        if m is None:
            continue
        round_, new = _round(
            coordinator,
            title,
            questionnaire=questionnaire,
            target_kind=Round.Target.LIAISON,
            municipality=m,
            opens_on=today,
            closes_on=today + timedelta(days=30),
        )
        if not new:
            continue
        made += 1
        services.save_answers(
            coordinator,
            round_,
            {topics[key]: value for key, value in answers.items()},
            submit=True,
            version="0",
            interview={
                "respondent_label": f"{m.name_fi}: järjestöyhdyshenkilö",
                "interviewed_at": today - timedelta(days=365 * years_ago + 5),
            },
        )
        round_.invitations.update(answered_at=timezone.now())
        if years_ago:
            shift = timedelta(days=365 * years_ago + 10)
            Round.objects.filter(pk=round_.pk).update(
                opens_on=today - shift, closes_on=today - shift + timedelta(days=30)
            )
    return made
