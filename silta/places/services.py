"""Changes of state in places: the municipality's cooperation profile."""

from django.db import transaction

from silta.core import audit
from silta.core.models import AuditLogEntry

from .models import CooperationProfile

PROFILE_FIELDS = (
    "grants_url",
    "grants_note",
    "premises_terms",
    "premises_url",
    "premises_note",
    "document_url",
    "document_adopted_on",
    "document_note",
    "communication_url",
    "communication_note",
)


@transaction.atomic
def update_cooperation_profile(actor, municipality, **changes) -> CooperationProfile:
    """Creates the profile on its first save; records every change in the audit log.
    Validation errors (full_clean) leave nothing written."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    profile = (
        CooperationProfile.objects.select_for_update().filter(municipality=municipality).first()
    )
    created = profile is None
    if created:
        profile = CooperationProfile(municipality=municipality)
    before = audit.snapshot(profile, PROFILE_FIELDS)
    for name, value in changes.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    profile.full_clean()
    after = audit.snapshot(profile, PROFILE_FIELDS)
    if before == after:
        return profile
    profile.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    profile.save()
    audit.record(
        actor,
        AuditLogEntry.Action.CREATE if created else AuditLogEntry.Action.UPDATE,
        profile,
        before=before,
        after=after,
        municipality=municipality,
    )
    return profile
