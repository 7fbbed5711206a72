"""Forms for editing the directory: an association, its contact people and their consent,
its activities. Forms only validate; views hand the cleaned values to services."""

import re
from datetime import datetime, time

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silta.places.models import Municipality

from .models import LANGUAGE_CHOICES, Activity, Association, ContactPerson, TargetGroup, Theme
from .validators import normalise_business_id, validate_business_id

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
MAX_SOCIAL_LINKS = 10
MAX_OTHER_MUNICIPALITIES = 40
_PHONE_CHARS = set("0123456789+ -()")


def clean_phone_number(phone: str) -> str:
    phone = " ".join((phone or "").split())
    if phone and (not set(phone) <= _PHONE_CHARS or sum(c.isdigit() for c in phone) < 5):
        raise forms.ValidationError(
            _("Anna puhelinnumero numeroina, esimerkiksi 040 123 4567 tai +358 40 123 4567.")
        )
    return phone


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class AssociationForm(forms.ModelForm):
    other_municipalities = forms.CharField(
        label=_("Toimii myös kunnissa"),
        required=False,
        max_length=2000,
        widget=_textarea(2),
        help_text=_(
            "Kuntien nimet tai kuntanumerot pilkuilla eroteltuina, esim. Kempele, Liminka."
        ),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Teemat"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Kohderyhmät"),
        queryset=TargetGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Toimintakielet"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    social_links = forms.CharField(
        label=_("Sosiaalinen media"),
        required=False,
        max_length=3500,
        widget=_textarea(3),
        help_text=_("Yksi osoite riville, esim. https://www.facebook.com/yhdistys."),
    )
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG-, JPEG- tai WebP-kuva, enintään 2 Mt."),
    )

    class Meta:
        model = Association
        fields = [
            "name_fi",
            "name_sv",
            "name_en",
            "short_description_fi",
            "short_description_sv",
            "short_description_en",
            "description_fi",
            "description_sv",
            "description_en",
            "register_number",
            "business_id",
            "municipality",
            "other_municipalities",
            "themes",
            "target_groups",
            "languages",
            "website",
            "social_links",
            "email",
            "phone",
            "logo",
            "accessibility_fi",
            "accessibility_sv",
            "accessibility_en",
            "status",
        ]
        widgets = {
            "description_fi": _textarea(6),
            "description_sv": _textarea(4),
            "description_en": _textarea(4),
            "accessibility_fi": _textarea(3),
            "accessibility_sv": _textarea(3),
            "accessibility_en": _textarea(3),
            "email": forms.EmailInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "register_number": _("Yhdistysrekisterin numero, esim. 123456."),
            "business_id": _("Muotoa 1234567-8."),
            "short_description_fi": _("Yksi tai kaksi virkettä hakutuloksiin."),
            "accessibility_fi": _("Esim. esteetön sisäänkäynti, induktiosilmukka."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.order_by("name_fi")
        self.fields["municipality"].label = _("Kotikunta")
        instance = self.instance
        if instance.pk:
            self.initial["social_links"] = "\n".join(str(x) for x in instance.social_links or [])
            self.initial["other_municipalities"] = ", ".join(
                m.name_fi for m in instance.municipalities.order_by("name_fi")
            )
            self.initial["themes"] = list(instance.themes.values_list("pk", flat=True))
            self.initial["target_groups"] = list(
                instance.target_groups.values_list("pk", flat=True)
            )

    FIELDSETS = [
        (
            _("Nimi ja kuvaus"),
            [
                "name_fi",
                "name_sv",
                "name_en",
                "short_description_fi",
                "short_description_sv",
                "short_description_en",
                "description_fi",
                "description_sv",
                "description_en",
            ],
        ),
        (
            _("Rekisteritiedot ja kunnat"),
            ["register_number", "business_id", "municipality", "other_municipalities", "status"],
        ),
        (_("Teemat, kohderyhmät ja kielet"), ["themes", "target_groups", "languages"]),
        (_("Yhteystiedot"), ["email", "phone", "website", "social_links"]),
        (
            _("Logo ja saavutettavuus"),
            ["logo", "accessibility_fi", "accessibility_sv", "accessibility_en"],
        ),
    ]

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean_business_id(self):
        value = self.cleaned_data["business_id"].strip()
        if value:
            validate_business_id(value)
            value = normalise_business_id(value)
        return value

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data["phone"])

    def clean_social_links(self):
        lines = [line.strip() for line in self.cleaned_data["social_links"].splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_SOCIAL_LINKS:
            raise forms.ValidationError(
                _("Anna enintään %(n)s osoitetta.") % {"n": MAX_SOCIAL_LINKS}
            )
        check = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                if len(link) > 300:
                    raise forms.ValidationError("too long")
                check(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("%(link)s ei ole verkko-osoite (https://…).") % {"link": link[:60]}
                ) from None
        return links

    def clean_other_municipalities(self):
        raw = self.cleaned_data["other_municipalities"]
        tokens = [t.strip() for t in re.split(r"[,;\n]", raw) if t.strip()]
        if len(tokens) > MAX_OTHER_MUNICIPALITIES:
            raise forms.ValidationError(
                _("Anna enintään %(n)s kuntaa.") % {"n": MAX_OTHER_MUNICIPALITIES}
            )
        if not tokens:
            return []
        known = {}
        for m in Municipality.objects.only("pk", "code", "name_fi", "name_sv"):
            known[m.code] = m
            known[m.name_fi.casefold()] = m
            if m.name_sv:
                known.setdefault(m.name_sv.casefold(), m)
        found, unknown = [], []
        for token in tokens:
            key = token.zfill(3) if token.isdigit() and len(token) <= 3 else token.casefold()
            if key in known:
                if known[key] not in found:
                    found.append(known[key])
            else:
                unknown.append(token[:40])
        if unknown:
            raise forms.ValidationError(
                _("Näitä kuntia ei löydy: %(names)s. Tarkista kirjoitusasu tai anna kuntanumero.")
                % {"names": ", ".join(unknown)}
            )
        return found

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # Only a new upload carries `.image` (set by forms.ImageField after Pillow verified it).
        image = getattr(logo, "image", None)
        if logo and image is not None:
            if logo.size > LOGO_MAX_BYTES:
                raise forms.ValidationError(_("Logo on liian suuri: enintään 2 Mt."))
            if image.format not in LOGO_FORMATS:
                raise forms.ValidationError(_("Logon pitää olla PNG-, JPEG- tai WebP-kuva."))
        return logo


class NewAssociationForm(forms.Form):
    """The few details needed to add an association; the rest is filled on the edit page."""

    name_fi = forms.CharField(label=_("Nimi"), max_length=200)
    name_sv = forms.CharField(label=_("Nimi ruotsiksi"), max_length=200, required=False)
    register_number = forms.CharField(
        label=_("Yhdistysrekisterinumero"), max_length=20, required=False
    )
    email = forms.EmailField(label=_("Sähköposti"), required=False)
    status = forms.ChoiceField(
        label=_("Tila"), choices=Association.Status.choices, initial=Association.Status.ACTIVE
    )


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "role", "email", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data["phone"])


class ConsentForm(forms.Form):
    SELF = "self"
    ON_BEHALF = "on_behalf"

    given_by = forms.ChoiceField(
        label=_("Kuka antoi suostumuksen?"),
        choices=[(SELF, _("Henkilö itse")), (ON_BEHALF, _("Joku toinen henkilön puolesta"))],
        widget=forms.RadioSelect,
        initial=SELF,
    )
    on_behalf_name = forms.CharField(
        label=_("Suostumuksen antajan nimi ja suhde henkilöön"),
        required=False,
        max_length=150,
        help_text=_("Esim. Maija Meikäläinen, huoltaja. Täytä, jos suostumuksen antoi joku muu."),
    )
    given_on = forms.DateField(
        label=_("Suostumuksen päivämäärä"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Jätä tyhjäksi, jos suostumus annettiin tänään."),
    )
    consent_name = forms.BooleanField(label=_("Nimen saa julkaista"), required=False)
    consent_email = forms.BooleanField(label=_("Sähköpostiosoitteen saa julkaista"), required=False)
    consent_phone = forms.BooleanField(label=_("Puhelinnumeron saa julkaista"), required=False)

    def __init__(self, *args, contact=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact = contact

    def clean_given_on(self):
        day = self.cleaned_data.get("given_on")
        today = timezone.localdate()
        if day and day > today:
            raise forms.ValidationError(_("Päivämäärä ei voi olla tulevaisuudessa."))
        if day and day.year < 2000:
            raise forms.ValidationError(_("Tarkista päivämäärä."))
        return day

    def clean(self):
        data = super().clean()
        if not (data.get("consent_name") or data.get("consent_email") or data.get("consent_phone")):
            raise forms.ValidationError(
                _("Valitse vähintään yksi tieto, jonka julkaisemiseen suostumus annettiin.")
            )
        if data.get("given_by") == self.ON_BEHALF and not (data.get("on_behalf_name") or ""):
            self.add_error(
                "on_behalf_name", _("Kirjoita, kuka antoi suostumuksen henkilön puolesta.")
            )
        contact = self.contact
        if contact is not None:
            if data.get("consent_email") and not contact.email:
                self.add_error("consent_email", _("Henkilölle ei ole kirjattu sähköpostia."))
            if data.get("consent_phone") and not contact.phone:
                self.add_error("consent_phone", _("Henkilölle ei ole kirjattu puhelinnumeroa."))
        return data

    def given_by_text(self) -> str:
        data = self.cleaned_data
        if data["given_by"] == self.SELF:
            return str(_("henkilö itse"))
        return " ".join(data["on_behalf_name"].split()) + " (" + str(_("henkilön puolesta")) + ")"

    def given_at(self):
        day = self.cleaned_data.get("given_on")
        if not day or day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.combine(day, time(12, 0)))


class ActivityForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Kielet"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Kohderyhmät"),
        queryset=TargetGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
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
            "municipality",
            "target_groups",
            "is_free",
            "price",
            "languages",
            "registration_url",
            "is_published",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "description_fi": _textarea(5),
            "description_sv": _textarea(3),
            "description_en": _textarea(3),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {
            "starts_at": _("Kertaluonteisen toiminnan alkamisaika (Suomen aikaa)."),
            "price": _("Esim. 5 € / kerta. Jätä tyhjäksi, jos toiminta on maksutonta."),
        }

    def __init__(self, *args, association=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.association = association or self.instance.association
        ids = [
            self.association.municipality_id,
            *self.association.municipalities.values_list("pk", flat=True),
        ]
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=ids).order_by(
            "name_fi"
        )
        self.fields["municipality"].initial = self.association.municipality_id
        self.fields["municipality"].empty_label = None
        self.fields["weekday"].required = False
        if self.instance.pk:
            self.initial["target_groups"] = list(
                self.instance.target_groups.values_list("pk", flat=True)
            )

    def clean_name_fi(self):
        return " ".join(self.cleaned_data["name_fi"].split())

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Activity.Kind.RECURRING:
            if data.get("weekday") is None:
                self.add_error("weekday", _("Valitse viikonpäivä, jona toiminta on."))
            start, end = data.get("start_time"), data.get("end_time")
            if start and end and end <= start:
                self.add_error("end_time", _("Päättymisajan pitää olla alkamisajan jälkeen."))
        elif kind == Activity.Kind.ONE_OFF:
            start, end = data.get("starts_at"), data.get("ends_at")
            if not start:
                self.add_error("starts_at", _("Anna kertaluonteisen toiminnan alkamisaika."))
            elif end and end < start:
                self.add_error("ends_at", _("Toiminta ei voi päättyä ennen kuin se alkaa."))
        if data.get("is_free") is False and not (data.get("price") or "").strip():
            self.add_error("price", _("Kerro hinta, tai merkitse toiminta maksuttomaksi."))
        return data

    def _post_clean(self):
        # The model's CheckConstraint would repeat the end-before-start error in English
        # terms; the form already said it in Finnish.
        if self.has_error("ends_at"):
            return
        super()._post_clean()
