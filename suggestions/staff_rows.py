"""The staff follow-up page's card rows, written in Python as its template's loops wrote them
(the same HTML; tests/suggestions/test_staff_rows.py compares the two). At district size four
cards list ten rows each: per row the template's lookups, filters, ``__str__`` calls and
translations cost more than the rest of the page, and a demo database, with a row or two per
card, did not pay them (issue #8). Every value is escaped here; only the joined rows are
marked safe. The status badges and the tough projects' card are written here too
(``write_badges``, ``write_reports``): ten badges and up to ten projects a page."""

from datetime import date
from typing import Any

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.texts import escaped

from .models import CheckKind
from .templatetags.suggestion_tags import status_class

# What follows each row in the template: its loop's body ended with the line's indentation.
_ROW_END = "\n        "


def _day(value: date | None) -> str:
    """``|date:"Y-m-d"``: the ISO date, nothing for none."""
    return value.isoformat() if value is not None else ""


def _suggestion_text(number: str | None, title: str) -> str:
    """``Suggestion.__str__`` from the two fields it reads."""
    return f"{number} {title}" if number else title


def write_cards(context: dict[str, Any], change_head: str, change_tail: str) -> None:
    """Add each card's rows as HTML to ``context`` (``staff_overview``'s): ``pending_html``,
    ``overdue_html``, ``commitments_html``, ``checks_html``. ``change_head``/``change_tail``:
    the admin change page's address around a suggestion's id."""
    head, tail = escaped(change_head), escaped(change_tail)
    esc = escaped

    # Each card's rows are tuples of ``selectors_staff``'s ``*_ROW_FIELDS``, in their order.
    pending = (
        f'<li class="list-group-item"><a href="{head}{int(pk)}{tail}">{esc(title)}</a> '
        f'<span class="text-muted">{esc(deputy)} · '
        f'<span class="text-nowrap">{_day(submitted_on)}</span></span></li>'
        for pk, title, submitted_on, deputy in context["pending"]
    )
    # A blocktranslate's text is not escaped, its values are.
    workdays = _("%(n)s 个工作日")
    overdue = (
        f'<li class="list-group-item d-flex justify-content-between gap-2"><span>'
        f'<a href="{head}{int(pk)}{tail}">{esc(_suggestion_text(number, title))}</a> '
        f'<span class="text-muted">{esc(unit)}</span></span>'
        f'<span class="badge text-bg-danger align-self-start">'
        f"{workdays % {'n': esc(days)}}</span></li>"
        for (pk, title, number, _deadline, unit), days in context["overdue"]
    )
    commitments = (
        f'<li class="list-group-item">{esc(content)} <span class="text-muted">'
        f"{esc(unit)} · "
        f'<span class="text-nowrap">{_day(due_on)}</span> · '
        f'<a href="{head}{int(suggestion_id)}{tail}">{esc(number)}</a>'
        f"</span></li>"
        for _pk, content, due_on, unit, suggestion_id, number in context["overdue_commitments"]
    )
    kinds = {value: str(label) for value, label in CheckKind.choices}
    checks = (
        f'<li class="list-group-item">{esc(kinds.get(kind, kind))} · '
        f'<span class="text-nowrap">{_day(due_on)}</span> · '
        f'<a href="{head}{int(suggestion_id)}{tail}">'
        f"{esc(_suggestion_text(number, title))}</a></li>"
        for _pk, kind, due_on, suggestion_id, title, number in context["due_checks"]
    )
    for key, rows in (
        ("pending_html", pending),
        ("overdue_html", overdue),
        ("commitments_html", commitments),
        ("checks_html", checks),
    ):
        context[key] = _joined(rows)


def _joined(rows) -> SafeString:
    # Safe: every value in the rows is escaped above.
    return mark_safe("".join(row + _ROW_END for row in rows))


def write_badges(context: dict[str, Any], changelist: str) -> None:
    """Add the badges' HTML to ``context``: ``status_html`` from ``status_counts``,
    ``settled_html`` from ``settled_counts`` ((label, count, status) each), each badge linking
    to ``changelist`` filtered by its state, as the template's loops wrote them."""
    esc = escaped
    link = esc(changelist)
    for key, badges in (("status_html", "status_counts"), ("settled_html", "settled_counts")):
        context[key] = _joined_as(
            (
                f'\n    <a class="badge {esc(status_class(value))} text-decoration-none p-2" '
                f'href="{link}?status__exact={esc(value)}">{esc(label)} {esc(localize(n))}</a>'
                for label, n, value in context[badges]
            ),
            "\n  ",
        )


def write_reports(context: dict[str, Any], change_head: str, change_tail: str) -> None:
    """Add the tough projects' card rows to ``context`` as ``reports_html``, from
    ``missing_reports`` ((project, year, quarter): the project with its suggestion and lead
    unit loaded), as the template's loop wrote them."""
    head, tail = escaped(change_head), escaped(change_tail)
    esc = escaped
    # A blocktranslate's text is not escaped, its values are.
    quarter = _("%(y)s年第%(q)s季度")
    context["reports_html"] = _joined(
        f'<li class="list-group-item"><a href="{head}{esc(project.suggestion_id)}{tail}">'
        f"{esc(project.suggestion)}</a> "
        f'<span class="text-muted">{esc(project.suggestion.lead_unit)} · '
        f"{quarter % {'y': esc(localize(year)), 'q': esc(localize(q))}}</span></li>"
        for project, year, q in context["missing_reports"]
    )


def _joined_as(rows, end: str) -> SafeString:
    # Safe: every value in the rows is escaped above.
    return mark_safe("".join(row + end for row in rows))
