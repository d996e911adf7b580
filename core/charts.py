"""ECharts options built on the server as plain data (no JavaScript functions), so pages draw
them through ``static/js/charts.js`` under the Content-Security-Policy.

Every builder takes the figures already computed in SQL and returns a ``dict`` for the
``core/_chart.html`` include. Colours follow the site's palette; text is Chinese by default but
comes from the caller (translated labels).
"""

from collections.abc import Sequence
from typing import Any

PALETTE = ["#b5282e", "#1f6fb2", "#d08a16", "#2e8b57", "#6f42c1", "#5c636a"]
FONT = {"fontSize": 13}


def _base() -> dict[str, Any]:
    return {"color": PALETTE, "textStyle": FONT, "animation": False}


def radar(
    *,
    indicators: Sequence[tuple[str, float]],
    series: Sequence[tuple[str, Sequence[float]]],
) -> dict[str, Any]:
    """A radar: ``indicators`` are (axis name, maximum); ``series`` are (name, one value per
    axis), e.g. the deputy and the average of their level."""
    option = _base()
    option.update(
        {
            "legend": {"bottom": 0, "data": [name for name, _ in series]},
            "tooltip": {"trigger": "item"},
            "radar": {
                "indicator": [{"name": name, "max": max(top, 1)} for name, top in indicators],
                "radius": "62%",
                "axisName": {"color": "#333", "fontSize": 13},
            },
            "series": [
                {
                    "type": "radar",
                    "data": [
                        {"name": name, "value": [round(v, 1) for v in values]}
                        for name, values in series
                    ],
                    "areaStyle": {"opacity": 0.12},
                }
            ],
        }
    )
    return option


def lines(
    *,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    kind: str = "line",
) -> dict[str, Any]:
    """A line (or ``kind="bar"``) chart over ``categories`` (months, years)."""
    option = _base()
    option.update(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0} if len(series) > 1 else {"show": False},
            "grid": {"left": 40, "right": 16, "top": 16, "bottom": 48, "containLabel": True},
            "xAxis": {"type": "category", "data": list(categories)},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {"type": kind, "name": name, "data": list(values)} for name, values in series
            ],
        }
    )
    return option


def heatmap(
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """A heat map: ``cells`` are ``{"value": [column index, row index, count], "url": ...}``;
    a cell with a ``url`` opens it on click (the list the count comes from)."""
    top = max((cell["value"][2] for cell in cells), default=0)
    option = _base()
    option.update(
        {
            "tooltip": {"position": "top"},
            "grid": {"left": 8, "right": 8, "top": 8, "bottom": 64, "containLabel": True},
            "xAxis": {
                "type": "category",
                "data": list(columns),
                "axisLabel": {"interval": 0, "rotate": 30},
            },
            "yAxis": {"type": "category", "data": list(rows)},
            "visualMap": {
                "min": 0,
                "max": max(top, 1),
                "calculable": False,
                "orient": "horizontal",
                "left": "center",
                "bottom": 0,
                "inRange": {"color": ["#fdf3f3", "#b5282e"]},
            },
            "series": [{"type": "heatmap", "data": list(cells), "label": {"show": True}}],
        }
    )
    return option
