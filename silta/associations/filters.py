"""The directory filter: one form shared by the public directory pages and the recipient
lists, so a saved list selects exactly what the liaison saw on the page.

Every choice is checked in Python against lists read once per request (themes, target
groups, the region's municipalities), so a forged value never reaches the database and
becomes a Finnish form error instead of a 500. The query-string names are Finnish like the
addresses: ?q=&kunta=&teema=&kohderyhma=&kieli=&yhteystiedot=1&tila=.
"""

import re

from django import forms
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import listing, search
from .models import (
    LANGUAGE_CHOICES,
    Association,
    ContactPerson,
    TargetGroup,
    Theme,
    present_in,
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The names a saved recipient list keeps (the municipality is the list's own).
SAVED_FIELDS = ("q", "teema", "kohderyhma", "kieli", "yhteystiedot", "tila")

STATUS_NOT_DISSOLVED = ""
STATUS_CHOICES = [
    (STATUS_NOT_DISSOLVED, _("Toiminnassa ja tauolla")),
    (Association.Status.ACTIVE, _("Vain toiminnassa olevat")),
    (Association.Status.DORMANT, _("Vain tauolla olevat")),
    (Association.Status.DISSOLVED, _("Lakanneet")),
]


def _with_language(queryset: QuerySet, code: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset.filter(languages__contains=[code])
    # SQLite keeps JSON as text and has no containment: match the quoted code.
    return queryset.filter(languages__icontains=f'"{code}"')


def public_contact_q() -> Q:
    """Residents can reach the association: a general email or phone, or a contact person
    whose email or phone may be published."""
    consented = (
        ContactPerson.objects.consented()
        .filter((Q(consent_email=True) & ~Q(email="")) | (Q(consent_phone=True) & ~Q(phone="")))
        .values("association_id")
    )
    return ~Q(email="") | ~Q(phone="") | Q(pk__in=consented)


class DirectoryFilter(forms.Form):
    q = forms.CharField(
        label=_("Hae nimellä tai aiheella"),
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("Hakusana saa olla enintään %(limit_value)d merkkiä pitkä.")
        },
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}
        ),
    )
    kunta = forms.ChoiceField(label=_("Kunta"), required=False)
    teema = forms.ChoiceField(label=_("Teema"), required=False)
    kohderyhma = forms.ChoiceField(label=_("Kohderyhmä"), required=False)
    kieli = forms.ChoiceField(label=_("Toimintakieli"), required=False)
    yhteystiedot = forms.BooleanField(
        label=_("Vain ne, joiden yhteystiedot ovat julkisia"), required=False
    )
    tila = forms.ChoiceField(label=_("Tila"), required=False, choices=STATUS_CHOICES)

    invalid_choice = _("Valitse jokin luettelon vaihtoehdoista. ”%(value)s” ei ole sallittu.")

    def __init__(
        self,
        data=None,
        *,
        themes=None,
        target_groups=None,
        municipalities=None,
        staff: bool = False,
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.themes = list(Theme.objects.all()) if themes is None else list(themes)
        self.target_groups = (
            list(TargetGroup.objects.all()) if target_groups is None else list(target_groups)
        )
        self.municipalities = list(municipalities) if municipalities is not None else None
        self.staff = staff
        self.fields["teema"].choices = [("", _("Kaikki teemat"))] + [
            (t.slug, t.name) for t in self.themes
        ]
        self.fields["kohderyhma"].choices = [("", _("Kaikki kohderyhmät"))] + [
            (g.slug, g.name) for g in self.target_groups
        ]
        self.fields["kieli"].choices = [("", _("Kaikki kielet"))] + list(LANGUAGE_CHOICES)
        if self.municipalities is None:
            del self.fields["kunta"]
        else:
            self.fields["kunta"].choices = [("", _("Kaikki maakunnan kunnat"))] + [
                (m.code, m.name) for m in self.municipalities
            ]
        if not staff:
            del self.fields["tila"]
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = self.invalid_choice

    def clean_q(self):
        return _CONTROL.sub("", self.cleaned_data.get("q") or "").strip()

    def full_clean(self):
        # Control characters (a forged NUL) never reach a field: PostgreSQL refuses them.
        if self.data is not None and hasattr(self.data, "lists"):
            data = self.data.copy()
            for key in data:
                data.setlist(key, [_CONTROL.sub("", v)[:1000] for v in data.getlist(key)])
            self.data = data
        super().full_clean()

    # -- reading the clean values ---------------------------------------------------------

    def value(self, name: str):
        """A valid value of a field, or its empty value (an invalid field filters nothing)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or ""

    @property
    def theme(self) -> Theme | None:
        slug = self.value("teema")
        return next((t for t in self.themes if t.slug == slug), None) if slug else None

    @property
    def target_group(self) -> TargetGroup | None:
        slug = self.value("kohderyhma")
        return next((g for g in self.target_groups if g.slug == slug), None) if slug else None

    @property
    def municipality(self):
        code = self.value("kunta") if self.municipalities is not None else ""
        return next((m for m in self.municipalities if m.code == code), None) if code else None

    @property
    def searching(self) -> bool:
        return bool(search.parse_query(self.value("q")))

    @property
    def is_filtered(self) -> bool:
        return any(self.value(name) for name in self.fields if name != "q") or self.searching

    def query_string_items(self) -> dict:
        """The valid, non-empty values, for paging links and saved lists."""
        items = {}
        for name in self.fields:
            v = self.value(name)
            if v is True:
                items[name] = "1"
            elif v:
                items[name] = v
        return items

    def saved(self) -> dict:
        return {k: v for k, v in self.query_string_items().items() if k in SAVED_FIELDS}

    # -- the queryset -----------------------------------------------------------------------

    def queryset(self, municipalities) -> QuerySet:
        """Associations at home in or acting in any of `municipalities` (a municipality or a
        list), filtered and searched; name matches first when searching."""
        ids = self._municipality_ids(municipalities)
        qs, _searched = search.apply(self._filtered().filter(present_in(ids)), self.value("q"))
        return qs

    def listing(self, municipalities):
        """The same rows without a search, for a list page read a page at a time
        (listing.associations_in: in name order from the municipality's index)."""
        return listing.associations_in(self._filtered(), self._municipality_ids(municipalities))

    def ranked(self, municipalities) -> search.Ranked:
        """The same search, to be read a page at a time (search.Ranked)."""
        status = self.value("tila") if self.staff else ""
        plain = not status and not any(
            self.value(name) for name in ("teema", "kohderyhma", "kieli", "yhteystiedot")
        )
        return search.Ranked(
            self._filtered(),
            self.value("q"),
            municipalities=self._municipality_ids(municipalities),
            plain=plain,
        )

    def _municipality_ids(self, municipalities) -> list:
        if not isinstance(municipalities, (list, tuple)):
            municipalities = [municipalities]
        chosen = self.municipality
        if chosen is not None:
            municipalities = [chosen]
        return [m.pk for m in municipalities]

    def _filtered(self) -> QuerySet:
        """The filters other than the municipalities and the search, in name order."""
        qs = Association.objects.all()
        status = self.value("tila") if self.staff else ""
        qs = qs.filter(status=status) if status else qs.public()
        if (theme := self.theme) is not None:
            qs = qs.filter(
                pk__in=Association.themes.through.objects.filter(theme=theme).values(
                    "association_id"
                )
            )
        if (group := self.target_group) is not None:
            qs = qs.filter(
                pk__in=Association.target_groups.through.objects.filter(targetgroup=group).values(
                    "association_id"
                )
            )
        if language := self.value("kieli"):
            qs = _with_language(qs, language)
        if self.value("yhteystiedot"):
            qs = qs.filter(public_contact_q())
        return qs.order_by("name_fi", "pk")
