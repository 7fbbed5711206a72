"""Forms: the answer form built from a questionnaire, and the management forms."""

import re

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from silta.places.models import Municipality, Region

from .models import Question, Round

K = Question.Kind
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BIG = 10**9


def _errors():
    return {
        "invalid_choice": _l("Valitse jokin annetuista vaihtoehdoista."),
        "invalid": _l("Anna vastaus kokonaislukuna."),
        "invalid_list": _l("Valitse jokin annetuista vaihtoehdoista."),
        "max_length": _l(
            "Vastaus on liian pitkä: enintään %(limit_value)d merkkiä (nyt %(show_value)d)."
        ),
        "min_value": _l("Luvun pitää olla vähintään %(limit_value)s."),
        "max_value": _l("Luku saa olla enintään %(limit_value)s."),
    }


class CleanText(forms.CharField):
    """Text without control characters other than line breaks and tabs (PostgreSQL refuses NUL)."""

    def to_python(self, value):
        value = super().to_python(value)
        return _CONTROL.sub("", value) if value else value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The NUL check would otherwise run before we remove control characters.
        self.validators = [v for v in self.validators if "Null" not in type(v).__name__]


def field_for(question: Question) -> forms.Field:
    label = question.text
    common = {"label": label, "required": False, "error_messages": _errors()}
    if question.kind in (K.YES_NO, K.SINGLE):
        choices = [(c.value, c.label) for c in question.choices.all()]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == K.MULTIPLE:
        choices = [(c.value, c.label) for c in question.choices.all()]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.kind == K.SCALE:
        return forms.TypedChoiceField(
            choices=[(str(i), str(i)) for i in range(1, 6)],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == K.NUMBER:
        low = question.min_value if question.min_value is not None else -BIG
        high = question.max_value if question.max_value is not None else BIG
        return forms.IntegerField(min_value=low, max_value=high, **common)
    widget = forms.Textarea(attrs={"rows": 4}) if question.kind == K.LONG_TEXT else None
    return CleanText(max_length=question.text_limit, widget=widget, strip=True, **common)


def matches(parent_value, when: str) -> bool:
    wanted = {v for v in when.split(",") if v}
    if isinstance(parent_value, list):
        return bool(wanted & set(parent_value))
    return parent_value is not None and str(parent_value) in wanted


class AnswerForm(forms.Form):
    """One field per question (`q<id>`). Required answers are checked only when the answers
    are sent, not when they are saved half-way; a follow-up counts only when its parent's
    answer triggers it.

    On a page of one section `questions` are that section's and `context` all of the
    questionnaire's: a follow-up whose question is on another page goes by the saved answer."""

    versio = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, questions, *args, final=False, saved=None, context=None, **kwargs):
        self.questions = list(questions)
        self.context = list(context) if context is not None else self.questions
        self.final = final
        saved = saved or {}
        initial = {f"q{q.pk}": _initial(q, saved.get(q.pk)) for q in self.questions}
        super().__init__(*args, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = field_for(question)
        self.saved = saved

    def current(self, question):
        """The answer the page shows: the posted one when bound, else the saved one."""
        name = f"q{question.pk}"
        if self.is_bound and name in self.fields:
            if hasattr(self, "cleaned_data") and name in self.cleaned_data:
                return self.cleaned_data[name]
            if question.kind == K.MULTIPLE:
                return self.data.getlist(name)
            return self.data.get(name)
        return self.saved.get(question.pk)

    def visible(self, question) -> bool:
        if question.parent_id is None:
            return True
        parent = next((q for q in self.context if q.pk == question.parent_id), None)
        return (
            parent is not None
            and self.visible(parent)
            and matches(self.current(parent), question.parent_value)
        )

    def clean(self):
        data = super().clean()
        for question in self.questions:
            name = f"q{question.pk}"
            if not self.visible(question):
                # A follow-up not asked: neither its value nor its errors count.
                self.errors.pop(name, None)
                data[name] = None
                continue
            if name in self.errors:
                continue
            if self.final and question.required and data.get(name) in (None, "", []):
                self.add_error(name, _("Tähän kysymykseen on vastattava."))
        return data

    def values(self) -> dict:
        return {q: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


def _initial(question, value):
    if value is None:
        return None
    if question.kind == K.SCALE:
        return str(value)
    return value


class InterviewForm(forms.Form):
    respondent_label = forms.CharField(
        label=_l("Haastateltava"),
        max_length=200,
        help_text=_l("Nimi ja tehtävä, esimerkiksi: Jari Kemppainen, vapaa-ajanohjaaja."),
        error_messages={
            "required": _l("Kirjoita, ketä haastattelit."),
            "max_length": _l("Enintään %(limit_value)d merkkiä (nyt %(show_value)d)."),
        },
    )
    interviewed_at = forms.DateField(
        label=_l("Haastattelupäivä"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _l("Anna haastattelupäivä."),
            "invalid": _l("Anna päivämäärä muodossa vvvv-kk-pp."),
        },
    )

    def clean_respondent_label(self):
        return _CONTROL.sub("", self.cleaned_data["respondent_label"]).strip()

    def clean_interviewed_at(self):
        day = self.cleaned_data["interviewed_at"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Haastattelupäivä ei voi olla tulevaisuudessa."))
        return day


class RoundForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        queryset=None,
        label=_l("Lomake"),
        error_messages={
            "required": _l("Valitse lomake."),
            "invalid_choice": _l("Valitse lomake luettelosta."),
        },
    )
    title = forms.CharField(
        label=_l("Kierroksen nimi"),
        max_length=200,
        help_text=_l("Esimerkiksi: Kempeleen kartoitus, syksy 2026."),
        error_messages={
            "required": _l("Anna kierrokselle nimi."),
            "max_length": _l("Enintään %(limit_value)d merkkiä (nyt %(show_value)d)."),
        },
    )
    target_kind = forms.ChoiceField(
        label=_l("Kohderyhmä"),
        choices=Round.Target.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _l("Valitse kohderyhmä."),
            "invalid_choice": _l("Valitse kohderyhmä luettelosta."),
        },
    )
    municipality = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_l("Kunta"),
        error_messages={"invalid_choice": _l("Valitse kunta luettelosta.")},
    )
    region = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_l("Maakunta"),
        help_text=_l("Yhdistysagenttien ja koulutusten kyselyissä voi valita maakunnan."),
        error_messages={"invalid_choice": _l("Valitse maakunta luettelosta.")},
    )
    opens_on = forms.DateField(
        label=_l("Avautuu"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _l("Anna avautumispäivä."),
            "invalid": _l("Anna päivämäärä muodossa vvvv-kk-pp."),
        },
    )
    closes_on = forms.DateField(
        label=_l("Sulkeutuu"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _l("Anna sulkeutumispäivä."),
            "invalid": _l("Anna päivämäärä muodossa vvvv-kk-pp."),
        },
    )
    anonymous = forms.BooleanField(
        label=_l("Nimettömät vastaukset"),
        required=False,
        help_text=_l("Tuloksissa ei näytetä vastaajia eikä alle viiden vastaajan jakaumia."),
    )

    def __init__(self, *args, questionnaires, municipalities, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires
        self.fields["municipality"].queryset = municipalities
        self.fields["region"].queryset = regions

    def clean_title(self):
        return _CONTROL.sub("", self.cleaned_data["title"]).strip()

    def clean(self):
        data = super().clean()
        kind = data.get("target_kind")
        municipality, region = data.get("municipality"), data.get("region")
        if kind in (Round.Target.LIAISON, Round.Target.ASSOCIATIONS) and not municipality:
            self.add_error("municipality", _("Valitse kunta, jonka kyselystä on kyse."))
        if kind in (Round.Target.AGENTS, Round.Target.TRAINING) and not (municipality or region):
            self.add_error("region", _("Valitse maakunta tai kunta."))
        if municipality and region:
            data["region"] = None
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Sulkeutumispäivä ei voi olla ennen avautumispäivää."))
        if closes and closes < timezone.localdate():
            self.add_error("closes_on", _("Sulkeutumispäivä on jo mennyt."))
        return data


def municipalities_for(scope):
    if scope.is_admin:
        return Municipality.objects.order_by("name_fi")
    return Municipality.objects.filter(pk__in=scope.coordinated | scope.liaison_of).order_by(
        "name_fi"
    )


def regions_for(scope):
    if scope.is_admin:
        return Region.objects.all()
    return Region.objects.filter(municipalities__in=scope.coordinated).distinct()


class InviteForm(forms.Form):
    emails = CleanText(
        label=_l("Sähköpostiosoitteet"),
        help_text=_l("Yksi osoite riville, enintään 500 osoitetta."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=50_000,
        error_messages={
            "required": _l("Kirjoita vähintään yksi sähköpostiosoite."),
            "max_length": _l("Liian pitkä luettelo: enintään %(limit_value)d merkkiä."),
        },
    )

    def clean_emails(self):
        raw = [e.strip() for e in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if e.strip()]
        if len(raw) > 500:
            raise forms.ValidationError(_("Enintään 500 osoitetta kerralla."))
        bad = []
        for email in raw:
            try:
                validate_email(email)
            except forms.ValidationError:
                bad.append(email[:80])
        if bad:
            raise forms.ValidationError(
                _("Nämä eivät ole sähköpostiosoitteita: %(bad)s") % {"bad": ", ".join(bad[:5])}
            )
        return raw


class QuestionnaireForm(forms.Form):
    title_fi = forms.CharField(
        label=_l("Otsikko"),
        max_length=200,
        error_messages={
            "required": _l("Anna lomakkeelle otsikko."),
            "max_length": _l("Enintään %(limit_value)d merkkiä (nyt %(show_value)d)."),
        },
    )
    intro_fi = forms.CharField(
        label=_l("Johdanto"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _l("Enintään %(limit_value)d merkkiä (nyt %(show_value)d)."),
        },
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"text_{q.pk}"] = forms.CharField(
                label=_l("Kysymys"),
                max_length=500,
                initial=q.text_fi,
                error_messages={
                    "required": _l("Kysymys ei voi olla tyhjä."),
                    "max_length": _l("Enintään %(limit_value)d merkkiä (nyt %(show_value)d)."),
                },
            )
            self.fields[f"required_{q.pk}"] = forms.BooleanField(
                label=_l("Pakollinen"), required=False, initial=q.required
            )

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = _CONTROL.sub("", value).strip()
        return data

    def question_changes(self) -> dict:
        return {
            q.pk: {
                "text_fi": self.cleaned_data[f"text_{q.pk}"],
                "required": self.cleaned_data[f"required_{q.pk}"],
            }
            for q in self.questions
        }
