"""Background tasks of the directory (django.tasks; the database backend and its worker in
production, the immediate backend in tests)."""

from django.tasks import task


@task()
def parse_import(job_id: int, language: str = "fi") -> str:
    """Reads an uploaded import file into its plan (the preview)."""
    from .import_jobs import parse

    return parse(job_id, language)


@task()
def apply_import(job_id: int, language: str = "fi") -> str:
    """Writes an import's plan into the register, batch by batch."""
    from .import_jobs import apply

    return apply(job_id, language)
