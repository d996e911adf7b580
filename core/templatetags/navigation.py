"""The menu and the bottom tab bar of every page, written in Python.

They were inclusion templates; as string formatting they cost a tenth (every page of the site
renders both), with the same HTML apart from whitespace. The HTML is kept per process for what
shapes it (the items' labels in the page's language and their URLs, the current tab, the unread
count): the menu's and the tab bar's format calls cost ~0.4 ms a page, the lookup a few µs, and
a label, role or count that changes makes a new key.
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from core import render_env
from core.compiled import Kept
from core.navigation import nav_items_for, tabs_for

register = template.Library()

TAB = (
    '<li><a class="lv-tab{primary}" href="{url}"{current}><span class="lv-tab-icon">'
    '<svg aria-hidden="true" focusable="false" width="24" height="24">'
    '<use href="{sprite}#{icon}"></use></svg>{badge}</span>'
    '<span class="lv-tab-label">{label}{unread}</span></a></li>'
)
BADGE = '<span class="lv-tab-badge">{}</span>'
# (part, what shapes it) -> its HTML; unread counts and languages vary, keys are small.
_WRITTEN = Kept(limit=512)


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user"), request


@register.simple_tag(takes_context=True)
def nav_items(context) -> SafeString:
    user, _request = _user(context)
    items = tuple((url, str(label)) for label, url in nav_items_for(user))  # href, then text
    return _WRITTEN.get_or_make(
        ("menu", items),
        lambda: format_html_join(
            "\n", '<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>', items
        ),
    )


@register.simple_tag(takes_context=True)
def tab_bar(context) -> SafeString:
    """The bottom tab bar (phones) for the roles that have tabs; nothing for the others."""
    user, request = _user(context)
    tabs = tabs_for(user, getattr(request, "path", ""))
    if not tabs:
        return mark_safe("")
    unread = context.get("unread_notifications", 0)
    sprite = static("vendor/bootstrap-icons/sprite.svg")
    # The label as text once (hashing the lazy label translated it again).
    shape = tuple(
        (*(value for name, value in tab.items() if name != "label"), str(tab["label"]))
        for tab in tabs
    )
    return _WRITTEN.get_or_make(
        ("tabs", render_env.language(), shape, unread, sprite),
        lambda: _tab_bar(tabs, unread, sprite),
    )


def _tab_bar(tabs: list[dict], unread: int, sprite: str) -> SafeString:
    cells = []
    for tab in tabs:
        counted = bool(tab["badge"] and unread)
        cells.append(
            format_html(
                TAB,
                primary=" lv-tab-primary" if tab["primary"] else "",
                url=tab["url"],
                current=mark_safe(' aria-current="page"') if tab["current"] else "",
                sprite=sprite,
                icon=tab["icon"],
                badge=format_html(BADGE, unread) if counted else "",
                label=tab["label"],
                unread=format_html(
                    '<span class="visually-hidden">{}</span>',
                    ngettext("（%(n)s 条未读）", "（%(n)s 条未读）", unread) % {"n": unread},
                )
                if counted
                else "",
            )
        )
    return format_html(
        '<nav class="lv-tabbar d-md-none" aria-label="{}"><ul class="lv-tabbar-list">{}</ul></nav>',
        gettext("主要栏目"),
        mark_safe("".join(cells)),
    )
