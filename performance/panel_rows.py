"""The repeated parts of the ledger's dashboard cards, written in Python as their templates
wrote them (the same HTML; tests/performance/test_panel_rows.py compares the two in both
languages): the score card's dimension bars (``performance/_bars.html``) and the portrait's
table rows. Per row the template's lookups, ``floatformat`` filters and lazy labels cost more
than the rest of the card, on the page deputies open most (issue #8). Every value is escaped
here, and only the joined result is marked safe."""

from decimal import Decimal
from functools import lru_cache

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

from core.compiled import Kept
from core.render_env import language as get_language
from core.texts import escaped


@lru_cache(maxsize=1024)
def _number(value: Decimal, language: str) -> str:
    """``|floatformat:"-1"``, remembered per value and language: the cards' few values
    repeat (caps, averages) and the filter costs some 30 µs a call."""
    return floatformat(value, "-1")


def bars_html(bars: list[dict]) -> SafeString:
    """The score card's bars (``score_card.dimension_bars``: label, score, cap, pct, colour) as
    ``{% include "performance/_bars.html" %}`` wrote them, its file's last newline included."""
    language = get_language()
    rows = []
    for bar in bars:
        label = escaped(bar["label"])
        pct = escaped(bar["pct"])
        rows.append(
            '\n<div class="mb-2">\n'
            '  <div class="d-flex justify-content-between small">\n'
            f"    <span>{label}</span>\n"
            f'    <span class="lv-num">{_number(bar["score"], language)} / '
            f"{_number(bar['cap'], language)}</span>\n"
            "  </div>\n"
            f'  <div class="progress" role="progressbar" aria-label="{label}" '
            f'aria-valuenow="{pct}" aria-valuemin="0" aria-valuemax="100" style="height:.6rem">\n'
            f'    <div class="progress-bar {escaped(bar["colour"])}" '
            f'style="width: {pct}%"></div>\n'
            "  </div>\n"
            "</div>\n"
        )
    # Safe: every value above is escaped or floatformat's.
    return mark_safe("".join(rows) + "\n")


_AXIS_WORDS = Kept(limit=64)  # (axis key, language) -> its escaped label and explanation


def _axis_words(axis, language: str) -> tuple[str, str]:
    """An axis's label and explanation (lazy translations: ``portrait.AXES``) translated and
    escaped, remembered per axis and language (fixed words; each was a lookup in the
    catalogue, ~5 µs, some twenty a portrait)."""
    return _AXIS_WORDS.get_or_make(
        (axis.key, language),
        lambda: (escaped(axis.label), escaped(axis.explanation)),
    )


def portrait_rows_html(figures: list) -> SafeString:
    """The portrait table's ``<tr>`` of each axis (``portrait.AxisFigure``): its label and
    explanation, the deputy's figure, the level's average and the index."""
    language = get_language()
    rows = []
    for f in figures:
        axis = f.axis
        label, explanation = _axis_words(axis, language)
        rows.append(
            f'\n        <tr data-axis="{escaped(f.key)}">\n'
            f'          <th scope="row" class="fw-semibold">{label}'
            f'<span class="d-block lv-muted fw-normal">{explanation}'
            "</span></th>\n"
            f'          <td class="text-end lv-num">{_number(f.value, language)}</td>\n'
            f'          <td class="text-end lv-num">{_number(f.average, language)}</td>\n'
            f'          <td class="text-end lv-num">{int(f.index)}</td>\n'
            "        </tr>\n        "
        )
    # Safe: every value above is escaped, floatformat's or a number.
    return mark_safe("".join(rows))
