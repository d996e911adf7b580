"""The staff desk's and the cockpit's cards, and the desk's recent actions.

``{% staff_panels as panels %}`` gives the desk's panels (``core.dashboard``). ``{% desk_cards
items %}`` (in each panel's template on the desk) and ``{% cockpit_kpis kpis minutes %}`` write the
cards in Python, the same HTML their template loops wrote: per card the loops' lookups, ``if``
tags, filters and translations cost ~50 µs, some twenty cards on each page on every visit.
``{% recent_actions user as admin_log %}`` reads the admin index's 我的动作 (Django's
``get_admin_log``) with a statement kept per process; ``{% recent_actions_html user %}`` writes
the list from them, once per process for the same entries."""

from itertools import groupby

from django import template
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.template.defaultfilters import time as time_filter
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from accounts.roles import Role
from core import render_env
from core.compiled import Kept, run_kept
from core.dashboard import panels_for
from core.texts import escaped

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_panels(context):
    """The staff panels for the admin index; ``{% staff_panels as panels %}``."""
    request = context.get("request")
    if request is None or not request.user.is_staff:
        return []
    return panels_for(Role.STAFF, request)


def _text(value) -> str:
    """``{{ value }}`` as the template writes it (localized, escaped). A count is written as
    ``localize`` writes an integer without thousand separators, its digits, without asking
    for the locale's formats (some thirty counts and links on each page)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    if type(value) is str:
        return escaped(value)
    return escaped(localize(value))


@register.simple_tag
def desk_cards(items) -> str:
    """The desk's ``Todo`` cards: a card with something to do links to its list."""
    out = ['<div class="desk-cards">\n']
    for item in items:
        link = item.link
        if link:
            out.append(f'<a class="desk-card is-due tone-{_text(item.tone)}" href="{_text(link)}">')
        else:
            out.append('<div class="desk-card">')
        count = item.text if item.text else item.count
        out.append(
            f'\n  <span class="desk-count">{_text(count)}</span>'
            f'\n  <span class="desk-label">{_text(item.label)}</span>\n  '
        )
        if item.hint:
            out.append(f'<span class="desk-hint">{_text(item.hint)}</span>')
        out.append("\n</a>\n" if link else "\n</div>\n")
    out.append("</div>")
    return mark_safe("".join(out))


@register.simple_tag
def cockpit_kpis(kpis, minutes) -> str:
    """The cockpit's figures (``core.cockpit.Kpi``), in runs of the same group under the
    group's heading; a kept figure says when it was counted."""
    counted_note = gettext("%(time)s 统计，每 %(minutes)s 分钟更新")
    out = ["\n    \n    "]
    for group, figures in groupby(kpis, key=lambda kpi: kpi.group):
        out.append('\n    <div class="cockpit-group">\n      ')
        if group:
            out.append(f"<h2>{_text(group)}</h2>")
        out.append('\n      <div class="desk-cards">\n      ')
        for kpi in figures:
            if kpi.url:
                tone = f" is-due tone-{_text(kpi.tone)}" if kpi.tone else ""
                out.append(f'<a class="desk-card cockpit-kpi{tone}" href="{_text(kpi.url)}">')
            else:
                out.append('<div class="desk-card cockpit-kpi">')
            out.append(
                f'\n        <span class="desk-count">{_text(kpi.value)}</span>'
                f'\n        <span class="desk-label">{_text(kpi.label)}</span>\n        '
            )
            if kpi.detail:
                out.append(f'<span class="desk-hint">{_text(kpi.detail)}</span>')
            out.append("\n        ")
            if kpi.counted_at:
                time = time_filter(template_localtime(kpi.counted_at), "H:i")
                note = counted_note % {"time": _text(time), "minutes": _text(minutes)}
                out.append(f'<span class="desk-hint cockpit-counted">{note}</span>')
            out.append("\n      </a>" if kpi.url else "\n      </div>")
        out.append("\n      </div>\n    </div>\n    ")
    return mark_safe("".join(out))


RECENT_ACTIONS = 10
_USER_MARK = -271_828  # no user has it: where the statement takes the user's id
_RECENT = Kept(limit=8)


def _recent_statement(using: str) -> tuple[str, str, tuple, tuple[int, ...]]:
    """Django's ``get_admin_log`` read (the user's latest entries, newest first) with the
    content type's names in the same row, compiled once per process and database."""
    queryset = (
        LogEntry.objects.using(using)
        .filter(user_id=_USER_MARK)
        .values_list(
            "pk",
            "action_flag",
            "object_repr",
            "object_id",
            "content_type_id",
            "content_type__app_label",
            "content_type__model",
        )[:RECENT_ACTIONS]
    )
    sql, params = queryset.query.get_compiler(using=using).as_sql()
    moving = tuple(i for i, value in enumerate(params) if value == _USER_MARK)
    return using, sql, tuple(params), moving


_RECENT_HTML = Kept(limit=256)


@register.simple_tag
def recent_actions_html(user) -> str:
    """The desk's 我的动作 list (``admin/_recent_actions.html``: Django's block) for ``user``'s
    latest entries, written once per process for the same entries and language: the entries
    are read afresh on every visit, but the list changes only when the user acts, and writing
    it (a link reversed, three translations and a content type's name per entry) cost more
    than reading it."""
    entries = recent_actions(user)
    key = (
        *render_env.environment(),
        tuple(
            (e.pk, e.action_flag, e.object_repr, e.object_id, e.content_type_id) for e in entries
        ),
    )
    return _RECENT_HTML.get_or_make(
        key, lambda: render_to_string("admin/_recent_actions.html", {"admin_log": entries})
    )


@register.simple_tag
def recent_actions(user) -> list[LogEntry]:
    """``user``'s latest admin log entries as Django's index lists them (``{% get_admin_log
    10 as admin_log for_user user %}``), with their content types: one prepared statement
    run afresh with the user's id, instead of a queryset built, compiled and planned on every
    visit of the desk."""
    using = LogEntry.objects.db
    _using, sql, params, moving = _RECENT.get_or_make(using, lambda: _recent_statement(using))
    params = tuple(user.pk if i in moving else value for i, value in enumerate(params))
    entries = []
    for pk, flag, text, object_id, type_id, app_label, model in run_kept(
        using, sql, params, moving
    ):
        entry = LogEntry(
            pk=pk, action_flag=flag, object_repr=text, object_id=object_id, user_id=user.pk
        )
        entry.content_type = (
            None if type_id is None else ContentType(pk=type_id, app_label=app_label, model=model)
        )
        entries.append(entry)
    return entries
