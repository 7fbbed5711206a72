"""Exporting a municipality's associations: public (consented data only) and internal,
XLSX and CSV, safe in Excel, and importable back without changes."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from silta.associations import importing
from silta.associations.models import Association, ContactPerson, Theme
from silta.core.models import AuditLogEntry

from .factories import AssociationFactory


@pytest.fixture
def register(world):
    sport = Theme.objects.get(slug="sport")
    open_one = AssociationFactory(
        name_fi="Oulun Urheiluseura ry",
        register_number="200200",
        business_id="0737546-2",
        email="info@urheilu.example.fi",
        phone="+358 40 111 2222",
        website="https://urheilu.example.fi",
        description_fi='=HYPERLINK("http://paha.example")',
        municipality=world.oulu,
        confirmed_at=timezone.now(),
    )
    open_one.themes.set([sport])
    ContactPerson.objects.create(
        association=open_one,
        name="Julkinen Jaana",
        email="jaana@example.fi",
        phone="040 1",
        consent_given_at=timezone.now(),
        consent_given_by="Julkinen Jaana",
        consent_name=True,
        consent_email=True,
        order=0,
    )
    ContactPerson.objects.create(
        association=open_one, name="Salainen Sakari", email="sakari@example.fi", order=1
    )
    hidden = AssociationFactory(name_fi="Hiljainen Seura ry", municipality=world.oulu)
    ContactPerson.objects.create(association=hidden, name="Piilo Pirjo", email="pirjo@example.fi")
    AssociationFactory(
        name_fi="Lakannut Seura ry", municipality=world.oulu, status=Association.Status.DISSOLVED
    )
    return open_one


def _get(client, code="564", **params):
    return client.get(reverse("associations:export", args=[code]), params)


def _csv_rows(response):
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8")), delimiter=";"))


def _xlsx_rows(response):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in r] for r in sheet.iter_rows()], sheet


def test_public_export_has_public_associations_and_consented_details_only(world, register):
    response = _get(world.client("anonymous"), muoto="csv", laji="julkinen")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert "Oulun Urheiluseura ry" in text and "Julkinen Jaana" in text
    assert "jaana@example.fi" in text
    for secret in ("Salainen Sakari", "sakari@example.fi", "Piilo Pirjo", "pirjo@example.fi"):
        assert secret not in text
    assert "Lakannut Seura ry" not in text
    assert "toiminnassa" not in text  # no statuses in public


def test_withdrawn_consent_leaves_the_public_export_at_once(world, register):
    ContactPerson.objects.filter(name="Julkinen Jaana").update(consent_withdrawn_at=timezone.now())
    text = _get(world.client("anonymous"), muoto="csv").content.decode("utf-8-sig")
    assert "Julkinen Jaana" not in text and "jaana@example.fi" not in text


def test_internal_export_has_everything_and_is_logged(world, register):
    response = _get(world.client("oulu_agent"), muoto="xlsx", laji="sisainen")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    rows, _ = _xlsx_rows(response)
    header = rows[0]
    assert header[-3:] == ["tila", "tiedot vahvistettu", "muut yhteyshenkilöt"]
    flat = " ".join(str(v) for r in rows for v in r if v)
    for wanted in (
        "Salainen Sakari",
        "Piilo Pirjo",
        "Lakannut Seura ry",
        "lakannut",
        "toiminnassa",
    ):
        assert wanted in flat
    assert timezone.localdate().isoformat() in flat
    assert AuditLogEntry.objects.filter(
        action=AuditLogEntry.Action.EXPORT, municipality=world.oulu, actor=world.user("oulu_agent")
    ).exists()


def test_internal_export_is_refused_to_others(world, register):
    assert _get(world.client("kempele_liaison"), laji="sisainen").status_code == 403
    assert _get(world.client("oulu_member"), laji="sisainen").status_code == 403
    response = _get(world.client("anonymous"), laji="sisainen")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_csv_is_safe_against_formula_injection(world, register):
    rows = _csv_rows(_get(world.client("oulu_liaison"), muoto="csv", laji="sisainen"))
    record = next(r for r in rows if r[0] == "Oulun Urheiluseura ry")
    assert record[8].startswith("'=HYPERLINK")
    assert record[5] == "'+358 40 111 2222"


def test_xlsx_keeps_text_as_text(world, register):
    rows, sheet = _xlsx_rows(_get(world.client("oulu_liaison"), muoto="xlsx", laji="sisainen"))
    record = next(r for r in sheet.iter_rows() if r[0].value == "Oulun Urheiluseura ry")
    assert record[8].data_type == "s"
    assert record[8].value.startswith("=HYPERLINK")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["julkinen", "sisainen"])
def test_an_export_imports_back_without_changes(world, register, fmt, kind):
    response = _get(world.client("oulu_liaison"), muoto=fmt, laji=kind)
    plan = importing.build_plan(importing.read_table(response.content, f"vienti.{fmt}"), world.oulu)
    assert plan["counts"]["error"] == 0, [r for r in plan["rows"] if r["action"] == "error"]
    assert plan["counts"]["create"] == plan["counts"]["update"] == 0, plan["rows"]
    assert not plan["notices"]


@pytest.mark.parametrize(
    "query",
    [{"muoto": "pdf"}, {"laji": "kaikki"}, {"muoto": "x" * 10_000}, {"laji": "\x00"}],
)
def test_bad_parameters_get_a_finnish_400(world, query):
    response = _get(world.client("anonymous"), **query)
    if query.get("laji") == "\x00":  # control characters are dropped: the public default
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert "Tuntematon muoto tai laji" in response.content.decode()


def test_unknown_municipality_is_404(world):
    assert _get(world.client("anonymous"), code="999").status_code == 404
    assert _get(world.client("anonymous"), code="x" * 500).status_code == 404


@pytest.mark.parametrize("size", [3, 80])
def test_export_query_count_does_not_grow(world, size, django_assert_max_num_queries):
    sport = Theme.objects.get(slug="sport")
    for i in range(size):
        a = AssociationFactory(name_fi=f"Seura {i:03d} ry", municipality=world.oulu)
        a.themes.set([sport])
        ContactPerson.objects.create(association=a, name=f"Henkilö {i}")
    client = world.client("oulu_liaison")
    with django_assert_max_num_queries(9):
        assert _get(client, muoto="csv", laji="sisainen").status_code == 200
    with django_assert_max_num_queries(6):
        assert _get(world.client("anonymous"), muoto="xlsx").status_code == 200
