"""The capability portrait (履职画像): six axes of a deputy's year against the average of the
deputies of the same level, for the radar on their dashboard.

Each axis counts what the ledger and the other apps know. Rules map to axes by code in one table
(``RULE_AXES``, the codes of ``performance.defaults``: a year that renames its rules keeps the
codes); suggestions and the visit log come from the counters apps register with
``core.activity`` (this app imports neither). Innovation is the innovation points, each rule
clipped to its yearly cap and the sum to the dimension's cap, as the score counts them.

The level's averages read the whole level at once (one query for the level's deputies, one
grouped query over their verified entries, the counters' grouped queries) and are the same for
every deputy of the level, so they are kept for ``AVERAGES_MINUTES`` and shared: at district
scale a level holds hundreds of deputies and tens of thousands of entries a year, which every
dashboard visit would otherwise add up again. The deputy's own figures are read fresh on every
visit (the same queries for one deputy). A figure becomes an index where the level's average is
100 (capped at ``INDEX_CAP`` so one very active deputy does not flatten everyone's radar).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from core import charts, clock
from core.activity import activity_counts
from core.render_env import gettext as _
from deputies.facts import decimal, prepared
from deputies.models import Deputy

from .models import Dimension, EntryStatus, LedgerEntry
from .scoring import serving_deputies

INDEX_CAP = 200
AVERAGES_MINUTES = 10
Counter = Callable[..., dict[int, int]]  # as core.activity.activity_counts


@dataclass(frozen=True)
class Axis:
    key: str
    label: str | Promise
    explanation: str | Promise


AXES = (
    Axis(
        "attendance",
        gettext_lazy("出席会议活动"),
        gettext_lazy("参加代表小组、工委会议和集中活动的次数，无故缺席一次减一次。"),
    ),
    Axis(
        "inspection",
        gettext_lazy("视察调研"),
        gettext_lazy("参加视察、调研、执法检查和自主开展调研、视察的次数。"),
    ),
    Axis(
        "contact",
        gettext_lazy("联系群众"),
        gettext_lazy("进站接待、走访群众、向选民述职的次数，加联络站接待记录的次数。"),
    ),
    Axis(
        "suggestions",
        gettext_lazy("提出建议"),
        gettext_lazy("本年度领衔或附议提出的建议、议案件数。"),
    ),
    Axis(
        "training",
        gettext_lazy("学习培训"),
        gettext_lazy("参加履职培训、完成课程计入积分的次数。"),
    ),
    Axis(
        "innovation",
        gettext_lazy("履职创新"),
        gettext_lazy("创新分：自选动作、牵头活动、代表讲坛、履职方式创新所得分数。"),
    ),
)

# Rule code → (axis, +1 or -1 per verified entry). Only verified entries count, as in the score.
RULE_AXES: dict[str, tuple[str, int]] = {
    "B01": ("attendance", 1),
    "B07": ("attendance", -1),  # 无故缺席集中活动
    "B02": ("inspection", 1),
    "I01": ("inspection", 1),  # 自选动作：自主开展调研、视察
    "B03": ("contact", 1),
    "B04": ("contact", 1),
    "B06": ("contact", 1),
    "B05": ("training", 1),
}
# core.activity counter key → axis (counted by the app that holds the records).
ACTIVITY_AXES: dict[str, str] = {"visits": "contact", "suggestions": "suggestions"}
# Axes measured in points of a dimension rather than in counts.
DIMENSION_AXES: dict[str, str] = {Dimension.INNOVATION: "innovation"}


@dataclass(frozen=True)
class AxisFigure:
    axis: Axis
    value: Decimal  # the deputy's figure (a count, or points for innovation)
    average: Decimal  # the level's average, one decimal place
    index: int  # the deputy's figure with the average as 100, at most INDEX_CAP

    @property
    def key(self) -> str:
        return self.axis.key


@dataclass(frozen=True)
class Portrait:
    year: int
    level_label: str
    peers: int  # deputies of the level the average is taken over
    figures: list[AxisFigure]

    def chart(self) -> dict:
        """The radar's ECharts option: the deputy and the level's average (100 on every axis
        that has an average)."""
        indicators = [(str(f.axis.label), INDEX_CAP) for f in self.figures]
        return charts.radar(
            indicators=indicators,
            series=[
                (_("我"), [f.index for f in self.figures]),
                (
                    _("同级代表平均"),
                    [100 if f.average > 0 else 0 for f in self.figures],
                ),
            ],
        )


def _clip(points: Decimal, cap: Decimal | None) -> Decimal:
    if cap is None:
        return points
    return min(points, cap) if points > 0 else max(points, -cap)


# A rule of the year as the deputy's facts give it (``deputy_panels.facts``), with the number
# of the deputy's verified entries of it (``n``, 0 for none): the row of
# ``_verified_rule_counts`` for one rule, without the deputy. Counted by the database, one
# index probe a rule: the entries themselves, some hundred a busy deputy, were read before.
PORTRAIT_ROW = ("code", "dimension", "points", "yearly_cap", "rule_set__innovation_cap", "n")


def counted_rows(deputy_id: int, rules: list[list]) -> list[tuple]:
    """``_verified_rule_counts``'s rows of one deputy from the year's rules with their counts
    as the facts give them (``PORTRAIT_ROW``, JSON values), the decimals made; a rule without
    an entry adds nothing to any figure."""
    return [
        (deputy_id, code, dimension, decimal(points), decimal(cap), decimal(innovation_cap), n)
        for code, dimension, points, cap, innovation_cap, n in rules
        if n
    ]


def _verified_rule_counts(deputy_ids: list[int], year: int) -> QuerySet:
    """(deputy id, rule code, dimension, points, cap, innovation cap, entries) of the deputies'
    verified entries of ``year``, per deputy and rule."""
    return (
        LedgerEntry.objects.filter(
            deputy_id__in=deputy_ids, status=EntryStatus.VERIFIED, rule__rule_set__year=year
        )
        .values_list(
            "deputy_id",
            "rule__code",
            "rule__dimension",
            "rule__points",
            "rule__yearly_cap",
            "rule__rule_set__innovation_cap",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )


def axis_values(
    deputy_ids: list[int],
    year: int,
    *,
    counts: Counter = activity_counts,
    entries: list[list] | None = None,
) -> dict[int, dict[str, Decimal]]:
    """Deputy id → axis key → figure for ``year``, for every id (zeros included): one grouped
    query over the verified entries plus one per registered counter (asked through ``counts``,
    so a page may share them: ``deputies.facts.DeputyFacts.activity_counts``). ``entries``:
    the year's rules with the one deputy's verified entries of each already counted
    (``PORTRAIT_ROW``), no query."""
    values: dict[int, dict[str, Decimal]] = {
        pk: {axis.key: Decimal(0) for axis in AXES} for pk in deputy_ids
    }
    if entries is not None and len(deputy_ids) == 1:
        rows = counted_rows(deputy_ids[0], entries)
    elif len(deputy_ids) == 1:  # one deputy's portrait: compiled once (``prepared``)
        rows = prepared(
            ("performance:portrait-rows", year),
            lambda deputy: _verified_rule_counts([deputy], year),
            deputy=deputy_ids[0],
        )
    else:
        rows = _verified_rule_counts(deputy_ids, year)
    dimension_points: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    dimension_caps: dict[str, Decimal] = {}
    for deputy_id, code, dimension, points, cap, innovation_cap, n in rows:
        if code in RULE_AXES:
            axis, sign = RULE_AXES[code]
            values[deputy_id][axis] += sign * n
        if dimension in DIMENSION_AXES:
            dimension_points[deputy_id, dimension] += _clip(points * n, cap)
            dimension_caps[dimension] = innovation_cap
    for (deputy_id, dimension), points in dimension_points.items():
        top = dimension_caps[dimension]
        values[deputy_id][DIMENSION_AXES[dimension]] = max(Decimal(0), min(points, top))
    for key, axis in ACTIVITY_AXES.items():
        for deputy_id, n in counts(key, deputy_ids=deputy_ids, year=year).items():
            if deputy_id in values:
                values[deputy_id][axis] += n
    for figures in values.values():  # more absences than meetings is still "none"
        figures["attendance"] = max(Decimal(0), figures["attendance"])
    return values


def _index(value: Decimal, average: Decimal) -> int:
    if average <= 0:
        return 0
    return min(INDEX_CAP, round(value * 100 / average))


def level_averages(
    level: str, *, year: int, today: date, counts: Counter = activity_counts
) -> tuple[int, dict[str, Decimal]]:
    """(number of deputies, axis key → average) of ``level``'s deputies assessed in ``year``
    (``scoring.serving_deputies``), kept for ``AVERAGES_MINUTES``."""
    key = f"performance:portrait-averages:{level}:{year}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        peers = list(serving_deputies(year, today).filter(level=level).values_list("pk", flat=True))
        values = axis_values(peers, year, counts=counts)
        averages = {
            axis.key: (
                sum((values[pk][axis.key] for pk in peers), Decimal(0)) / len(peers)
                if peers
                else Decimal(0)
            )
            for axis in AXES
        }
        found = (len(peers), averages)
        cache.set(key, found, AVERAGES_MINUTES * 60)
    return found


def deputy_portrait(
    deputy: Deputy,
    *,
    today: date | None = None,
    counts: Counter = activity_counts,
    rows: list[list] | None = None,
) -> Portrait:
    """``deputy``'s portrait for the year of ``today`` against the deputies of their level
    assessed that year: their own figures as of now, the level's as of at most
    ``AVERAGES_MINUTES`` ago. ``rows``: the year's rules with the deputy's verified entries
    of each counted, as their facts give them (``PORTRAIT_ROW``), instead of a query."""
    today = today or clock.today()
    year = today.year
    peers, averages = level_averages(deputy.level, year=year, today=today, counts=counts)
    own = axis_values([deputy.pk], year, counts=counts, entries=rows)[deputy.pk]
    figures = []
    for axis in AXES:
        average = averages[axis.key]
        value = own[axis.key]
        figures.append(
            AxisFigure(
                axis=axis,
                value=value,
                average=average.quantize(Decimal("0.1")),
                index=_index(value, average),
            )
        )
    return Portrait(year=year, level_label=deputy.get_level_display(), peers=peers, figures=figures)
