from django import template
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from silta.accounts.permissions import scope_of

from .. import services
from ..models import Invitation, Round

register = template.Library()


@register.inclusion_tag("surveys/_dashboard.html", takes_context=True)
def survey_dashboard(context):
    """Open rounds the person runs, and surveys waiting for the person's own answer."""
    user = context["user"]
    today = timezone.localdate()
    s = scope_of(user)
    running = []
    if s.is_admin or s.coordinated or s.liaison_of:
        running = list(
            Round.objects.manageable_by(user)
            .filter(closes_on__gte=today)
            .select_related("municipality", "region")
            .order_by("closes_on")[:6]
        )
    waiting = [
        {"invitation": i, "url": reverse("surveys:answer", args=[services.link_token(i, user)])}
        for i in Invitation.objects.filter(
            Q(user=user) | Q(email=user.email.lower()),
            sent_at__isnull=False,
            answered_at__isnull=True,
            round__opens_on__lte=today,
            round__closes_on__gte=today,
        )
        .select_related("round__questionnaire")
        .order_by("round__closes_on")[:6]
    ]
    return {
        "running": running,
        "waiting": waiting,
        "can_use": s.is_admin or bool(s.coordinator_of or s.liaison_of or s.agent_of),
        "today": today,
    }
