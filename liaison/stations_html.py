"""The public station list's rows (进站亮身份: name, kind, community, deputies on duty,
address), written in Python as ``liaison/station_list.html``'s loop wrote them: the same HTML
(tests/liaison/test_station_list_pages.py checks a row against the former template's). The
template's lookups, display labels and plural translation per row were half the page's time.

Every value of a station is escaped here; the plural text is not, as ``{% blocktranslate %}``
left it (its value is); only the joined result is marked safe. Nothing here reads the
database: the view reads a page of rows (``selectors_stations``) and renders."""

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from core.url_memo import pk_url_parts

from .models import StationKind
from .selectors_stations import StationRow


def station_rows_html(rows: list[StationRow]) -> SafeString:
    """The list's rows (a page of ``selectors_stations.station_rows``), each linking to its
    station's page: the address reversed once, the key put between."""
    head, tail = pk_url_parts("liaison:station_detail")
    kinds = dict(StationKind.choices)
    lines = []
    for row in rows:
        about = f"{conditional_escape(kinds.get(row.kind, row.kind))} · "
        about += conditional_escape(row.community_name)
        if n := row.n_deputies:  # as the template's blocktranslate with count wrote it
            on_duty = ngettext("%(n)s 名进站代表", "%(n)s 名进站代表", n)
            about += " · " + on_duty % {"n": localize(n)}
        address = ""
        if row.address:
            address = f'<div class="text-muted">{conditional_escape(row.address)}</div>'
        lines.append(
            "\n    "
            f'<a class="list-group-item list-group-item-action py-3" href="{head}/{int(row.pk)}/'
            f'{tail}">\n'
            f'      <div class="fw-semibold">{conditional_escape(row.name)}</div>\n'
            f'      <div class="text-muted">{about}</div>\n'
            f"      {address}\n"
            "    </a>\n    "
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(lines))
