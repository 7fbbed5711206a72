"""Editing the directory: an association's details, contact people and their consent,
activities, and the yearly confirmation (by the association's one-click link, by its
members on the edit page, and the liaison's list of out-of-date entries).

Every change goes through services.py, which writes the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from silta.accounts.permissions import (
    can_add_association,
    can_edit_association,
    can_request_confirmation,
    can_view_municipality_workspace,
)
from silta.core.views import _page, forbidden
from silta.places.views import _municipality

from . import services
from .forms import ActivityForm, AssociationForm, ConsentForm, ContactForm, NewAssociationForm
from .models import Activity, Association, ContactPerson

NOT_YOURS = gettext_lazy(
    "Vain yhdistyksen omat toimijat sekä kunnan järjestöyhdyshenkilö ja yhdistysagentit voivat muokata yhdistyksen tietoja."
)  # noqa: E501


def _editable(request, association):
    if not can_edit_association(request.user, association):
        return forbidden(request, NOT_YOURS)
    return None


def _invalid(request, template, context):
    """A form with errors: shown again with status 400, nothing changed."""
    return render(request, template, context, status=400)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# -- the association -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    association = get_object_or_404(Association.objects.select_related("municipality"), pk=pk)
    if refused := _editable(request, association):
        return refused
    form = AssociationForm(request.POST or None, request.FILES or None, instance=association)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            changes = {
                f: data[f]
                for f in form.changed_data
                if f in services.EDITABLE_FIELDS and f not in {"logo"}
            }
            if "logo" in form.changed_data:
                changes["logo"] = data["logo"] or ""
            # is_valid() wrote the values into the instance; the service logs them against
            # the stored ones.
            association.refresh_from_db()
            try:
                services.update_association(request.user, association, **changes)
                services.set_association_relations(
                    request.user,
                    association,
                    municipalities=data["other_municipalities"],
                    themes=list(data["themes"]),
                    target_groups=list(data["target_groups"]),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Yhdistyksen tiedot tallennettu."))
                return redirect("associations:edit", association.pk)
        association.refresh_from_db()
        return _invalid(
            request, "associations/edit/association.html", _edit_context(form, association)
        )
    return render(request, "associations/edit/association.html", _edit_context(form, association))


def _edit_context(form, association):
    return {
        "form": form,
        "association": association,
        "contacts": list(association.contacts.all()),
        "activities": list(association.activities.select_related("municipality")),
    }


@login_required
@require_http_methods(["GET", "POST"])
def create(request, code):
    municipality = _municipality(code)
    if not can_add_association(request.user, municipality):
        return forbidden(
            request,
            _(
                "Vain kunnan järjestöyhdyshenkilö ja yhdistysagentit voivat lisätä kunnan yhdistyksiä."
            ),
        )
    form = NewAssociationForm(request.POST or None)
    context = {"form": form, "municipality": municipality}
    if request.method == "POST":
        if form.is_valid():
            try:
                association = services.create_association(
                    request.user, municipality=municipality, **form.cleaned_data
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Yhdistys lisätty. Täydennä sen tiedot ja yhteyshenkilöt.")
                )
                return redirect("associations:edit", association.pk)
        return _invalid(request, "associations/edit/new.html", context)
    return render(request, "associations/edit/new.html", context)


@require_POST
@login_required
def confirm(request, pk):
    """A member (or the liaison) confirms on the edit page that the entry is up to date."""
    association = get_object_or_404(Association.objects.select_related("municipality"), pk=pk)
    if refused := _editable(request, association):
        return refused
    services.confirm_association(request.user, association, note="vahvistettu muokkaussivulla")
    messages.success(request, _("Kiitos! Tiedot on merkitty ajantasaisiksi."))
    return redirect("associations:edit", association.pk)


# -- contact people --------------------------------------------------------------------------


def _contact(request, pk):
    contact = get_object_or_404(
        ContactPerson.objects.select_related("association__municipality"), pk=pk
    )
    return contact, _editable(request, contact.association)


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request, pk):
    association = get_object_or_404(Association.objects.select_related("municipality"), pk=pk)
    if refused := _editable(request, association):
        return refused
    form = ContactForm(request.POST or None)
    context = {"form": form, "association": association, "contact": None}
    if request.method == "POST":
        if form.is_valid():
            contact = services.add_contact(
                request.user,
                association,
                order=association.contacts.count(),
                **{f: form.cleaned_data[f] for f in ContactForm.Meta.fields},
            )
            messages.success(
                request,
                _(
                    "Yhteyshenkilö lisätty. Hänen tietonsa eivät näy julkisesti ennen kuin suostumus on kirjattu."
                ),
            )
            return redirect("associations:contact_consent", contact.pk)
        return _invalid(request, "associations/edit/contact.html", context)
    return render(request, "associations/edit/contact.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    contact, refused = _contact(request, pk)
    if refused:
        return refused
    form = ContactForm(request.POST or None, instance=contact)
    context = {"form": form, "association": contact.association, "contact": contact}
    if request.method == "POST":
        if form.is_valid():
            changes = {f: form.cleaned_data[f] for f in form.changed_data}
            contact.refresh_from_db()
            services.update_contact(request.user, contact, **changes)
            messages.success(request, _("Yhteyshenkilön tiedot tallennettu."))
            return redirect("associations:edit", contact.association_id)
        contact.refresh_from_db()
        return _invalid(request, "associations/edit/contact.html", context)
    return render(request, "associations/edit/contact.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request, pk):
    contact, refused = _contact(request, pk)
    if refused:
        return refused
    if request.method == "POST":
        association_id = contact.association_id
        services.delete_contact(request.user, contact)
        messages.success(request, _("Yhteyshenkilö poistettu."))
        return redirect("associations:edit", association_id)
    return render(
        request,
        "associations/edit/delete.html",
        {
            "association": contact.association,
            "title": _("Poistetaanko yhteyshenkilö?"),
            "object_label": str(contact),
            "explanation": _("Henkilön tiedot ja suostumus poistetaan yhdistyksen tiedoista."),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_consent(request, pk):
    contact, refused = _contact(request, pk)
    if refused:
        return refused
    initial = None
    if contact.has_consent:
        initial = {
            "consent_name": contact.consent_name,
            "consent_email": contact.consent_email,
            "consent_phone": contact.consent_phone,
        }
    form = ConsentForm(request.POST or None, contact=contact, initial=initial)
    context = {"form": form, "association": contact.association, "contact": contact}
    if request.method == "POST":
        if form.is_valid():
            services.record_consent(
                request.user,
                contact,
                given_by=form.given_by_text(),
                given_at=form.given_at(),
                name=form.cleaned_data["consent_name"],
                email=form.cleaned_data["consent_email"],
                phone=form.cleaned_data["consent_phone"],
            )
            messages.success(
                request, _("Suostumus kirjattu. Valitut tiedot näkyvät nyt julkisesti.")
            )
            return redirect("associations:edit", contact.association_id)
        return _invalid(request, "associations/edit/consent.html", context)
    return render(request, "associations/edit/consent.html", context)


@require_POST
@login_required
def contact_withdraw(request, pk):
    contact, refused = _contact(request, pk)
    if refused:
        return refused
    services.withdraw_consent(request.user, contact)
    messages.success(
        request,
        _(
            "Suostumus peruttu. Henkilön tiedot eivät enää näy julkisilla sivuilla eivätkä rajapinnassa."
        ),
    )
    return redirect("associations:edit", contact.association_id)


# -- activities ------------------------------------------------------------------------------


def _activity(request, pk):
    activity = get_object_or_404(
        Activity.objects.select_related("association__municipality", "municipality"), pk=pk
    )
    return activity, _editable(request, activity.association)


def _activity_values(form):
    data = form.cleaned_data
    values = {f: data[f] for f in ActivityForm.Meta.fields if f != "target_groups"}
    return values, list(data["target_groups"])


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request, pk):
    association = get_object_or_404(Association.objects.select_related("municipality"), pk=pk)
    if refused := _editable(request, association):
        return refused
    form = ActivityForm(request.POST or None, association=association)
    context = {"form": form, "association": association, "activity": None}
    if request.method == "POST":
        if form.is_valid():
            values, groups = _activity_values(form)
            try:
                services.create_activity(request.user, association, target_groups=groups, **values)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Toiminta lisätty."))
                return redirect("associations:edit", association.pk)
        return _invalid(request, "associations/edit/activity.html", context)
    return render(request, "associations/edit/activity.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity, refused = _activity(request, pk)
    if refused:
        return refused
    form = ActivityForm(request.POST or None, instance=activity)
    context = {"form": form, "association": activity.association, "activity": activity}
    if request.method == "POST":
        if form.is_valid():
            values, groups = _activity_values(form)
            activity.refresh_from_db()
            try:
                services.update_activity(request.user, activity, target_groups=groups, **values)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Toiminnan tiedot tallennettu."))
                return redirect("associations:edit", activity.association_id)
        activity.refresh_from_db()
        return _invalid(request, "associations/edit/activity.html", context)
    return render(request, "associations/edit/activity.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request, pk):
    activity, refused = _activity(request, pk)
    if refused:
        return refused
    if request.method == "POST":
        association_id = activity.association_id
        services.delete_activity(request.user, activity)
        messages.success(request, _("Toiminta poistettu."))
        return redirect("associations:edit", association_id)
    return render(
        request,
        "associations/edit/delete.html",
        {
            "association": activity.association,
            "title": _("Poistetaanko toiminta?"),
            "object_label": activity.name_fi,
            "explanation": _("Toiminta poistuu julkisilta sivuilta ja rajapinnasta."),
        },
    )


@require_POST
@login_required
def activity_publish(request, pk):
    activity, refused = _activity(request, pk)
    if refused:
        return refused
    publish = request.POST.get("julkaise") == "1"
    services.set_activity_published(request.user, activity, publish)
    messages.success(
        request,
        _("Toiminta julkaistu.") if publish else _("Toiminta piilotettu julkisilta sivuilta."),
    )
    return redirect("associations:edit", activity.association_id)


# -- the yearly confirmation -----------------------------------------------------------------

LINK_ERRORS = {
    "invalid": (
        400,
        gettext_lazy("Linkki ei kelpaa"),
        gettext_lazy(
            "Vahvistuslinkki on virheellinen tai se on kopioitu vajaana. Kopioi koko linkki sähköpostista tai kirjaudu Siltaan ja vahvista tiedot yhdistyksen muokkaussivulla."
        ),  # noqa: E501
    ),
    "expired": (
        410,
        gettext_lazy("Linkki on vanhentunut"),
        gettext_lazy(
            "Vahvistuslinkki on voimassa 60 päivää, ja tämä linkki on vanhentunut. Kirjaudu Siltaan ja vahvista tiedot yhdistyksen muokkaussivulla, tai pyydä kuntasi järjestöyhdyshenkilöä lähettämään uusi linkki."
        ),  # noqa: E501
    ),
    "replaced": (
        410,
        gettext_lazy("Linkki on korvattu uudella"),
        gettext_lazy(
            "Yhdistykselle on lähetetty tämän jälkeen uusi vahvistuslinkki. Käytä uusinta sähköpostissa tullutta linkkiä."
        ),  # noqa: E501
    ),
}


@require_http_methods(["GET", "POST"])
def confirm_link(request, token):
    """The one-click page of the confirmation email. GET only shows the entry, so a mail
    scanner following the link confirms nothing; the button POSTs."""
    try:
        association = services.association_for_token(token)
    except services.ConfirmationLinkError as exc:
        status, title, text = LINK_ERRORS[exc.reason]
        return render(
            request,
            "associations/confirm/invalid.html",
            {"title": title, "text": text},
            status=status,
        )
    already = (
        association.confirmed_at is not None
        and association.confirmed_at >= association.confirmation_requested_at
    )
    if request.method == "POST" and not already:
        actor = request.user if request.user.is_authenticated else None
        services.confirm_association(actor, association, note="vahvistettu sähköpostilinkistä")
        return render(request, "associations/confirm/done.html", {"association": association})
    return render(
        request,
        "associations/confirm/link.html",
        {
            "association": association,
            "already": already,
            "themes": list(association.themes.all()),
            "contacts": [c for c in association.contacts.all() if c.public_details()],
        },
    )


@login_required
def out_of_date(request, code):
    """The liaison's list of entries not confirmed within the interval."""
    municipality = _municipality(code)
    if not can_view_municipality_workspace(request.user, municipality):
        return forbidden(
            request,
            _("Tämä on kunnan %(name)s työtila. Sinulla ei ole siihen oikeutta.")
            % {"name": municipality.name},
        )
    has_contact_email = Exists(
        ContactPerson.objects.filter(association=OuterRef("pk")).exclude(email="")
    )
    entries = (
        Association.objects.filter(municipality=municipality)
        .out_of_date()
        .annotate(
            has_address=ExpressionWrapper(
                Q(email__gt="") | Q(has_contact_email), output_field=BooleanField()
            )
        )
        .order_by(F("confirmed_at").asc(nulls_first=True), "name_fi")
    )
    return render(
        request,
        "associations/edit/out_of_date.html",
        {
            "municipality": municipality,
            "page": _page(request, entries),
            "can_request": can_add_association(request.user, municipality),
        },
    )


