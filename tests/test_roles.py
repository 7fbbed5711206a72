"""The permission core: who may see and change what, and the rules the database keeps."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from silta.accounts import services
from silta.accounts.models import Membership, Role, User
from silta.accounts.permissions import (
    can_edit_association,
    can_manage_municipality,
    can_manage_users,
    can_use_totp,
    can_view_association_internal,
    can_view_audit_log,
    can_view_municipality_workspace,
    can_view_organisation,
    scope_of,
)
from silta.associations.models import Association
from silta.core.models import AuditLogEntry

from .factories import AssociationFactory, UserFactory, grant

TODAY = timezone.localdate()


def fresh(user):
    """The person as the next request sees them (no cached scope)."""
    return User.objects.get(pk=user.pk)


# persona -> (view Oulu, manage Oulu, view Kempele, manage Kempele, view Helsinki, manage Helsinki)
MUNICIPALITY_MATRIX = {
    "anonymous": (False, False, False, False, False, False),
    "outsider": (False, False, False, False, False, False),
    "oulu_liaison": (True, True, False, False, False, False),
    "kempele_liaison": (False, False, True, True, False, False),
    "oulu_agent": (True, False, False, False, False, False),
    "oulu_member": (False, False, False, False, False, False),
    "coordinator": (True, True, True, True, False, False),
    "admin": (True, True, True, True, True, True),
}


@pytest.mark.parametrize("persona", list(MUNICIPALITY_MATRIX))
def test_municipality_rights(world, persona):
    user = world.user(persona)
    got = []
    for municipality in (world.oulu, world.kempele, world.helsinki):
        got += [
            can_view_municipality_workspace(user, municipality),
            can_manage_municipality(user, municipality),
        ]
    assert tuple(got) == MUNICIPALITY_MATRIX[persona]


# persona -> (view internal Oulu assoc, edit Oulu assoc, view internal Kempele, edit Kempele)
ASSOCIATION_MATRIX = {
    "anonymous": (False, False, False, False),
    "outsider": (False, False, False, False),
    "oulu_liaison": (True, True, False, False),
    "kempele_liaison": (False, False, True, True),
    "oulu_agent": (True, True, False, False),
    "oulu_member": (True, True, False, False),
    "coordinator": (True, False, True, False),
    "admin": (True, True, True, True),
}


@pytest.mark.parametrize("persona", list(ASSOCIATION_MATRIX))
def test_association_rights(world, persona):
    user = world.user(persona)
    got = []
    for association in (world.oulu_association, world.kempele_association):
        got += [
            can_view_association_internal(user, association),
            can_edit_association(user, association),
        ]
    assert tuple(got) == ASSOCIATION_MATRIX[persona]


@pytest.mark.parametrize("persona", list(MUNICIPALITY_MATRIX))
def test_only_administrators_see_the_audit_log_and_manage_users(world, persona):
    user = world.user(persona)
    assert can_view_audit_log(user) is (persona == "admin")
    assert can_manage_users(user) is (persona == "admin")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("coordinator", True), ("admin", True), ("oulu_liaison", False), ("outsider", False)],
)
def test_only_the_organisations_coordinators_see_it(world, persona, expected):
    assert can_view_organisation(world.user(persona), world.organisation) is expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("oulu_liaison", True),
        ("coordinator", True),
        ("admin", True),
        ("oulu_agent", False),
        ("oulu_member", False),
        ("outsider", False),
    ],
)
def test_totp_is_offered_to_staff(world, persona, expected):
    assert can_use_totp(world.user(persona)) is expected


def test_coordinator_rights_follow_the_municipalities_served(world):
    coordinator = world.user("coordinator")
    world.organisation.municipalities.set([world.oulu])
    coordinator = fresh(coordinator)
    assert can_view_municipality_workspace(coordinator, world.oulu)
    assert not can_view_municipality_workspace(coordinator, world.kempele)
    assert not can_manage_municipality(coordinator, world.kempele)


def test_a_liaison_of_two_municipalities_has_rights_in_both(world):
    liaison = world.user("oulu_liaison")
    grant(liaison, Role.LIAISON, municipality=world.helsinki)
    liaison = fresh(liaison)
    assert can_manage_municipality(liaison, world.oulu)
    assert can_manage_municipality(liaison, world.helsinki)
    assert not can_manage_municipality(liaison, world.kempele)


@pytest.mark.parametrize(
    ("starts", "ends", "has_rights"),
    [
        (None, -1, False),  # ended yesterday
        (-30, -1, False),
        (1, None, False),  # starts tomorrow
        (1, 30, False),
        (None, 0, True),  # the last day still counts
        (0, None, True),  # the first day counts
        (-30, 30, True),
    ],
    ids=["ended", "past period", "future", "future period", "last day", "first day", "current"],
)
def test_only_a_current_membership_gives_rights(places, world, starts, ends, has_rights):
    user = UserFactory()
    grant(
        user,
        Role.LIAISON,
        municipality=world.oulu,
        starts_on=None if starts is None else TODAY + timedelta(days=starts),
        ends_on=None if ends is None else TODAY + timedelta(days=ends),
    )
    user = fresh(user)
    assert can_view_municipality_workspace(user, world.oulu) is has_rights
    assert can_manage_municipality(user, world.oulu) is has_rights
    assert can_edit_association(user, world.oulu_association) is has_rights


def test_an_ended_administrator_membership_gives_no_rights(world):
    admin = world.user("admin")
    Membership.objects.filter(user=admin).update(ends_on=TODAY - timedelta(days=1))
    admin = fresh(admin)
    assert not can_view_audit_log(admin)
    assert not can_manage_municipality(admin, world.oulu)


def test_an_inactive_person_has_no_rights(world):
    for persona in ("oulu_liaison", "admin", "coordinator", "oulu_member"):
        user = fresh(world.user(persona))
        user.is_active = False
        user.save()
        user = fresh(user)
        assert scope_of(user).roles == set()
        assert not can_view_municipality_workspace(user, world.oulu)
        assert not can_view_association_internal(user, world.oulu_association)
        assert not can_view_audit_log(user)


def test_ending_a_role_takes_effect_at_once(world):
    """The service forgets the cached scope: the same request sees the change."""
    liaison = world.user("oulu_liaison")
    assert can_manage_municipality(liaison, world.oulu)
    membership = Membership.objects.get(user=liaison, role=Role.LIAISON)
    membership.user = liaison  # the same object the request holds
    services.end_role(world.user("admin"), membership, on=TODAY - timedelta(days=1))
    assert not can_manage_municipality(liaison, world.oulu)


def test_granting_a_role_takes_effect_at_once(world):
    outsider = world.user("outsider")
    assert not can_view_municipality_workspace(outsider, world.kempele)
    services.grant_role(world.user("admin"), outsider, Role.AGENT, municipality=world.kempele)
    assert can_view_municipality_workspace(outsider, world.kempele)
    assert not can_manage_municipality(outsider, world.kempele)


# -- the database keeps the rules ----------------------------------------------------------------


def _create(**fields):
    with transaction.atomic():
        return Membership.objects.create(**fields)


def test_a_liaison_needs_a_municipality(world):
    with pytest.raises(IntegrityError):
        _create(user=world.user("outsider"), role=Role.LIAISON)


def test_an_association_member_cannot_have_a_municipality(world):
    with pytest.raises(IntegrityError):
        _create(
            user=world.user("outsider"),
            role=Role.ASSOCIATION_MEMBER,
            association=world.oulu_association,
            municipality=world.oulu,
        )


@pytest.mark.parametrize(
    "scope",
    [
        {"role": Role.AGENT, "association": "oulu_association"},
        {"role": Role.COORDINATOR},
        {"role": Role.COORDINATOR, "organisation": "organisation", "municipality": "oulu"},
        {"role": Role.ADMINISTRATOR, "municipality": "oulu"},
        {"role": Role.ASSOCIATION_MEMBER},
    ],
    ids=[
        "agent of an association",
        "coordinator without organisation",
        "coordinator with municipality",
        "admin with municipality",
        "member without association",
    ],
)
def test_a_role_must_match_its_scope(world, scope):
    fields = {k: (getattr(world, v) if k != "role" else v) for k, v in scope.items()}
    with pytest.raises(IntegrityError):
        _create(user=world.user("outsider"), **fields)


def test_the_same_role_twice_is_rejected(world):
    with pytest.raises(IntegrityError):
        _create(user=world.user("oulu_liaison"), role=Role.LIAISON, municipality=world.oulu)
    with pytest.raises(IntegrityError):
        _create(user=world.user("admin"), role=Role.ADMINISTRATOR)
    with pytest.raises(IntegrityError):
        _create(
            user=world.user("oulu_member"),
            role=Role.ASSOCIATION_MEMBER,
            association=world.oulu_association,
        )
    # The same role in another municipality is fine.
    _create(user=world.user("oulu_liaison"), role=Role.LIAISON, municipality=world.kempele)


def test_grant_role_refuses_a_bad_scope_with_a_message_and_writes_nothing(world):
    before = (Membership.objects.count(), AuditLogEntry.objects.count())
    with pytest.raises(ValidationError):
        services.grant_role(world.user("admin"), world.user("outsider"), Role.LIAISON)
    with pytest.raises(ValidationError):
        services.grant_role(
            world.user("admin"), world.user("oulu_liaison"), Role.LIAISON, municipality=world.oulu
        )
    assert (Membership.objects.count(), AuditLogEntry.objects.count()) == before


# -- associations visible to whom ----------------------------------------------------------------


@pytest.fixture
def dissolved(world):
    return AssociationFactory(
        name_fi="Lakannut Oululainen ry",
        municipality=world.oulu,
        status=Association.Status.DISSOLVED,
    )


@pytest.mark.parametrize(
    ("persona", "sees_dissolved"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("kempele_liaison", False),
        ("oulu_member", False),
        ("oulu_liaison", True),
        ("oulu_agent", True),
        ("coordinator", True),
        ("admin", True),
    ],
)
def test_dissolved_associations_are_hidden_from_outsiders(
    world, dissolved, persona, sees_dissolved
):
    user = world.user(persona)
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    visible = set(Association.objects.visible_to(user).values_list("pk", flat=True))
    assert (dissolved.pk in visible) is sees_dissolved
    # Active associations are public to everyone, wherever they are.
    assert {world.oulu_association.pk, world.kempele_association.pk} <= visible


def test_a_member_of_a_dissolved_association_still_sees_it(world, dissolved):
    member = UserFactory()
    grant(member, Role.ASSOCIATION_MEMBER, association=dissolved)
    assert Association.objects.visible_to(fresh(member)).filter(pk=dissolved.pk).exists()
