"""Changes to people and their roles. Each runs in one transaction and writes the audit log."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from silta.core import audit
from silta.core.mail import send_mail
from silta.core.models import AuditLogEntry, OutgoingEmail

from .models import CalendarFeed, ErasureRequest, Membership, Role, User
from .permissions import forget_scope, scope_of

A = AuditLogEntry.Action
PROFILE_FIELDS = ["full_name", "phone", "language"]


@transaction.atomic
def create_user(actor, email, *, full_name="", language="fi", password=None, verified=True) -> User:
    user = User.objects.create_user(email, password, full_name=full_name, language=language)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    audit.record(actor, A.CREATE, user, after=audit.snapshot(user, ["email", *PROFILE_FIELDS]))
    return user


@transaction.atomic
def update_profile(actor, user, **changes) -> User:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {unknown}")
    before = audit.snapshot(user, PROFILE_FIELDS)
    for k, v in changes.items():
        setattr(user, k, v)
    user.full_clean(exclude=["password", "email"])
    after = audit.snapshot(user, PROFILE_FIELDS)
    if after == before:
        return user  # nothing changed: no write and no empty log entry
    user.save(update_fields=list(changes))
    audit.record(actor, A.UPDATE, user, before=before, after=after)
    return user


@transaction.atomic
def grant_role(
    actor,
    user,
    role,
    *,
    municipality=None,
    association=None,
    organisation=None,
    title="",
    starts_on=None,
    ends_on=None,
) -> Membership:
    membership = Membership(
        user=user,
        role=role,
        municipality=municipality,
        association=association,
        organisation=organisation,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    membership.full_clean()
    membership.save()
    if role == Role.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    audit.record(
        actor,
        A.CREATE,
        membership,
        after=audit.snapshot(
            membership,
            [
                "user",
                "role",
                "municipality",
                "association",
                "organisation",
                "title",
                "starts_on",
                "ends_on",
            ],
        ),
        municipality=municipality or getattr(association, "municipality", None),
    )
    return membership


@transaction.atomic
def end_role(actor, membership, on=None) -> Membership:
    before = audit.snapshot(membership, ["ends_on"])
    membership.ends_on = on or timezone.localdate()
    membership.save(update_fields=["ends_on"])
    forget_scope(membership.user)
    audit.record(
        actor,
        A.UPDATE,
        membership,
        before=before,
        after=audit.snapshot(membership, ["ends_on"]),
        municipality=membership.municipality,
    )
    return membership


def personal_data(user) -> dict:
    """Everything Silta holds about one person, as the person may download it."""
    memberships = Membership.objects.filter(user=user).select_related(
        "municipality", "association", "organisation"
    )
    return {
        "format": "silta-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "user": {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": e.email, "primary": e.primary, "verified": e.verified}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "roles": [
            {
                "role": m.role,
                "scope": str(m.scope),
                "municipality_code": m.municipality.code if m.municipality else None,
                "association": m.association.name_fi if m.association else None,
                "organisation": m.organisation.name if m.organisation else None,
                "title": m.title,
                "starts_on": m.starts_on.isoformat() if m.starts_on else None,
                "ends_on": m.ends_on.isoformat() if m.ends_on else None,
            }
            for m in memberships
        ],
        "erasure_requests": [
            {"created_at": r.created_at.isoformat(), "status": r.status, "reason": r.reason}
            for r in ErasureRequest.objects.filter(user=user)
        ],
        "emails_sent_to_you": [
            {
                "sent_at": e.sent_at.isoformat() if e.sent_at else None,
                "subject": e.subject,
                "status": e.status,
            }
            for e in OutgoingEmail.objects.filter(to__iexact=user.email)
        ],
    }


@transaction.atomic
def export_personal_data(user) -> dict:
    data = personal_data(user)
    audit.record(user, A.EXPORT, user, note="omat tiedot ladattu")
    return data


@transaction.atomic
def request_erasure(user, reason="") -> ErasureRequest:
    existing = ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.OPEN).first()
    if existing:
        return existing
    req = ErasureRequest.objects.create(user=user, email=user.email, reason=reason.strip())
    audit.record(user, A.REQUEST, req, after={"email": user.email, "reason": req.reason})
    send_mail("erasure_requested", user, {"request": req})
    # Current administrators: a role that ends later (or started already) counts too.
    admin_ids = Membership.objects.active().filter(role=Role.ADMINISTRATOR).values("user_id")
    admins = User.objects.filter(Q(is_superuser=True) | Q(pk__in=admin_ids), is_active=True)
    for admin in admins:
        send_mail("erasure_request_admin", admin, {"request": req, "person": user})
    return req


@transaction.atomic
def erase_user(actor, user, request=None) -> None:
    """Removes a person's personal data; the audit trail keeps only that it happened."""
    if not scope_of(actor).is_admin:
        raise PermissionError("only administrators erase accounts")
    old_email = user.email
    membership_ids = [
        str(pk) for pk in Membership.objects.filter(user=user).values_list("pk", flat=True)
    ]
    request_ids = [
        str(pk) for pk in ErasureRequest.objects.filter(user=user).values_list("pk", flat=True)
    ]
    Membership.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    user.email = f"poistettu-{user.pk}@invalid.example"
    user.full_name = ""
    user.phone = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    OutgoingEmail.objects.filter(to__iexact=old_email).update(
        to=user.email, body_text="[poistettu]", body_html=""
    )
    # Messages to others that name the person, such as the administrators' notice of this request.
    OutgoingEmail.objects.filter(body_text__icontains=old_email).update(
        body_text="[poistettu]", body_html=""
    )
    ErasureRequest.objects.filter(user=user).update(
        email=user.email, reason="", status=ErasureRequest.Status.DONE, handled_at=timezone.now()
    )
    AuditLogEntry.objects.filter(actor=user).update(actor_label=user.email)
    # Entries about the person, their roles and their requests keep that something happened,
    # not the name, address, phone or reason they held.
    AuditLogEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).update(
        object_label=user.email, changes={}
    )
    AuditLogEntry.objects.filter(
        object_type="accounts.erasurerequest", object_id__in=request_ids
    ).update(object_label=user.email, changes={})
    AuditLogEntry.objects.filter(
        object_type="accounts.membership", object_id__in=membership_ids
    ).update(object_label=user.email)
    audit.record(actor, A.ERASE, user, note="henkilötiedot poistettu pyynnöstä")
