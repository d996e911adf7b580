from django import template

from accounts.roles import Role
from core.dashboard import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_panels(context):
    """The staff panels for the admin index; ``{% staff_panels as panels %}``."""
    request = context.get("request")
    if request is None or not request.user.is_staff:
        return []
    return panels_for(Role.STAFF, request)
