"""The audit log: every service leaves a trace, and administrators can read and filter it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from silta.accounts import services
from silta.accounts.models import Membership, Role
from silta.core.models import AuditLogEntry

from .factories import UserFactory

A = AuditLogEntry.Action
URL = "/yllapito/muutosloki/"


def rows(response) -> list[str]:
    """The table rows of the log page as plain text."""
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", r).split())
        for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


# -- services write entries ----------------------------------------------------------------------


def test_create_user_records_who_created_whom(world):
    admin = world.user("admin")
    user = services.create_user(admin, "Uusi.Henkilo@Example.fi", full_name="Uusi Henkilö")

    entry = AuditLogEntry.objects.for_object(user).get()
    assert entry.actor == admin
    assert entry.actor_label == "yllapito@example.fi"
    assert entry.action == A.CREATE
    assert entry.object_type == "accounts.user"
    assert entry.object_label == "Uusi Henkilö"
    assert entry.municipality is None
    assert entry.changes == {
        "email": [None, "uusi.henkilo@example.fi"],
        "full_name": [None, "Uusi Henkilö"],
        "language": [None, "fi"],
    }


def test_update_profile_records_before_and_after_of_changed_fields_only(world):
    person = world.user("outsider")
    services.update_profile(person, person, phone="040 123 4567", full_name="Ulla Uusinimi")

    entry = AuditLogEntry.objects.for_object(person).get()
    assert entry.actor == person
    assert entry.action == A.UPDATE
    assert entry.changes == {
        "full_name": ["Ulla Ulkopuolinen", "Ulla Uusinimi"],
        "phone": ["", "040 123 4567"],
    }


def test_grant_role_records_the_municipality(world):
    admin, outsider = world.user("admin"), world.user("outsider")
    membership = services.grant_role(
        admin, outsider, Role.AGENT, municipality=world.oulu, title="Kyläagentti"
    )

    entry = AuditLogEntry.objects.for_object(membership).get()
    assert entry.actor == admin
    assert entry.action == A.CREATE
    assert entry.object_type == "accounts.membership"
    assert entry.municipality == world.oulu
    assert entry.changes["role"] == [None, "agent"]
    assert entry.changes["municipality"] == [None, str(world.oulu.pk)]
    assert entry.changes["user"] == [None, str(outsider.pk)]
    assert entry.changes["title"] == [None, "Kyläagentti"]
    assert "association" not in entry.changes  # empty values are not listed


def test_granting_an_association_role_records_the_associations_municipality(world):
    membership = services.grant_role(
        world.user("admin"),
        world.user("outsider"),
        Role.ASSOCIATION_MEMBER,
        association=world.kempele_association,
    )
    assert AuditLogEntry.objects.for_object(membership).get().municipality == world.kempele


def test_end_role_records_the_end_date(world):
    membership = Membership.objects.get(user=world.user("oulu_agent"))
    day = timezone.localdate() + timedelta(days=7)
    services.end_role(world.user("oulu_liaison"), membership, on=day)

    entry = AuditLogEntry.objects.for_object(membership).get()
    assert entry.actor == world.user("oulu_liaison")
    assert entry.action == A.UPDATE
    assert entry.municipality == world.oulu
    assert entry.changes == {"ends_on": [None, day.isoformat()]}


def test_a_change_without_a_person_is_recorded_as_the_system(places):
    user = services.create_user(None, "jarjestelma@example.fi")
    entry = AuditLogEntry.objects.for_object(user).get()
    assert entry.actor is None
    assert entry.actor_label == "järjestelmä"


def test_a_failed_change_leaves_no_entry(world):
    person = world.user("outsider")
    before = AuditLogEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - ValidationError from full_clean
        services.update_profile(person, person, language="xx")
    assert AuditLogEntry.objects.count() == before


# -- the log page ------------------------------------------------------------------------------


@pytest.fixture
def log(world):
    """A few entries by different people in different municipalities."""
    admin = world.user("admin")
    services.grant_role(admin, world.user("outsider"), Role.AGENT, municipality=world.kempele)
    services.grant_role(
        admin, UserFactory(email="uusi@example.fi"), Role.LIAISON, municipality=world.oulu
    )
    liaison = world.user("oulu_liaison")
    services.update_profile(liaison, liaison, phone="044 765 4321")
    return world


def test_administrator_sees_the_entries(log):
    response = log.client("admin").get(URL)
    assert response.status_code == 200
    text = rows(response)
    assert len(text) == 3
    # Newest first: the liaison's own change, with its values before and after.
    assert "oulu.yhdyshenkilo@example.fi" in text[0]
    assert "muutettu" in text[0]
    assert re.search(r"phone : –? ?→ 044 765 4321", text[0])
    assert "yllapito@example.fi" in text[1] and "luotu" in text[1] and "Oulu" in text[1]
    assert "Kempele" in text[2]


@pytest.mark.parametrize("persona", ["oulu_liaison", "coordinator", "oulu_agent", "outsider"])
def test_others_may_not_read_the_log(log, persona):
    response = log.client(persona).get(URL)
    assert response.status_code == 403
    assert "oikeutta" in response.content.decode()


def test_anonymous_is_sent_to_login(log):
    response = log.client("anonymous").get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/tili/login/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"tyyppi": "accounts.membership"}, 2),
        ({"tyyppi": "accounts.user"}, 1),
        ({"tyyppi": "places.region"}, 0),
        ({"tekija": "yllapito"}, 2),
        ({"tekija": "YLLAPITO@EXAMPLE.FI"}, 2),
        ({"tekija": "oulu.yhdyshenkilo"}, 1),
        ({"kunta": "564"}, 1),
        ({"kunta": "244"}, 1),
        ({"kunta": "091"}, 0),
        ({"tyyppi": "accounts.membership", "kunta": "244", "tekija": "yllapito"}, 1),
    ],
)
def test_filters(log, query, expected):
    response = log.client("admin").get(URL, query)
    assert response.status_code == 200
    found = [r for r in rows(response) if r != "Ei merkintöjä."]
    assert len(found) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"tekija": "x" * 1000},
        {"kunta": "5640000000"},
        {"kunta": "abc"},
        {"tyyppi": "<script>alert(1)</script>" * 20},
        {"tyyppi": "'; DROP TABLE core_auditlogentry; --"},
        {"tekija": "%_%"},
        {"tekija": "ääkköset €"},
    ],
)
def test_odd_filter_values_give_an_empty_or_narrowed_list_not_an_error(log, query):
    response = log.client("admin").get(URL, query)
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    assert AuditLogEntry.objects.count() == 3


def test_a_nul_character_in_a_filter_is_not_a_server_error(log):
    response = log.client("admin").get(URL, {"tekija": "a\x00b"})
    assert response.status_code in (200, 400, 404)


def test_a_long_actor_filter_is_shown_back_shortened(log):
    response = log.client("admin").get(URL, {"tekija": "x" * 1000})
    assert f'value="{"x" * 254}"' in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "9999", "1.5", " 1", ""])
def test_a_page_that_does_not_exist_is_404(log, page):
    response = log.client("admin").get(URL, {"sivu": page})
    assert response.status_code == 404
    assert "Sivua ei ole." in response.content.decode()


@pytest.mark.parametrize("page", ["²", "9" * 5000])
def test_a_page_number_int_cannot_read_is_404(log, page):
    response = log.client("admin").get(URL, {"sivu": page})
    assert response.status_code == 404


def test_pages_of_fifty_newest_first(world, django_assert_max_num_queries):
    admin = world.user("admin")
    for i in range(60):
        AuditLogEntry.objects.create(
            actor=admin,
            actor_label=admin.email,
            action=A.UPDATE,
            object_type="test.thing",
            object_id=str(i),
            object_label=f"Asia {i:02}",
            municipality=world.oulu,
        )
    client = world.client("admin")
    client.get(URL)  # the session and the user are read once
    with django_assert_max_num_queries(8):
        first = client.get(URL, {"tyyppi": "test.thing"})
    second = client.get(URL, {"tyyppi": "test.thing", "sivu": "2"})

    assert len(rows(first)) == 50 and len(rows(second)) == 10
    assert "Asia 59" in rows(first)[0]
    assert "Asia 00" in rows(second)[-1]
    # The next-page link keeps the filter.
    assert "tyyppi=test.thing&amp;sivu=2" in first.content.decode()
    assert client.get(URL, {"tyyppi": "test.thing", "sivu": "3"}).status_code == 404


def test_values_are_escaped_on_the_page(world):
    person = world.user("outsider")
    services.update_profile(person, person, full_name="<b>Ulla</b> <script>x()</script>")
    html = world.client("admin").get(URL).content.decode()
    assert "<script>x()" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
