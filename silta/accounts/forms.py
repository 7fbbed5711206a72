from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.forms import (
    RequestReauthenticationCodeForm as AllauthRequestReauthenticationCodeForm,
)
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]
        help_texts = {
            "language": _("Sähköpostit lähetetään tällä kielellä."),
        }

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        allowed = set("0123456789+ -()")
        if phone and (not set(phone) <= allowed or sum(c.isdigit() for c in phone) < 5):
            raise forms.ValidationError(
                _("Anna puhelinnumero numeroina, esimerkiksi 040 123 4567 tai +358 40 123 4567.")
            )
        return phone

    def clean_language(self):
        lang = self.cleaned_data["language"]
        if lang not in dict(settings.LANGUAGES):
            raise forms.ValidationError(_("Valitse kieli listasta."))
        return lang


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ymmärrän, että tilini ja roolini poistetaan eikä niitä voi palauttaa."),
        error_messages={"required": _("Vahvista poistopyyntö rastittamalla kohta.")},
    )
    reason = forms.CharField(
        label=_("Perustelu (vapaaehtoinen)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# User.email and OutgoingEmail.to hold 254 characters; allauth's email fields allow 320, and a
# longer address reached the database (PostgreSQL: DataError, a 500 page).
EMAIL_MAX_LENGTH = 254


def _limit_email_length(field) -> None:
    field.max_length = EMAIL_MAX_LENGTH
    field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
    field.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit_email_length(self.fields["email"])


class RequestReauthenticationCodeForm(AllauthRequestReauthenticationCodeForm):
    """Reauthentication by code: the choice of the person's own verified addresses, with a
    label in the person's language (allauth's field has none)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].label = _("Lähetä koodi osoitteeseen")


class LoginForm(AllauthLoginForm):
    """One form for both ways in: leave the password empty and a code is emailed.

    allauth drops the password field when sign-up asks for none; staff who have set a
    password (and TOTP) still need it, so it stays, optional.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit_email_length(self.fields["login"])

    def _setup_password_field(self) -> None:
        field = self.fields["password"]
        field.required = False
        field.help_text = _(
            "Jos sinulla ei ole salasanaa, jätä kenttä tyhjäksi: lähetämme kirjautumiskoodin "
            "sähköpostiisi."
        )
