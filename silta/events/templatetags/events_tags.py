"""The events part of the personal dashboard (/oma/): one's own open tasks, upcoming events
one organises, and the warnings of seeds 002 and 004: a municipality without an association
evening planned within twelve months, an organisation with fewer than two regional meetings
in the year. A fixed number of queries, however many roles the person has."""

from django import template
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from silta.accounts.models import CoordinatingOrganisation
from silta.accounts.permissions import scope_of
from silta.places.models import Municipality

from ..models import Event, Task

register = template.Library()

ACTIVE = [Event.Status.PLANNED, Event.Status.PUBLISHED, Event.Status.HELD]


@register.inclusion_tag("events/_dashboard.html", takes_context=True)
def events_dashboard(context):
    user = context["request"].user
    s = scope_of(user)
    now = timezone.now()
    # Tasks are given to the organisers' own people: nobody without a role has any.
    tasks = list(
        Task.objects.filter(owner=user, done=False)
        .select_related("event")
        .order_by("due_on", "pk")[:20]
        if s.roles
        else []
    )
    upcoming = list(
        Event.objects.manageable_by(user)
        .filter(ends_at__gte=now)
        .exclude(status=Event.Status.CANCELLED)
        .select_related("municipality", "association", "organisation")
        .order_by("starts_at", "pk")[:5]
        if s.liaison_of or s.agent_of or s.coordinator_of or s.member_of
        else []
    )
    missing_evening = []
    if s.liaison_of:
        evenings = Event.objects.filter(
            kind=Event.Kind.ASSOCIATION_EVENING,
            municipality=OuterRef("pk"),
            status__in=ACTIVE,
            starts_at__gte=now,
            starts_at__lte=now + timezone.timedelta(days=365),
        )
        missing_evening = list(
            Municipality.objects.filter(pk__in=s.liaison_of)
            .exclude(Exists(evenings))
            .order_by("name_fi")
        )
    few_regional = []
    if s.coordinator_of:
        year = timezone.localdate().year
        few_regional = list(
            CoordinatingOrganisation.objects.filter(pk__in=s.coordinator_of)
            .annotate(
                regional_count=Count(
                    "events",
                    filter=Q(
                        events__kind=Event.Kind.REGIONAL_MEETING,
                        events__status__in=ACTIVE,
                        events__starts_at__year=year,
                    ),
                )
            )
            .filter(regional_count__lt=2)
            .order_by("name")
        )
    return {
        "tasks": tasks,
        "upcoming": upcoming,
        "missing_evening": missing_evening,
        "few_regional": few_regional,
        "year": timezone.localdate().year,
        "today": timezone.localdate(),
        "can_create": bool(
            s.is_admin or s.liaison_of or s.agent_of or s.coordinator_of or s.member_of
        ),
    }
