"""Who may do what with events. Pages and the API ask these; list pages use the
`Event.objects.visible_to(user)` / `.manageable_by(user)` querysets built on the same scope."""

from silta.accounts.permissions import scope_of

from .models import Event


def can_manage_event(user, event: Event) -> bool:
    """Plan, edit, see registrations and mark attendance: the municipality's liaisons and
    agents for its events, the coordinator for the organisation's, members for their
    association's."""
    s = scope_of(user)
    return (
        s.is_admin
        or (
            event.municipality_id is not None and event.municipality_id in s.liaison_of | s.agent_of
        )
        or (event.organisation_id is not None and event.organisation_id in s.coordinator_of)
        or (event.association_id is not None and event.association_id in s.member_of)
    )


def can_view_event(user, event: Event) -> bool:
    return Event.objects.visible_to(user).filter(pk=event.pk).exists()


def can_create_events(user) -> bool:
    s = scope_of(user)
    return s.is_admin or bool(s.liaison_of or s.agent_of or s.coordinator_of or s.member_of)


def organiser_choices(user):
    """(value, label) pairs of the organisers a person may create events for."""
    from silta.accounts.models import CoordinatingOrganisation
    from silta.associations.models import Association
    from silta.places.models import Municipality

    s = scope_of(user)
    municipalities = Municipality.objects.order_by("name_fi")
    organisations = CoordinatingOrganisation.objects.order_by("name")
    associations = Association.objects.public().order_by("name_fi")
    if s.is_admin:
        associations = associations.filter(pk__in=s.member_of)
    else:
        municipalities = municipalities.filter(pk__in=s.liaison_of | s.agent_of)
        organisations = organisations.filter(pk__in=s.coordinator_of)
        associations = associations.filter(pk__in=s.member_of)
    return (
        [(f"m:{m.pk}", m.name) for m in municipalities]
        + [(f"o:{o.pk}", o.name) for o in organisations]
        + [(f"a:{a.pk}", a.name) for a in associations]
    )
