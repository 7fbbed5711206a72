"""Changes to associations. Each runs in one transaction, keeps the search documents
current and writes the audit log (with the association's municipality, so that the
municipality's own people see it)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from silta.accounts.permissions import can_edit_association
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
    if (
        "municipality" in changes
        and getattr(actor, "is_authenticated", False)
        and not can_edit_association(actor, association)
    ):
        # A liaison or agent would lose the association from their own hands.
        raise ValidationError(
            {
                "municipality": _(
                    "Et voi siirtää yhdistystä kuntaan, jonka yhdistyksiä et hoida, koska et "
                    "voisi sen jälkeen enää muokata sitä. Pyydä uuden kotikunnan "
                    "järjestöyhdyshenkilöä tai ylläpitoa tekemään siirto."
                )
            }
        )
    _tidy(association)
    after = _snapshot(association)
    if before == after:
        return association
    index(association)
    association.save()
    if "logo" in changes:
        after = _snapshot(association)  # the stored file name, not the uploaded one
    audit.record(
        actor,
        A.UPDATE,
        association,
        before=before,
        after=after,
        municipality=association.municipality,
    )
    return association


# -- associations: the many-to-many fields, confirmation -------------------------------------

M2M_FIELDS = ("municipalities", "themes", "target_groups")


def _m2m_snapshot(association: Association) -> dict:
    return {
        name: sorted(getattr(association, name).values_list("pk", flat=True)) for name in M2M_FIELDS
    }


@transaction.atomic
def set_association_relations(actor, association: Association, **relations) -> Association:
    """Sets the municipalities it also acts in, its themes and target groups (lists of rows)."""
    unknown = set(relations) - set(M2M_FIELDS)
    if unknown:
        raise ValueError(f"not association relations: {sorted(unknown)}")
    if "municipalities" in relations:
        # The home municipality is not repeated among the others.
        relations["municipalities"] = [
            m for m in relations["municipalities"] if m.pk != association.municipality_id
        ]
    before = _m2m_snapshot(association)
    for name, rows in relations.items():
        getattr(association, name).set(rows)
    after = _m2m_snapshot(association)
    if before != after:
        if "themes" in relations or "municipalities" in relations:
            association.save(update_fields=["updated_at"])
        audit.record(
            actor,
            A.UPDATE,
            association,
            before=before,
            after=after,
            municipality=association.municipality,
        )
    return association


@transaction.atomic
def confirm_association(actor, association: Association, *, note="") -> Association:
    """Records that the entry was checked and is still correct (the yearly confirmation)."""
    from django.utils import timezone

    before = {"confirmed_at": audit._plain(association.confirmed_at)}
    association.confirmed_at = timezone.now()
    association.save(update_fields=["confirmed_at", "updated_at"])
    audit.record(
        actor,
        A.UPDATE,
        association,
        before=before,
        after={"confirmed_at": audit._plain(association.confirmed_at)},
        municipality=association.municipality,
        note=note or "tiedot vahvistettu ajantasaisiksi",
    )
    return association


# -- contact persons and their consent -------------------------------------------------------

CONTACT_FIELDS = ["name", "role", "email", "phone", "order"]
CONSENT_FIELDS = [
    "consent_given_at",
    "consent_given_by",
    "consent_recorded_by",
    "consent_name",
    "consent_email",
    "consent_phone",
    "consent_withdrawn_at",
]


def _contact_snapshot(contact) -> dict:
    return audit.snapshot(contact, CONTACT_FIELDS + CONSENT_FIELDS)


def _strip(values: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


@transaction.atomic
def add_contact(actor, association: Association, **fields):
    from .models import ContactPerson

    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    contact = ContactPerson(association=association, **_strip(fields))
    contact.full_clean()
    contact.save()
    audit.record(
        actor,
        A.CREATE,
        contact,
        after=_contact_snapshot(contact),
        municipality=association.municipality,
    )
    return contact


@transaction.atomic
def update_contact(actor, contact, **changes):
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    before = _contact_snapshot(contact)
    for name, value in _strip(changes).items():
        setattr(contact, name, value)
    contact.full_clean()
    after = _contact_snapshot(contact)
    if before != after:
        contact.save()
        audit.record(
            actor,
            A.UPDATE,
            contact,
            before=before,
            after=after,
            municipality=contact.association.municipality,
        )
    return contact


@transaction.atomic
def delete_contact(actor, contact) -> None:
    before = _contact_snapshot(contact)
    municipality = contact.association.municipality
    audit.record(actor, A.DELETE, contact, before=before, municipality=municipality)
    contact.delete()


@transaction.atomic
def record_consent(
    actor, contact, *, given_by: str, given_at=None, name=False, email=False, phone=False
):
    """Records who consented (the person or someone on their behalf), when, and to which
    details being public. Replaces any earlier consent; an earlier withdrawal is cleared."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    if not (name or email or phone):
        raise ValidationError("consent covers no details")
    before = _contact_snapshot(contact)
    contact.consent_given_at = given_at or timezone.now()
    contact.consent_given_by = given_by.strip()
    contact.consent_recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    contact.consent_name = bool(name)
    contact.consent_email = bool(email)
    contact.consent_phone = bool(phone)
    contact.consent_withdrawn_at = None
    contact.full_clean()
    contact.save()
    audit.record(
        actor,
        A.UPDATE,
        contact,
        before=before,
        after=_contact_snapshot(contact),
        municipality=contact.association.municipality,
        note="suostumus kirjattu",
    )
    return contact


