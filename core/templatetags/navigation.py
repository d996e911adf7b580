from django import template

from core.navigation import nav_items_for

register = template.Library()


@register.inclusion_tag("includes/nav_items.html", takes_context=True)
def nav_items(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"items": nav_items_for(user)}
