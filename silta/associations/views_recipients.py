"""A municipality's recipient lists (sähköpostilistat, seed 003): saved from the directory's
filter by its liaison, agents and the coordinator serving it; read, copied, exported as CSV,
renamed and deleted. Changes go through recipient_services; the addresses come from
recipients.resolve()."""

import csv
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from silta.accounts.permissions import can_manage_recipient_lists
from silta.core.views import forbidden

from . import recipient_services, recipients
from .filters import DirectoryFilter
from .models import RecipientList, TargetGroup, Theme


class NameForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Listan nimi"),
        max_length=200,
        help_text=gettext_lazy("Esimerkiksi: Kaikki toimivat yhdistykset tai Urheiluseurat."),
        error_messages={
            "required": gettext_lazy("Anna listalle nimi."),
            "max_length": gettext_lazy("Nimi saa olla enintään %(limit_value)d merkkiä pitkä."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for validator in self.fields["name"].validators:
            if isinstance(validator, ProhibitNullCharactersValidator):
                validator.message = gettext_lazy("Nimessä ei saa olla ohjausmerkkejä.")

    def clean_name(self):
        name = "".join(ch for ch in self.cleaned_data["name"] if ch.isprintable())
        return " ".join(name.split())


def _municipality(code):
    from .views_public import _municipality as lookup

    return lookup(code)


def staff_only(view):
    """Signed in, then the municipality exists, then the person works for it (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request, code, *args, **kwargs):
        municipality = _municipality(code)
        if not can_manage_recipient_lists(request.user, municipality):
            return forbidden(
                request,
                _(
                    "Vastaanottajalistoja käyttävät kunnan %(name)s järjestöyhdyshenkilöt, "
                    "yhdistysagentit ja kuntaa palveleva koordinaattori."
                )
                % {"name": municipality.name},
            )
        return view(request, municipality, *args, **kwargs)

    return wrapped


def _list_of(municipality, pk) -> RecipientList:
    found = (
        RecipientList.objects.select_related("municipality", "created_by")
        .filter(municipality=municipality, pk=pk)
        .first()
    )
    if found is None:
        raise Http404(_("Vastaanottajalistaa ei löydy."))
    return found


def describe(form: DirectoryFilter) -> list[tuple[str, str]]:
    """The filter in words: [(label, value)], for people who did not save it."""
    form.is_valid()
    described = []
    for name, value in form.saved().items():
        field = form.fields[name]
        if isinstance(field, forms.BooleanField):
            described.append((str(field.label), _("kyllä")))
        elif isinstance(field, forms.ChoiceField):
            described.append((str(field.label), str(dict(field.choices).get(value, value))))
        else:
            described.append((str(field.label), value))
    return described


def _directory_link(municipality, filters: dict) -> str:
    url = reverse("associations:directory", args=[municipality.code])
    return f"{url}?{urlencode(filters)}" if filters else url


@staff_only
@require_safe
def recipient_lists(request, municipality):
    lists = RecipientList.objects.filter(municipality=municipality).order_by("name", "pk")
    themes, groups = list(Theme.objects.all()), list(TargetGroup.objects.all())
    rows = [
        {
            "list": rl,
            "filters": describe(
                DirectoryFilter(
                    dict(rl.filters or {}), themes=themes, target_groups=groups, staff=True
                )
            ),
        }
        for rl in lists
    ]
    return render(
        request,
        "associations/recipients/list.html",
        {"municipality": municipality, "rows": rows},
    )


@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
def recipient_list_new(request, municipality):
    """Save the directory's current filter (carried in the query string) under a name."""
    flt = DirectoryFilter(request.GET, staff=True)
    flt.is_valid()
    filters = flt.saved()
    form = NameForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if flt.errors:
            status = 400
        elif form.is_valid():
            try:
                rl = recipient_services.create_list(
                    request.user, municipality, name=form.cleaned_data["name"], filters=filters
                )
            except ValidationError as exc:
                for message in exc.message_dict.get("name", exc.messages):
                    form.add_error("name", message)
            else:
                messages.success(
                    request, _("Vastaanottajalista ”%(name)s” tallennettu.") % {"name": rl.name}
                )
                return redirect("associations:recipient_list", municipality.code, rl.pk)
        status = 400
    count = flt.queryset(municipality).count() if not flt.errors else 0
    return render(
        request,
        "associations/recipients/new.html",
        {
            "municipality": municipality,
            "form": form,
            "filter_form": flt,
            "filters": describe(flt),
            "count": count,
            "directory_url": _directory_link(municipality, filters),
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@staff_only
@require_safe
def recipient_list(request, municipality, pk):
    rl = _list_of(municipality, pk)
    form = recipients.filter_for(rl)
    resolution = recipients.resolve(rl, form)
    return render(
        request,
        "associations/recipients/detail.html",
        {
            "municipality": municipality,
            "list": rl,
            "filters": describe(form),
            "resolution": resolution,
            "addresses": "; ".join(r.email for r in resolution.recipients),
            "directory_url": _directory_link(municipality, rl.filters or {}),
        },
    )


@staff_only
@require_safe
def recipient_list_csv(request, municipality, pk):
    rl = _list_of(municipality, pk)
    resolution = recipients.resolve(rl)
    name = slugify(rl.name) or "lista"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vastaanottajat-{name}.csv"'
    response.write("\ufeff")  # Excel reads the file as UTF-8 only with the BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("sähköposti"), _("nimi"), _("yhdistys"), _("kieli"), _("kotikunta")])
    for r in resolution.recipients:
        writer.writerow(
            [r.email, _safe(r.name), _safe(r.association.name_fi), r.language, municipality.name_fi]
        )
    recipient_services.record_export(request.user, rl, count=len(resolution.recipients))
    return response


def _safe(text: str) -> str:
    """A cell a spreadsheet must not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
def recipient_list_rename(request, municipality, pk):
    rl = _list_of(municipality, pk)
    form = NameForm(request.POST or None, initial={"name": rl.name})
    if request.method == "POST" and form.is_valid():
        try:
            recipient_services.rename_list(request.user, rl, name=form.cleaned_data["name"])
        except ValidationError as exc:
            for message in exc.message_dict.get("name", exc.messages):
                form.add_error("name", message)
        else:
            messages.success(request, _("Lista nimettiin uudelleen."))
            return redirect("associations:recipient_list", municipality.code, rl.pk)
    return render(
        request,
        "associations/recipients/rename.html",
        {"municipality": municipality, "list": rl, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
def recipient_list_delete(request, municipality, pk):
    rl = _list_of(municipality, pk)
    if request.method == "POST":
        name = rl.name
        recipient_services.delete_list(request.user, rl)
        messages.success(request, _("Vastaanottajalista ”%(name)s” poistettiin.") % {"name": name})
        return redirect("associations:recipient_lists", municipality.code)
    return render(
        request,
        "associations/recipients/delete.html",
        {"municipality": municipality, "list": rl},
    )


_BASE = "kunnat/<str:code>/vastaanottajalistat/"
urlpatterns = [
    path(_BASE, recipient_lists, name="recipient_lists"),
    path(f"{_BASE}uusi/", recipient_list_new, name="recipient_list_new"),
    path(f"{_BASE}<int:pk>/", recipient_list, name="recipient_list"),
    path(f"{_BASE}<int:pk>/csv/", recipient_list_csv, name="recipient_list_csv"),
    path(f"{_BASE}<int:pk>/nimi/", recipient_list_rename, name="recipient_list_rename"),
    path(f"{_BASE}<int:pk>/poista/", recipient_list_delete, name="recipient_list_delete"),
]
