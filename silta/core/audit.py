"""The audit log: services call `record` inside their transaction."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditLogEntry


def _plain(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj, fields=None) -> dict:
    """The current values of an object's concrete fields, as JSON-able data."""
    names = fields or [
        f.name for f in obj._meta.concrete_fields if f.name not in {"password", "last_login"}
    ]
    return {name: _plain(getattr(obj, name)) for name in names}


def diff(before: dict, after: dict) -> dict:
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(actor, action, obj, *, before=None, after=None, municipality=None, note=""):
    """Writes one entry. `before`/`after` are snapshots; only differing fields are kept."""
    if action == AuditLogEntry.Action.CREATE:
        changes = {k: [None, v] for k, v in (after or {}).items() if v not in (None, "")}
    elif action == AuditLogEntry.Action.DELETE:
        changes = {k: [v, None] for k, v in (before or {}).items() if v not in (None, "")}
    else:
        changes = diff(before or {}, after or {})
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLogEntry.objects.create(
        actor=actor if authenticated else None,
        actor_label=(actor.email if authenticated else "järjestelmä")[:254],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:300],
        municipality=municipality,
        changes=changes,
        note=note[:300],
    )
