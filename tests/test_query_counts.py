"""Query-count bounds on every list page, holding when the data grows.

Each page is requested twice, in separate tests: once in the plain `world` ("small") and once
after `grow()` has added many more of everything the page lists ("grown"). The SAME bound
applies to both, so a query per row (an N+1) fails the grown case. The bounds are the
measured count plus a margin of one or two; the measured counts are in the table.

Every request counts the session and the signed-in user (2 queries) and, on pages that ask
the permission core, the person's roles (1, plus 1 for a coordinator's municipalities).
"""

import pytest
from django.urls import reverse

from silta.accounts.models import Role
from silta.core.models import AuditLogEntry, OutgoingEmail
from silta.places.models import Municipality

from .factories import AssociationFactory, OrganisationFactory, UserFactory, grant


@pytest.fixture(autouse=True)
def _no_static_scan(settings):
    # Every test Client builds its own middleware, and WhiteNoise would scan all static
    # files each time; that costs time, not queries, but it slows every case here.
    settings.WHITENOISE_AUTOREFRESH = True


NEARBY = ["425", "494", "859", "139", "564", "244"]  # Liminka, Muhos, Tyrnävä, Ii, Oulu, Kempele


def grow(w) -> None:
    """Many more of everything the list pages show, for the personas who see them."""
    nearby = list(
        Municipality.objects.filter(code__in=NEARBY).exclude(pk__in=[w.oulu.pk, w.kempele.pk])
    )
    assert len(nearby) == len(NEARBY) - 2
    people = iter(UserFactory(full_name=f"Kasvu Henkilö {i:03d}") for i in range(400))
    for i in range(40):
        association = AssociationFactory(
            name_fi=f"Kasvuseura {i:02d} ry",
            municipality=w.oulu,
            status="dormant" if i % 7 == 0 else "active",
        )
        for _ in range(3):
            grant(next(people), Role.ASSOCIATION_MEMBER, association=association)
        if i < 10:  # the member's dashboard lists every association they are in
            grant(w.user("oulu_member"), Role.ASSOCIATION_MEMBER, association=association)
    for i in range(5):
        AssociationFactory(name_fi=f"Kempeleen seura {i} ry", municipality=w.kempele)
    AssociationFactory(name_fi="Lakannut seura ry", municipality=w.oulu, status="dissolved")
    for _ in range(25):  # the Oulu association's own people
        grant(next(people), Role.ASSOCIATION_MEMBER, association=w.oulu_association)
    for m in [w.oulu, w.kempele, *nearby]:
        for _ in range(3):
            grant(next(people), Role.LIAISON, municipality=m)
        for _ in range(4):
            grant(next(people), Role.AGENT, municipality=m)
    for m in nearby:  # staff of several municipalities see a card for each on the dashboard
        grant(w.user("oulu_liaison"), Role.LIAISON, municipality=m)
        grant(w.user("oulu_agent"), Role.AGENT, municipality=m)
    w.organisation.municipalities.add(*nearby)
    for _ in range(5):
        grant(next(people), Role.COORDINATOR, organisation=w.organisation)
    for i in range(4):
        other = OrganisationFactory(name=f"Toinen verkosto {i}")
        other.municipalities.set(nearby)
        grant(w.user("coordinator"), Role.COORDINATOR, organisation=other)
    admin = w.user("admin")
    for i in range(40):
        AuditLogEntry.objects.create(
            actor=admin if i % 2 else None,
            actor_label=admin.email,
            action="update",
            object_type=f"test.kind{i % 5}",
            object_id=str(i),
            object_label=f"Kohde {i}",
            municipality=[w.oulu, w.kempele, None][i % 3],
            changes={"name": ["a", "b"]},
        )
    for i in range(40):
        OutgoingEmail.objects.create(
            template="test",
            to=f"vastaanottaja{i}@example.fi",
            language="fi",
            subject=f"Viesti {i}",
            body_text="Teksti",
            status=["queued", "sent", "failed"][i % 3],
            last_error="yhteys katkesi" if i % 3 == 2 else "",
        )


