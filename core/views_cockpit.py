"""The staff cockpit page (工作驾驶舱): figures, trends, the hot-spot map and the lists that ask
for a decision, drawn from what the apps register in ``core.cockpit``. Staff only; it wears the
admin's frame because that is where the clerk works."""

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.html import json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.roles import Role

from . import charts, clock, cockpit

# The heat map's periods a clerk picks from; anything else in ``?days=`` means the default.
PERIODS = {30: "近30天", 90: "近90天", 365: "近一年"}
DEFAULT_DAYS = 90
# The map's rows: the busiest communities. A district's street has dozens of communities and
# the chart carries a link per cell, so a map of all of them grew the page with the data (a
# thousand-pixel chart, 90 KB of JSON); the table of the top ten cells still covers them all.
HEAT_COMMUNITIES = 10


def _days(raw: str | None) -> int:
    try:
        days = int(raw or DEFAULT_DAYS)
    except ValueError:
        return DEFAULT_DAYS
    return days if days in PERIODS else DEFAULT_DAYS


def _trend_charts(trend: dict, today) -> list[dict]:
    """One small chart per series, each on its own scale: a hundred ledger entries a month
    would flatten a handful of suggestions into the axis on a shared one. The current month is
    labelled as partial, so its short bar does not read as a collapse."""
    categories = [date_format(month, "n月") for month in trend["months"]]
    categories[-1] = _("%(m)s月（至%(d)s日）") % {"m": today.month, "d": today.day}
    return [
        {
            "id": f"cockpit-trend-{index}",
            "label": label,
            "url": url,
            "option": charts.lines(categories=categories, series=[(label, values)], kind="bar"),
        }
        for index, (label, values, url) in enumerate(trend["series"])
    ]


def _heat_chart(heat: cockpit.HeatMap, communities: list[str]) -> dict:
    """The map of ``communities`` (the busiest), with the categories they have rows in."""
    shown = set(communities)
    keys = [key for key in heat.cells if key[0] in shown]
    present = {category for _community, category in keys}
    categories = [category for category in heat.categories if category in present]
    row_of = {community: index for index, community in enumerate(communities)}
    column_of = {category: index for index, category in enumerate(categories)}
    cells = []
    for key in keys:
        community, category = key
        sources = heat.by_source[key]
        # A cell opens the list of its biggest source; the table below links every source.
        url = max(sources, key=lambda source: source[1])[2] if sources else ""
        cells.append(
            {"value": [column_of[category], row_of[community], heat.cells[key]], "url": url}
        )
    return charts.heatmap(rows=communities, columns=categories, cells=cells)


@role_required(Role.STAFF)
def cockpit_view(request):
    # Outside a transaction, as other reading pages: the kept figures, when counted anew, are
    # read without parallel workers in a transaction of their own (``cockpit.without_workers``).
    if not request.user.is_staff:
        raise PermissionDenied
    today = clock.today()
    days = _days(request.GET.get("days"))
    heat = _heat_context(today, days)
    if request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    ):
        # The period changed: only the map is asked for, and only the map is computed.
        response = HttpResponse(heat["heat_html"])
        patch_vary_headers(response, ["HX-Request"])
        return response
    counted = cockpit.fresh(today)  # the figures and lists a clerk acts on: one statement
    counted_at, trends = cockpit.remembered(
        f"trend-html:{today}", lambda: cockpit.without_workers(lambda: _trends(today))
    )
    context = {
        **admin.site.each_context(request),
        "title": _("工作驾驶舱"),
        "today": today,
        "counted_at": min(counted_at, heat["heat_counted_at"]),
        "figures_minutes": cockpit.FIGURES_MINUTES,
        "kpis": cockpit.kpis(today, counted=counted),
        **trends,
        "trend_html": mark_safe(trends["trend_html"]),  # written by our template, kept as text
        **heat,
        "periods": [(value, _(label)) for value, label in PERIODS.items()],
        "sections": cockpit.sections(today, counted=counted),
    }
    response = render(request, "admin/cockpit.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _trends(today) -> dict:
    """The year's trends with their charts and their section written (the HTML is the same
    for every visit until they are counted again: twelve months of five series, four charts'
    JSON), kept together (``cockpit.remembered``)."""
    trend = cockpit.trends(today)
    charts_ = _trend_charts(trend, today)
    html = render_to_string("admin/_cockpit_trends.html", {"trend": trend, "trend_charts": charts_})
    return {"trend": trend, "trend_charts": charts_, "trend_html": str(html).strip()}


def _heat_context(today, days: int) -> dict:
    start = today - timedelta(days=days - 1)
    counted_at, figures = cockpit.remembered(
        f"heat-html:{start}:{today}",
        lambda: cockpit.without_workers(lambda: _heat_figures(start, today)),
    )
    return {
        **figures,
        "heat_html": mark_safe(figures["heat_html"]),  # written by our template, kept as text
        "heat_sources": cockpit.heat_sources(),
        "days": days,
        "heat_counted_at": counted_at,
    }


def _heat_figures(start, today) -> dict:
    """The map, its top rows and its chart, kept together; the chart is kept as its JSON
    script already written (escaping some tens of kilobytes of JSON cost more on every visit
    than anything else on the page), and the map's body as its HTML."""
    heat = cockpit.heat_map(start, today)
    communities = heat.communities[:HEAT_COMMUNITIES]
    figures = {
        "heat": heat,
        "heat_rows": [
            (community, category, n, heat.by_source[(community, category)])
            for community, category, n in heat.top
        ],
        "heat_chart": (
            json_script(_heat_chart(heat, communities), "cockpit-heat") if heat.cells else ""
        ),
        "heat_height": f"{max(220, 34 * len(communities) + 110)}px",
        "heat_shown": len(communities),
        "heat_communities": len(heat.communities),
    }
    # The map's body written once too (the top ten's sources and links): the same until the
    # next count, in the page and alone when the period changes.
    figures["heat_html"] = str(render_to_string("admin/_cockpit_heat.html", figures))
    return figures
