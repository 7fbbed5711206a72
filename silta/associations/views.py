from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from silta.accounts.models import Membership, Role
from silta.accounts.permissions import can_edit_association, can_view_association_internal
from silta.core.views import forbidden

from .models import Association


@login_required
def members(request, pk):
    """The association's people: visible to its members and its municipality's staff."""
    association = get_object_or_404(Association.objects.select_related("municipality"), pk=pk)
    if not can_view_association_internal(request.user, association):
        return forbidden(
            request,
            _("Vain yhdistyksen omat toimijat ja kunnan yhteyshenkilöt näkevät tämän sivun."),
        )
    people = (
        Membership.objects.active()
        .filter(association=association, role=Role.ASSOCIATION_MEMBER)
        .select_related("user")
        .order_by("user__full_name")
    )
    return render(
        request,
        "associations/members.html",
        {
            "association": association,
            "people": people,
            "can_edit": can_edit_association(request.user, association),
        },
    )
