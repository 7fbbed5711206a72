"""Changes to associations. Each runs in one transaction, keeps the search documents
current and writes the audit log (with the association's municipality, so that the
municipality's own people see it)."""

from django.db import transaction

from silta.core import audit
from silta.core.models import AuditLogEntry

from . import search
from .models import Association
from .validators import normalise_register_number

A = AuditLogEntry.Action

# Kept by services, not by callers.
_INTERNAL = {"id", "search_name", "search_text", "created_at", "updated_at"}
EDITABLE_FIELDS = [
    f.name for f in Association._meta.concrete_fields if f.editable and f.name not in _INTERNAL
]


def _snapshot(association: Association) -> dict:
    # A logo is kept in the log by its file name; the file object is not JSON.
    data = audit.snapshot(association, [f for f in EDITABLE_FIELDS if f != "logo"])
    data["logo"] = association.logo.name or ""
    return data


def index(association: Association) -> None:
    """Fills the Finnish-aware search documents (see search.py); does not save."""
    association.search_name = search.document(
        association.name_fi, association.name_sv, association.name_en
    )
    association.search_text = search.document(
        association.short_description_fi,
        association.short_description_sv,
        association.short_description_en,
        association.description_fi,
        association.description_sv,
        association.description_en,
    )


def _tidy(association: Association) -> None:
    """Runs after validation: '123.456' is stored as '123456'."""
    if association.register_number:
        association.register_number = normalise_register_number(association.register_number)


@transaction.atomic
def create_association(
    actor,
    *,
    municipality,
    name_fi,
    name_sv="",
    name_en="",
    register_number="",
    email="",
    status=Association.Status.ACTIVE,
) -> Association:
    association = Association(
        municipality=municipality,
        name_fi=name_fi.strip(),
        name_sv=name_sv.strip(),
        name_en=name_en.strip(),
        register_number=register_number.strip(),
        email=email.strip(),
        status=status,
    )
    association.full_clean()
    _tidy(association)
    index(association)
    association.save()
    audit.record(
        actor,
        A.CREATE,
        association,
        after=_snapshot(association),
        municipality=association.municipality,
    )
    return association


@transaction.atomic
def update_association(actor, association: Association, **changes) -> Association:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable association fields: {sorted(unknown)}")
    before = _snapshot(association)
    for name, value in changes.items():
        setattr(association, name, value.strip() if isinstance(value, str) else value)
    association.full_clean()
    _tidy(association)
    after = _snapshot(association)
    if before == after:
        return association
    index(association)
    association.save()
    audit.record(
        actor,
        A.UPDATE,
        association,
        before=before,
        after=after,
        municipality=association.municipality,
    )
    return association
