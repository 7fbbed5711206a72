"""The municipality's cooperation profile: a public page of where its grant and premises
rules, its cooperation document and its association news are, and what Silta itself knows
(the liaison, association evenings, the directory); edited by the municipality's liaison
and agents. Every change goes through services.py, which writes the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from silta.core.views import forbidden

from . import services
from .forms import CooperationProfileForm
from .models import CooperationProfile
from .permissions import can_edit_cooperation_profile
from .views import _municipality


def _profile(municipality):
    return CooperationProfile.objects.filter(municipality=municipality).first()


def cooperation(request, code):
    from silta.surveys.evidence import CRITERIA, evidence_map

    m = _municipality(code)
    evidence = evidence_map(m, request.user)
    return render(
        request,
        "places/cooperation.html",
        {
            "municipality": m,
            "profile": evidence.profile,
            "evidence": [(key, label, evidence[key]) for key, label, _short in CRITERIA],
            "can_edit": can_edit_cooperation_profile(request.user, m),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cooperation_edit(request, code):
    m = _municipality(code)
    if not can_edit_cooperation_profile(request.user, m):
        return forbidden(
            request,
            _(
                "Kunnan yhteistyötietoja voivat muokata vain kunnan järjestöyhdyshenkilö ja "
                "yhdistysagentit."
            ),
        )
    profile = _profile(m) or CooperationProfile(municipality=m)
    form = CooperationProfileForm(request.POST or None, instance=profile)
    context = {"municipality": m, "form": form, "profile": profile}
    if request.method == "POST":
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
            try:
                services.update_cooperation_profile(request.user, m, **changes)
            except ValidationError as exc:
                for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Yhteistyötiedot tallennettu."))
                return redirect("places:cooperation", m.code)
        return render(request, "places/cooperation_edit.html", context, status=400)
    return render(request, "places/cooperation_edit.html", context)
