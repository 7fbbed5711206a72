"""Who may do what with surveys. Pages ask these; lists use Round.objects.visible_to(user)."""

from silta.accounts.permissions import scope_of


def can_use_surveys(user) -> bool:
    """The survey pages: coordinators, liaisons, agents and administrators."""
    s = scope_of(user)
    return s.is_admin or bool(s.coordinator_of or s.liaison_of or s.agent_of)


def can_create_rounds(user) -> bool:
    s = scope_of(user)
    return s.is_admin or bool(s.coordinated or s.liaison_of)


def can_copy_questionnaire(user) -> bool:
    """Copies belong to a coordinating organisation."""
    s = scope_of(user)
    return s.is_admin or bool(s.coordinator_of)


def can_edit_questionnaire(user, questionnaire) -> bool:
    """A shipped template is never edited; a copy by its own organisation's coordinators."""
    if questionnaire.organisation_id is None:
        return False
    s = scope_of(user)
    return s.is_admin or questionnaire.organisation_id in s.coordinator_of


def can_view_round(user, round_) -> bool:
    from .models import Round

    return Round.objects.visible_to(user).filter(pk=round_.pk).exists()


def can_manage_round(user, round_) -> bool:
    """Send, remind, interview, export: the municipality's liaison, its coordinators."""
    s = scope_of(user)
    if s.is_admin:
        return True
    if round_.municipality_id:
        return round_.municipality_id in (s.coordinated | s.liaison_of)
    if round_.region_id and s.coordinated:
        from silta.places.models import Municipality

        return Municipality.objects.filter(
            region_id=round_.region_id, pk__in=s.coordinated
        ).exists()
    return False
