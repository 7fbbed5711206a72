"""The yearly confirmation: the daily command emails a signed one-click link, the link page
confirms only on POST, bad links get a clear Finnish page, and the liaison sees which
entries are out of date."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from silta.associations import services
from silta.associations.models import Association, ContactPerson
from silta.core.models import AuditLogEntry, OutgoingEmail

from .factories import AssociationFactory, Role, UserFactory, grant


def run_command() -> str:
    out = StringIO()
    call_command("send_confirmation_requests", stdout=out)
    return out.getvalue()


@pytest.fixture
def asked(world, settings):
    settings.SITE_URL = "https://silta.example.fi"
    a = world.oulu_association
    a.email = "hallitus@kyla.example.fi"
    a.save()
    return a


def _path_in(email) -> str:
    line = next(x for x in email.body_text.splitlines() if "/vahvista/" in x)
    return line.strip().removeprefix("https://silta.example.fi")


def test_command_asks_each_out_of_date_association_once(world, asked):
    fresh = AssociationFactory(
        municipality=world.oulu, email="tuore@example.fi", confirmed_at=timezone.now()
    )
    dissolved = AssociationFactory(
        municipality=world.oulu, email="lakannut@example.fi", status="dissolved"
    )
    ContactPerson.objects.create(
        association=world.kempele_association, name="Kalle", role="chair", email="kalle@example.fi"
    )
    out = run_command()
    assert "lähetetty: 2" in out
    to = sorted(OutgoingEmail.objects.values_list("to", flat=True))
    assert to == ["hallitus@kyla.example.fi", "kalle@example.fi"]  # chair when no general email
    email = OutgoingEmail.objects.get(to="hallitus@kyla.example.fi")
    assert email.template == "association_confirmation" and email.language == "fi"
    assert "Oulun Kyläyhdistys ry" in email.subject
    assert "Tiedot ovat ajan tasalla" in email.body_text
    assert "https://silta.example.fi/vahvista/" in email.body_text
    assert "https://silta.example.fi/vahvista/" in email.body_html
    asked.refresh_from_db()
    assert asked.confirmation_requested_at is not None
    # Daily from cron: the next days ask nobody again.
    run_command()
    run_command()
    assert OutgoingEmail.objects.count() == 2
    assert not OutgoingEmail.objects.filter(to__in=[fresh.email, dissolved.email]).exists()


def test_asked_again_after_the_interval(world, asked):
    services.request_confirmation(None, asked, now=timezone.now() - timedelta(days=366))
    assert OutgoingEmail.objects.count() == 1
    run_command()
    assert OutgoingEmail.objects.count() == 2


def test_email_is_in_the_recipients_language(world, asked):
    UserFactory(email="hallitus@kyla.example.fi", language="sv")
    run_command()
    email = OutgoingEmail.objects.get(to="hallitus@kyla.example.fi")
    assert email.language == "sv"


def test_link_get_shows_the_entry_and_post_confirms(world, asked, client):
    run_command()
    path = _path_in(OutgoingEmail.objects.get(to=asked.email))
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Oulun Kyläyhdistys ry" in body and "Tiedot ovat ajan tasalla" in body
    assert reverse("associations:edit", args=[asked.pk]) in body
    asked.refresh_from_db()
    assert asked.confirmed_at is None  # a mail scanner following the link confirms nothing
    response = client.post(path)
    assert response.status_code == 200
    assert "Kiitos, tiedot vahvistettu" in response.content.decode()
    asked.refresh_from_db()
    assert asked.confirmed_at is not None and not asked.is_out_of_date
    entry = AuditLogEntry.objects.get(note="vahvistettu sähköpostilinkistä")
    assert entry.actor is None and entry.municipality == world.oulu
    # Reused: a clear page, no second confirmation.
    again = client.post(path)
    assert again.status_code == 200
    assert "jo vahvistettu" in again.content.decode()
    assert AuditLogEntry.objects.filter(note="vahvistettu sähköpostilinkistä").count() == 1


def test_forged_tampered_and_expired_links(world, asked, client):
    run_command()
    path = _path_in(OutgoingEmail.objects.get(to=asked.email))
    token = path.strip("/").split("/")[-1]
    other = AssociationFactory(municipality=world.oulu)
    forged = signing.dumps({"a": other.pk, "r": ""}, salt="joku muu suola")
    cases = [
        "/vahvista/roskaa/",
        f"/vahvista/{token[:-3]}abc/",
        f"/vahvista/{forged}/",
        "/vahvista/" + "x" * 10_000 + "/",
        "/vahvista/%00/",
    ]
    for url in cases:
        response = client.post(url)
        assert response.status_code == 400, url
        assert "Linkki ei kelpaa" in response.content.decode()
    later = timezone.now() + timedelta(days=61)
    from unittest import mock

    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.post(path)
    assert response.status_code == 410
    assert "vanhentunut" in response.content.decode()
    # A newer request replaces the link.
    services.request_confirmation(None, asked, force=True)
    response = client.post(path)
    assert response.status_code == 410
    assert "uusi vahvistuslinkki" in response.content.decode()
    asked.refresh_from_db()
    assert asked.confirmed_at is None


def test_members_confirm_from_the_edit_page(world):
    a = world.oulu_association
    client = world.client("oulu_member")
    url = reverse("associations:confirm", args=[a.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    a.refresh_from_db()
    assert a.confirmed_at is not None
    assert (
        world.client("kempele_liaison")
        .post(reverse("associations:confirm", args=[world.kempele_association.pk]))
        .status_code
        == 302
    )
    k = world.client("kempele_liaison").post(url)
    assert k.status_code == 403


def test_liaison_sees_out_of_date_entries_and_sends_a_request_now(world):
    a = world.oulu_association
    a.email = "kyla@example.fi"
    a.save()
    AssociationFactory(
        name_fi="Tuore Seura ry", municipality=world.oulu, confirmed_at=timezone.now()
    )
    AssociationFactory(
        name_fi="Vanha Seura ry",
        municipality=world.oulu,
        confirmed_at=timezone.now() - timedelta(days=400),
        confirmation_requested_at=timezone.now() - timedelta(days=30),
    )
    client = world.client("oulu_liaison")
    workspace = client.get(reverse("places:workspace", args=["564"])).content.decode()
    assert "Yhdistysrekisterin ylläpito" in workspace
    assert reverse("associations:out_of_date", args=["564"]) in workspace
    page = client.get(reverse("associations:out_of_date", args=["564"])).content.decode()
    assert "Oulun Kyläyhdistys ry" in page and "Vanha Seura ry" in page
    assert "Tuore Seura ry" not in page
    assert "ei koskaan" in page and "ei pyydetty" in page
    assert "Kempeleen" not in page
    send = reverse("associations:request_confirmation", args=["564", a.pk])
    assert client.get(send).status_code == 405
    response = client.post(send)
    assert response.status_code == 302
    assert OutgoingEmail.objects.filter(to="kyla@example.fi").count() == 1
    a.refresh_from_db()
    assert a.confirmation_requested_at is not None


def test_request_without_an_address_says_so(world):
    client = world.client("oulu_liaison")
    send = reverse("associations:request_confirmation", args=["564", world.oulu_association.pk])
    response = client.post(send, follow=True)
    assert "ei ole kirjattu sähköpostiosoitetta" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


def test_request_refused_across_municipalities_and_for_forged_ids(world):
    world.kempele_association.email = "k@example.fi"
    world.kempele_association.save()
    kempele_pk = world.kempele_association.pk
    oulu = world.client("oulu_liaison")
    # Kempele's association under Oulu's code: not found; under its own code: refused.
    assert (
        oulu.post(
            reverse("associations:request_confirmation", args=["564", kempele_pk])
        ).status_code
        == 404
    )
    assert (
        oulu.post(
            reverse("associations:request_confirmation", args=["244", kempele_pk])
        ).status_code
        == 403
    )
    assert (
        oulu.post(
            reverse("associations:request_confirmation", args=["999", kempele_pk])
        ).status_code
        == 404
    )
    assert (
        oulu.post(reverse("associations:request_confirmation", args=["564", 999999])).status_code
        == 404
    )
    assert (
        world.client("oulu_member")
        .post(reverse("associations:request_confirmation", args=["564", world.oulu_association.pk]))
        .status_code
        == 403
    )
    assert not OutgoingEmail.objects.exists()


def test_out_of_date_page_refusals(world):
    assert world.client("kempele_liaison").get("/kunnat/564/vanhentuneet/").status_code == 403
    assert world.client("oulu_member").get("/kunnat/564/vanhentuneet/").status_code == 403
    assert world.client("admin").get("/kunnat/999/vanhentuneet/").status_code == 404
    assert world.client("oulu_liaison").get("/kunnat/564/vanhentuneet/?sivu=0").status_code == 404
    assert world.client("oulu_liaison").get("/kunnat/564/vanhentuneet/?sivu=%00").status_code == 404


@pytest.mark.parametrize("size", ["small", "grown"])
def test_out_of_date_list_query_count_is_bounded(world, django_assert_max_num_queries, size):
    if size == "grown":
        for i in range(60):
            a = AssociationFactory(
                name_fi=f"Vanha {i:02d} ry",
                municipality=world.oulu,
                email="" if i % 2 else f"v{i}@example.fi",
                confirmed_at=None if i % 3 else timezone.now() - timedelta(days=500),
            )
            ContactPerson.objects.create(association=a, name="X", email="x@example.fi")
    client = world.client("oulu_liaison")
    # session, user, roles, municipality, count, page rows
    with django_assert_max_num_queries(8):
        response = client.get("/kunnat/564/vanhentuneet/")
    assert response.status_code == 200
    if size == "grown":
        assert "Vanha 00 ry" in response.content.decode()


@pytest.mark.parametrize("size", ["small", "grown"])
def test_workspace_slot_adds_one_query(world, django_assert_max_num_queries, size):
    if size == "grown":
        for i in range(30):
            AssociationFactory(municipality=world.oulu)
    client = world.client("oulu_liaison")
    with django_assert_max_num_queries(9):
        response = client.get("/kunnat/564/tyotila/")
    assert "Yhdistysrekisterin ylläpito" in response.content.decode()


def test_command_sends_to_many_in_one_pass(world):
    for i in range(20):
        AssociationFactory(municipality=world.oulu, email=f"s{i}@example.fi")
    run_command()
    assert OutgoingEmail.objects.count() == 20
    assert Association.objects.filter(confirmation_requested_at__isnull=False).count() == 20


def test_a_member_of_kempele_is_not_asked_about_oulu(world):
    # The dashboard reminder lists only the person's own associations.
    person = UserFactory()
    grant(person, Role.ASSOCIATION_MEMBER, association=world.kempele_association)
    from django.test import Client

    c = Client()
    c.force_login(person)
    body = c.get(reverse("dashboard")).content.decode()
    assert "Kempeleen Kyläyhdistys ry" in body
    assert reverse("associations:edit", args=[world.oulu_association.pk]) not in body
