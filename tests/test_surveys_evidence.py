"""Evidence beside the NGO-friendly municipality criteria: what Silta already knows (the
liaison, association evenings, the cooperation profile, the directory), in the results of a
self-assessment round, through the template tag the answering pages include, and in the
region's overview with its XLSX export."""

import datetime as dt
import io
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from silta.accounts.models import Role
from silta.associations.models import Association
from silta.events.models import Event
from silta.places.models import CooperationProfile, Municipality
from silta.surveys import services
from silta.surveys.evidence import CRITERIA, evidence_for, evidence_many

from .events_factories import event
from .factories import AssociationFactory, UserFactory, grant
from .surveys_factories import YES_ALL, by_topic, make_round, mapping

SELF_ASSESSMENT = "jarjestoystavallinen-kunta"


def assessment(municipality, answers, *, years_ago=0):
    """A self-assessment round of the municipality, answered by its liaison."""
    round_ = make_round(
        key=SELF_ASSESSMENT,
        target="liaison",
        municipality=municipality,
        title=f"{municipality.name_fi}: itsearviointi -{years_ago}",
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
        from silta.surveys.models import Round

        shift = dt.timedelta(days=365 * years_ago)
        Round.objects.filter(pk=round_.pk).update(
            opens_on=round_.opens_on - shift, closes_on=round_.closes_on - shift
        )
        round_.refresh_from_db()
    return round_


def evening(municipality, days, **fields):
    starts = timezone.now() + dt.timedelta(days=days)
    status = Event.Status.HELD if days < 0 else Event.Status.PUBLISHED
    return event(
        municipality,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        status=fields.pop("status", status),
        **fields,
    )


def text_of(response):
    body = response.content.decode().split("<main", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


# -- evidence_for -----------------------------------------------------------------------------


def test_liaison_named_shows_name_only_to_those_who_work_with_the_municipality(world):
    coordinator = evidence_for(world.oulu, "liaison", world.user("coordinator"))
    named = coordinator.facts[0]
    assert named.ok and named.text == "Olli Oululainen"
    assert named.short == "nimetty yhdyshenkilö"

    public = evidence_for(Municipality.objects.get(code="564"), "liaison", None)
    assert public.facts[0].ok and public.facts[0].text == "nimetty"
    outsider = evidence_for(Municipality.objects.get(code="564"), "liaison", world.user("outsider"))
    assert "Olli" not in outsider.facts[0].text

    helsinki = evidence_for(world.helsinki, "liaison", world.user("admin"))
    assert not helsinki.facts[0].ok
    assert helsinki.facts[0].text == "Siltaan ei ole kirjattu järjestöyhdyshenkilöä."
    assert not helsinki  # nothing supports the criterion


def test_ended_liaison_membership_is_not_evidence(world):
    from silta.accounts.models import Membership

    Membership.objects.filter(role=Role.LIAISON, municipality=world.kempele).update(
        ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert not evidence_for(world.kempele, "liaison", world.user("admin")).facts[0].ok


def test_association_evening_eleven_months_ago_counts_thirteen_does_not(world):
    kempele = world.kempele
    evening(kempele, -395)  # 13 months ago
    facts = evidence_for(kempele, "liaison", None).facts
    assert not facts[1].ok
    assert facts[1].text == "Ei pidettyjä eikä suunniteltuja yhdistysiltoja vuoden sisällä."

    held = evening(kempele, -335)  # 11 months ago
    kempele = Municipality.objects.get(pk=kempele.pk)  # evidence is cached per object
    facts = evidence_for(kempele, "liaison", None).facts
    assert facts[1].ok
    assert facts[1].short == "1 yhdistysilta"
    assert facts[1].text == timezone.localtime(held.starts_at).strftime("%-d.%-m.%Y")


def test_planned_and_cancelled_evenings(world):
    oulu = world.oulu
    evening(oulu, 40, status=Event.Status.PLANNED)  # a draft: its organisers see it
    evening(oulu, -20, status=Event.Status.CANCELLED)  # never counts
    evening(oulu, 300)  # published, ten months ahead: counts
    evening(oulu, 400)  # over a year ahead: does not
    for_liaison = evidence_for(oulu, "liaison", world.user("oulu_liaison")).facts[1]
    assert for_liaison.short == "2 yhdistysiltaa"
    assert for_liaison.text.count("(tulossa)") == 2
    oulu = Municipality.objects.get(pk=oulu.pk)
    assert evidence_for(oulu, "liaison", None).facts[1].short == "1 yhdistysilta"
    # Another municipality's evening is not Oulu's evidence.
    evening(world.kempele, -10)
    oulu = Municipality.objects.get(pk=oulu.pk)
    assert evidence_for(oulu, "liaison", None).facts[1].short == "1 yhdistysilta"


def test_profile_with_and_without_grant_rules(world):
    kempele = world.kempele
    grants = evidence_for(kempele, "grants", None)
    assert not grants and grants.facts[0].text == "Ei kirjattu kunnan yhteistyötietoihin."
    assert grants.profile_url == reverse("places:cooperation", args=["244"])

    CooperationProfile.objects.create(
        municipality=kempele, grants_note="Haku helmikuussa.", premises_terms="fee"
    )
    kempele = Municipality.objects.get(pk=kempele.pk)
    grants = evidence_for(kempele, "grants", None)
    assert not grants  # a note alone is not the published rules
    assert grants.facts[0].note == "Haku helmikuussa."
    premises = evidence_for(kempele, "premises", None)
    assert premises.facts[0].text == "maksua vastaan" and not premises  # not free of charge

    CooperationProfile.objects.filter(municipality=kempele).update(
        grants_url="https://www.kempele.fi/avustukset",
        premises_terms="free",
        document_url="https://www.kempele.fi/yhteistyoasiakirja",
        document_adopted_on=dt.date(2025, 5, 12),
    )
    kempele = Municipality.objects.get(pk=kempele.pk)
    grants = evidence_for(kempele, "grants", None)
    assert grants and grants.facts[0].url == "https://www.kempele.fi/avustukset"
    assert grants.summary == "avustusperusteet julkaistu"
    assert evidence_for(kempele, "premises", None).summary == "tiloja maksutta"
    partners = evidence_for(kempele, "equal_partners", None)
    assert partners.facts[0].text == "hyväksytty 12.5.2025"


def test_directory_counts_active_associations_at_home_or_acting_in_the_municipality(world):
    kempele = world.kempele
    AssociationFactory(municipality=kempele, status=Association.Status.DORMANT)
    AssociationFactory(municipality=kempele, status=Association.Status.DISSOLVED)
    acting = AssociationFactory(municipality=world.oulu)
    acting.municipalities.add(kempele)
    fact = evidence_for(kempele, "communication", None).facts[-1]
    assert fact.ok and fact.text == "2 toiminnassa olevaa yhdistystä"
    assert fact.url == reverse("associations:directory", args=["244"])
    empty = evidence_for(Municipality.objects.get(code="425"), "communication", None)
    assert not empty and empty.facts[-1].text == "0 toiminnassa olevaa yhdistystä"


def test_criteria_keys_are_the_shipped_templates_topics(places):
    from silta.surveys.shipped import SELF_ASSESSMENT as SPEC

    topics = [q["topic"] for q in SPEC["sections"][0][1]]
    assert topics == [key for key, _label, _short in CRITERIA]
    texts = [q["text"][0] for q in SPEC["sections"][0][1]]
    assert texts == [str(label) for _key, label, _short in CRITERIA]


def test_unknown_key_and_criteria_silta_knows_nothing_about(world):
    assert not evidence_for(world.oulu, "nonsense").facts
    assert not evidence_for(world.oulu, "participation").known
    assert not evidence_for(world.oulu, "lived_experience").known


# -- the template tag and the results page -------------------------------------------------------


def _render_tag(round_, question, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load evidence_tags %}{% criterion_evidence round q %}")
    return template.render(Context({"round": round_, "q": question, "request": request}))


def test_tag_shows_evidence_beside_criteria_of_a_self_assessment_only(world):
    round_ = make_round(key=SELF_ASSESSMENT, target="liaison", municipality=world.oulu)
    topics, questions = by_topic(round_)
    html = _render_tag(round_, topics["liaison"], world.user("oulu_liaison"))
    assert "Silta tietää" in html and "Olli Oululainen" in html
    assert 'href="/static/places/cooperation.css"' in html or "cooperation.css" in html
    assert reverse("places:cooperation_edit", args=["564"]) in html
    html = _render_tag(round_, topics["liaison"], world.user("coordinator"))
    assert reverse("places:cooperation_edit", args=["564"]) not in html  # may not edit
    # No box for criteria Silta knows nothing about, nor for follow-up questions.
    assert _render_tag(round_, topics["participation"], None).strip() == ""
    follow_up = next(q for q in questions if q.parent_id == topics["liaison"].pk)
    assert _render_tag(round_, follow_up, None).strip() == ""
    # The mapping has a "liaison" topic too, but it is not the criteria.
    mapping_round = make_round(key="kartoitus", target="liaison", municipality=world.oulu)
    mapping_topics, _q = by_topic(mapping_round)
    assert _render_tag(mapping_round, mapping_topics["liaison"], None).strip() == ""


def test_tag_escapes_the_municipalitys_notes(world):
    CooperationProfile.objects.create(
        municipality=world.oulu,
        grants_url="https://www.ouka.fi/avustukset?a=1&b=<x>",
        grants_note='<script>alert("x")</script>',
    )
    round_ = make_round(key=SELF_ASSESSMENT, target="liaison", municipality=world.oulu)
    topics, _q = by_topic(round_)
    html = _render_tag(round_, topics["grants"], None)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_results_of_a_self_assessment_show_evidence(world):
    CooperationProfile.objects.create(
        municipality=world.oulu, grants_url="https://www.ouka.fi/avustukset"
    )
    round_ = assessment(world.oulu, {"grants": "yes", "liaison": "partly"})
    response = world.client("oulu_liaison").get(reverse("surveys:results", args=[round_.pk]))
    assert response.status_code == 200
    text = text_of(response)
    grants = text.split("Kunta maksaa yhdistyksille avustuksia.", 1)[1][:400]
    assert "Silta tietää" in grants
    assert "Avustusten myöntöperusteet: julkaistu" in grants
    liaison = text.split("kutsuu yhdistykset säännöllisesti koolle.", 1)[1][:400]
    assert "Järjestöyhdyshenkilö: Olli Oululainen" in liaison
    # One box per criterion Silta knows something of: five of the seven.
    assert response.content.decode().count('class="evidence"') == 5


# -- the region's overview ---------------------------------------------------------------------


def test_overview_columns_include_the_criteria_with_change_and_evidence(world):
    kempele = world.kempele
    mapping(kempele, {"liaison": "yes"})
    assessment(kempele, {"grants": "no", "liaison": "yes", "premises": "partly"}, years_ago=1)
    assessment(kempele, {"grants": "yes", "liaison": "yes", "premises": "no"})
    CooperationProfile.objects.create(
        municipality=kempele, grants_url="https://www.kempele.fi/avustukset"
    )
    response = world.client("coordinator").get(reverse("surveys:region_overview", args=["17"]))
    assert response.status_code == 200
    body = response.content.decode()
    for _key, _label, short in CRITERIA:
        assert f'">{short}</abbr></th>' in body
    assert "Järjestöystävällisen kunnan itsearvioinnin on tehnyt 1 alueen" in body
    row = body.split(">Kempele</a></th>", 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert len(cells) == 1 + 8 + 1 + 7
    criteria = dict(zip([k for k, _l, _s in CRITERIA], cells[10:], strict=True))
    assert criteria["grants"].startswith('toteutuu <span class="change">↑')
    assert "muuttunut: ennen ei toteudu" in criteria["grants"]
    assert "✓</span> Silta: avustusperusteet julkaistu" in criteria["grants"]
    assert "ei toteudu" in criteria["premises"] and "↓" in criteria["premises"]
    assert "muuttunut: ennen osittain" in criteria["premises"]
    assert criteria["liaison"].startswith("toteutuu") and "↑" not in criteria["liaison"]
    assert "Silta: nimetty yhdyshenkilö" in criteria["liaison"]
    assert criteria["participation"].startswith("–")
    assert cells[9] == str(timezone.localdate().year)
    # A municipality without anything: dashes, and no marker.
    liminka = body.split("Liminka</th>", 1)[1].split("</tr>", 1)[0]
    assert "Silta:" not in liminka.replace("yhdistys Siltassa", "")
    # Names never reach the overview, only that a liaison is named.
    assert "Kaisa Kempele" not in body


def test_overview_counts_only_the_municipalitys_own_assessment(world):
    """A self-assessment round sent to the associations is their view, not the municipality's."""
    round_ = make_round(key=SELF_ASSESSMENT, target="associations", municipality=world.kempele)
    topics, _q = by_topic(round_)
    from .surveys_factories import invite

    services.save_answers(
        None,
        round_,
        {topics["grants"]: "yes"},
        submit=True,
        version="0",
        invitation=invite(round_, "yhdistys@example.fi"),
    )
    body = world.client("coordinator").get(reverse("surveys:region_overview", args=["17"]))
    row = body.content.decode().split(">Kempele<", 1)[1].split("</tr>", 1)[0]
    assert "toteutuu" not in row


def test_overview_xlsx_has_the_same_columns(world):
    kempele = world.kempele
    mapping(kempele, {"liaison": "no"}, years_ago=1)
    mapping(kempele, {"liaison": "yes"})
    assessment(kempele, {"grants": "no"}, years_ago=1)
    assessment(kempele, {"grants": "yes", "participation": "partly"})
    response = world.client("coordinator").get(reverse("surveys:region_overview_xlsx", args=["17"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert len(header) == 2 + 8 * 2 + 1 + 7 * 3
    assert header[18] == "Itsearviointivuosi"
    assert header[19:22] == ("Osallistuminen", "Muutos edelliseen", "Silta tietää")
    shorts = [str(s) for _k, _l, s in CRITERIA]
    assert [header[19 + 3 * i] for i in range(7)] == shorts
    k = next(r for r in rows if r[0] == "Kempele")
    assert k[2:4] == ("kyllä", "muuttunut: ennen ei")
    assert k[18] == str(timezone.localdate().year)
    assert k[19] == "osittain"
    grants = 19 + 3 * 4
    assert header[grants] == "Avustukset"
    assert k[grants : grants + 2] == ("toteutuu", "muuttunut: ennen ei toteudu")
    liaison = 19 + 3 * 2
    assert k[liaison + 2] == "nimetty yhdyshenkilö"  # Kempele's liaison, no name
    communication = 19 + 3 * 6
    assert k[communication + 2] == "1 yhdistys Siltassa"
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)


def _fill_region(n):
    """n municipalities of Pohjois-Pohjanmaa with everything: liaison, evening, profile,
    associations, two mappings and two self-assessments."""
    for i, m in enumerate(Municipality.objects.filter(region__code="17").order_by("code")[:n]):
        grant(UserFactory(email=f"yh{i}@example.fi"), Role.LIAISON, municipality=m)
        evening(m, -30)
        CooperationProfile.objects.create(
            municipality=m, grants_url="https://example.fi/a", premises_terms="free"
        )
        AssociationFactory(municipality=m)
        for years_ago in (1, 0):
            mapping(m, YES_ALL if years_ago else {"liaison": "no"}, years_ago=years_ago)
            answer = "no" if years_ago else "yes"
            assessment(m, {key: answer for key, _l, _s in CRITERIA}, years_ago=years_ago)


@pytest.mark.parametrize("size", [2, 30])
def test_overview_queries_do_not_grow_with_municipalities(
    world, django_assert_max_num_queries, size
):
    _fill_region(size)
    assert Municipality.objects.filter(region__code="17").count() >= 30
    client = world.client("coordinator")
    # measured 14 with 2 and with 30 municipalities (session, user, scope, region, access,
    # municipalities, mappings, self-assessments, five for the evidence)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("surveys:region_overview", args=["17"]))
    assert response.status_code == 200
    assert response.content.decode().count("muuttunut: ennen ei toteudu") == 7 * size
    assert response.content.decode().count("Silta: nimetty yhdyshenkilö") >= size
    with django_assert_max_num_queries(15):
        response = client.get(reverse("surveys:region_overview_xlsx", args=["17"]))
    assert response.status_code == 200


def test_evidence_many_is_five_queries(world, django_assert_num_queries):
    _fill_region(3)
    municipalities = list(Municipality.objects.filter(region__code="17"))
    user = world.user("coordinator")
    from silta.accounts.permissions import scope_of

    scope_of(user)
    with django_assert_num_queries(5):
        found = evidence_many(municipalities, user)
    assert len(found) == len(municipalities)


def test_interviewer_sees_the_evidence_beside_the_criteria(world):
    CooperationProfile.objects.create(
        municipality=world.oulu, grants_url="https://www.ouka.fi/avustukset"
    )
    round_ = make_round(key=SELF_ASSESSMENT, target="liaison", municipality=world.oulu)
    page = world.client("coordinator").get(reverse("surveys:interview", args=[round_.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("Silta tietää") >= 3  # liaison, grants, communication at least
    assert "https://www.ouka.fi/avustukset" in body
    # The mapping interview has no such boxes.
    mapping_round = make_round(key="kartoitus", target="liaison", municipality=world.oulu)
    page = world.client("coordinator").get(reverse("surveys:interview", args=[mapping_round.pk]))
    assert "Silta tietää" not in page.content.decode()
