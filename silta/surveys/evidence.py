"""What Silta already knows about the NGO-friendly municipality criteria (the shipped
self-assessment, `shipped.SELF_ASSESSMENT`), shown beside each criterion when the
self-assessment is answered, in its results and in the region's overview.

Criteria are identified by the `topic` of their question in the shipped template (copies
keep it): participation, equal_partners, liaison, premises, grants, lived_experience,
communication. The evidence comes from
 - the municipality's active liaison memberships (silta.accounts),
 - association evenings held or planned within twelve months either way (silta.events),
 - the municipality's cooperation profile (silta.places.CooperationProfile),
 - the number of active associations in Silta's directory for the municipality.

`evidence_many()` answers for any number of municipalities in five queries; a page that
shows one municipality uses `evidence_map()` (cached on the municipality object for the
request) or `evidence_for()`.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# (key, the criterion as in the shipped template, a short column title)
CRITERIA = [
    (
        "participation",
        gettext_lazy("Kunta mahdollistaa kuntalaisten aktiivisen osallistumisen."),
        gettext_lazy("Osallistuminen"),
    ),
    (
        "equal_partners",
        gettext_lazy("Kunta tunnistaa yhdistykset tasavertaisina kumppaneina."),
        gettext_lazy("Yhdistykset kumppaneina"),
    ),
    (
        "liaison",
        gettext_lazy(
            "Kunta on nimennyt järjestöyhdyshenkilön ja kutsuu yhdistykset säännöllisesti koolle."
        ),
        gettext_lazy("Yhdyshenkilö ja yhdistysillat"),
    ),
    (
        "premises",
        gettext_lazy("Kunta tarjoaa yhdistyksille tiloja maksutta."),
        gettext_lazy("Tilat maksutta"),
    ),
    (
        "grants",
        gettext_lazy("Kunta maksaa yhdistyksille avustuksia."),
        gettext_lazy("Avustukset"),
    ),
    (
        "lived_experience",
        gettext_lazy("Kunta kerää kuntalaisten kokemustietoa ja hyödyntää sitä palveluissaan."),
        gettext_lazy("Kokemustieto"),
    ),
    (
        "communication",
        gettext_lazy("Kunta viestii yhdistysten toiminnasta kuntalaisille."),
        gettext_lazy("Viestintä yhdistyksistä"),
    ),
]
CRITERION_KEYS = [key for key, _label, _short in CRITERIA]
# Criteria Silta has facts for; the others get no evidence box at all.
KNOWN = {"equal_partners", "liaison", "premises", "grants", "communication"}
EVENING_WINDOW = timedelta(days=365)


@dataclass
class Fact:
    label: str  # what the fact is about, e.g. "Järjestöyhdyshenkilö"
    text: str  # what Silta knows, or that it knows nothing yet
    ok: bool = False  # a fact that supports the criterion (shown as ✓)
    short: str = ""  # the overview's marker, e.g. "nimetty yhdyshenkilö"
    url: str = ""
    url_text: str = ""
    note: str = ""


@dataclass
class Evidence:
    key: str
    facts: list = field(default_factory=list)
    profile_url: str = ""  # where the municipality records the missing facts
    edit_url: str = ""  # the profile's edit page, for those who may edit it

    @property
    def known(self) -> bool:
        return self.key in KNOWN

    @property
    def confirmed(self) -> list:
        return [f for f in self.facts if f.ok]

    @property
    def summary(self) -> str:
        """One line for the overview and the XLSX: the supporting facts' short markers."""
        return "; ".join(f.short for f in self.facts if f.ok and f.short)

    def __bool__(self) -> bool:
        return bool(self.confirmed)


class EvidenceMap(dict):
    """criterion key -> Evidence, plus the profile it was built from."""

    profile = None


