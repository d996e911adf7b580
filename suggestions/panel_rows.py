"""The deputy's suggestion card's lists, written in Python as its template
(``suggestions/_panel.html``) wrote them: the badges of the counts by status, the suggestions
waiting for the deputy's evaluation and the five latest (the same HTML;
tests/suggestions/test_panel_rows.py compares the two in both languages). Per row the
template's reversal with an argument, filter and lookups cost more than the rest of the card,
on the page deputies open most (issue #8). Every value is escaped here, and only the joined
result is marked safe."""

from collections.abc import Iterable

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.url_memo import pk_url_parts, pk_url_prefix, reverse_memo

from .models import Status, Suggestion
from .templatetags.suggestion_tags import status_class


def counts_html(counts: Iterable[tuple]) -> SafeString:
    """A badge per ``(status label, count)``."""
    # Safe: every value is escaped.
    return mark_safe(
        "".join(
            '<span class="badge text-bg-light border">'
            f"{conditional_escape(label)} {conditional_escape(n)}</span>"
            for label, n in counts
        )
    )


def to_evaluate_html(suggestions: Iterable[Suggestion]) -> SafeString:
    """A link to the evaluation form of each suggestion (its number and title)."""
    head, tail = pk_url_parts("suggestions:evaluate")
    # Safe: every value is escaped, the id an integer.
    return mark_safe(
        "".join(
            f'<li><a href="{head}/{int(s.pk)}/{tail}">'
            f"{conditional_escape(s.number)} {conditional_escape(s.title)}</a></li>"
            for s in suggestions
        )
    )


def recent_html(suggestions: Iterable[Suggestion]) -> SafeString:
    """A row per suggestion: its title and its status's badge, linking to its page."""
    prefix, labels = pk_url_prefix("suggestions:detail"), dict(Status.choices)
    rows = []
    for s in suggestions:
        label = conditional_escape(labels.get(s.status, s.status))
        rows.append(
            '\n        <a class="list-group-item list-group-item-action px-0 d-flex '
            f'justify-content-between gap-2" href="{prefix}{int(s.pk)}/">\n'
            f'          <span class="text-truncate">{conditional_escape(s.title)}</span>'
            f'<span class="badge {conditional_escape(status_class(s.status))}">{label}</span>'
            "\n\n        </a>\n      "
        )
    # Safe: every value above is escaped, the id an integer.
    return mark_safe("".join(rows))


def card_html(panel: dict) -> SafeString:
    """The whole card of ``panel`` (``deputy_card.deputy_panel``'s context, its lists written
    above) as its template wrote it, without the template file's last line break
    (``suggestions/_panel.html`` adds it): the card's frame cost as much as its lists. A
    translated text is not escaped, as ``{% translate %}`` left it (a template's literal is
    safe text)."""
    create = conditional_escape(reverse_memo("suggestions:create"))
    parts = [
        '\n<div class="card lv-card mb-3">\n'
        '  <div class="card-header d-flex justify-content-between align-items-center">\n'
        f"    <span>{gettext('我的议案建议')} "
        f'<span class="text-muted small fw-normal">{int(panel["total"])}</span></span>\n'
        f'    <a class="btn btn-sm btn-danger" href="{create}">'
        f"{gettext('提建议')}</a>\n"
        "  </div>\n"
        '  <div class="card-body">\n    '
    ]
    if panel["counts"]:
        parts.append(
            '\n    <div class="d-flex flex-wrap gap-2 mb-2">\n'
            f"      {conditional_escape(panel['counts_html'])}\n"
            "    </div>\n    "
        )
    parts.append("\n    ")
    if panel["to_evaluate"]:
        parts.append(
            '\n    <div class="alert alert-warning py-2 mb-2">\n'
            f"      <strong>{gettext('待您评价')}</strong>\n"
            '      <ul class="mb-0 ps-3">\n'
            f"        {conditional_escape(panel['to_evaluate_html'])}\n"
            "      </ul>\n"
            "    </div>\n    "
        )
    parts.append('\n    <div class="list-group list-group-flush">\n      ')
    if panel["recent"]:
        parts.append(conditional_escape(panel["recent_html"]))
    else:
        parts.append(
            f'\n        <div class="text-muted small">{gettext("还没有议案建议。")}</div>\n      '
        )
    parts.append("\n    </div>\n    ")
    if panel["total"] > 5:
        mine = conditional_escape(reverse_memo("suggestions:mine"))
        parts.append(f'<a class="small" href="{mine}">{gettext("查看全部")}</a>')
    parts.append("\n  </div>\n</div>")
    # Safe: the lists are safe HTML, the total a number, the words translations.
    return mark_safe("".join(parts))
