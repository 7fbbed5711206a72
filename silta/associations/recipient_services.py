"""Changes to recipient lists: each in one transaction with an audit-log entry that carries
the list's municipality, so the municipality's own people see it in the log."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from silta.core import audit
from silta.core.models import AuditLogEntry

from .filters import SAVED_FIELDS
from .models import RecipientList

A = AuditLogEntry.Action
NAME_MAX = RecipientList._meta.get_field("name").max_length


def _snapshot(recipient_list: RecipientList) -> dict:
    return audit.snapshot(recipient_list, ["municipality", "name", "filters"])


def _clean_name(municipality, name: str, *, exclude_pk=None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Anna listalle nimi.")})
    if len(name) > NAME_MAX:
        raise ValidationError(
            {"name": _("Nimi saa olla enintään %(max)s merkkiä pitkä.") % {"max": NAME_MAX}}
        )
    taken = RecipientList.objects.filter(municipality=municipality, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {
                "name": _("Kunnalla on jo lista nimeltä ”%(name)s”. Valitse toinen nimi.")
                % {"name": name}
            }
        )
    return name


def _clean_filters(filters: dict) -> dict:
    unknown = set(filters) - set(SAVED_FIELDS)
    if unknown:
        raise ValueError(f"not a saved filter: {sorted(unknown)}")
    return {k: str(v) for k, v in filters.items() if v not in (None, "", False)}


@transaction.atomic
def create_list(actor, municipality, *, name: str, filters: dict) -> RecipientList:
    recipient_list = RecipientList(
        municipality=municipality,
        name=_clean_name(municipality, name),
        filters=_clean_filters(filters),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            recipient_list.save()
    except IntegrityError as exc:  # the same name saved at the same moment
        raise ValidationError({"name": _("Kunnalla on jo lista tällä nimellä.")}) from exc
    audit.record(
        actor, A.CREATE, recipient_list, after=_snapshot(recipient_list), municipality=municipality
    )
    return recipient_list


@transaction.atomic
def rename_list(actor, recipient_list: RecipientList, *, name: str) -> RecipientList:
    before = _snapshot(recipient_list)
    new_name = _clean_name(recipient_list.municipality, name, exclude_pk=recipient_list.pk)
    if new_name == recipient_list.name:
        return recipient_list
    recipient_list.name = new_name
    try:
        with transaction.atomic():
            recipient_list.save(update_fields=["name"])
    except IntegrityError as exc:
        raise ValidationError({"name": _("Kunnalla on jo lista tällä nimellä.")}) from exc
    audit.record(
        actor,
        A.UPDATE,
        recipient_list,
        before=before,
        after=_snapshot(recipient_list),
        municipality=recipient_list.municipality,
    )
    return recipient_list


@transaction.atomic
def delete_list(actor, recipient_list: RecipientList) -> None:
    before = _snapshot(recipient_list)
    municipality = recipient_list.municipality
    audit.record(actor, A.DELETE, recipient_list, before=before, municipality=municipality)
    recipient_list.delete()


def record_export(actor, recipient_list: RecipientList, *, count: int) -> None:
    """An export of the addresses (personal data when they are contact people's) is logged."""
    audit.record(
        actor,
        A.EXPORT,
        recipient_list,
        municipality=recipient_list.municipality,
        note=f"CSV, {count} osoitetta",
    )