def _date(value) -> str:
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _active_association_counts(ids) -> dict[int, int]:
    """Active associations at home in, or acting in, each municipality (two queries)."""
    from silta.associations.models import Association

    counts: dict[int, int] = {}
    active = Association.Status.ACTIVE
    for m_id, n in (
        Association.objects.filter(municipality_id__in=ids, status=active)
        .order_by()
        .values("municipality_id")
        .annotate(n=Count("pk"))
        .values_list("municipality_id", "n")
    ):
        counts[m_id] = counts.get(m_id, 0) + n
    through = Association.municipalities.through
    for m_id, n in (
        through.objects.filter(municipality_id__in=ids, association__status=active)
        .exclude(association__municipality_id=F("municipality_id"))
        .order_by()
        .values("municipality_id")
        .annotate(n=Count("association_id", distinct=True))
        .values_list("municipality_id", "n")
    ):
        counts[m_id] = counts.get(m_id, 0) + n
    return counts


def evidence_many(municipalities, user=None) -> dict[int, EvidenceMap]:
    """Evidence for every criterion of every municipality given, in five queries."""
    from silta.accounts.models import Membership, Role
    from silta.accounts.permissions import scope_of
    from silta.events.models import VISIBLE_STATUSES, Event
    from silta.places.models import CooperationProfile
    from silta.places.permissions import can_edit_cooperation_profile

    municipalities = list(municipalities)
    ids = [m.pk for m in municipalities]
    if not ids:
        return {}
    s = scope_of(user)

    def insider(m) -> bool:
        return s.is_admin or m.pk in s.staff_municipalities

    liaisons: dict[int, list] = {}
    for membership in (
        Membership.objects.active()
        .filter(role=Role.LIAISON, municipality_id__in=ids)
        .select_related("user")
        .order_by("user__full_name", "pk")
    ):
        liaisons.setdefault(membership.municipality_id, []).append(membership)

    now = timezone.now()
    evenings: dict[int, list] = {}
    for event in (
        Event.objects.filter(
            kind=Event.Kind.ASSOCIATION_EVENING,
            municipality_id__in=ids,
            starts_at__gte=now - EVENING_WINDOW,
            starts_at__lte=now + EVENING_WINDOW,
        )
        .exclude(status=Event.Status.CANCELLED)
        .only("pk", "municipality_id", "starts_at", "status", "is_public")
        .order_by("starts_at", "pk")
    ):
        evenings.setdefault(event.municipality_id, []).append(event)

    profiles = {
        p.municipality_id: p for p in CooperationProfile.objects.filter(municipality_id__in=ids)
    }
    counts = _active_association_counts(ids)

    result = {}
    for m in municipalities:
        inside = insider(m)
        # Drafts (planned, not published) only to those who plan them; the rest see what
        # the events calendar shows them.
        shown = [
            e
            for e in evenings.get(m.pk, [])
            if inside or (e.status in VISIBLE_STATUSES and e.is_public)
        ]
        result[m.pk] = _build(
            m,
            liaisons=liaisons.get(m.pk, []),
            evenings=shown,
            profile=profiles.get(m.pk),
            associations=counts.get(m.pk, 0),
            show_names=inside,
            can_edit=can_edit_cooperation_profile(user, m),
            now=now,
        )
    return result


def evidence_map(municipality, user=None) -> EvidenceMap:
    """All criteria of one municipality; cached on the object for the person asking."""
    cache = municipality.__dict__.setdefault("_silta_evidence", {})
    who = getattr(user, "pk", None)
    if who not in cache:
        cache[who] = evidence_many([municipality], user)[municipality.pk]
    return cache[who]


def evidence_for(municipality, criterion_key, user=None) -> Evidence:
    """The evidence beside one criterion; an empty Evidence for an unknown key."""
    found = evidence_map(municipality, user).get(criterion_key)
    return found if found is not None else Evidence(key=criterion_key)


