import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silta.accounts.models import CoordinatingOrganisation, Membership, Role, User
from silta.associations.models import Association
from silta.places.models import Municipality

from .models import Event, EventTheme, ProgrammeItem, Registration

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d.%m.%Y %H.%M", "%d.%m.%Y %H:%M", "%d.%m.%Y klo %H.%M"]
MAX_PEOPLE = 20


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _datetime(label, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocal(),
        help_text=help_text,
        error_messages={
            "invalid": _("Anna päivä ja kellonaika muodossa 12.3.2027 17.30."),
            "required": _("Anna päivä ja kellonaika."),
        },
    )


class EventForm(forms.ModelForm):
    organiser = forms.ChoiceField(label=_("Järjestäjä"))
    starts_at = _datetime(_("Alkaa"), help_text=_("Suomen aikaa."))
    ends_at = _datetime(_("Päättyy"))
    registration_opens_at = _datetime(_("Ilmoittautuminen alkaa"), required=False)
    registration_closes_at = _datetime(
        _("Ilmoittautuminen päättyy"),
        required=False,
        help_text=_("Jos jätät tyhjäksi, ilmoittautuminen päättyy tapahtuman alkaessa."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Teemat"),
        queryset=EventTheme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    venue_municipality = forms.ModelChoiceField(
        label=_("Tapahtumapaikan kunta"),
        queryset=Municipality.objects.order_by("name_fi"),
        required=False,
        empty_label=_("– sama kuin järjestäjän –"),
        help_text=_("Alueellisille tapahtumille: missä kunnassa tapaaminen pidetään."),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title_fi",
            "title_sv",
            "title_en",
            "description_fi",
            "description_sv",
            "description_en",
            "starts_at",
            "ends_at",
            "venue_name",
            "address",
            "venue_municipality",
            "accessibility",
            "online_link",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "is_public",
            "status",
            "themes",
        ]
        widgets = {
            "description_fi": forms.Textarea(attrs={"rows": 5}),
            "description_sv": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "capacity": _("Jätä tyhjäksi, jos osallistujamäärää ei rajata."),
            "is_public": _(
                "Julkinen tapahtuma näkyy kunnan sivulla, kalenterissa ja rajapinnassa. "
                "Muut näkyvät vain kutsutuille."
            ),
        }

    def __init__(self, *args, organisers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisers is None:
            del self.fields["organiser"]
        else:
            self.fields["organiser"].choices = organisers
        self.order_fields(["organiser"])

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Tapahtuman pitää päättyä alkamisensa jälkeen."))
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "registration_closes_at", _("Ilmoittautumisen pitää päättyä sen alkamisen jälkeen.")
            )
        return data

    def _post_clean(self):
        # The service validates the whole event (organiser, capacity); skip the model's own
        # full_clean here, it would run without the organiser.
        pass

    def organiser_fields(self) -> dict:
        kind, _sep, pk = self.cleaned_data["organiser"].partition(":")
        name = {"m": "municipality", "o": "organisation", "a": "association"}[kind]
        model = {
            "m": Municipality,
            "o": CoordinatingOrganisation,
            "a": Association,
        }[kind]
        return {name: model.objects.get(pk=int(pk))}

    def event_fields(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields if f != "themes"}
        return data


class ThemesForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(
        label=_("Teemat"),
        queryset=EventTheme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ProgrammeItemForm(forms.Form):
    speaker = forms.CharField(label=_("Puhuja"), max_length=200)
    topic = forms.CharField(label=_("Aihe"), max_length=300)
    start = forms.TimeField(
        label=_("Alkaa klo"),
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Anna kellonaika muodossa 17.30.")},
    )
    end = forms.TimeField(
        label=_("Päättyy klo"),
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Anna kellonaika muodossa 18.00.")},
    )
    invitation = forms.ChoiceField(
        label=_("Kutsun tila"),
        choices=ProgrammeItem.Invitation.choices,
        initial=ProgrammeItem.Invitation.ASKED,
    )

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            day = timezone.localtime(self.event.starts_at).date()
            zone = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, start), zone)
            data["ends_at"] = timezone.make_aware(dt.datetime.combine(day, end), zone)
            if end <= start:
                self.add_error("end", _("Puheenvuoron pitää päättyä alkamisensa jälkeen."))
        return data


def staff_of(event: Event):
    """The people who can own a task of the event: the organiser's staff or members."""
    memberships = Membership.objects.active()
    if event.municipality_id:
        memberships = memberships.filter(
            municipality_id=event.municipality_id, role__in=[Role.LIAISON, Role.AGENT]
        )
    elif event.organisation_id:
        memberships = memberships.filter(organisation_id=event.organisation_id)
    else:
        memberships = memberships.filter(association_id=event.association_id)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("full_name", "email")


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Tehtävä"), max_length=300)
    owner = forms.ModelChoiceField(
        label=_("Vastuuhenkilö"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("– ei vielä nimetty –"),
    )
    due_on = forms.DateField(
        label=_("Määräpäivä"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Anna päivä muodossa 12.3.2027.")},
    )

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_of(event)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Työpajan kysymys"), max_length=500)


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Nimi"), max_length=200)
    email = forms.EmailField(
        label=_("Sähköposti"),
        max_length=254,
        help_text=_(
            "Lähetämme vahvistuksen ja linkin, jolla voit muuttaa tai perua ilmoittautumisen."
        ),
        error_messages={"invalid": _("Tarkista sähköpostiosoite, esimerkiksi nimi@esimerkki.fi.")},
    )
    association = forms.ModelChoiceField(
        label=_("Yhdistys"),
        queryset=Association.objects.none(),
        required=False,
        empty_label=_("– ei yhdistystä tai ei listalla –"),
    )
    people = forms.IntegerField(
        label=_("Henkilömäärä"),
        min_value=1,
        max_value=MAX_PEOPLE,
        initial=1,
        help_text=_("Montako teitä tulee, sinä mukaan lukien."),
        error_messages={
            "min_value": _("Henkilömäärän pitää olla vähintään 1."),
            "max_value": _("Yhdellä ilmoittautumisella voi ilmoittaa enintään 20 henkilöä."),
            "invalid": _("Anna henkilömäärä numerona."),
        },
    )
    dietary_needs = forms.CharField(
        label=_("Ruokavalio"),
        max_length=300,
        required=False,
        help_text=_("Kahvitarjoilua varten, esimerkiksi gluteeniton tai laktoositon."),
    )
    accessibility_needs = forms.CharField(
        label=_("Saavutettavuustarpeet"),
        max_length=500,
        required=False,
        help_text=_("Esimerkiksi induktiosilmukka, pyörätuolipaikka tai tulkkaus."),
    )
    consent = forms.BooleanField(
        label=_("Suostun siihen, että tietoni säilytetään, kunnes tapahtuman kooste on lähetetty."),
        error_messages={"required": _("Ilmoittautuminen vaatii suostumuksen.")},
    )

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = event.home_municipality if event else None
        if municipality is None:
            del self.fields["association"]
        else:
            self.fields["association"].queryset = (
                Association.objects.public().in_municipality(municipality).order_by("name_fi")
            )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ManageRegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["people", "dietary_needs", "accessibility_needs"]

    people = RegistrationForm.base_fields["people"]

    def _post_clean(self):
        pass


def validation_to_form(form, exc: ValidationError) -> None:
    """Puts a service's ValidationError onto the form's fields (or the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


ALL_ACTIVE = "kaikki"


class InvitationForm(forms.Form):
    """Whom to invite: every active association of the municipality, or a saved list."""

    lista = forms.ChoiceField(
        label=_("Vastaanottajat"),
        error_messages={
            "required": _("Valitse vastaanottajat."),
            "invalid_choice": _(
                "Valitse vastaanottajalista tämän kunnan listoista. Valittua listaa ei löydy."
            ),
        },
    )

    def __init__(self, *args, municipality=None, organisation=None, **kwargs):
        from silta.associations.models import RecipientList

        from .staff import STAFF

        super().__init__(*args, **kwargs)
        self.lists = (
            {str(r.pk): r for r in RecipientList.objects.filter(municipality=municipality)}
            if municipality is not None
            else {}
        )
        choices = []
        if municipality is not None:
            choices.append((ALL_ACTIVE, _("Kaikki kunnan toiminnassa olevat yhdistykset")))
            choices.append((STAFF, _("Kunnan järjestöyhdyshenkilöt ja yhdistysagentit")))
        elif organisation is not None:
            choices.append(
                (
                    STAFF,
                    _("Alueen kuntien järjestöyhdyshenkilöt, yhdistysagentit ja koordinaattorit"),
                )
            )
        self.fields["lista"].choices = choices + [(pk, r.name) for pk, r in self.lists.items()]

    def invites_staff(self) -> bool:
        from .staff import STAFF

        return self.cleaned_data["lista"] == STAFF

    def recipient_list(self):
        """The chosen RecipientList, or None for every active association."""
        return self.lists.get(self.cleaned_data["lista"])
