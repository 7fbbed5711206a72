"""Results of a round, per question: counts, shares, distributions, free texts; and exports.

Everything is computed from one query of answers. In an anonymous round no distribution of
fewer than MIN_GROUP respondents is shown, so that nobody's answer can be picked out.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Answer, Choice, Question, Response

MIN_GROUP = 5
K = Question.Kind


def questions_of(questionnaire):
    return list(
        Question.objects.filter(section__questionnaire=questionnaire)
        .select_related("section")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "id")))
        .order_by("section__order", "section_id", "order", "id")
    )


@dataclass
class Bar:
    label: str
    count: int
    percent: int
    y: int = 0
    width: float = 0


@dataclass
class QuestionResult:
    question: Question
    respondents: int = 0
    bars: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    numbers: dict = field(default_factory=dict)
    hidden: bool = False

    @property
    def chart_height(self) -> int:
        return len(self.bars) * 40 + 4


def _labels(question):
    if question.kind == K.SCALE:
        labels = {i: str(i) for i in range(1, 6)}
        if question.low_label:
            labels[1] = f"1 – {question.low_label}"
        if question.high_label:
            labels[5] = f"5 – {question.high_label}"
        return labels
    return {c.value: c.label for c in question.choices.all()}


def display_value(question, value, labels=None) -> str:
    labels = labels if labels is not None else _labels(question)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(labels.get(v, v)) for v in value)
    if question.kind in Question.CHOICE_KINDS:
        return str(labels.get(value, value))
    return str(value)


def compute(round_, questions=None) -> tuple[int, list[QuestionResult]]:
    """(submitted respondents, a result per question)."""
    questions = questions if questions is not None else questions_of(round_.questionnaire)
    rows = list(
        Answer.objects.filter(response__round=round_, response__submitted_at__isnull=False)
        .order_by("response_id")
        .values_list("question_id", "value", "response__respondent_label")
    )
    submitted = Response.objects.filter(round=round_, submitted_at__isnull=False).count()
    by_question: dict[int, list] = {}
    for question_id, value, label in rows:
        by_question.setdefault(question_id, []).append((value, label))
    results = []
    for question in questions:
        answers = by_question.get(question.pk, [])
        result = QuestionResult(question=question, respondents=len(answers))
        if round_.anonymous and result.respondents < MIN_GROUP:
            result.hidden = True
            results.append(result)
            continue
        if question.kind in Question.CHOICE_KINDS:
            labels = _labels(question)
            counts = dict.fromkeys(labels, 0)
            for value, _label in answers:
                for v in value if isinstance(value, list) else [value]:
                    if v in counts:
                        counts[v] += 1
            for i, (value, label) in enumerate(labels.items()):
                n = counts[value]
                percent = round(100 * n / result.respondents) if result.respondents else 0
                result.bars.append(
                    Bar(label=label, count=n, percent=percent, y=i * 40, width=2.6 * percent)
                )
        elif question.kind == K.NUMBER:
            numbers = [v for v, _label in answers if isinstance(v, int)]
            if numbers:
                result.numbers = {
                    "min": min(numbers),
                    "max": max(numbers),
                    "mean": round(sum(numbers) / len(numbers), 1),
                    "sum": sum(numbers),
                }
        else:
            result.texts = [
                (None if round_.anonymous else label, str(value)) for value, label in answers
            ]
        results.append(result)
    return submitted, results


def _safe_cell(value: str) -> str:
    """Spreadsheets run a cell that starts like a formula; an answer must stay text."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def table(round_) -> tuple[list[str], list[list[str]]]:
    """Header and one row per response (drafts too, marked), answers as display text."""
    questions = questions_of(round_.questionnaire)
    labels = {q.pk: _labels(q) for q in questions}
    responses = list(
        Response.objects.filter(round=round_)
        .select_related("interviewed_by")
        .prefetch_related("answers")
        # In an anonymous round the order of creation could hint at who answered when:
        # by day, then by the (random-looking) keyed hash.
        .order_by(*(("submitted_at", "resume_key", "id") if round_.anonymous else ("id",)))
    )
    header = [_("Tila"), _("Lähetetty")]
    if not round_.anonymous:
        header += [_("Vastaaja"), _("Haastattelija"), _("Haastattelupäivä")]
    header += [q.text_fi for q in questions]
    data = []
    for response in responses:
        answers = {a.question_id: a.value for a in response.answers.all()}
        row = [
            _("lähetetty") if response.submitted_at else _("kesken"),
            _sent(response, round_.anonymous),
        ]
        if not round_.anonymous:
            row += [
                response.respondent_label,
                str(response.interviewed_by or ""),
                response.interviewed_at.isoformat() if response.interviewed_at else "",
            ]
        row += [display_value(q, answers.get(q.pk), labels[q.pk]) for q in questions]
        data.append([_safe_cell(str(c)) for c in row])
    return header, data


def as_csv(round_) -> str:
    header, data = table(round_)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(data)
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read UTF-8


def as_xlsx(round_) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, data = table(round_)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Vastaukset")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.data_type = "s"  # never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sent(response, anonymous: bool) -> str:
    """When the answer was sent, in Finnish time; only the day in an anonymous round."""
    if not response.submitted_at:
        return ""
    local = timezone.localtime(response.submitted_at)
    return local.strftime("%Y-%m-%d") if anonymous else local.strftime("%Y-%m-%d %H:%M")
