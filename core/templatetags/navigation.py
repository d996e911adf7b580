from django import template

from core.navigation import nav_items_for, tabs_for

register = template.Library()


@register.inclusion_tag("includes/nav_items.html", takes_context=True)
def nav_items(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"items": nav_items_for(user)}


@register.inclusion_tag("includes/tab_bar.html", takes_context=True)
def tab_bar(context):
    """The bottom tab bar (phones) for the roles that have tabs; nothing for the others."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    path = getattr(request, "path", "")
    return {
        "tabs": tabs_for(user, path),
        "unread": context.get("unread_notifications", 0),
    }
