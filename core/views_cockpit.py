"""The staff cockpit page (工作驾驶舱): figures, trends, the hot-spot map and the lists that ask
for a decision, drawn from what the apps register in ``core.cockpit``. Staff only; it wears the
admin's frame because that is where the clerk works."""

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.roles import Role

from . import charts, clock, cockpit

# The heat map's periods a clerk picks from; anything else in ``?days=`` means the default.
PERIODS = {30: "近30天", 90: "近90天", 365: "近一年"}
DEFAULT_DAYS = 90


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


def _heat_chart(heat: cockpit.HeatMap) -> dict:
    cells = []
    for (community, category), n in heat.cells.items():
        sources = heat.by_source[(community, category)]
        # A cell opens the list of its biggest source; the table below links every source.
        url = max(sources, key=lambda source: source[1])[2] if sources else ""
        cells.append(
            {
                "value": [heat.categories.index(category), heat.communities.index(community), n],
                "url": url,
            }
        )
    return charts.heatmap(rows=heat.communities, columns=heat.categories, cells=cells)


@role_required(Role.STAFF)
def cockpit_view(request):
    if not request.user.is_staff:
        raise PermissionDenied
    today = clock.today()
    days = _days(request.GET.get("days"))
    heat = _heat_context(today, days)
    if request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    ):
        # The period changed: only the map is asked for, and only the map is computed.
        response = render(request, "admin/_cockpit_heat.html", heat)
        patch_vary_headers(response, ["HX-Request"])
        return response
    counted_at, trend = cockpit.remembered(f"trends:{today}", lambda: cockpit.trends(today))
    context = {
        **admin.site.each_context(request),
        "title": _("工作驾驶舱"),
        "today": today,
        "counted_at": min(counted_at, heat["heat_counted_at"]),
        "figures_minutes": cockpit.FIGURES_MINUTES,
        "kpis": cockpit.kpis(today),
        "trend": trend,
        "trend_charts": _trend_charts(trend, today),
        **heat,
        "periods": [(value, _(label)) for value, label in PERIODS.items()],
        "sections": cockpit.sections(today),
    }
    response = render(request, "admin/cockpit.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _heat_context(today, days: int) -> dict:
    start = today - timedelta(days=days - 1)
    counted_at, figures = cockpit.remembered(
        f"heat:{start}:{today}", lambda: _heat_figures(start, today)
    )
    return {
        **figures,
        "heat_sources": cockpit.heat_sources(),
        "days": days,
        "heat_counted_at": counted_at,
    }


def _heat_figures(start, today) -> dict:
    """The map, its top rows and its chart, kept together: at district scale the chart alone
    has a thousand cells, each with its link."""
    heat = cockpit.heat_map(start, today)
    return {
        "heat": heat,
        "heat_rows": [
            (community, category, n, heat.by_source[(community, category)])
            for community, category, n in heat.top
        ],
        "heat_chart": _heat_chart(heat) if heat.cells else None,
        "heat_height": f"{max(220, 34 * len(heat.communities) + 110)}px",
    }
