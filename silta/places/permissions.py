"""Who may do what with a municipality's own pages (see silta/accounts/permissions.py for the
permission core)."""

from silta.accounts.permissions import can_view_municipality_workspace, scope_of


def can_edit_cooperation_profile(user, municipality) -> bool:
    """The cooperation profile is kept by the municipality's liaison and agents (seed 002:
    the liaison keeps association matters visible); administrators may correct it."""
    s = scope_of(user)
    return s.is_admin or municipality.pk in (s.liaison_of | s.agent_of)


def can_see_liaison_names(user, municipality) -> bool:
    """Evidence beside the criteria names the liaison only to those who work with the
    municipality; anybody else reads "nimetty"."""
    return can_view_municipality_workspace(user, municipality)