def _build(m, *, liaisons, evenings, profile, associations, show_names, can_edit, now):
    profile_url = reverse("places:cooperation", args=[m.code])
    edit_url = reverse("places:cooperation_edit", args=[m.code]) if can_edit else ""
    found = EvidenceMap(
        {
            key: Evidence(key=key, profile_url=profile_url, edit_url=edit_url)
            for key in CRITERION_KEYS
        }
    )
    found.profile = profile

    # -- the liaison and association evenings
    facts = found["liaison"].facts
    if liaisons:
        if show_names:
            names = ", ".join(
                f"{x.user.full_name or x.user.email}{f' ({x.title})' if x.title else ''}"
                for x in liaisons
            )
        else:
            names = _("nimetty")
        facts.append(
            Fact(_("Järjestöyhdyshenkilö"), names, ok=True, short=_("nimetty yhdyshenkilö"))
        )
    else:
        facts.append(
            Fact(_("Järjestöyhdyshenkilö"), _("Siltaan ei ole kirjattu järjestöyhdyshenkilöä."))
        )
    if evenings:
        parts = []
        for e in evenings:
            when = _date(e.starts_at)
            if e.starts_at > now:
                when = _("%(date)s (tulossa)") % {"date": when}
            parts.append(when)
        n = len(evenings)
        facts.append(
            Fact(
                _("Yhdistysillat 12 kuukauden sisällä"),
                ", ".join(parts),
                ok=True,
                short=ngettext("%(n)s yhdistysilta", "%(n)s yhdistysiltaa", n) % {"n": n},
            )
        )
    else:
        facts.append(
            Fact(
                _("Yhdistysillat 12 kuukauden sisällä"),
                _("Ei pidettyjä eikä suunniteltuja yhdistysiltoja vuoden sisällä."),
            )
        )

    # -- the cooperation profile
    p = profile
    grants = found["grants"].facts
    if p and p.grants_url:
        grants.append(
            Fact(
                _("Avustusten myöntöperusteet"),
                _("julkaistu"),
                ok=True,
                short=_("avustusperusteet julkaistu"),
                url=p.grants_url,
                url_text=_("Avustusten myöntöperusteet"),
                note=p.grants_note,
            )
        )
    else:
        grants.append(
            Fact(
                _("Avustusten myöntöperusteet"),
                _("Ei kirjattu kunnan yhteistyötietoihin."),
                note=p.grants_note if p else "",
            )
        )

    premises = found["premises"].facts
    if p and (p.premises_terms or p.premises_url):
        premises.append(
            Fact(
                _("Tilojen käyttö"),
                p.get_premises_terms_display() if p.premises_terms else _("periaatteet julkaistu"),
                ok=p.premises_free,
                short=_("tiloja maksutta") if p.premises_free else "",
                url=p.premises_url,
                url_text=_("Tilojen käytön periaatteet"),
                note=p.premises_note,
            )
        )
    else:
        premises.append(
            Fact(
                _("Tilojen käyttö"),
                _("Ei kirjattu kunnan yhteistyötietoihin."),
                note=p.premises_note if p else "",
            )
        )

    partners = found["equal_partners"].facts
    if p and (p.document_url or p.document_adopted_on):
        text = (
            _("hyväksytty %(date)s") % {"date": _date(p.document_adopted_on)}
            if p.document_adopted_on
            else _("julkaistu")
        )
        partners.append(
            Fact(
                _("Yhteistyöasiakirja"),
                text,
                ok=True,
                short=_("yhteistyöasiakirja"),
                url=p.document_url,
                url_text=_("Yhteistyöasiakirja"),
                note=p.document_note,
            )
        )
    else:
        partners.append(
            Fact(
                _("Yhteistyöasiakirja"),
                _("Ei kirjattu kunnan yhteistyötietoihin."),
                note=p.document_note if p else "",
            )
        )

    communication = found["communication"].facts
    if p and p.communication_url:
        communication.append(
            Fact(
                _("Yhdistysten toiminta kunnan sivuilla"),
                _("julkaistu"),
                ok=True,
                short=_("kunnan sivuilla"),
                url=p.communication_url,
                url_text=_("Yhdistysten toiminta kunnan sivuilla"),
                note=p.communication_note,
            )
        )
    elif p and p.communication_note:
        communication.append(
            Fact(_("Viestintä yhdistysten toiminnasta"), p.communication_note, ok=True)
        )
    communication.append(
        Fact(
            _("Yhdistyshaku Siltassa"),
            ngettext(
                "%(n)s toiminnassa oleva yhdistys",
                "%(n)s toiminnassa olevaa yhdistystä",
                associations,
            )
            % {"n": associations},
            ok=associations > 0,
            short=ngettext("%(n)s yhdistys Siltassa", "%(n)s yhdistystä Siltassa", associations)
            % {"n": associations},
            url=reverse("associations:directory", args=[m.code]) if associations else "",
            url_text=_("Kunnan yhdistykset Siltassa"),
        )
    )
    return found