@require_POST
@login_required
def request_confirmation(request, code, pk):
    municipality = _municipality(code)
    association = get_object_or_404(
        Association.objects.select_related("municipality").prefetch_related("contacts"),
        pk=pk,
        municipality=municipality,
    )
    if not can_request_confirmation(request.user, association):
        return forbidden(
            request,
            _(
                "Vain kunnan järjestöyhdyshenkilö ja yhdistysagentit voivat lähettää vahvistuspyynnön."
            ),
        )
    if services.request_confirmation(request.user, association, force=True):
        messages.success(
            request,
            _("Vahvistuspyyntö lähetetty yhdistykselle %(name)s.") % {"name": association.name},
        )
    else:
        messages.error(
            request,
            _(
                "Yhdistykselle %(name)s ei ole kirjattu sähköpostiosoitetta, joten pyyntöä ei lähetetty. Lisää yhdistykselle sähköposti tai yhteyshenkilö."
            )  # noqa: E501
            % {"name": association.name},
        )
    return redirect(reverse("associations:out_of_date", args=[municipality.code]))


urlpatterns = [
    path("yhdistykset/<int:pk>/muokkaa/", edit, name="edit"),
    path("yhdistykset/<int:pk>/vahvista/", confirm, name="confirm"),
    path("kunnat/<str:code>/yhdistykset/uusi/", create, name="create"),
    path("yhdistykset/<int:pk>/yhteyshenkilot/uusi/", contact_add, name="contact_add"),
    path("yhteyshenkilot/<int:pk>/muokkaa/", contact_edit, name="contact_edit"),
    path("yhteyshenkilot/<int:pk>/poista/", contact_delete, name="contact_delete"),
    path("yhteyshenkilot/<int:pk>/suostumus/", contact_consent, name="contact_consent"),
    path("yhteyshenkilot/<int:pk>/suostumus/peru/", contact_withdraw, name="contact_withdraw"),
    path("yhdistykset/<int:pk>/toiminta/uusi/", activity_add, name="activity_add"),
    path("toiminta/<int:pk>/muokkaa/", activity_edit, name="activity_edit"),
    path("toiminta/<int:pk>/poista/", activity_delete, name="activity_delete"),
    path("toiminta/<int:pk>/julkaisu/", activity_publish, name="activity_publish"),
    path("vahvista/<str:token>/", confirm_link, name="confirm_link"),
    path("kunnat/<str:code>/vanhentuneet/", out_of_date, name="out_of_date"),
    path(
        "kunnat/<str:code>/vanhentuneet/<int:pk>/pyyda/",
        request_confirmation,
        name="request_confirmation",
    ),
]
