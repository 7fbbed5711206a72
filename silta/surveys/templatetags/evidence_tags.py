"""`{% criterion_evidence round question %}`: what Silta already knows beside a criterion of
the NGO-friendly municipality self-assessment. Renders nothing for other questionnaires,
follow-up questions, rounds without a municipality or criteria Silta knows nothing about."""

from django import template

from ..evidence import CRITERION_KEYS, evidence_for
from ..models import Purpose

register = template.Library()


@register.inclusion_tag("surveys/_evidence.html", takes_context=True)
def criterion_evidence(context, round_, question):
    empty = {"evidence": None}
    municipality = getattr(round_, "municipality", None)
    if (
        municipality is None
        or question is None
        or question.parent_id is not None
        or question.topic not in CRITERION_KEYS
        or round_.questionnaire.purpose != Purpose.SELF_ASSESSMENT
    ):
        return empty
    request = context.get("request")
    user = getattr(request, "user", None)
    evidence = evidence_for(municipality, question.topic, user)
    if not evidence.known:
        return empty
    # The stylesheet comes with the first box of the page (no template outside ours changes).
    first = request is not None and not getattr(request, "_silta_evidence_css", False)
    if first:
        request._silta_evidence_css = True
    return {"evidence": evidence, "question": question, "first": first}