@transaction.atomic
def withdraw_consent(actor, contact):
    """Hides the contact's details from public pages and the API at once."""
    from django.utils import timezone

    if not contact.has_consent:
        return contact
    before = _contact_snapshot(contact)
    contact.consent_withdrawn_at = timezone.now()
    contact.save(update_fields=["consent_withdrawn_at"])
    # The association's own timestamp moves too, so caches keyed on it see the change.
    Association.objects.filter(pk=contact.association_id).update(
        updated_at=contact.consent_withdrawn_at
    )
    audit.record(
        actor,
        A.UPDATE,
        contact,
        before=before,
        after=_contact_snapshot(contact),
        municipality=contact.association.municipality,
        note="suostumus peruttu",
    )
    return contact


# -- activities --------------------------------------------------------------------------------

ACTIVITY_FIELDS = [
    "name_fi",
    "name_sv",
    "name_en",
    "description_fi",
    "description_sv",
    "description_en",
    "kind",
    "weekday",
    "start_time",
    "end_time",
    "schedule_note",
    "starts_at",
    "ends_at",
    "place_name",
    "address",
    "is_free",
    "price",
    "languages",
    "registration_url",
    "is_published",
    "municipality",
]


def index_activity(activity) -> None:
    """Fills the activity's Finnish-aware search documents (see search.py); does not save."""
    activity.search_name = search.document(activity.name_fi, activity.name_sv, activity.name_en)
    activity.search_text = search.document(
        activity.description_fi,
        activity.description_sv,
        activity.description_en,
        activity.place_name,
        activity.address,
        activity.schedule_note,
    )


def _activity_snapshot(activity) -> dict:
    data = audit.snapshot(activity, ACTIVITY_FIELDS)
    for name in ("start_time", "end_time"):  # audit's JSON knows dates, not times of day
        if data[name] is not None:
            data[name] = data[name].isoformat()
    if activity.pk:
        data["target_groups"] = sorted(activity.target_groups.values_list("pk", flat=True))
    return data


def _tidy_activity(activity) -> None:
    """A recurring activity keeps no dates and a one-off one no weekday, so that the two
    never disagree; a free activity has no price."""
    from .models import Activity

    if activity.kind == Activity.Kind.RECURRING:
        activity.starts_at = activity.ends_at = None
    else:
        activity.weekday = activity.start_time = activity.end_time = None
    if activity.is_free:
        activity.price = ""


@transaction.atomic
def create_activity(actor, association: Association, *, target_groups=(), **fields):
    from .models import Activity

    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"not activity fields: {sorted(unknown)}")
    fields.setdefault("municipality", association.municipality)
    activity = Activity(association=association, **_strip(fields))
    _tidy_activity(activity)
    activity.full_clean()
    index_activity(activity)
    activity.save()
    activity.target_groups.set(target_groups)
    audit.record(
        actor,
        A.CREATE,
        activity,
        after=_activity_snapshot(activity),
        municipality=activity.municipality,
    )
    return activity


@transaction.atomic
def update_activity(actor, activity, *, target_groups=None, **changes):
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"not activity fields: {sorted(unknown)}")
    before = _activity_snapshot(activity)
    for name, value in _strip(changes).items():
        setattr(activity, name, value)
    _tidy_activity(activity)
    activity.full_clean()
    index_activity(activity)
    activity.save()
    if target_groups is not None:
        activity.target_groups.set(target_groups)
    after = _activity_snapshot(activity)
    if before != after:
        audit.record(
            actor,
            A.UPDATE,
            activity,
            before=before,
            after=after,
            municipality=activity.municipality,
        )
    return activity


def set_activity_published(actor, activity, published: bool):
    return update_activity(actor, activity, is_published=bool(published))


@transaction.atomic
def delete_activity(actor, activity) -> None:
    audit.record(
        actor,
        A.DELETE,
        activity,
        before=_activity_snapshot(activity),
        municipality=activity.municipality,
    )
    activity.delete()


# -- the yearly confirmation request -----------------------------------------------------------

CONFIRMATION_SALT = "silta.associations.confirmation"
CONFIRMATION_LINK_DAYS = 60


