"""The permission core. Every page and API asks these functions; nothing checks roles inline.

`scope_of(user)` reads the person's active roles once per request and caches them on the
user object; `can_*` functions answer from that. Querysets elsewhere use
`.visible_to(user)` built on the same scope.
"""

from dataclasses import dataclass, field

from .models import Membership, Role


@dataclass(frozen=True)
class Scope:
    is_authenticated: bool = False
    is_admin: bool = False
    liaison_of: frozenset = field(default_factory=frozenset)  # municipality ids
    agent_of: frozenset = field(default_factory=frozenset)
    member_of: frozenset = field(default_factory=frozenset)  # association ids
    coordinator_of: frozenset = field(default_factory=frozenset)  # organisation ids
    coordinated: frozenset = field(default_factory=frozenset)  # municipality ids served

    @property
    def staff_municipalities(self) -> frozenset:
        """Municipalities whose internal data this person may see (not as admin)."""
        return self.liaison_of | self.agent_of | self.coordinated

    @property
    def roles(self) -> set[str]:
        roles = set()
        if self.is_admin:
            roles.add(Role.ADMINISTRATOR)
        if self.liaison_of:
            roles.add(Role.LIAISON)
        if self.agent_of:
            roles.add(Role.AGENT)
        if self.member_of:
            roles.add(Role.ASSOCIATION_MEMBER)
        if self.coordinator_of:
            roles.add(Role.COORDINATOR)
        return roles


ANONYMOUS = Scope()


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_silta_scope", None)
    if cached is not None:
        return cached
    rows = list(
        Membership.objects.active()
        .filter(user=user)
        .values_list("role", "municipality_id", "association_id", "organisation_id")
    )
    by_role: dict[str, set] = {r: set() for r in Role.values}
    for role, municipality_id, association_id, organisation_id in rows:
        by_role[role].add(municipality_id or association_id or organisation_id or 0)
    coordinated: frozenset = frozenset()
    if by_role[Role.COORDINATOR]:
        from .models import CoordinatingOrganisation

        coordinated = frozenset(
            CoordinatingOrganisation.municipalities.through.objects.filter(
                coordinatingorganisation_id__in=by_role[Role.COORDINATOR]
            ).values_list("municipality_id", flat=True)
        )
    scope = Scope(
        is_authenticated=True,
        is_admin=user.is_superuser or bool(by_role[Role.ADMINISTRATOR]),
        liaison_of=frozenset(by_role[Role.LIAISON]),
        agent_of=frozenset(by_role[Role.AGENT]),
        member_of=frozenset(by_role[Role.ASSOCIATION_MEMBER]),
        coordinator_of=frozenset(by_role[Role.COORDINATOR]),
        coordinated=coordinated,
    )
    user._silta_scope = scope
    return scope


def forget_scope(user) -> None:
    """Call after changing someone's roles within the same request."""
    if hasattr(user, "_silta_scope"):
        del user._silta_scope


# -- municipalities -------------------------------------------------------------------------


def can_view_municipality_workspace(user, municipality) -> bool:
    """The municipality's non-public side: its associations' members, its staff, plans."""
    s = scope_of(user)
    return s.is_admin or municipality.pk in s.staff_municipalities


def can_manage_municipality(user, municipality) -> bool:
    """Change the municipality's cooperation data: its liaison, coordinators and admins."""
    s = scope_of(user)
    return s.is_admin or municipality.pk in (s.liaison_of | s.coordinated)


# -- associations ---------------------------------------------------------------------------


def can_view_association_internal(user, association) -> bool:
    s = scope_of(user)
    return (
        s.is_admin
        or association.pk in s.member_of
        or association.municipality_id in s.staff_municipalities
    )


def can_edit_association(user, association) -> bool:
    s = scope_of(user)
    return (
        s.is_admin
        or association.pk in s.member_of
        or association.municipality_id in (s.liaison_of | s.agent_of)
    )


# -- organisations and people ---------------------------------------------------------------


def can_view_organisation(user, organisation) -> bool:
    s = scope_of(user)
    return s.is_admin or organisation.pk in s.coordinator_of


def can_view_audit_log(user) -> bool:
    return scope_of(user).is_admin


def can_view_sent_email(user) -> bool:
    return scope_of(user).is_admin


def can_manage_users(user) -> bool:
    return scope_of(user).is_admin


def can_use_totp(user) -> bool:
    """Password plus TOTP is offered to staff: liaisons, coordinators and administrators."""
    s = scope_of(user)
    return s.is_admin or bool(s.liaison_of or s.coordinator_of) or bool(user.is_staff)


# -- the directory's contacts and recipient lists (appended by the directory feature) --------


def can_view_association_contacts(user, association) -> bool:
    """All contact details, consented or not: the association's own people, and the staff of
    its home municipality or of any municipality it acts in. Reads
    `association.municipalities` (prefetch it on list pages)."""
    if can_view_association_internal(user, association):
        return True
    staff = scope_of(user).staff_municipalities
    return bool(staff) and any(m.pk in staff for m in association.municipalities.all())


def can_manage_recipient_lists(user, municipality) -> bool:
    """Save, read and export a municipality's recipient lists: its liaison and agents, the
    coordinator serving it, administrators."""
    s = scope_of(user)
    return s.is_admin or municipality.pk in s.staff_municipalities


# -- association editing and the yearly confirmation (appended by the editing feature) --------


def can_add_association(user, municipality) -> bool:
    """Add an association to a municipality's register: its liaison and agents, admins."""
    s = scope_of(user)
    return s.is_admin or municipality.pk in (s.liaison_of | s.agent_of)


def can_request_confirmation(user, association) -> bool:
    """Send an association the yearly confirmation request now: its municipality's liaison
    and agents, admins (members confirm directly instead)."""
    s = scope_of(user)
    return s.is_admin or association.municipality_id in (s.liaison_of | s.agent_of)


# -- importing and exporting the association register (appended by the import feature) -----


def can_import_associations(user, municipality) -> bool:
    """Upload, preview and apply imports into the municipality's register, and see its
    import jobs: its liaison and agents, administrators."""
    s = scope_of(user)
    return s.is_admin or municipality.pk in (s.liaison_of | s.agent_of)


def can_export_associations_internal(user, municipality) -> bool:
    """The internal export (unconsented contacts, statuses, confirmation dates): the
    municipality's liaison, agents and coordinator, administrators."""
    s = scope_of(user)
    return s.is_admin or municipality.pk in s.staff_municipalities
