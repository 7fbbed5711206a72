"""Permission-matrix rows for importing and exporting a municipality's associations."""

from django.urls import reverse

from silta.associations.models import ImportJob

from ..matrix import LOGIN, PUBLIC, Row, _url, expect

# Import: the municipality's liaison and agents, administrators; not the coordinator.
OULU_IMPORTERS = {"oulu_liaison": 200, "oulu_agent": 200, "admin": 200}
OULU_STAFF = {**OULU_IMPORTERS, "coordinator": 200}


def _job(municipality_code, status=ImportJob.Status.READY):
    def build(w):
        m = {"564": w.oulu, "244": w.kempele}[municipality_code]
        return ImportJob.objects.create(
            municipality=m,
            original_name="yhdistykset.csv",
            status=status,
            counts={"create": 0, "update": 0, "skip": 0, "error": 0, "empty": 0},
            plan={"rows": [], "notices": [], "counts": {}},
        )

    return build


def _job_url(name, job_code, url_code="564", status=ImportJob.Status.READY):
    return lambda w: reverse(name, args=[url_code, _job(job_code, status)(w).pk])


ROWS = [
    Row(
        "import-oulu",
        "associations:import",
        _url("associations:import", "564"),
        expect(LOGIN, 403, **OULU_IMPORTERS),
    ),
    Row(
        "import-kempele",
        "associations:import",
        _url("associations:import", "244"),
        expect(LOGIN, 403, kempele_liaison=200, admin=200),
    ),
    Row(
        "import-missing",
        "associations:import",
        _url("associations:import", "999"),
        expect(LOGIN, 404),
    ),
    Row(
        "import_job-oulu",
        "associations:import_job",
        _job_url("associations:import_job", "564"),
        expect(LOGIN, 403, **OULU_IMPORTERS),
    ),
    Row(
        "import_job-done",
        "associations:import_job",
        _job_url("associations:import_job", "564", status=ImportJob.Status.DONE),
        expect(LOGIN, 403, **OULU_IMPORTERS),
    ),
    Row(
        "import_job-running",
        "associations:import_job",
        _job_url("associations:import_job", "564", status=ImportJob.Status.PARSING),
        expect(LOGIN, 403, **OULU_IMPORTERS),
    ),
    # Kempele's job asked for through Oulu's address: as if it did not exist.
    Row(
        "import_job-forged",
        "associations:import_job",
        _job_url("associations:import_job", "244"),
        expect(LOGIN, 403, oulu_liaison=404, oulu_agent=404, admin=404),
    ),
    Row(
        "import_job-missing",
        "associations:import_job",
        _url("associations:import_job", "564", 999999),
        expect(LOGIN, 403, oulu_liaison=404, oulu_agent=404, admin=404),
    ),
    Row(
        "import_progress-oulu",
        "associations:import_progress",
        _job_url("associations:import_progress", "564", status=ImportJob.Status.APPLYING),
        expect(LOGIN, 403, **OULU_IMPORTERS),
    ),
    Row(
        "import_progress-forged",
        "associations:import_progress",
        _job_url("associations:import_progress", "244"),
        expect(LOGIN, 403, oulu_liaison=404, oulu_agent=404, admin=404),
    ),
    # Applying is a POST; a GET changes nothing.
    Row(
        "import_apply-get",
        "associations:import_apply",
        _job_url("associations:import_apply", "564"),
        expect(LOGIN, 405),
    ),
    Row(
        "export-public-xlsx",
        "associations:export",
        lambda w: reverse("associations:export", args=["564"]) + "?muoto=xlsx&laji=julkinen",
        PUBLIC,
    ),
    Row(
        "export-public-csv",
        "associations:export",
        lambda w: reverse("associations:export", args=["244"]) + "?muoto=csv",
        PUBLIC,
    ),
    Row(
        "export-internal-oulu",
        "associations:export",
        lambda w: reverse("associations:export", args=["564"]) + "?muoto=csv&laji=sisainen",
        expect(LOGIN, 403, **OULU_STAFF),
    ),
    Row(
        "export-internal-helsinki",
        "associations:export",
        lambda w: reverse("associations:export", args=["091"]) + "?laji=sisainen",
        expect(LOGIN, 403, admin=200),
    ),
    Row(
        "export-bad-format",
        "associations:export",
        lambda w: reverse("associations:export", args=["564"]) + "?muoto=pdf",
        expect(400, 400),
    ),
    Row(
        "export-missing",
        "associations:export",
        _url("associations:export", "999"),
        expect(404, 404),
    ),
]
