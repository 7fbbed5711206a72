"""`manage.py load_demo`: a fictional Pohjois-Pohjanmaa that loads once, twice without
duplicates, with one working login per role. The demo is loaded once for the module
(inside a transaction rolled back at the end, so other modules never see it)."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from silta.accounts.models import CoordinatingOrganisation, Membership, Role, User
from silta.accounts.permissions import scope_of
from silta.associations.models import Association, ContactPerson
from silta.associations.services import create_association, update_association
from silta.core import demo
from silta.core.models import AuditLogEntry
from silta.places.models import Municipality

FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            EmailAddress,
            Membership,
            Association,
            Association.themes.through,
            ContactPerson,
            CoordinatingOrganisation,
            AuditLogEntry,
        )
    }


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), FAST_HASHER, transaction.atomic():
        # The first run also shows that --force overrides a missing DEMO_MODE.
        first_out = StringIO()
        with override_settings(DEMO_MODE=False):
            call_command("load_demo", "--force", stdout=first_out)
        first = _counts()
        second_out = StringIO()
        with override_settings(DEMO_MODE=True):
            call_command("load_demo", stdout=second_out)
        yield {
            "first": first,
            "second": _counts(),
            "first_out": first_out.getvalue(),
            "second_out": second_out.getvalue(),
        }
        transaction.set_rollback(True)


@pytest.fixture
def region(db):
    return list(Municipality.objects.filter(region__code=demo.REGION_CODE))


def test_second_run_creates_nothing(loaded):
    assert loaded["first"] == loaded["second"]
    assert "Mitään uutta ei luotu" in loaded["second_out"]
    assert 300 <= loaded["first"]["Association"] <= 400


def test_output_lists_every_login(loaded):
    for login in demo.LOGINS:
        assert login.email in loaded["first_out"]
        assert login.email in loaded["second_out"]
    assert demo.PASSWORD in loaded["first_out"]


def test_organisation_serves_the_whole_region(loaded, region):
    org = CoordinatingOrganisation.objects.get(name=demo.ORGANISATION)
    assert len(region) == 30
    assert set(org.municipalities.all()) == set(region)
    coordinator = User.objects.get(email=f"koordinaattori@{demo.DOMAIN}")
    assert scope_of(coordinator).coordinated == {m.pk for m in region}


@pytest.mark.parametrize("login", demo.LOGINS, ids=lambda login: login.email.split("@")[0])
def test_demo_login(loaded, db, login):
    user = User.objects.get(email=login.email)
    assert user.full_name == login.full_name
    assert user.is_active
    assert user.check_password(demo.PASSWORD)
    assert EmailAddress.objects.filter(user=user, email=login.email, verified=True).exists()
    assert scope_of(user).roles == {login.role}
    if login.role == Role.ADMINISTRATOR:
        assert user.is_staff
    if login.municipality:
        membership = user.memberships.get(role=login.role)
        assert membership.municipality.code == login.municipality
        assert membership.title
    if login.role == Role.ASSOCIATION_MEMBER:
        association = user.memberships.get().association
        assert (association.name_fi, association.municipality.code) == (
            demo.DEMO_ASSOCIATION,
            demo.OULU,
        )


def test_demo_roles_are_in_the_audit_log(loaded, db):
    for login in demo.LOGINS:
        membership = Membership.objects.get(user__email=login.email)
        assert AuditLogEntry.objects.for_object(membership).exists()
    assert AuditLogEntry.objects.filter(note__startswith="Esittelyaineisto ladattu").count() == 1


def test_some_municipalities_have_no_liaison(loaded, region):
    with_liaison = set(
        Membership.objects.active()
        .filter(role=Role.LIAISON, municipality__in=region)
        .values_list("municipality__code", flat=True)
    )
    assert {demo.OULU, demo.KEMPELE} <= with_liaison
    assert 6 <= len(with_liaison) <= 10
    assert len(with_liaison) < len(region)


def test_agents_one_to_four_per_municipality(loaded, region):
    per_municipality = dict(
        Membership.objects.active()
        .filter(role=Role.AGENT, municipality__in=region)
        .values_list("municipality__code")
        .annotate(n=Count("id"))
    )
    assert 10 <= len(per_municipality) <= 14
    assert demo.OULU in per_municipality
    assert all(1 <= n <= 4 for n in per_municipality.values()), per_municipality


def test_associations_follow_municipality_size(loaded, region):
    per_municipality = dict(
        Association.objects.filter(municipality__in=region)
        .values_list("municipality__code")
        .annotate(n=Count("id"))
    )
    assert set(per_municipality) == {m.code for m in region}
    oulu = per_municipality.pop(demo.OULU)
    assert oulu > max(per_municipality.values())
    assert Association.objects.filter(status=Association.Status.DORMANT).exists()
    assert Association.objects.exclude(name_sv="").exists()
    assert not Association.objects.exclude(email="").exclude(email__endswith=demo.DOMAIN).exists()


def test_people_are_fictional_and_searchable(loaded, db):
    assert (
        not User.objects.exclude(email__endswith=f"@{demo.DOMAIN}")
        .filter(memberships__association__municipality__region__code=demo.REGION_CODE)
        .exists()
    )
    assert User.objects.filter(email__endswith=demo.DOMAIN, language="sv").exists()
    members = (
        Membership.objects.filter(role=Role.ASSOCIATION_MEMBER)
        .values("association")
        .annotate(n=Count("id"))
    )
    assert all(1 <= row["n"] <= 3 for row in members)
    kempele = Association.objects.get(name_fi="Kempeleen Kyläyhdistys ry")
    assert " yhdistys " in kempele.search_name and " kylä " in kempele.search_name


def test_refuses_without_demo_mode(db, settings):
    settings.DEMO_MODE = False
    before = _counts()
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("load_demo", stdout=StringIO())
    assert _counts() == before


def test_association_services_write_the_audit_log(places):
    kempele = Municipality.objects.get(code="244")
    a = create_association(
        None, municipality=kempele, name_fi=" Ketunmaan Kyläyhdistys ry ", register_number="123.456"
    )
    assert (a.name_fi, a.register_number) == ("Ketunmaan Kyläyhdistys ry", "123456")
    assert " kyläyhdistys " in a.search_name
    update_association(None, a, name_sv="Byaföreningen i Ketunmaa rf", status="dormant")
    entries = AuditLogEntry.objects.for_object(a).order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert all(e.municipality == kempele for e in entries)
    assert entries[1].changes["status"] == ["active", "dormant"]
    update_association(None, a, status="dormant")
    assert AuditLogEntry.objects.for_object(a).count() == 2
    with pytest.raises(ValueError):
        update_association(None, a, search_name="x")


def test_loads_the_places_first_when_missing(db, settings, monkeypatch):
    settings.DEMO_MODE = True
    Association.objects.all().delete()  # the module's demo, if loaded; rolled back after
    Municipality.objects.all().delete()
    seen = []
    monkeypatch.setattr(
        demo,
        "load",
        lambda: seen.append(Municipality.objects.count()) or demo.LoadResult(totals=demo.totals()),
    )
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert seen == [308]
    assert "Kunnat ladattu: 308" in out.getvalue()
