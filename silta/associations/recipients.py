"""Who a recipient list reaches, worked out when it is used (docs/decisions/0006).

`recipients_for(recipient_list)` is the one entry point other features call (invitations,
later sends): a list of `Recipient`, one per email address, in the order of the directory.

The rule, per association the list's filter selects (never a dissolved one):
1. its general email, when it has one;
2. otherwise one contact person's email: first a contact whose email may be published
   (consent given and not withdrawn), then any other contact, each by the association's own
   order of contacts. Those who use a list are the municipality's own staff, who may see
   every contact detail of its associations; the address is only ever used to write to
   the association, never shown to the public.
An address that two associations share is listed once (the first association keeps it).
Associations without any address are reported in `Resolution.without_address`, so the
liaison sees whom the list does not reach.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .filters import DirectoryFilter
from .models import Association, ContactPerson, RecipientList

MAIL_LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class Recipient:
    association: Association
    email: str
    name: str  # whom the message greets: the association, or the contact person
    language: str  # "fi", "sv" or "en": the language the association works in first


@dataclass
class Resolution:
    recipients: list[Recipient] = field(default_factory=list)
    without_address: list[Association] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the saved filter no longer holds


def language_of(association: Association) -> str:
    for code in association.languages or []:
        if code in MAIL_LANGUAGES:
            return code
    return "fi"


def address_of(association: Association) -> tuple[str, str] | None:
    """(email, name) by the rule above; reads the prefetched `association.contacts`."""
    if association.email:
        return association.email, association.name_fi
    contacts = [c for c in association.contacts.all() if c.email]
    consented = [c for c in contacts if c.has_consent and c.consent_email]
    chosen = (consented or contacts)[:1]
    if chosen:
        return chosen[0].email, chosen[0].name
    return None


def filter_for(recipient_list: RecipientList) -> DirectoryFilter:
    return DirectoryFilter(dict(recipient_list.filters or {}), staff=True)


def selected(recipient_list: RecipientList, form: DirectoryFilter | None = None):
    """The associations the list's saved filter selects, with what the addresses need."""
    form = form or filter_for(recipient_list)
    qs = form.queryset(recipient_list.municipality).exclude(status=Association.Status.DISSOLVED)
    return qs.prefetch_related(
        Prefetch("contacts", queryset=ContactPerson.objects.order_by("order", "pk"))
    )


def resolve(recipient_list: RecipientList, form: DirectoryFilter | None = None) -> Resolution:
    """The list's recipients; `form` is its filter when the caller already built it."""
    form = form or filter_for(recipient_list)
    if not form.is_valid():
        # A theme or language removed since the list was saved: dropping that part of the
        # filter would widen the list, so it reaches nobody until it is saved again.
        return Resolution(
            errors=[f"{form.fields[n].label}: {' '.join(e)}" for n, e in form.errors.items()]
        )
    result = Resolution()
    seen: set[str] = set()
    for association in selected(recipient_list, form):
        found = address_of(association)
        if found is None:
            result.without_address.append(association)
            continue
        email, name = found
        if email.casefold() in seen:
            continue
        seen.add(email.casefold())
        result.recipients.append(Recipient(association, email, name, language_of(association)))
    return result


def recipients_for(recipient_list: RecipientList) -> list[Recipient]:
    return resolve(recipient_list).recipients
