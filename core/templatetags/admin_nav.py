"""``{% app_list_html %}``: the admin's app list (sidebar and index) written by
``core.admin_nav.render_app_list`` instead of Django's template loops; ``available_apps|
app_list_key``: the key the list was kept under (None for a list not from the memo)."""

from django import template
from django.utils.safestring import mark_safe

from core.admin_nav import KeptAppList, render_app_list

register = template.Library()


@register.simple_tag(takes_context=True)
def app_list_html(context) -> str:
    request = context.get("request")
    return mark_safe(
        render_app_list(
            context.get("app_list") or [],
            getattr(request, "path", "") or "",
            bool(context.get("show_changelinks")),
        )
    )


@register.filter
def app_list_key(app_list) -> tuple | None:
    return app_list.memo_key if isinstance(app_list, KeptAppList) else None
