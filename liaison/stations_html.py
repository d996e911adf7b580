"""The public station list's rows (进站亮身份: name, kind, community, deputies on duty,
address), written in Python as ``liaison/station_list.html``'s loop wrote them: the same HTML
(tests/liaison/test_station_list_pages.py checks a row against the former template's). The
template's lookups, display labels and plural translation per row were half the page's time.

Every value of a station is escaped here; the plural text is not, as ``{% blocktranslate %}``
left it (its value is); only the joined result is marked safe. Nothing here reads the
database: the view reads a page of rows (``selectors_stations``) and renders.

Plain text is escaped by ``html.escape``, what Django's ``escape`` does to a ``str`` without
its lazy-text wrapper (~1 µs a value, some hundred and fifty values a page at district size),
and the "n 名进站代表" text is made once per number a page."""

from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from core.compiled import Kept
from core.texts import escaped
from core.url_memo import pk_url_parts

from .models import StationKind
from .selectors_stations import StationRow


def station_rows_html(rows: list[StationRow]) -> SafeString:
    """The list's rows (a page of ``selectors_stations.station_rows``), each linking to its
    station's page: the address reversed once, the key put between."""
    head, tail = pk_url_parts("liaison:station_detail")
    kinds = {value: escaped(label) for value, label in StationKind.choices}
    on_duty: dict[int, str] = {}
    lines = []
    for row in rows:
        kind = kinds.get(row.kind)
        about = f"{escaped(row.kind) if kind is None else kind} · {escaped(row.community_name)}"
        if n := row.n_deputies:  # as the template's blocktranslate with count wrote it
            said = on_duty.get(n)
            if said is None:
                words = ngettext("%(n)s 名进站代表", "%(n)s 名进站代表", n)
                said = on_duty[n] = words % {"n": localize(n)}
            about += " · " + said
        address = ""
        if row.address:
            address = f'<div class="text-muted">{escaped(row.address)}</div>'
        lines.append(
            "\n    "
            f'<a class="list-group-item list-group-item-action py-3" href="{head}/{int(row.pk)}/'
            f'{tail}">\n'
            f'      <div class="fw-semibold">{escaped(row.name)}</div>\n'
            f'      <div class="text-muted">{about}</div>\n'
            f"      {address}\n"
            "    </a>\n    "
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(lines))


_OPTIONS = Kept(limit=64)


def community_options_html(communities: list[tuple[int, str]], chosen: int | None) -> SafeString:
    """The community choice's ``<option>`` tags, as ``{% select_options communities community
    %}`` writes them, kept per process for the same communities, choice and language (a
    district's forty-odd options were ~0.3 ms a page, the same on every visit)."""
    key = (tuple(communities), chosen, get_language())
    return _OPTIONS.get_or_make(key, lambda: _options(communities, chosen))


def _options(communities: list[tuple[int, str]], chosen: int | None) -> SafeString:
    # Safe: the values and labels are escaped (``escape``, as the tag does).
    return mark_safe(
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
            f"{escape(label)}</option>"
            for value, label in communities
        )
    )
