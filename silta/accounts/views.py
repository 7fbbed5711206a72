import json

from allauth.account.views import (
    RequestReauthenticationCodeView as AllauthRequestReauthenticationCodeView,
)
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from silta.associations.models import Association
from silta.core.models import OutgoingEmail
from silta.core.views import forbidden
from silta.places.models import Municipality

from . import services
from .forms import ErasureForm, ProfileForm, RequestReauthenticationCodeForm
from .models import (
    CoordinatingOrganisation,
    ErasureRequest,
    Membership,
    Role,
    active_membership_q,
)
from .permissions import can_use_totp, can_view_organisation, scope_of


def _staff_counts(municipality_ids):
    """Liaisons and agents per municipality, in one query."""
    rows = (
        Membership.objects.active()
        .filter(municipality_id__in=municipality_ids, role__in=[Role.LIAISON, Role.AGENT])
        .values("municipality_id", "role")
        .annotate(n=Count("id"))
    )
    counts = {}
    for row in rows:
        counts.setdefault(row["municipality_id"], {})[row["role"]] = row["n"]
    return counts


@login_required
def dashboard(request):
    """The front page after login: one section for each role the person holds."""
    s = scope_of(request.user)
    staff_ids = s.liaison_of | s.agent_of
    municipalities = list(
        Municipality.objects.filter(pk__in=staff_ids)
        .select_related("region")
        .annotate(
            association_count=Count("associations", filter=~Q(associations__status="dissolved"))
        )
    )
    counts = _staff_counts([m.pk for m in municipalities])
    for m in municipalities:
        m.liaison_count = counts.get(m.pk, {}).get(Role.LIAISON, 0)
        m.agent_count = counts.get(m.pk, {}).get(Role.AGENT, 0)
        m.is_liaison = m.pk in s.liaison_of
    associations = list(
        Association.objects.filter(pk__in=s.member_of)
        .select_related("municipality")
        .annotate(
            member_count=Count(
                "memberships", filter=active_membership_q("memberships__"), distinct=True
            )
        )
    )
    organisations = list(
        CoordinatingOrganisation.objects.filter(pk__in=s.coordinator_of).annotate(
            municipality_count=Count("municipalities", distinct=True)
        )
    )
    admin_counts = None
    if s.is_admin:
        admin_counts = {
            "open_erasures": ErasureRequest.objects.filter(status="open").count(),
            "failed_emails": OutgoingEmail.objects.filter(status="failed").count(),
        }
    return render(
        request,
        "accounts/dashboard.html",
        {
            "scope": s,
            "liaison_municipalities": [m for m in municipalities if m.is_liaison],
            "agent_municipalities": [m for m in municipalities if m.pk in s.agent_of],
            "associations": associations,
            "organisations": organisations,
            "admin_counts": admin_counts,
            "has_no_roles": not s.roles,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            changes = {f: form.cleaned_data[f] for f in form.changed_data}
            # is_valid() already wrote the values into request.user; the service must see the
            # old ones to log them as "before".
            request.user.refresh_from_db(fields=services.PROFILE_FIELDS)
            services.update_profile(request.user, request.user, **changes)
            translation.activate(request.user.language)
            messages.success(request, _("Tiedot tallennettu."))
            response = redirect("profile")
            response.set_cookie(
                "silta_kieli", request.user.language, max_age=365 * 24 * 3600, samesite="Lax"
            )
            return response
        request.user.refresh_from_db()
    memberships = Membership.objects.filter(user=request.user).select_related(
        "municipality", "association", "organisation"
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": memberships,
            "can_use_totp": can_use_totp(request.user),
            "open_erasure": ErasureRequest.objects.filter(user=request.user, status="open").first(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def personal_data(request):
    data = services.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="silta-omat-tiedot-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erasure(request):
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_erasure(request.user, form.cleaned_data["reason"])
        messages.success(
            request,
            _(
                "Poistopyyntösi on vastaanotettu. Ylläpitäjä käsittelee sen ja saat vahvistuksen sähköpostiisi."
            ),
        )
        return redirect("profile")
    return render(
        request, "accounts/erasure.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def organisation(request, pk):
    org = get_object_or_404(CoordinatingOrganisation, pk=pk)
    if not can_view_organisation(request.user, org):
        return forbidden(request)
    municipalities = list(
        org.municipalities.select_related("region").annotate(
            association_count=Count(
                "associations", filter=~Q(associations__status="dissolved"), distinct=True
            )
        )
    )
    counts = _staff_counts([m.pk for m in municipalities])
    for m in municipalities:
        m.liaison_count = counts.get(m.pk, {}).get(Role.LIAISON, 0)
        m.agent_count = counts.get(m.pk, {}).get(Role.AGENT, 0)
    coordinators = (
        Membership.objects.active()
        .filter(organisation=org, role=Role.COORDINATOR)
        .select_related("user")
    )
    return render(
        request,
        "accounts/organisation.html",
        {
            "organisation": org,
            "municipalities": municipalities,
            "coordinators": coordinators,
            "without_liaison": sum(1 for m in municipalities if not m.liaison_count),
        },
    )


class RequestReauthenticationCodeView(AllauthRequestReauthenticationCodeView):
    """allauth's page for a reauthentication code, with Silta's form (a label in the
    person's language). allauth takes this form class from the view, not from
    ACCOUNT_FORMS, so the URL is routed here ahead of allauth's own (silta/urls.py)."""

    form_class = RequestReauthenticationCodeForm
