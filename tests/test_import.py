"""Importing associations from CSV and XLSX: the plan, matching, broken rows, writing through
the services with the audit log, batches, the command, and the liaison's upload pages."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from silta.associations import import_jobs, importing, services
from silta.associations.models import Association, ContactPerson, ImportJob
from silta.core.models import AuditLogEntry

from .factories import AssociationFactory
from .import_fixtures import GOOD_ROWS, HEADER, csv_bytes, row, upload, xlsx_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def plan_of(data, name, municipality):
    return importing.build_plan(importing.read_table(data, name), municipality)


def by_row(plan):
    return {r["row"]: r for r in plan["rows"]}


def apply(data, name, municipality, actor=None):
    plan = plan_of(data, name, municipality)
    return plan, importing.apply_plan(plan, municipality, actor)


# -- reading files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ";"), ("utf-8", ","), ("cp1252", ";"), ("utf-16", "\t")],
)
def test_csv_in_excels_encodings_and_delimiters_gives_the_same_plan(world, encoding, delimiter):
    data = csv_bytes(GOOD_ROWS, delimiter=delimiter, encoding=encoding)
    plan = plan_of(data, "yhdistykset.csv", world.oulu)
    assert plan["counts"]["create"] == 3, plan
    assert by_row(plan)[3]["name"] == "Hiukkavaaran Kyläyhdistys"


def test_headers_are_case_and_whitespace_insensitive_with_english_names(world):
    header = ["  NAME ", "register_number", "E-mail", "themes"]
    data = csv_bytes([["Uusi Seura ry", "111222", "a@example.fi", "sport"]], header=header)
    plan = plan_of(data, "a.csv", world.oulu)
    created = by_row(plan)[2]
    assert created["action"] == "create"
    assert created["values"] == {
        "name": "Uusi Seura ry",
        "register_number": "111222",
        "email": "a@example.fi",
        "themes": ["sport"],
    }


def test_xlsx_and_csv_give_the_same_plan(world):
    from_xlsx = plan_of(xlsx_bytes(GOOD_ROWS), "a.xlsx", world.oulu)
    from_csv = plan_of(csv_bytes(GOOD_ROWS), "a.csv", world.oulu)
    assert from_xlsx["rows"] == from_csv["rows"]


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "a.csv", "tyhjä"),
        (b"PK\x03\x04rikki", "a.xlsx", "Excel-tiedostoa ei voitu lukea"),
        (b"not a zip", "a.xlsx", "ei ole Excel-tiedosto"),
        ("sähköposti;puhelin\na@b.fi;1\n".encode(), "a.csv", "nimi"),
        (b"nimi;Nimi\nA;B\n", "a.csv", "kahdesti"),
        (b"%PDF-1.4", "a.pdf", "Vain CSV- ja XLSX"),
        (b"\x81\x8d\x8f\x90\x9d" * 10, "a.csv", "merkistö"),
    ],
)
def test_an_unreadable_file_gets_a_finnish_reason(world, data, name, words):
    with pytest.raises(importing.ImportFileError) as exc:
        importing.read_table(data, name)
    assert words in str(exc.value)


def test_unknown_columns_and_extra_sheets_are_reported_not_dropped_silently(world):
    header = [*HEADER, "Jäsenmäärä"]
    plan = plan_of(
        xlsx_bytes([[*GOOD_ROWS[0], 40]], header=header, extra_sheet=True), "a.xlsx", world.oulu
    )
    assert any("Jäsenmäärä" in n for n in plan["notices"])
    assert any("ensimmäinen taulukko" in n for n in plan["notices"])


# -- the plan ---------------------------------------------------------------------------------


def test_plan_has_creates_updates_skips_and_errors_with_row_and_column(world):
    AssociationFactory(
        name_fi="Oulun Shakkikerho ry", register_number="654321", municipality=world.oulu
    )
    existing = AssociationFactory(
        name_fi="Hiukkavaaran Kyläyhdistys ry",
        register_number="",
        email="vanha@example.fi",
        municipality=world.oulu,
    )
    rows = [
        *GOOD_ROWS,
        row("Virheellinen Seura", email="ei-osoite", bid="1234567-2"),
    ]
    plan = plan_of(xlsx_bytes(rows), "a.xlsx", world.oulu)
    r = by_row(plan)
    assert r[2]["action"] == "create"
    assert r[3]["action"] == "update"
    assert r[3]["association"] == existing.pk
    changes = {c["field"]: (c["old"], c["new"]) for c in r[3]["changes"]}
    assert changes["email"] == ("vanha@example.fi", "kyla@example.fi")
    assert changes["name_fi"] == ("Hiukkavaaran Kyläyhdistys ry", "Hiukkavaaran Kyläyhdistys")
    assert changes["themes"] == ([], ["village"])
    assert changes["contact_name"] == ("", "Kaija Kylä")
    assert r[4]["action"] == "update"  # the theme is new; the rest is as in the register
    assert [c["field"] for c in r[4]["changes"]] == ["themes"]
    assert r[5]["action"] == "error"
    columns = {e["column"]: e["message"] for e in r[5]["errors"]}
    assert "Syötä kelvollinen sähköpostiosoite." in columns["E (Sähköposti)"]
    assert "tarkistusnumero" in columns["C (Y-tunnus)"]
    assert plan["counts"] == {"create": 1, "update": 2, "skip": 0, "error": 1, "empty": 0}
    assert Association.objects.count() == 4  # the world's two and the two above: no writes


def test_matching_by_register_number_business_id_or_normalised_name(world):
    by_reg = AssociationFactory(
        name_fi="Vanha Nimi ry", register_number="123456", municipality=world.oulu
    )
    by_bid = AssociationFactory(
        name_fi="Toinen ry", register_number="", business_id="0737546-2", municipality=world.oulu
    )
    by_name = AssociationFactory(
        name_fi="Oulun  Kuoro r.y.", register_number="", municipality=world.oulu
    )
    AssociationFactory(name_fi="Kempeleen Kuoro ry", register_number="", municipality=world.kempele)
    rows = [
        row("Uusi Nimi ry", reg="123.456"),
        row("Toinen ry", bid="0737546-2"),
        row("OULUN KUORO", email="kuoro@example.fi"),
        row("Kempeleen Kuoro ry"),  # the same name in another municipality is another association
    ]
    r = by_row(plan_of(csv_bytes(rows), "a.csv", world.oulu))
    assert (r[2]["action"], r[2]["association"]) == ("update", by_reg.pk)
    assert (r[3]["action"], r[3]["association"]) == ("skip", by_bid.pk)
    assert r[3]["reason"] == "unchanged"
    assert r[4]["association"] == by_name.pk
    assert r[5]["action"] == "create"


def test_an_identifier_held_by_another_municipality_is_an_error(world):
    AssociationFactory(
        name_fi="Kempeleen Seura ry", register_number="777777", municipality=world.kempele
    )
    r = by_row(plan_of(csv_bytes([row("Kempeleen Seura ry", reg="777777")]), "a.csv", world.oulu))
    assert r[2]["action"] == "error"
    assert "Kempele" in r[2]["errors"][0]["message"]


def test_a_row_for_another_municipality_is_an_error(world):
    r = by_row(
        plan_of(
            csv_bytes([row("Seura", code="91"), row("Seura 2", code="999")]), "a.csv", world.oulu
        )
    )
    assert "Helsinki" in r[2]["errors"][0]["message"]
    assert "999" in r[3]["errors"][0]["message"]


def test_duplicate_rows_are_an_error_on_the_later_row(world):
    rows = [
        row("Oulun Seura ry", reg="111111"),
        row("Toinen Seura", reg="222222"),
        row("Oulun Seura ry", reg="333333"),  # the same name
        row("Kolmas", reg="222.222"),  # the same register number
    ]
    r = by_row(plan_of(csv_bytes(rows), "a.csv", world.oulu))
    assert [r[n]["action"] for n in (2, 3, 4, 5)] == ["create", "create", "error", "error"]
    assert "rivillä 2" in r[4]["errors"][0]["message"]
    assert "rivillä 3" in r[5]["errors"][0]["message"]


def test_broken_rows_never_stop_the_good_ones_and_every_row_is_accounted_for(world):
    rows = [
        GOOD_ROWS[0],
        None,  # an empty line in the middle
        row("Kaavavirhe ry", phone="#DIV/0!"),
        row("Päivämääräseura ry", phone=datetime.date(2024, 5, 1)),
        row("P" * 10_000),
        row("Tavallinen Seura ry", email="x" * 300 + "@example.fi"),
        row("Kelvoton teema ry", themes="ufot"),
        row("Suostumus ry", contact_name="Sanna", consent="ehkä"),
        GOOD_ROWS[2],
    ]
    plan = plan_of(xlsx_bytes(rows), "a.xlsx", world.oulu)
    r = by_row(plan)
    assert sorted(r) == list(range(2, 11))
    assert r[2]["action"] == "create" and r[10]["action"] == "create"
    assert (r[3]["action"], r[3]["reason"]) == ("skip", "empty")
    assert "#DIV/0!" in r[4]["errors"][0]["message"]
    assert "päivämäärä" in r[5]["errors"][0]["message"]
    assert r[5]["errors"][0]["column"] == "F (Puhelin)"
    assert "200" in r[6]["errors"][0]["message"]
    assert len(r[6]["name"]) <= importing.SHOWN_VALUE_LENGTH  # the preview is not 10 000 wide
    assert r[7]["errors"][0]["column"] == "E (Sähköposti)"
    assert "ufot" in r[8]["errors"][0]["message"]
    assert "kyllä tai ei" in r[9]["errors"][0]["message"]
    outcome = importing.apply_plan(plan, world.oulu, world.user("oulu_liaison"))
    assert [c["row"] for c in outcome["created"]] == [2, 10]


def test_nul_and_control_characters_in_csv_are_errors_for_their_row(world):
    text = "nimi;puhelin\nNul\x00 Seura;1\nOhjaus\x07 Seura;2\nHyvä Seura;3\n"
    r = by_row(plan_of(text.encode(), "a.csv", world.oulu))
    assert "NUL" in r[2]["errors"][0]["message"]
    assert "ohjausmerk" in r[3]["errors"][0]["message"]
    assert r[4]["action"] == "create"


def test_a_csv_row_with_too_few_or_too_many_cells_is_an_error(world):
    text = (
        "nimi;sähköposti;puhelin\n"
        "Hyvä Seura;hyva@example.fi;040 1\n"
        "Lyhyt Seura;lyhyt@example.fi\n"
        "Pitkä Seura;a@b.fi;1;ylimääräinen\n"
        "Loppu Seura;loppu@example.fi;040 2;\n"  # an empty extra cell is harmless
    )
    r = by_row(plan_of(text.encode(), "a.csv", world.oulu))
    assert r[2]["action"] == "create" and r[5]["action"] == "create"
    assert "2 solua" in r[3]["errors"][0]["message"]
    assert "4 solua" in r[4]["errors"][0]["message"]


def test_formula_text_in_csv_and_an_uncomputed_formula_in_xlsx_are_errors(world):
    csv_plan = plan_of(
        csv_bytes([row("Kaava ry", email="=HYPERLINK(1)"), row("Suojattu ry", phone="'+358 40 1")]),
        "a.csv",
        world.oulu,
    )
    r = by_row(csv_plan)
    assert "kaava" in r[2]["errors"][0]["message"].lower()
    assert r[3]["values"]["phone"] == "+358 40 1"  # the export's guard is read back
    xlsx_plan = plan_of(xlsx_bytes([row("Kaava ry", phone="=1+2")]), "a.xlsx", world.oulu)
    assert "kaava" in by_row(xlsx_plan)[2]["errors"][0]["message"].lower()


# -- writing ----------------------------------------------------------------------------------


def test_apply_writes_through_services_with_the_audit_log(world):
    liaison = world.user("oulu_liaison")
    plan, outcome = apply(xlsx_bytes(GOOD_ROWS), "a.xlsx", world.oulu, liaison)
    assert [c["name"] for c in outcome["created"]] == [
        "Oulun Partiolaiset ry",
        "Hiukkavaaran Kyläyhdistys",
        "Oulun Shakkikerho ry",
    ]
    scouts = Association.objects.get(name_fi="Oulun Partiolaiset ry")
    assert scouts.municipality == world.oulu
    assert scouts.register_number == "123456"
    assert scouts.business_id == "0737546-2"
    assert scouts.website == "https://www.partio.example.fi"
    assert sorted(t.slug for t in scouts.themes.all()) == ["scouting", "youth"]
    contact = scouts.contacts.get()
    assert contact.has_consent and contact.consent_email and contact.consent_recorded_by == liaison
    assert contact.public_details()["email"] == "pekka@partio.example.fi"
    assert ContactPerson.objects.get(name="Kaija Kylä").has_consent is False
    entries = AuditLogEntry.objects.filter(actor=liaison, municipality=world.oulu)
    types = {e.object_type for e in entries}
    assert {"associations.association", "associations.contactperson"} <= types
    assert scouts.search_name  # indexed for search by the service


def test_reimporting_the_same_file_changes_nothing(world):
    data = xlsx_bytes(GOOD_ROWS)
    apply(data, "a.xlsx", world.oulu, world.user("oulu_liaison"))
    log_size = AuditLogEntry.objects.count()
    plan, outcome = apply(data, "a.xlsx", world.oulu, world.user("oulu_liaison"))
    assert plan["counts"] == {"create": 0, "update": 0, "skip": 3, "error": 0, "empty": 0}
    assert outcome == {
        "created": [],
        "updated": [],
        "unchanged": [],
        "failed": [],
        "batches_failed": 0,
    }
    assert AuditLogEntry.objects.count() == log_size


def test_an_empty_cell_keeps_the_registers_value(world):
    a = AssociationFactory(
        name_fi="Seura ry", register_number="121212", email="pysyy@example.fi", phone="040 1"
    )
    plan, outcome = apply(csv_bytes([row("Seura ry", reg="121212")]), "a.csv", world.oulu)
    assert by_row(plan)[2]["action"] == "skip"
    a.refresh_from_db()
    assert (a.email, a.phone) == ("pysyy@example.fi", "040 1")


def test_withdrawing_consent_by_import_hides_the_contact(world):
    apply(xlsx_bytes([GOOD_ROWS[0]]), "a.xlsx", world.oulu)
    withdrawn = list(GOOD_ROWS[0])
    withdrawn[-1] = "ei"
    plan, outcome = apply(xlsx_bytes([withdrawn]), "a.xlsx", world.oulu)
    assert [c["field"] for c in by_row(plan)[2]["changes"]] == ["contact_consent"]
    assert ContactPerson.objects.get(name="Pekka Partio").public_details() is None


def test_applying_a_plan_twice_or_after_a_change_never_duplicates(world):
    plan = plan_of(csv_bytes(GOOD_ROWS), "a.csv", world.oulu)
    first = importing.apply_plan(plan, world.oulu, None)
    second = importing.apply_plan(plan, world.oulu, None)
    assert len(first["created"]) == 3
    assert second["created"] == [] and len(second["unchanged"]) == 3
    assert Association.objects.filter(municipality=world.oulu).count() == 4


def test_a_failing_batch_is_rolled_back_whole_and_reported(world, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    real = services.create_association

    def failing(actor, **kwargs):
        if kwargs["name_fi"] == "Seura 3":
            raise DatabaseError("yhteys katkesi")
        return real(actor, **kwargs)

    monkeypatch.setattr(services, "create_association", failing)
    rows = [row(f"Seura {i}") for i in range(1, 6)]
    plan, outcome = apply(csv_bytes(rows), "a.csv", world.oulu)
    assert [c["name"] for c in outcome["created"]] == ["Seura 1", "Seura 2", "Seura 5"]
    assert [f["row"] for f in outcome["failed"]] == [4, 5]
    assert "rivit 4–5" in outcome["failed"][0]["message"]
    assert outcome["batches_failed"] == 1
    names = set(Association.objects.values_list("name_fi", flat=True))
    assert "Seura 3" not in names and "Seura 4" not in names  # nothing half-written
    # Resuming: the same file again writes what is missing, without duplicates.
    monkeypatch.setattr(services, "create_association", real)
    plan, outcome = apply(csv_bytes(rows), "a.csv", world.oulu)
    assert [c["name"] for c in outcome["created"]] == ["Seura 3", "Seura 4"]


# -- the command ------------------------------------------------------------------------------


def test_command_dry_run_prints_the_plan_in_finnish_and_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "yhdistykset.xlsx"
    path.write_bytes(xlsx_bytes([*GOOD_ROWS, row("Virhe ry", email="rikki")]))
    call_command("import_associations", str(path), "--municipality", "564", "--dry-run")
    out = capsys.readouterr().out
    assert "3 uutta" in out and "1 virheellistä" in out
    assert "rivi 5: VIRHE" in out and "Sähköposti" in out
    assert "mitään ei tallennettu" in out
    assert not Association.objects.filter(name_fi="Oulun Shakkikerho ry").exists()


def test_command_writes_with_the_actor(world, tmp_path, capsys):
    path = tmp_path / "yhdistykset.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    call_command(
        "import_associations",
        str(path),
        "--municipality",
        "564",
        "--actor",
        "oulu.yhdyshenkilo@example.fi",
    )
    assert "3 lisätty" in capsys.readouterr().out
    entry = AuditLogEntry.objects.filter(object_label="Oulun Shakkikerho ry").first()
    assert entry.actor == world.user("oulu_liaison")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--municipality", "999"], "Kuntaa"),
        (["--municipality", "x" * 50], "Kuntaa"),
        (["--municipality", "564", "--actor", "ei@ole.fi"], "Käyttäjää"),
    ],
)
def test_command_refuses_bad_arguments_in_finnish(world, tmp_path, args, words):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    with pytest.raises(CommandError, match=words):
        call_command("import_associations", str(path), *args)


def test_command_refuses_a_missing_or_unreadable_file(world, tmp_path):
    with pytest.raises(CommandError, match="ei voitu lukea"):
        call_command("import_associations", str(tmp_path / "ei.csv"), "--municipality", "564")
    broken = tmp_path / "rikki.xlsx"
    broken.write_bytes(b"PK\x03\x04roskaa")
    with pytest.raises(CommandError, match="ei voitu tuoda"):
        call_command("import_associations", str(broken), "--municipality", "564")


# -- the upload pages -------------------------------------------------------------------------


def _upload(client, data, name, code="564"):
    return client.post(
        reverse("associations:import", args=[code]), {"tiedosto": upload(data, name)}
    )


def test_liaison_uploads_previews_applies_and_reimports(world):
    client = world.client("oulu_liaison")
    data = xlsx_bytes([*GOOD_ROWS, row("Rikki ry", email="ei-osoite")])
    response = _upload(client, data, "yhdistykset.xlsx")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("associations:import_job", args=["564", job.pk])
    assert job.status == ImportJob.Status.READY and job.file  # parsed by the (immediate) task
    page = client.get(response["Location"]).content.decode()
    assert "Esikatselu" in page and "Mitään ei ole vielä tallennettu" in page
    assert "Sarake E (Sähköposti):" in page and "Syötä kelvollinen sähköpostiosoite." in page
    assert "Rikki ry" in page and "Oulun Partiolaiset ry" in page
    assert not Association.objects.filter(name_fi="Oulun Partiolaiset ry").exists()
    response = client.post(reverse("associations:import_apply", args=["564", job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and not job.file
    page = client.get(reverse("associations:import_job", args=["564", job.pk])).content.decode()
    assert "Tuonti on valmis" in page and "yhdistystä lisättiin" in page
    assert "Rikki ry" in page  # the row that was not imported, and why
    assert Association.objects.filter(name_fi="Oulun Partiolaiset ry").exists()
    # Applying again does nothing.
    client.post(reverse("associations:import_apply", args=["564", job.pk]))
    assert Association.objects.filter(name_fi="Oulun Partiolaiset ry").count() == 1
    # The same file again: everything is unchanged and there is nothing to import.
    _upload(client, data, "yhdistykset.xlsx")
    again = ImportJob.objects.order_by("-pk").first()
    assert again.counts["skip"] == 3 and again.counts["create"] == again.counts["update"] == 0
    page = client.get(reverse("associations:import_job", args=["564", again.pk])).content.decode()
    assert "Tiedostossa ei ole rekisteriin tuotavia muutoksia." in page
    assert "import_apply" not in page and 'action="/kunnat/564/tuonti/' not in page


def test_an_unreadable_upload_says_why(world):
    client = world.client("oulu_agent")
    _upload(client, "sähköposti\na@b.fi\n".encode(), "a.csv")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    page = client.get(reverse("associations:import_job", args=["564", job.pk])).content.decode()
    assert "Tiedostoa ei voitu tuoda" in page and "nimi" in page
    assert not job.file


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"%PDF-1.4", "a.pdf", "Vain CSV- ja XLSX"),
        (b"nimi\nA\n", "a.xlsx", "ei ole Excel-tiedosto"),
        (b"PK\x03\x04xx", "a.csv", "on Excel-tiedosto"),
        (b"\x00\x01\x02binary", "a.csv", "tekstimuotoinen"),
        (b"", "a.csv", "tyhjä"),
    ],
)
def test_upload_refuses_wrong_types_with_400_and_stores_nothing(world, data, name, words):
    response = _upload(world.client("oulu_liaison"), data, name)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_refuses_a_too_large_file(world, monkeypatch):
    monkeypatch.setattr(import_jobs, "MAX_UPLOAD_BYTES", 100)
    response = _upload(world.client("oulu_liaison"), csv_bytes(GOOD_ROWS), "a.csv")
    assert response.status_code == 400
    assert "liian suuri" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_without_a_file_is_a_400(world):
    response = world.client("oulu_liaison").post(reverse("associations:import", args=["564"]))
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_jobs_are_scoped_to_the_municipality(world):
    _upload(world.client("kempele_liaison"), csv_bytes([row("Seura", code="244")]), "a.csv", "244")
    job = ImportJob.objects.get()
    oulu = world.client("oulu_liaison")
    for name in ("import_job", "import_progress"):
        assert oulu.get(reverse(f"associations:{name}", args=["564", job.pk])).status_code == 404
        assert oulu.get(reverse(f"associations:{name}", args=["244", job.pk])).status_code == 403
    assert oulu.post(reverse("associations:import_apply", args=["564", job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY
    assert "a.csv" not in oulu.get(reverse("associations:import", args=["564"])).content.decode()
    coordinator = world.client("coordinator")
    assert coordinator.get(reverse("associations:import", args=["244"])).status_code == 403


def test_preview_filters_and_bad_query_values(world):
    client = world.client("oulu_liaison")
    _upload(client, csv_bytes([*GOOD_ROWS, row("Rikki", email="x")]), "a.csv")
    job = ImportJob.objects.get()
    url = reverse("associations:import_job", args=["564", job.pk])
    errors_only = client.get(url + "?nayta=virheet").content.decode()
    assert "Rikki" in errors_only and "Oulun Partiolaiset ry" not in errors_only
    for bad in ("?nayta=" + "x" * 10_000, "?nayta=ufo", "?sivu=0", "?sivu=99", "?sivu=x"):
        assert client.get(url + bad).status_code == 404
    assert client.get(url + "?nayta=%00").status_code == 200  # control characters are dropped


def test_a_running_job_shows_a_progress_bar_polled_by_htmx_and_a_refresh_fallback(world):
    job = ImportJob.objects.create(
        municipality=world.oulu,
        original_name="iso.xlsx",
        status=ImportJob.Status.PARSING,
        progress_done=250,
        progress_total=1000,
    )
    client = world.client("oulu_liaison")
    page = client.get(reverse("associations:import_job", args=["564", job.pk])).content.decode()
    assert '<progress id="import-progress-bar" max="100" value="25">' in page
    assert 'hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    progress_url = reverse("associations:import_progress", args=["564", job.pk])
    response = client.get(progress_url, headers={"HX-Request": "true"})
    assert "250 / 1000" in response.content.decode() and "HX-Refresh" not in response
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.READY)
    response = client.get(progress_url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"


def test_old_files_and_preview_rows_are_removed_after_seven_days(world):
    client = world.client("oulu_liaison")
    _upload(client, csv_bytes(GOOD_ROWS), "a.csv")
    job = ImportJob.objects.get()
    path = job.file.path
    assert import_jobs.purge_old_files() == 0
    later = timezone.now() + timezone.timedelta(days=8)
    assert import_jobs.purge_old_files(now=later) == 1
    job.refresh_from_db()
    assert not job.file and job.plan == {} and job.status == ImportJob.Status.FAILED
    assert job.counts["create"] == 3
    import os

    assert not os.path.exists(path)
    call_command("clean_import_files")


def test_workspace_slot_links_import_and_exports(world):
    page = (
        world.client("oulu_agent").get(reverse("places:workspace", args=["564"])).content.decode()
    )
    assert reverse("associations:import", args=["564"]) in page
    assert "laji=sisainen" in page and "laji=julkinen" in page
    page = (
        world.client("coordinator").get(reverse("places:workspace", args=["564"])).content.decode()
    )
    assert reverse("associations:import", args=["564"]) not in page
    assert "laji=sisainen" in page


# -- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 300])
def test_preview_query_count_does_not_grow_with_rows(world, size, django_assert_max_num_queries):
    client = world.client("oulu_liaison")
    _upload(
        client,
        csv_bytes([row(f"Seura {i}", email="x" if i % 3 else "") for i in range(size)]),
        "a.csv",
    )
    job = ImportJob.objects.get()
    url = reverse("associations:import_job", args=["564", job.pk])
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [2, 40])
def test_job_list_query_count_does_not_grow(world, size, django_assert_max_num_queries):
    for i in range(size):
        ImportJob.objects.create(
            municipality=world.oulu,
            created_by=world.user("oulu_agent") if i % 2 else world.user("oulu_liaison"),
            original_name=f"tiedosto{i}.csv",
            status=ImportJob.Status.DONE,
            counts={"create": 1, "update": 2, "skip": 3, "error": 0, "empty": 0},
            plan={"rows": [{"row": n, "action": "skip"} for n in range(500)]},
        )
    client = world.client("oulu_liaison")
    with django_assert_max_num_queries(7):
        assert client.get(reverse("associations:import", args=["564"])).status_code == 200
