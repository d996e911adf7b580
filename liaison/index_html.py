"""The public-opinion index page's long parts, written in Python as its template wrote them (the
same HTML; tests/liaison/test_index_html.py compares the two in both languages): the heat
table's lines (some forty communities by a dozen categories at district size) and the trend of
the flagged pairs (nine bars each, with their labels and counts). Per cell and bar the
template's loops, lookups and number formatting cost more than the rest of the page (issue #8).
Every value is escaped here, and only the joined result is marked safe."""

from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.texts import escaped

from .selectors_index import EMPTY_CELL, IndexRow

EMPTY_CELL_HTML = '<td class="heat heat-0">0</td>'


def heat_rows_html(heat: dict) -> SafeString:
    """The heat table's body lines (``index_page``'s ``heat["rows"]``): per community its name
    and one cell per category, shaded by level, the flagged ones outlined with a title. Counts
    and levels are integers; a pair without a count this week is the shared ``EMPTY_CELL``,
    written once."""
    flagged_title = format_html(' title="{}"', _("达到预警条件"))
    lines = []
    for line in heat["rows"]:
        cells = "".join(
            EMPTY_CELL_HTML
            if cell is EMPTY_CELL
            else f'<td class="heat heat-{int(cell["level"])} is-flagged"{flagged_title}>'
            f"{int(cell['count'])}</td>"
            if cell["flagged"]
            else f'<td class="heat heat-{int(cell["level"])}">{int(cell["count"])}</td>'
            for cell in line["cells"]
        )
        lines.append(
            '\n        <tr><th scope="row" class="text-nowrap">'
            f"{escaped(line['community'])}</th>{cells}</tr>\n        "
        )
    # Safe: integers, the escaped title and escaped names only.
    return mark_safe("".join(lines))


def trend_html(flagged: list[IndexRow], labels: list[str]) -> SafeString:
    """The list items of the flagged pairs' trends: the pair, this week's count against the
    mean of the eight before (and their ratio), and the nine weeks as bars titled with the
    week (``labels``, oldest first) and its count. Counts and heights are integers, written
    as ``str`` (the template's ``localize`` writes them so: no thousands separator is set);
    the two decimals are localized as the template did."""
    # As the template's blocktranslate: its text is not escaped, its values are.
    words = _("本周 %(n)s 件，前 8 周周均 %(mean)s 件")
    items = []
    for row in flagged:
        bars = row.bars()
        counts = [str(int(bar["count"])) for bar in bars]
        last = len(bars) - 1
        spark = "".join(
            f'<span class="{"is-week" if i == last else ""}" style="height: {int(bar["pct"])}%"'
            f' title="{escaped(label)}: {counts[i]}"></span>'
            for i, (bar, label) in enumerate(zip(bars, labels, strict=True))
        )
        ratio = ""
        if row.ratio:
            ratio = f"（×{escaped(localize(row.ratio))}）"
        said = words % {
            "n": escaped(localize(row.week_count)),
            "mean": escaped(localize(row.baseline_mean)),
        }
        items.append(
            '\n        <li class="list-group-item d-flex justify-content-between'
            ' align-items-center gap-2">\n'
            f"          <span>{escaped(row.community)} · "
            f"{escaped(row.category)}<br>"
            f'<span class="text-muted">{said}{ratio}</span></span>\n'
            f'          <span class="lv-spark" role="img" aria-label="{", ".join(counts)}">'
            f"{spark}</span>\n"
            "        </li>\n        "
        )
    # Safe: every value above is escaped or an integer.
    return mark_safe("".join(items))
