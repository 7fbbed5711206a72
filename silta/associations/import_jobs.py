"""Import jobs: an uploaded file, its plan (the preview) and what the apply did. The
parse and the apply run as background tasks (tasks.py) and report their progress on the
job; these functions are the only way a job changes state."""

import logging

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from silta.core import audit
from silta.core.models import AuditLogEntry

from . import importing
from .models import ImportJob

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _progress(job_id):
    def report(done, total):
        ImportJob.objects.filter(pk=job_id).update(progress_done=done, progress_total=total)

    return report


@transaction.atomic
def create_job(actor, municipality, uploaded) -> ImportJob:
    """Stores the file; the parse is queued by `start`, after this transaction."""
    job = ImportJob(
        municipality=municipality,
        created_by=actor,
        original_name=(uploaded.name or "tiedosto")[-200:],
        size=uploaded.size or 0,
    )
    job.file.save(uploaded.name or "tiedosto.csv", uploaded, save=False)
    job.save()
    audit.record(
        actor,
        AuditLogEntry.Action.CREATE,
        job,
        after={"original_name": job.original_name, "size": job.size},
        municipality=municipality,
        note="yhdistysten tuontitiedosto ladattu",
    )
    return job


def start(actor, municipality, uploaded) -> ImportJob:
    purge_old_files()
    job = create_job(actor, municipality, uploaded)
    from .tasks import parse_import

    parse_import.enqueue(job.pk, translation.get_language() or "fi")
    return job


def parse(job_id: int, language: str = "fi") -> str:
    """Reads the stored file and writes the plan onto the job."""
    job = ImportJob.objects.select_related("municipality").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.PARSING:
        return "skipped"
    with translation.override(language):
        try:
            with job.file.open("rb") as f:
                data = f.read()
            table = importing.read_table(data, job.original_name)
            ImportJob.objects.filter(pk=job.pk).update(progress_total=len(table.rows))
            plan = importing.build_plan(table, job.municipality, progress=_progress(job.pk))
        except importing.ImportFileError as exc:
            return _fail(job, str(exc))
        except Exception:  # noqa: BLE001 - whatever breaks, the person gets an answer
            log.exception("Import job %s could not be parsed", job_id)
            return _fail(job, _("Tiedoston lukeminen keskeytyi odottamattomaan virheeseen."))
    job.plan = plan
    job.counts = plan["counts"]
    job.status = ImportJob.Status.READY
    job.progress_done = job.progress_total = len(plan["rows"])
    job.save(update_fields=["plan", "counts", "status", "progress_done", "progress_total"])
    return "ready"


def _fail(job, message) -> str:
    job.status = ImportJob.Status.FAILED
    job.error = message
    job.save(update_fields=["status", "error"])
    _remove_file(job)
    return "failed"


def request_apply(actor, job) -> bool:
    """Claims the job for applying with one conditional UPDATE, so a double click or two
    people pressing "Tuo" at once apply it once. False when it was not ready."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.APPLYING,
        applied_by=actor,
        progress_done=0,
        progress_total=job.counts.get("create", 0) + job.counts.get("update", 0),
    )
    if not claimed:
        return False
    from .tasks import apply_import

    apply_import.enqueue(job.pk, translation.get_language() or "fi")
    return True


def apply(job_id: int, language: str = "fi") -> str:
    job = ImportJob.objects.select_related("municipality", "applied_by").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.APPLYING:
        return "skipped"
    note = f"tuonti {job.original_name} (#{job.pk})"[:300]
    with translation.override(language):
        try:
            outcome = importing.apply_plan(
                job.plan, job.municipality, job.applied_by, note=note, progress=_progress(job.pk)
            )
        except Exception:  # noqa: BLE001
            log.exception("Import job %s could not be applied", job_id)
            outcome = {
                "created": [],
                "updated": [],
                "unchanged": [],
                "failed": [],
                "error": _("Tuonti keskeytyi odottamattomaan virheeseen."),
            }
    job.result = outcome
    job.status = ImportJob.Status.DONE
    job.applied_at = timezone.now()
    job.save(update_fields=["result", "status", "applied_at"])
    _remove_file(job)
    return "done"


def _remove_file(job) -> None:
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def purge_old_files(now=None) -> int:
    """Removes uploaded files, and the rows of plans (they hold contact details), older
    than ImportJob.FILE_KEPT_DAYS. The counts and the outcome stay."""
    limit = (now or timezone.now()) - timezone.timedelta(days=ImportJob.FILE_KEPT_DAYS)
    removed = 0
    old = ImportJob.objects.filter(created_at__lt=limit).exclude(file="", plan={})
    for job in old.only("pk", "file", "plan"):
        if job.file:
            job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="", plan={})
        removed += 1
    # An old preview cannot be applied any more: its rows are gone.
    ImportJob.objects.filter(created_at__lt=limit, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.FAILED,
        error=_("Esikatselu vanheni. Lataa tiedosto uudelleen."),
    )
    return removed