def confirmation_token(association: Association) -> str:
    """A signed link id bound to the association and the time it was asked."""
    from django.core import signing

    requested = association.confirmation_requested_at
    return signing.dumps(
        {"a": association.pk, "r": requested.isoformat() if requested else ""},
        salt=CONFIRMATION_SALT,
        compress=False,
    )


class ConfirmationLinkError(Exception):
    """Why a confirmation link cannot be used: 'invalid', 'expired' or 'replaced'."""

    def __init__(self, reason: str, association: Association | None = None):
        super().__init__(reason)
        self.reason = reason
        self.association = association


def association_for_token(token: str) -> Association:
    """The association a link was sent for; raises ConfirmationLinkError."""
    from django.core import signing

    try:
        data = signing.loads(
            token[:500], salt=CONFIRMATION_SALT, max_age=CONFIRMATION_LINK_DAYS * 24 * 3600
        )
    except signing.SignatureExpired as exc:
        raise ConfirmationLinkError("expired") from exc
    except signing.BadSignature as exc:
        raise ConfirmationLinkError("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        raise ConfirmationLinkError("invalid")
    association = (
        Association.objects.public().select_related("municipality").filter(pk=data["a"]).first()
    )
    if association is None:
        raise ConfirmationLinkError("invalid")
    requested = association.confirmation_requested_at
    if not requested or requested.isoformat() != data.get("r"):
        # A newer request was sent; only its link counts.
        raise ConfirmationLinkError("replaced", association)
    return association


def confirmation_recipient(association: Association):
    """(address, language) the request goes to: the association's general email, else its
    chair's or another contact's. None when there is no address."""
    from silta.accounts.models import User

    from .models import ContactPerson

    address = association.email
    if not address:
        roles = [ContactPerson.Role.CHAIR, ContactPerson.Role.CONTACT, ContactPerson.Role.SECRETARY]
        contacts = [c for c in association.contacts.all() if c.email]
        contacts.sort(key=lambda c: roles.index(c.role) if c.role in roles else len(roles))
        address = contacts[0].email if contacts else ""
    if not address:
        return None
    person = User.objects.filter(email__iexact=address).only("language").first()
    if person and person.language:
        language = person.language
    elif association.municipality.language_status.startswith("sv"):
        language = "sv"
    else:
        language = "fi"
    return address, language


def request_confirmation(actor, association: Association, *, force=False, now=None) -> bool:
    """Emails the association a one-click confirmation link. Without `force` nobody is asked
    twice within the interval, even when two runs overlap: the row is claimed with one
    conditional UPDATE. Returns whether a message was queued."""
    from django.db.models import Q
    from django.utils import timezone

    from silta.core.mail import send_mail

    from .models import CONFIRMATION_INTERVAL_DAYS

    now = now or timezone.now()
    recipient = confirmation_recipient(association)
    if recipient is None:
        return False
    address, language = recipient
    with transaction.atomic():
        claim = Association.objects.filter(pk=association.pk)
        if not force:
            limit = now - timezone.timedelta(days=CONFIRMATION_INTERVAL_DAYS)
            claim = claim.filter(
                Q(confirmation_requested_at__isnull=True) | Q(confirmation_requested_at__lt=limit)
            )
        if not claim.update(confirmation_requested_at=now):
            return False
        association.confirmation_requested_at = now
        send_mail(
            "association_confirmation",
            address,
            {
                "association": association,
                "confirm_path": _confirm_path(association),
                "valid_days": CONFIRMATION_LINK_DAYS,
            },
            language=language,
        )
        audit.record(
            actor,
            A.UPDATE,
            association,
            before={},
            after={"confirmation_requested_at": now.isoformat()},
            municipality=association.municipality,
            note=f"vahvistuspyyntö lähetetty osoitteeseen {address}"[:300],
        )
    return True


def _confirm_path(association: Association) -> str:
    from django.urls import reverse

    return reverse("associations:confirm_link", args=[confirmation_token(association)])


def send_confirmation_requests(*, now=None) -> tuple[int, int]:
    """Asks every out-of-date association not asked within the interval. (sent, no address)"""
    from django.db.models import Q
    from django.utils import timezone

    from .models import CONFIRMATION_INTERVAL_DAYS

    now = now or timezone.now()
    limit = now - timezone.timedelta(days=CONFIRMATION_INTERVAL_DAYS)
    due = (
        Association.objects.out_of_date()
        .filter(Q(confirmation_requested_at__isnull=True) | Q(confirmation_requested_at__lt=limit))
        .select_related("municipality")
        .prefetch_related("contacts")
        .order_by("pk")
    )
    sent = skipped = 0
    for association in due.iterator(chunk_size=200):
        if request_confirmation(None, association, now=now):
            sent += 1
        else:
            skipped += 1
    return sent, skipped
