"""The cooperation profile form. Forms only validate; the view hands the values to services."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from .models import CooperationProfile

URL_FIELDS = ("grants_url", "premises_url", "document_url", "communication_url")
_URL_ERROR = _(
    "Anna verkko-osoite, joka alkaa https:// tai http://, esim. https://www.kunta.fi/avustukset."
)


class CooperationProfileForm(forms.ModelForm):
    class Meta:
        model = CooperationProfile
        fields = [
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
        ]
        labels = {
            "grants_url": _("Avustusten myöntöperusteet verkossa"),
            "grants_note": _("Avustukset: lyhyt kuvaus"),
            "premises_terms": _("Saavatko yhdistykset käyttää kunnan tiloja?"),
            "premises_url": _("Tilojen käytön periaatteet verkossa"),
            "premises_note": _("Tilat: lyhyt kuvaus"),
            "document_url": _("Yhteistyöasiakirja verkossa"),
            "document_adopted_on": _("Yhteistyöasiakirja hyväksytty"),
            "document_note": _("Yhteistyöasiakirja: lyhyt kuvaus"),
            "communication_url": _("Yhdistysten toiminta kunnan verkkosivuilla"),
            "communication_note": _("Viestintä yhdistysten toiminnasta: lyhyt kuvaus"),
        }
        help_texts = {
            "grants_url": _(
                "Sivu, jolla kunta kertoo, millä perusteella järjestöavustukset myönnetään."
            ),
            "grants_note": _("Esim. hakuajat ja kuka avustuksista päättää."),
            "premises_url": _("Sivu, jolla kerrotaan tilojen varaamisesta ja hinnoista."),
            "premises_note": _("Esim. mitkä tilat ovat maksutta käytössä ja millä ehdoilla."),
            "document_url": _("Kunnan ja yhdistysten yhdessä kirjaamat yhteistyön periaatteet."),
            "document_adopted_on": _("Päivämäärä muodossa 15.3.2026."),
            "communication_url": _(
                "Esim. kunnan sivuille upotettu yhdistyshaku tai tapahtumakalenteri."
            ),
            "communication_note": _("Esim. kuntatiedote, kunnan sosiaalisen median kanavat."),
        }
        widgets = {
            "grants_note": forms.Textarea(attrs={"rows": 3}),
            "premises_note": forms.Textarea(attrs={"rows": 3}),
            "document_note": forms.Textarea(attrs={"rows": 3}),
            "communication_note": forms.Textarea(attrs={"rows": 3}),
            "premises_terms": forms.RadioSelect,
            "document_adopted_on": forms.DateInput(attrs={"inputmode": "numeric"}),
        }

    FIELDSETS = [
        (_("Järjestöavustukset"), ["grants_url", "grants_note"]),
        (_("Kunnan tilat"), ["premises_terms", "premises_url", "premises_note"]),
        (_("Yhteistyöasiakirja"), ["document_url", "document_adopted_on", "document_note"]),
        (_("Viestintä yhdistysten toiminnasta"), ["communication_url", "communication_note"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        terms = self.fields["premises_terms"]
        terms.choices = [("", _("ei kerrottu")), *CooperationProfile.PremisesTerms.choices]
        for name in URL_FIELDS:
            field = self.fields[name]
            field.error_messages["invalid"] = _URL_ERROR
            field.widget.attrs["placeholder"] = "https://"

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def _clean_url(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except forms.ValidationError:
                raise forms.ValidationError(_URL_ERROR, code="invalid") from None
        return value

    def clean_grants_url(self):
        return self._clean_url("grants_url")

    def clean_premises_url(self):
        return self._clean_url("premises_url")

    def clean_document_url(self):
        return self._clean_url("document_url")

    def clean_communication_url(self):
        return self._clean_url("communication_url")
