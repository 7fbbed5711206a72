from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from silta.accounts.models import Membership, Role
from silta.accounts.permissions import (
    can_manage_municipality,
    can_view_municipality_workspace,
)
from silta.associations import listing
from silta.associations.models import Association
from silta.core.paging import Paginator
from silta.core.params import page_number
from silta.core.views import PAGE_SIZE, forbidden

from .models import Municipality, Region
from .permissions import can_edit_cooperation_profile


def _municipality(code):
    code = (code or "").strip()
    found = None
    if code.isdigit() and len(code) <= 3:
        found = Municipality.objects.with_places().filter(code=code.zfill(3)).first()
    if found is None:
        raise Http404(_("Kuntaa numerolla %(code)s ei löydy.") % {"code": code[:10]})
    return found


def region(request, code):
    reg = Region.objects.filter(code=code).first() if code.isdigit() else None
    if reg is None:
        raise Http404(_("Maakuntaa koodilla %(code)s ei löydy.") % {"code": code[:10]})
    municipalities = reg.municipalities.annotate(
        association_count=Count("associations", filter=~Q(associations__status="dissolved"))
    )
    return render(request, "places/region.html", {"region": reg, "municipalities": municipalities})


def municipality(request, code):
    m = _municipality(code)
    liaisons = (
        Membership.objects.active().filter(municipality=m, role=Role.LIAISON).select_related("user")
    )
    return render(
        request,
        "places/municipality.html",
        {
            "municipality": m,
            "liaisons": liaisons,
            "association_count": Association.objects.public().in_municipality(m).count(),
            "can_view_workspace": can_view_municipality_workspace(request.user, m),
        },
    )


@login_required
def workspace(request, code):
    """The municipality's internal page: who works on cooperation, the association register."""
    m = _municipality(code)
    if not can_view_municipality_workspace(request.user, m):
        return forbidden(
            request,
            _("Tämä on kunnan %(name)s työtila. Sinulla ei ole siihen oikeutta.")
            % {"name": m.name},
        )
    staff = (
        Membership.objects.active()
        .filter(municipality=m)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    # Members are counted by a correlated subquery in the page query, so only for the
    # associations shown (decision 0007); a join + GROUP BY over all of a city's associations
    # before paging cost 5x at national scale.
    members = (
        Membership.objects.active()
        .filter(association=OuterRef("pk"))
        .order_by()
        .values("association")
        .annotate(n=Count("pk"))
        .values("n")
    )
    associations = listing.associations_in(Association.objects.order_by("name_fi", "pk"), [m.pk])
    number = page_number(request)
    paginator = Paginator(
        associations,
        PAGE_SIZE,
        display=lambda rows: rows.annotate(member_count=Coalesce(Subquery(members), 0)),
    )
    if number is None or not (1 <= number <= max(paginator.num_pages, 1)):
        raise Http404(_("Sivua ei ole."))
    page = paginator.page(number)
    return render(
        request,
        "places/workspace.html",
        {
            "municipality": m,
            "staff": staff,
            "page": page,
            "can_manage": can_manage_municipality(request.user, m),
            "can_edit_profile": can_edit_cooperation_profile(request.user, m),
        },
    )
