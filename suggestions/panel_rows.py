"""The deputy's suggestion card's lists, written in Python as its template
(``suggestions/_panel.html``) wrote them: the badges of the counts by status, the suggestions
waiting for the deputy's evaluation and the five latest (the same HTML;
tests/suggestions/test_panel_rows.py compares the two in both languages). Per row the
template's reversal with an argument, filter and lookups cost more than the rest of the card,
on the page deputies open most (issue #8). Every value is escaped here, and only the joined
result is marked safe."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.compiled import Kept
from core.render_env import gettext
from core.texts import escaped
from core.url_memo import pk_url_parts, pk_url_prefix, reverse_memo

from .models import Status, Suggestion
from .templatetags.suggestion_tags import status_class


@dataclass(frozen=True)
class _Fixed:
    """What the card shows the same for every deputy in one language: its words, its links
    and each status's label and badge (escaped)."""

    words: dict[str, str]  # a ``{% translate %}``'s output: the translation as it is
    create: str
    mine: str
    detail: str  # a suggestion's page, up to its id
    labels: dict[str, str]
    badges: dict[str, str]


_FIXED = Kept(limit=16)  # per language and addresses: fixed text only


def _fixed() -> _Fixed:
    """The active language's ``_Fixed``, made on first use: some fifteen lookups in the
    catalogue and the URL resolver a dashboard before (~5-20 µs each)."""
    create = reverse_memo("suggestions:create")
    return _FIXED.get_or_make((get_language(), create), lambda: _make_fixed(create))


def _make_fixed(create: str) -> _Fixed:
    words = ("我的议案建议", "提建议", "待您评价", "还没有议案建议。", "查看全部")
    return _Fixed(
        words={word: gettext(word) for word in words},
        create=escaped(create),
        mine=escaped(reverse_memo("suggestions:mine")),
        detail=pk_url_prefix("suggestions:detail"),
        labels={value: escaped(label) for value, label in Status.choices},
        badges={value: escaped(status_class(value)) for value in Status.values},
    )


def counts_html(counts: Iterable[tuple]) -> SafeString:
    """A badge per ``(status label, count)``."""
    # Safe: every value is escaped.
    return mark_safe(
        "".join(
            f'<span class="badge text-bg-light border">{escaped(label)} {escaped(n)}</span>'
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
            f"{escaped(s.number)} {escaped(s.title)}</a></li>"
            for s in suggestions
        )
    )


def recent_html(suggestions: Iterable[Suggestion]) -> SafeString:
    """A row per suggestion: its title and its status's badge, linking to its page."""
    fixed = _fixed()
    prefix, labels, badges = fixed.detail, fixed.labels, fixed.badges
    rows = []
    for s in suggestions:
        label = labels.get(s.status) or escaped(s.status)
        badge = badges.get(s.status) or escaped(status_class(s.status))
        rows.append(
            '\n        <a class="list-group-item list-group-item-action px-0 d-flex '
            f'justify-content-between gap-2" href="{prefix}{int(s.pk)}/">\n'
            f'          <span class="text-truncate">{escaped(s.title)}</span>'
            f'<span class="badge {badge}">{label}</span>'
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
    fixed = _fixed()
    words = fixed.words
    parts = [
        '\n<div class="card lv-card mb-3">\n'
        '  <div class="card-header d-flex justify-content-between align-items-center">\n'
        f"    <span>{words['我的议案建议']} "
        f'<span class="text-muted small fw-normal">{int(panel["total"])}</span></span>\n'
        f'    <a class="btn btn-sm btn-danger" href="{fixed.create}">'
        f"{words['提建议']}</a>\n"
        "  </div>\n"
        '  <div class="card-body">\n    '
    ]
    if panel["counts"]:
        parts.append(
            '\n    <div class="d-flex flex-wrap gap-2 mb-2">\n'
            f"      {escaped(panel['counts_html'])}\n"
            "    </div>\n    "
        )
    parts.append("\n    ")
    if panel["to_evaluate"]:
        parts.append(
            '\n    <div class="alert alert-warning py-2 mb-2">\n'
            f"      <strong>{words['待您评价']}</strong>\n"
            '      <ul class="mb-0 ps-3">\n'
            f"        {escaped(panel['to_evaluate_html'])}\n"
            "      </ul>\n"
            "    </div>\n    "
        )
    parts.append('\n    <div class="list-group list-group-flush">\n      ')
    if panel["recent"]:
        parts.append(escaped(panel["recent_html"]))
    else:
        parts.append(
            f'\n        <div class="text-muted small">{words["还没有议案建议。"]}</div>\n      '
        )
    parts.append("\n    </div>\n    ")
    if panel["total"] > 5:
        parts.append(f'<a class="small" href="{fixed.mine}">{words["查看全部"]}</a>')
    parts.append("\n  </div>\n</div>")
    # Safe: the lists are safe HTML, the total a number, the words translations.
    return mark_safe("".join(parts))
