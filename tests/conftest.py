"""Shared fixtures: the places of 2026 and the personas every test can sign in as.

Personas: anonymous, outsider, oulu_liaison, kempele_liaison, oulu_agent, oulu_member
(a member of an Oulu association), coordinator (serving Oulu and Kempele, not Helsinki)
and admin.
"""

from dataclasses import dataclass

import pytest
from django.test import Client

from silta.places.loader import load as load_places
from silta.places.models import Municipality

from .factories import AssociationFactory, OrganisationFactory, Role, UserFactory, grant

PERSONAS = [
    "anonymous",
    "outsider",
    "oulu_liaison",
    "kempele_liaison",
    "oulu_agent",
    "oulu_member",
    "coordinator",
    "admin",
]


@pytest.fixture(autouse=True)
def _settings_for_tests(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.WHITENOISE_AUTOREFRESH = True  # no rescan of static files for every client
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Loads the 308 municipalities once; transactional tests reload them via `places`."""
    with django_db_blocker.unblock():
        load_places()


def restore_seed_data() -> None:
    """What migrations seed (places aside): vocabularies, event themes, shipped questionnaires.
    A transactional test (the browser tests) flushes them; the next test gets them back."""
    import importlib

    from django.apps import apps

    from silta.associations.models import Theme

    if Theme.objects.exists():
        return
    for module, function in (
        ("silta.associations.migrations.0003_vocabularies", "seed"),
        ("silta.events.migrations.0002_seed_themes", "seed"),
        ("silta.surveys.migrations.0002_shipped_templates", "load"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def places(db):
    if not Municipality.objects.exists():
        load_places()
    restore_seed_data()


@dataclass
class World:
    oulu: Municipality
    kempele: Municipality
    helsinki: Municipality
    oulu_association: object
    kempele_association: object
    organisation: object
    users: dict

    def user(self, persona):
        return self.users.get(persona)

    def client(self, persona) -> Client:
        client = Client()
        user = self.users.get(persona)
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def world(places) -> World:
    oulu = Municipality.objects.get(code="564")
    kempele = Municipality.objects.get(code="244")
    helsinki = Municipality.objects.get(code="091")
    oulu_assoc = AssociationFactory(name_fi="Oulun Kyläyhdistys ry", municipality=oulu)
    kempele_assoc = AssociationFactory(name_fi="Kempeleen Kyläyhdistys ry", municipality=kempele)
    org = OrganisationFactory(name="Pohjois-Pohjanmaan järjestöverkosto")
    org.municipalities.set([oulu, kempele])
    users = {
        "outsider": UserFactory(email="ulkopuolinen@example.fi", full_name="Ulla Ulkopuolinen"),
        "oulu_liaison": UserFactory(
            email="oulu.yhdyshenkilo@example.fi", full_name="Olli Oululainen"
        ),
        "kempele_liaison": UserFactory(
            email="kempele.yhdyshenkilo@example.fi", full_name="Kaisa Kempele"
        ),
        "oulu_agent": UserFactory(email="oulu.agentti@example.fi", full_name="Aino Agentti"),
        "oulu_member": UserFactory(email="oulu.jasen@example.fi", full_name="Jussi Jäsen"),
        "coordinator": UserFactory(
            email="koordinaattori@example.fi", full_name="Kerttu Koordinaattori"
        ),
        "admin": UserFactory(email="yllapito@example.fi", full_name="Ylläpitäjä Ylli"),
    }
    grant(users["oulu_liaison"], Role.LIAISON, municipality=oulu)
    grant(users["kempele_liaison"], Role.LIAISON, municipality=kempele)
    grant(users["oulu_agent"], Role.AGENT, municipality=oulu)
    grant(users["oulu_member"], Role.ASSOCIATION_MEMBER, association=oulu_assoc)
    grant(users["coordinator"], Role.COORDINATOR, organisation=org)
    grant(users["admin"], Role.ADMINISTRATOR)
    users["admin"].is_staff = True
    users["admin"].save()
    return World(oulu, kempele, helsinki, oulu_assoc, kempele_assoc, org, users)


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST with the client, then run what waited for the commit (mail is sent by a task
    after the commit)."""

    def run(url, data, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **kwargs)

    return run
