"""Comparisons of the mapping (seed 000 step 2, seed 003): one municipality's answers beside
its associations' view, the other municipalities of the region and its own previous round;
and the region's overview for the coordinator.

Each comparison is a fixed number of queries, whatever the number of municipalities, rounds
or answers: the answers come in one query per kind of round and are grouped here.
"""

import io
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from silta.accounts.permissions import scope_of
from silta.places.models import Municipality

from .models import Answer, Choice, Purpose, Round
from .results import MIN_GROUP, _safe_cell

# The eight topics of the mapping (seed 000 step 1), in the order of the questionnaire.
TOPICS = [
    ("liaison", gettext_lazy("Nimetty järjestöyhdyshenkilö")),
    ("convened", gettext_lazy("Yhdistykset kutsutaan säännöllisesti koolle")),
    ("grants", gettext_lazy("Järjestöavustukset")),
    ("premises", gettext_lazy("Kunnan tilat yhdistysten käytössä")),
    ("services", gettext_lazy("Yhdistykset mukana palvelujen kehittämisessä")),
    ("lived_experience", gettext_lazy("Kokemustiedon kerääminen yhdistyksiltä")),
    ("agents", gettext_lazy("Myönteinen suhtautuminen yhdistysagenttitoimintaan")),
    ("feedback", gettext_lazy("Palautekanavat kuntalaisille")),
]
TOPIC_KEYS = [key for key, _label in TOPICS]
# Answers that count as "yes": premises free or for a fee, a positive view of agent work.
YES_VALUES = {"yes", "free", "fee", "positive"}


def is_yes(value) -> bool:
    return isinstance(value, str) and value in YES_VALUES


def can_view_comparison(user, municipality) -> bool:
    """The coordinators serving the municipality, its liaison and agents, administrators."""
    s = scope_of(user)
    return s.is_admin or municipality.pk in (s.coordinated | s.liaison_of | s.agent_of)


def can_view_region_overview(user, region) -> bool:
    """Administrators and coordinators serving a municipality of the region."""
    s = scope_of(user)
    if s.is_admin:
        return True
    if not s.coordinated:
        return False
    return Municipality.objects.filter(region=region, pk__in=s.coordinated).exists()


@dataclass
class MappingAnswer:
    round_id: int
    year: int
    title: str
    values: dict = field(default_factory=dict)  # topic -> value
    question_ids: dict = field(default_factory=dict)  # topic -> question id


def _mapping_rounds(
    municipality_filter: Q, purpose=Purpose.MAPPING, keys=None
) -> dict[int, list[MappingAnswer]]:
    """Submitted answers of the municipalities' own rounds of one purpose (the mapping by
    default), per municipality, newest round first (one query). Of a round with several
    submitted responses the latest one counts."""
    extra = Q()
    if purpose == Purpose.SELF_ASSESSMENT:
        # The municipality assesses itself; a round sent to its associations is their view.
        extra = Q(response__round__target_kind=Round.Target.LIAISON)
    rows = (
        Answer.objects.filter(
            municipality_filter,
            extra,
            response__submitted_at__isnull=False,
            response__round__questionnaire__purpose=purpose,
            response__round__municipality__isnull=False,
            question__parent__isnull=True,
            question__topic__in=keys or TOPIC_KEYS,
        )
        .order_by(
            "response__round__municipality_id",
            "-response__round__opens_on",
            "-response__round_id",
            "-response__submitted_at",
            "-response_id",
        )
        .values_list(
            "response__round__municipality_id",
            "response__round_id",
            "response__round__opens_on",
            "response__round__title",
            "response_id",
            "question__topic",
            "question_id",
            "value",
        )
    )
    by_municipality: dict[int, list[MappingAnswer]] = {}
    chosen_response: dict[int, int] = {}  # round -> the response that counts
    for m_id, round_id, opens_on, title, response_id, topic, question_id, value in rows:
        if chosen_response.setdefault(round_id, response_id) != response_id:
            continue
        rounds = by_municipality.setdefault(m_id, [])
        if not rounds or rounds[-1].round_id != round_id:
            rounds.append(MappingAnswer(round_id=round_id, year=opens_on.year, title=title))
        rounds[-1].values.setdefault(topic, value)
        rounds[-1].question_ids.setdefault(topic, question_id)
    return by_municipality


def _labels(question_ids) -> dict[tuple[int, str], str]:
    """(question id, value) -> the choice's label in the current language (one query)."""
    if not question_ids:
        return {}
    return {
        (c.question_id, c.value): c.label
        for c in Choice.objects.filter(question_id__in=set(question_ids))
    }


