from django import template

from silta.accounts.permissions import can_import_associations

register = template.Library()


@register.simple_tag(takes_context=True)
def may_import_associations(context, municipality) -> bool:
    """For the workspace slot: the page's context does not say who may import."""
    request = context.get("request")
    return bool(request) and can_import_associations(request.user, municipality)