def _members(w):
    return reverse("associations:members", args=[w.oulu_association.pk])


def _organisation(w):
    return reverse("organisation", args=[w.organisation.pk])


# (id, persona, URL or World -> URL, bound, text the grown page must show).
# Measured (small / grown) in the comment; the bound is that plus a margin of two. With 40
# rows a query per row would overshoot any of them many times over.
PAGES = [
    ("home", "anonymous", "/", 4, "Kempele"),  # 2 / 2: regions, their municipalities
    ("home-signed-in", "oulu_liaison", "/", 6, "Kempele"),  # 4 / 4
    ("region", "anonymous", "/maakunnat/17/", 4, "Liminka"),  # 2 / 2
    ("municipality", "anonymous", "/kunnat/564/", 5, "Kasvu Henkilö"),  # 3 / 3
    ("municipality-signed-in", "oulu_liaison", "/kunnat/564/", 8, "Kasvu Henkilö"),  # 6 / 6
    ("workspace", "oulu_liaison", "/kunnat/564/tyotila/", 9, "Kasvuseura 39 ry"),  # 7 / 7
    (
        "workspace-coordinator",
        "coordinator",
        "/kunnat/564/tyotila/",
        10,
        "Kasvuseura 39 ry",
    ),  # 8 / 8
    ("organisation", "coordinator", _organisation, 10, "Liminka"),  # 8 / 8
    ("audit_log", "admin", "/yllapito/muutosloki/", 8, "Kohde 39"),  # 5 / 6 (empty: no page query)
    ("sent_emails", "admin", "/yllapito/viestit/", 7, "Viesti 39"),  # 4 / 5 (likewise)
    ("members", "oulu_member", _members, 7, "Kasvu Henkilö"),  # 5 / 5
    ("members-liaison", "oulu_liaison", _members, 7, "Kasvu Henkilö"),  # 5 / 5
    # The dashboard slots of events (your tasks, warnings) and surveys (rounds, answers
    # waiting) add a fixed 3 + 2 queries for people with roles.
    ("dashboard-outsider", "outsider", "/oma/", 5, "Tervetuloa"),  # 3 / 3
    ("dashboard-oulu_liaison", "oulu_liaison", "/oma/", 12, "Liminka"),  # 10 / 10
    ("dashboard-kempele_liaison", "kempele_liaison", "/oma/", 12, "Kempele"),  # 10 / 10
    ("dashboard-oulu_agent", "oulu_agent", "/oma/", 12, "Liminka"),  # 8-10
    ("dashboard-oulu_member", "oulu_member", "/oma/", 10, "Kasvuseura 09 ry"),  # 7-8
    ("dashboard-coordinator", "coordinator", "/oma/", 12, "Toinen verkosto 3"),  # 10 / 10
    ("dashboard-admin", "admin", "/oma/", 12, "Muutosloki"),  # 10 / 10
]


@pytest.mark.parametrize("size", ["small", "grown"])
@pytest.mark.parametrize(
    ("persona", "url", "bound", "shows"),
    [pytest.param(persona, url, bound, shows, id=id) for id, persona, url, bound, shows in PAGES],
)
def test_list_page_query_count_is_bounded(
    world, django_assert_max_num_queries, size, persona, url, bound, shows
):
    if size == "grown":
        grow(world)
    client = world.client(persona)
    url = url(world) if callable(url) else url
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.status_code == 200
    if size == "grown":
        # The growth reached the page: it is listing the added rows, not an empty table.
        assert shows in response.content.decode()


def test_every_list_page_is_measured():
    # The pages the brief and ARCHITECTURE.md (convention 6) ask to be bounded.
    paths = {url if isinstance(url, str) else url.__name__ for _, _, url, _, _ in PAGES}
    assert {
        "/",
        "/maakunnat/17/",
        "/kunnat/564/",
        "/kunnat/564/tyotila/",
        "/oma/",
        "/yllapito/muutosloki/",
        "/yllapito/viestit/",
        "_organisation",
        "_members",
    } <= paths