def _label(labels, question_id, value) -> str:
    if value is None:
        return "–"
    if isinstance(value, list):
        return "; ".join(labels.get((question_id, v), str(v)) for v in value)
    return labels.get((question_id, value), str(value))


@dataclass
class TopicRow:
    key: str
    title: str
    own: str = "–"  # the municipality's own answer, as a label
    own_yes: bool | None = None
    assoc_n: int = 0
    assoc_yes: int = 0
    assoc_percent: int | None = None
    assoc_hidden: bool = False
    region_yes: int = 0
    region_n: int = 0
    region_percent: int | None = None
    previous: str | None = None  # label of the previous answer; None without a previous round
    change: str = "none"  # changed / same / none

    @property
    def own_width(self) -> float:
        return 260.0 if self.own_yes else 0.0

    @property
    def assoc_width(self) -> float:
        return 2.6 * (self.assoc_percent or 0)

    @property
    def region_width(self) -> float:
        return 2.6 * (self.region_percent or 0)


@dataclass
class Comparison:
    municipality: Municipality
    rows: list
    latest: MappingAnswer | None = None
    previous: MappingAnswer | None = None
    assoc_round: Round | None = None
    assoc_respondents: int = 0
    region_answered: int = 0
    min_group: int = MIN_GROUP


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def compare(municipality) -> Comparison:
    """The comparison page's data, in five queries."""
    region_id = municipality.region_id
    mapping = _mapping_rounds(
        Q(response__round__municipality__region_id=region_id)
        if region_id
        else Q(response__round__municipality=municipality)
    )
    own_rounds = mapping.get(municipality.pk, [])
    latest = own_rounds[0] if own_rounds else None
    previous = own_rounds[1] if len(own_rounds) > 1 else None
    others = [rounds[0] for m_id, rounds in mapping.items() if m_id != municipality.pk]

    assoc_round = (
        Round.objects.filter(
            municipality=municipality,
            questionnaire__purpose=Purpose.ASSOCIATIONS_VIEW,
            responses__submitted_at__isnull=False,
        )
        .order_by("-opens_on", "-id")
        .first()
    )
    assoc_answers: dict[str, list] = {}
    respondents = 0
    if assoc_round is not None:
        rows = Answer.objects.filter(
            response__round=assoc_round,
            response__submitted_at__isnull=False,
            question__parent__isnull=True,
            question__topic__in=TOPIC_KEYS,
        ).values_list("response_id", "question__topic", "value")
        seen = set()
        for response_id, topic, value in rows:
            seen.add(response_id)
            assoc_answers.setdefault(topic, []).append(value)
        respondents = len(seen)

    question_ids = []
    for answer in (latest, previous):
        if answer:
            question_ids += answer.question_ids.values()
    labels = _labels(question_ids)

    result = []
    for key, title in TOPICS:
        row = TopicRow(key=key, title=str(title))
        if latest and key in latest.values:
            value = latest.values[key]
            row.own = _label(labels, latest.question_ids[key], value)
            row.own_yes = is_yes(value)
        values = assoc_answers.get(key, [])
        row.assoc_n = len(values)
        if assoc_round is not None and assoc_round.anonymous and row.assoc_n < MIN_GROUP:
            row.assoc_hidden = True
        else:
            row.assoc_yes = sum(1 for v in values if is_yes(v))
            row.assoc_percent = _percent(row.assoc_yes, row.assoc_n)
        answered = [o.values[key] for o in others if key in o.values]
        row.region_n = len(answered)
        row.region_yes = sum(1 for v in answered if is_yes(v))
        row.region_percent = _percent(row.region_yes, row.region_n)
        if previous is not None and key in previous.values:
            before = previous.values[key]
            row.previous = _label(labels, previous.question_ids[key], before)
            if latest and key in latest.values:
                row.change = "same" if before == latest.values[key] else "changed"
        result.append(row)
    return Comparison(
        municipality=municipality,
        rows=result,
        latest=latest,
        previous=previous,
        assoc_round=assoc_round,
        assoc_respondents=respondents,
        region_answered=len(others),
    )


# -- the region's overview ----------------------------------------------------------------
# Rows: the region's municipalities. Columns: the eight topics of the latest mapping and the
# seven criteria of the latest self-assessment, each with its change since the round before,
# and beside every criterion what Silta itself knows (evidence.py).

# A criterion's answer, in order from not met to met (to tell the direction of a change).
CRITERION_LEVELS = {"no": 0, "partly": 1, "yes": 2}


