"""The parts of ``base.html`` around every page's content, written in Python.

Every page of the site (a deputy's, a unit's, the public's, the staff pages outside the admin)
pays for its layout before its own content: the navbar with the bell and the user's menu, the
flashed messages, the footer with the language switch. As template tags (some thirty nodes,
with two ``{% csrf_token %}``, the language list's loop and a dozen translations) that cost
about 1 ms a request, as much as the rest of the trivial page put together (issue #8: the
trivial page within 3× a bare view). Here each part is one format string with the request's
values put in, and the same HTML as the template wrote: ``tests/core/test_site_chrome.py``
renders pages with the former template and with this one and requires the same bytes.

What a part shows still comes from where it did: the menu from ``core.navigation``, the unread
badge and committee name from ``core.context_processors.site``, the messages from Django's
messages framework, the languages from ``settings.LANGUAGES``.
"""

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _gettext

from core.compiled import Kept
from core.texts import escaped
from core.url_memo import reverse_memo

from .navigation import nav_items

register = template.Library()

_CSRF = CsrfTokenNode()
# Where a request's own value goes in a kept part: escaped values never hold "<".
SLOT = mark_safe("<lv-slot>")
# (part, what shapes it) -> its HTML around the slots; names, counts and languages vary.
_WRITTEN = Kept(limit=512)


def _filled(key: tuple, write, *values: str) -> SafeString:
    """The part for ``key`` (written once per process and key) with ``values`` in its slots:
    the brand, the menu and the labels are the same for every request of a kind; the CSRF
    token and the page's address are not."""
    pieces = _WRITTEN.get_or_make(key, lambda: str(write()).split(SLOT))
    filled = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        filled += (value, piece)
    return mark_safe("".join(filled))


def _csrf(context) -> str:
    return _CSRF.render(context)


def gettext(message: str) -> SafeString:
    """A translation as ``{% translate %}`` writes it: unescaped (the catalogue is ours)."""
    return mark_safe(_gettext(message))


NAVBAR_USER = """
    <a class="lv-bell d-md-none ms-auto me-2" href="{notifications}">
      <svg aria-hidden="true" focusable="false" width="24" height="24"><use href="{sprite}#bell"></use></svg>
      <span class="visually-hidden">{notices}</span>{bell_badge}
    </a>
    <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#mainnav" aria-controls="mainnav" aria-expanded="false" aria-label="{menu}">
      <span class="navbar-toggler-icon"></span>
    </button>
    <div class="collapse navbar-collapse" id="mainnav">
      <ul class="navbar-nav me-auto">
        {items}
      </ul>
      <ul class="navbar-nav">
        <li class="nav-item">
          <a class="nav-link" href="{notifications}">{notices}{nav_badge}</a>
        </li>
        <li class="nav-item dropdown">
          <a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false">{user}</a>
          <ul class="dropdown-menu dropdown-menu-end">
            <li><a class="dropdown-item" href="{password}">{change_password}</a></li>
            <li><hr class="dropdown-divider"></li>
            <li>
              <form method="post" action="{logout}">{csrf}
                <button class="dropdown-item" type="submit">{sign_out}</button>
              </form>
            </li>
          </ul>
        </li>
      </ul>
    </div>
    """  # noqa: E501 (the template's lines, as they were)

NAVBAR = """<nav class="navbar navbar-expand-md navbar-dark lv-navbar">
  <div class="container">
    <a class="navbar-brand fw-semibold" href="{home}">
      <img src="{favicon}" alt="" width="26" height="26" class="me-1 align-text-bottom">
      {app}<span class="d-none d-sm-inline small fw-normal ms-2 opacity-75">{committee}</span>
    </a>
    {signed_in}
  </div>
</nav>"""

MESSAGE = """
      <div class="alert alert-{tone} alert-dismissible fade show" role="alert">
        {text}
        <button type="button" class="btn-close" data-bs-dismiss="alert" aria-label="{close}"></button>
      </div>
    """  # noqa: E501

FOOTER = (
    """<footer class="container pb-4 text-muted small d-flex flex-wrap justify-content-between gap-2">
  <span>{committee} · {platform}</span>
  <span class="d-flex gap-3"><a href="{stories}">{stories_label}</a><a href="{stations}">{stations_label}</a></span>
  <form action="{set_language}" method="post" class="d-flex gap-2 align-items-center">{csrf}
    <input name="next" type="hidden" value="{next}">
"""  # noqa: E501 (the template's lines, as they were)
    + "    \n" * 2  # where the template's two language tags stood
    + """    {languages}
  </form>
</footer>"""
)

