"""Slots the directory's editing feature fills on other apps' pages: the maintenance panel
in a municipality's workspace and the member's "your associations" on the dashboard."""

from django import template

from silta.accounts.permissions import can_add_association, scope_of

from ..models import Association

register = template.Library()


@register.inclusion_tag("associations/edit/_maintenance_panel.html", takes_context=True)
def maintenance_panel(context):
    municipality = context["municipality"]
    user = context["request"].user
    return {
        "municipality": municipality,
        "out_of_date_count": Association.objects.filter(municipality=municipality)
        .out_of_date()
        .count(),
        "can_add": can_add_association(user, municipality),
    }


@register.inclusion_tag("associations/edit/_dashboard_panel.html", takes_context=True)
def my_associations_panel(context):
    """The associations the person is a member of, with edit links and a reminder when the
    yearly confirmation is due. Reuses the dashboard's own list when it has one."""
    associations = context.get("associations")
    if associations is None:
        member_of = scope_of(context["request"].user).member_of
        associations = (
            list(Association.objects.filter(pk__in=member_of).order_by("name_fi"))
            if member_of
            else []
        )
    associations = sorted(associations, key=lambda a: (not a.is_out_of_date, a.name_fi))
    return {"associations": associations}