@dataclass
class Cell:
    value: str  # yes / no / ""
    change: str = ""  # up / down / ""

    @property
    def text(self) -> str:
        return {"yes": _("kyllä"), "no": _("ei")}.get(self.value, "–")

    @property
    def change_text(self) -> str:
        return {"up": _("muuttunut: ennen ei"), "down": _("muuttunut: ennen kyllä")}.get(
            self.change, ""
        )


@dataclass
class CriterionCell:
    value: str  # yes / partly / no / ""
    change: str = ""  # up / down / ""
    before: str = ""  # the previous round's value, when it differs
    evidence: object = None  # evidence.Evidence

    @staticmethod
    def label(value) -> str:
        return {
            "yes": _("toteutuu"),
            "partly": _("osittain"),
            "no": _("ei toteudu"),
        }.get(value, "–")

    @property
    def text(self) -> str:
        return self.label(self.value)

    @property
    def change_text(self) -> str:
        if not self.change:
            return ""
        return _("muuttunut: ennen %(before)s") % {"before": self.label(self.before)}


@dataclass
class OverviewRow:
    municipality: Municipality
    year: int | None
    cells: list
    assessment_year: int | None = None
    criteria: list = field(default_factory=list)


def _cell(latest, previous, key) -> Cell:
    if latest is None or key not in latest.values:
        return Cell("")
    now = is_yes(latest.values[key])
    cell = Cell("yes" if now else "no")
    if previous is not None and key in previous.values:
        before = is_yes(previous.values[key])
        if before != now:
            cell.change = "up" if now else "down"
    return cell


def _criterion_cell(latest, previous, key) -> CriterionCell:
    value = latest.values.get(key) if latest else None
    if value not in CRITERION_LEVELS:
        return CriterionCell("")
    cell = CriterionCell(value)
    before = previous.values.get(key) if previous else None
    if before in CRITERION_LEVELS and before != value:
        cell.before = before
        cell.change = "up" if CRITERION_LEVELS[value] > CRITERION_LEVELS[before] else "down"
    return cell


def overview(region, user=None) -> list[OverviewRow]:
    """Every municipality of the region: its latest mapping as yes/no per topic, its latest
    self-assessment per criterion and the evidence beside it (a fixed number of queries:
    municipalities, mappings, self-assessments and five for the evidence)."""
    from .evidence import CRITERION_KEYS, evidence_many

    municipalities = list(Municipality.objects.filter(region=region).order_by("name_fi"))
    in_region = Q(response__round__municipality__region=region)
    mapping = _mapping_rounds(in_region)
    assessments = _mapping_rounds(in_region, Purpose.SELF_ASSESSMENT, CRITERION_KEYS)
    evidence = evidence_many(municipalities, user)
    rows = []
    for m in municipalities:
        rounds = mapping.get(m.pk, [])
        latest = rounds[0] if rounds else None
        previous = rounds[1] if len(rounds) > 1 else None
        own = assessments.get(m.pk, [])
        assessed = own[0] if own else None
        assessed_before = own[1] if len(own) > 1 else None
        criteria = []
        for key in CRITERION_KEYS:
            cell = _criterion_cell(assessed, assessed_before, key)
            cell.evidence = evidence[m.pk][key]
            criteria.append(cell)
        rows.append(
            OverviewRow(
                municipality=m,
                year=latest.year if latest else None,
                cells=[_cell(latest, previous, key) for key in TOPIC_KEYS],
                assessment_year=assessed.year if assessed else None,
                criteria=criteria,
            )
        )
    return rows


def overview_xlsx(region, rows) -> bytes:
    """The overview's columns: per topic its answer and change; per criterion its answer,
    change and what Silta knows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .evidence import CRITERIA

    book = Workbook()
    sheet = book.active
    sheet.title = _("Kartoitukset")[:31]
    header = [_("Kunta"), _("Kartoitusvuosi")]
    for _key, title in TOPICS:
        header += [str(title), _("Muutos edelliseen")]
    header.append(_("Itsearviointivuosi"))
    for _key, _label, short in CRITERIA:
        header += [str(short), _("Muutos edelliseen"), _("Silta tietää")]
    sheet.append([_safe_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        line = [row.municipality.name, str(row.year or "")]
        for cell in row.cells:
            line += [cell.text if cell.value else "", cell.change_text]
        line.append(str(row.assessment_year or ""))
        for cell in row.criteria:
            line += [
                cell.text if cell.value else "",
                cell.change_text,
                cell.evidence.summary if cell.evidence else "",
            ]
        sheet.append([_safe_cell(str(v)) for v in line])
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.data_type = "s"  # never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