LANGUAGE = """
      <button type="submit" name="language" value="{0}" lang="{0}" class="btn btn-link btn-sm p-0 {1}">{2}</button>
    """  # noqa: E501


@register.simple_tag(takes_context=True)
def page_html_open(context) -> SafeString:
    """``<html>`` in the page's language, large text if the user asked for it (大字模式)."""
    user = context.get("user")
    large = ' class="lv-large"' if getattr(user, "large_text", False) else ""
    return format_html('<html lang="{}"{}>', get_language(), mark_safe(large))


@register.simple_tag(takes_context=True)
def page_navbar(context) -> SafeString:
    """The top bar: the brand and, for a signed-in user, the bell, the menu and their own."""
    user = context.get("user")
    committee = context.get("committee_name", "")
    if not getattr(user, "is_authenticated", False):
        return _filled(("navbar", get_language(), committee), lambda: _navbar(committee, ""))
    unread = context.get("unread_notifications") or 0
    items = nav_items(context)
    name = str(user)
    key = ("navbar", get_language(), committee, items, unread, name)
    return _filled(key, lambda: _navbar(committee, _signed_in(items, unread, name)), _csrf(context))


def _navbar(committee, signed_in) -> SafeString:
    return format_html(
        NAVBAR,
        home=reverse_memo("home"),
        favicon=static("img/favicon.svg"),
        app=gettext("履职"),
        committee=committee,
        signed_in=signed_in,
    )


def _signed_in(items: SafeString, unread: int, name: str) -> SafeString:
    return format_html(
        NAVBAR_USER,
        notifications=reverse_memo("notifications"),
        sprite=static("vendor/bootstrap-icons/sprite.svg"),
        notices=gettext("通知"),
        bell_badge=format_html(
            '<span class="lv-bell-badge">{}<span class="visually-hidden">{}</span></span>',
            unread,
            gettext("条未读"),
        )
        if unread
        else "",
        menu=gettext("菜单"),
        items=items,
        nav_badge=format_html(' <span class="badge rounded-pill text-bg-warning">{}</span>', unread)
        if unread
        else "",
        user=name,
        password=reverse_memo("accounts:password_change"),
        change_password=gettext("修改密码"),
        logout=reverse_memo("accounts:logout"),
        csrf=SLOT,
        sign_out=gettext("退出登录"),
    )


@register.simple_tag(takes_context=True)
def page_messages(context) -> SafeString:
    """The messages flashed to the user (reading them marks them shown, as the loop did)."""
    messages = context.get("messages")
    if not messages:
        return mark_safe("")
    close = gettext("关闭")
    alerts = []
    for message in messages:
        tone = "danger" if message.tags == "error" else (message.tags or "info")
        # str(): a message marked safe (the admin's links) stays as it is, as in the template
        alerts.append(format_html(MESSAGE, tone=tone, text=str(message), close=close))
    return mark_safe("\n    " + "".join(alerts) + "\n  ")


@register.simple_tag(takes_context=True)
def page_footer(context) -> SafeString:
    """The committee's line, the public pages and the language switch."""
    request = context.get("request")
    committee = context.get("committee_name", "")
    here = escaped(request.get_full_path()) if request is not None else ""
    return _filled(
        ("footer", get_language(), committee), lambda: _footer(committee), _csrf(context), here
    )


def _footer(committee) -> SafeString:
    current = get_language()
    languages = format_html_join(
        "",
        LANGUAGE,
        (
            (
                code,
                "fw-bold text-decoration-none" if code == current else "",
                get_language_info(code)["name_local"],
            )
            for code, _name in settings.LANGUAGES
        ),
    )
    return format_html(
        FOOTER,
        committee=committee,
        platform=gettext("闭会期间代表履职平台"),
        stories=reverse_memo("liaison:story_list"),
        stories_label=gettext("代表在身边"),
        stations=reverse_memo("liaison:station_list"),
        stations_label=gettext("联络站点"),
        set_language=reverse_memo("set_language"),
        csrf=SLOT,
        next=SLOT,
        languages=languages,
    )
