"""Reads of the public-opinion index (民意指数): weekly counts per (community, category).

Three sources feed the index: the visit log (``Visit.occurred_on``), residents' opinions
(``Opinion.submitted_on``, merged duplicates left out so one matter counts once) and imported
hotline/grid events (``ExternalEvent.occurred_on``). Weeks are ISO weeks, Monday to Sunday;
every date involved is already a Beijing-time calendar day.

One SQL statement counts all three: a ``UNION ALL`` of the three tables' rows in the nine
weeks (the week asked for and the eight before it), each read from its
``(date, community, category)`` index, grouped by pair, with one conditional sum per week.
Weeks are compared as date ranges (no date functions), so the same text runs on SQLite and
PostgreSQL, and the cost depends on the rows of those nine weeks only. The staff page
(``index_page``) keeps the counts of the weeks before the current one for ``FIGURES_MINUTES``
and reads the current week fresh; the weekly job and the export read all nine. Python then
applies the rule to one row per pair (never to the events themselves):

    flagged  ⇔  count(W) ≥ LVZHI_OPINION_MIN_COUNT  and  count(W) > LVZHI_OPINION_FACTOR × mean

where mean is the sum of the eight weeks before W divided by 8 (weeks without events count as
0). The comparison is made as ``8 × count > factor × sum`` in decimals, so "exactly factor
times the mean" is never flagged and no float rounding decides a boundary.
"""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock
from core.cockpit import FIGURES_MINUTES, remembered
from core.compiled import rows_once, run_kept
from deputies.models import Community
from suggestions.public import Category

from .models import ExternalEvent, FlagStatus, Opinion, OpinionFlag, OpinionStatus, Visit

BASELINE_WEEKS = 8
WEEKS_SHOWN = BASELINE_WEEKS + 1  # the trend: the week itself and its baseline
HEAT_LEVELS = 5
# The heat table's communities a page: a district has some forty (by a dozen categories), a
# screen's worth is what staff read at once, and the page's cost stays that of a few lines.
HEAT_COMMUNITIES_PER_PAGE = 12
# The heat table's cell of a pair with no count in the week shown; most cells of a district's
# table, shared by every such cell (never modified).
EMPTY_CELL = {"count": 0, "level": 0, "flagged": False}
Names = dict[int, tuple[int, str]]  # communities' or categories' ``{id: (order, name)}``
CENT = Decimal("0.01")

ERR_BAD_WEEK = gettext_noop(
    "周次“%(value)s”无效：请写成“2026-W48”这样的 ISO 周（年份-W周次，周次 01–52 或 53）。"
)
YEAR_MIN, YEAR_MAX = 2000, 2100  # what a person could mean; keeps date arithmetic in range
WEEK_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$", re.ASCII)


class WeekError(ValueError):
    """A week written in a way that names no ISO week; the message is for the user."""


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def current_week(*, today: date | None = None) -> date:
    return week_start(today or clock.today())


def last_week(*, today: date | None = None) -> date:
    """The Monday of the last complete week (the one the weekly job judges)."""
    return current_week(today=today) - timedelta(weeks=1)


def week_parse(value: str) -> date:
    """``"2026-W48"`` (also ``2026W48``, ``2026-w5``) → the Monday of that ISO week.

    Raises ``WeekError`` with a message in the user's language for anything else, including a
    week 53 in a year that has only 52 (2027-W53)."""
    match = WEEK_RE.match(str(value or ""))
    if match:
        year, week = int(match[1]), int(match[2])
        try:
            if not YEAR_MIN <= year <= YEAR_MAX:
                raise ValueError(year)
            return date.fromisocalendar(year, week, 1)
        except ValueError:
            pass
    raise WeekError(_(ERR_BAD_WEEK) % {"value": str(value)[:30]})


def week_label(monday: date) -> str:
    """The ISO week as staff write it: ``2026-W48``."""
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def is_flagged(week_count: int, baseline_total: int, *, min_count=None, factor=None) -> bool:
    """The early-warning rule (see the module docstring); settings by default."""
    min_count = settings.LVZHI_OPINION_MIN_COUNT if min_count is None else min_count
    factor = Decimal(str(settings.LVZHI_OPINION_FACTOR if factor is None else factor))
    if week_count < min_count:
        return False
    return Decimal(week_count) * BASELINE_WEEKS > factor * baseline_total


@dataclass(frozen=True)
class IndexRow:
    """One (community, category) pair: its counts in the nine weeks, oldest first."""

    community_id: int
    community: str
    category_id: int
    category: str
    weeks: tuple[int, ...]
    flagged: bool
    category_order: tuple = ()  # how categories sort: (order, name)

    @property
    def week_count(self) -> int:
        return self.weeks[-1]

    @property
    def baseline_total(self) -> int:
        return sum(self.weeks[:-1])

    @property
    def baseline_mean(self) -> Decimal:
        """The mean of the eight weeks before, to the cent."""
        return (Decimal(self.baseline_total) / BASELINE_WEEKS).quantize(CENT, ROUND_HALF_UP)

    @property
    def ratio(self) -> Decimal | None:
        """This week over the baseline mean; ``None`` when the baseline is 0."""
        if not self.baseline_total:
            return None
        exact = Decimal(self.week_count * BASELINE_WEEKS) / self.baseline_total
        return exact.quantize(CENT, ROUND_HALF_UP)

    @property
    def pair(self) -> tuple[int, int]:
        return (self.community_id, self.category_id)

    def bars(self) -> list[dict]:
        """The trend as bar heights in percent of this pair's busiest week."""
        top = max(self.weeks) or 1
        return [{"count": n, "pct": round(n * 100 / top)} for n in self.weeks]


def _sources() -> list[tuple[str, str, str, list]]:
    """(table, date column, extra condition, its params) of each source of the index."""
    quote = connection.ops.quote_name

    def parts(model, date_field: str) -> tuple[str, str]:
        return quote(model._meta.db_table), quote(model._meta.get_field(date_field).column)

    opinion_status = quote(Opinion._meta.get_field("status").column)
    merged_into = quote(Opinion._meta.get_field("merged_into").column)
    return [
        (*parts(Visit, "occurred_on"), "", []),
        (
            *parts(Opinion, "submitted_on"),
            f" AND {opinion_status} <> %s AND {merged_into} IS NULL",
            [OpinionStatus.MERGED.value],
        ),
        (*parts(ExternalEvent, "occurred_on"), "", []),
    ]


def index_rows(*, week: date) -> list[IndexRow]:
    """Every pair with any count in ``week`` (a Monday) or the eight weeks before it, with its
    nine weekly counts and whether the rule flags it; in community then category order. One
    query, whatever the number of events."""
    min_count, factor = settings.LVZHI_OPINION_MIN_COUNT, settings.LVZHI_OPINION_FACTOR
    rows = []
    for community_id, community, category_id, category, category_order, *weeks in _fetch(week):
        counts = tuple(map(int, weeks))  # a group's sums are never NULL
        flagged = is_flagged(counts[-1], sum(counts[:-1]), min_count=min_count, factor=factor)
        rows.append(
            IndexRow(
                community_id,
                community,
                category_id,
                category,
                counts,
                flagged,
                (category_order, category),
            )
        )
    return rows


class IndexPage(NamedTuple):
    """What the index page shows for a week: the heat table, the pairs the rule flags, and when
    the kept weeks were counted (``None`` when every week shown was read fresh)."""

    heat: dict
    flagged: list[IndexRow]
    counted_at: datetime | None


def index_page(
    *, week: date, today: date | None = None, heat_page: int | str | None = None
) -> IndexPage:
    """What the index page shows: the heat table (as ``heat_table(index_rows(week=week))``)
    and the pairs the rule flags (as the flagged ``index_rows``), with the weeks before the
    current one counted once per ``FIGURES_MINUTES`` and shared (``core.cockpit.remembered``).

    A district's nine weeks hold some 2,200 rows in 440 pairs; the eight weeks before this one
    hardly change any more (a visit logged late, an opinion merged), so adding them up again on
    every visit cost more than the rest of the page. The current week (and any later one) is
    read fresh on every visit: what arrived this week shows at once and decides the flags. A
    past week's page is read wholly from the kept counts; ``counted_at`` says when they were
    counted. Only pairs with at least the minimum count this week get the rule's decimal
    comparison. The heat table shows the communities of page ``heat_page`` (``_heat``)."""
    week = week_start(week)
    first = week - timedelta(weeks=BASELINE_WEEKS)
    settled = min(WEEKS_SHOWN, max(0, (current_week(today=today) - first).days // 7))
    counted_at, kept = None, {}
    if settled:
        counted_at, kept = remembered(
            f"liaison:opinion-index:{first.isoformat()}:{settled}",
            lambda: _kept_counts(first, settled),
        )
    fresh: dict[tuple[int, int], tuple[int, ...]] = {}
    if settled < WEEKS_SHOWN:
        start = first + timedelta(weeks=settled)
        for community_id, category_id, *weeks in _pair_counts(
            start, WEEKS_SHOWN - settled, prepare=True
        ):
            fresh[(community_id, category_id)] = tuple(map(int, weeks))
        this_week = {pair: weeks[-1] for pair, weeks in fresh.items() if weeks[-1]}
    else:
        this_week = {pair: weeks[-1] for pair, weeks in kept.items() if weeks[-1]}
    pairs = kept.keys() | fresh.keys()
    communities, categories, known = _names(pairs)
    if known is not pairs:  # a community or category gone since the kept count
        pairs, this_week = known, {pair: n for pair, n in this_week.items() if pair in known}
    flagged_rows = _flagged(this_week, kept, fresh, communities, categories, settled)
    flagged_pairs = {row.pair for row in flagged_rows}
    heat = _heat(this_week, pairs, communities, categories, flagged_pairs, heat_page)
    return IndexPage(heat, flagged_rows, counted_at)


def _heat(
    this_week: dict[tuple[int, int], int],
    pairs: set[tuple[int, int]],
    communities: Names,
    categories: Names,
    flagged_pairs: set[tuple[int, int]],
    page_number: int | str | None = None,
) -> dict:
    """``heat_table``'s table from the week's counts per pair (only those above 0): a line per
    community of the nine weeks' ``pairs``, a cell per category of them, in their (order,
    name) order; a pair without a count is the shared ``EMPTY_CELL``. Only the communities of
    page ``page_number`` (``HEAT_COMMUNITIES_PER_PAGE`` a page, ``"page"``: Django's ``Page``
    of their ids) get their lines; every page has every category's column, and the levels are
    measured against the week's top count of all communities."""
    top = max(this_week.values(), default=0)
    category_ids = sorted({k for _c, k in pairs}, key=lambda pk: (*categories[pk], pk))
    community_ids = sorted({c for c, _k in pairs}, key=lambda pk: (*communities[pk], pk))
    by_community: dict[int, dict[int, int]] = {}
    for (community_id, category_id), count in this_week.items():
        by_community.setdefault(community_id, {})[category_id] = count
    page = Paginator(community_ids, HEAT_COMMUNITIES_PER_PAGE).get_page(page_number)
    empty: dict[int, int] = {}
    table = []
    for community_id in page.object_list:
        counts = by_community.get(community_id, empty)
        line = []
        for category_id in category_ids:
            count = counts.get(category_id)
            if count is None:
                line.append(EMPTY_CELL)
                continue
            line.append(
                {
                    "count": count,
                    "level": math.ceil(count * HEAT_LEVELS / top),
                    "flagged": (community_id, category_id) in flagged_pairs,
                }
            )
        table.append({"community": communities[community_id][1], "cells": line})
    names = [categories[pk][1] for pk in category_ids]
    return {"categories": names, "rows": table, "top": top, "page": page}


def _kept_counts(first: date, weeks: int) -> dict[tuple[int, int], tuple[int, ...]]:
    """The weeks before the current one, as kept: each pair's weekly counts, oldest first."""
    return {
        (community_id, category_id): tuple(map(int, counts))
        for community_id, category_id, *counts in _pair_counts(first, weeks)
    }


NAMES_KEY = "liaison:opinion-index:names"


def _names(pairs: set[tuple[int, int]]) -> tuple[Names, Names, set[tuple[int, int]]]:
    """``{id: (order, name)}`` of the communities and of the categories, and the ``pairs``
    they name (``pairs`` itself when it names none unknown). Every community's and category's
    is kept for ``FIGURES_MINUTES`` (two short tables, read apart from the counts) and read
    again, and kept, as soon as a pair names one created since; a pair of one deleted since
    the kept count is left out."""
    found = cache.get(NAMES_KEY)
    if found is not None:
        communities, categories = found
        if all(c in communities and k in categories for c, k in pairs):
            return communities, categories, pairs
    communities, categories = _all_names()
    cache.set(NAMES_KEY, (communities, categories), FIGURES_MINUTES * 60)
    known = {(c, k) for c, k in pairs if c in communities and k in categories}
    return communities, categories, known if len(known) < len(pairs) else pairs


def _all_names() -> tuple[Names, Names]:
    return (
        {
            pk: (order, name)
            for pk, order, name in Community.objects.values_list("pk", "order", "name")
        },
        {
            pk: (order, name)
            for pk, order, name in Category.objects.values_list("pk", "order", "name")
        },
    )


def _flagged(
    this_week: dict[tuple[int, int], int],
    kept: dict[tuple[int, int], tuple[int, ...]],
    fresh: dict[tuple[int, int], tuple[int, ...]],
    communities: Names,
    categories: Names,
    settled: int,
) -> list[IndexRow]:
    """The pairs the rule flags in the week shown, their nine counts the kept weeks' then the
    fresh ones', in community then category order."""
    min_count, factor = settings.LVZHI_OPINION_MIN_COUNT, settings.LVZHI_OPINION_FACTOR
    none_kept, none_fresh = (0,) * settled, (0,) * (WEEKS_SHOWN - settled)
    rows = []
    for pair, count in this_week.items():
        if count < min_count:
            continue
        counts = kept.get(pair, none_kept) + fresh.get(pair, none_fresh)
        if not is_flagged(count, sum(counts[:-1]), min_count=min_count, factor=factor):
            continue
        community_id, category_id = pair
        community = communities[community_id][1]
        category_order, category = categories[category_id]
        rows.append(
            IndexRow(
                community_id,
                community,
                category_id,
                category,
                counts,
                True,
                (category_order, category),
            )
        )
    rows.sort(
        key=lambda row: (
            *communities[row.community_id],
            row.community_id,
            *row.category_order,
            row.category_id,
        )
    )
    return rows


def _fetch(week: date) -> list[tuple]:
    """The rows of the index's one query for ``week``: (community id, community, category
    id, category, category order, nine weekly counts), in community then category order."""
    week = week_start(week)
    rows = _count_weeks(week - timedelta(weeks=BASELINE_WEEKS), WEEKS_SHOWN)
    return [(row[0], row[1], *row[3:]) for row in rows]


def _pair_counts_sql(first: date, weeks: int) -> tuple[str, list]:
    """The statement counting, per (community id, category id), the rows of each of the
    ``weeks`` weeks from the Monday ``first`` (columns ``community_id``, ``category_id``,
    ``w0``…), with its parameters."""
    last = first + timedelta(weeks=weeks, days=-1)
    adapt = connection.ops.adapt_datefield_value
    sums, params = [], []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        # A filtered COUNT(*), not SUM(CASE …): no expression to evaluate per row and week
        # (the nine weeks' ~2,200 rows at district size, 2.8 -> 2.4 ms).
        sums.append(f"COUNT(*) FILTER (WHERE e.d >= %s AND e.d <= %s) AS w{i}")
        params += [adapt(monday), adapt(monday + timedelta(days=6))]
    selects = []
    for table, column, extra, extra_params in _sources():
        selects.append(
            f"SELECT {column} AS d, community_id, category_id FROM {table}"
            f" WHERE {column} >= %s AND {column} <= %s{extra}"
        )
        params += [adapt(first), adapt(last), *extra_params]
    sql = (
        f"SELECT e.community_id, e.category_id, {', '.join(sums)}"
        f" FROM ({' UNION ALL '.join(selects)}) e"
        " GROUP BY e.community_id, e.category_id"
    )
    return sql, params


def _pair_counts(first: date, weeks: int, *, prepare: bool = False) -> list[tuple]:
    """(community id, category id, one count per week) of every pair with any count in the
    ``weeks`` weeks from the Monday ``first``, in no order: one query, the names left to
    ``_names`` (joining them cost twice the count at district size: 0.7 -> 0.3 ms for a week).
    ``prepare``: on PostgreSQL a prepared statement of the connection
    (``core.compiled.run_kept``; the page's fresh week, planned once per connection and week
    instead of on every visit)."""
    return run_kept(connection.alias, *_pair_counts_sql(first, weeks), prepare=prepare)


def _count_weeks(first: date, weeks: int) -> list[tuple]:
    """(community id, community, community order, category id, category, category order, one
    count per week) of every pair with any count in the ``weeks`` weeks from the Monday
    ``first``, in community then category order: one query."""
    counts, params = _pair_counts_sql(first, weeks)
    quote = connection.ops.quote_name
    community_table = quote(Community._meta.db_table)
    category_table = quote(Category._meta.db_table)
    order = quote("order")
    week_columns = ", ".join(f"s.w{i}" for i in range(weeks))
    sql = (
        f"SELECT s.community_id, c.name, c.{order}, s.category_id, k.name, k.{order},"
        f" {week_columns} FROM ({counts}) s"
        f" JOIN {community_table} c ON c.id = s.community_id"
        f" JOIN {category_table} k ON k.id = s.category_id"
        f" ORDER BY c.{order}, c.name, k.{order}, k.name"
    )
    return run_kept(connection.alias, sql, params, prepare=False)


def heat_table(rows: list[IndexRow]) -> dict:
    """The community × category table of the week's counts, with a shading level 0–5 per cell
    relative to the busiest cell; only communities and categories with some count in the nine
    weeks appear (rows come ordered by community, then category)."""
    categories: dict[int, tuple] = {}
    by_community: dict[int, tuple[str, dict[int, IndexRow]]] = {}
    for row in rows:
        categories.setdefault(row.category_id, row.category_order)
        by_community.setdefault(row.community_id, (row.community, {}))[1][row.category_id] = row
    categories = dict(sorted(categories.items(), key=lambda item: item[1]))
    top = max((row.week_count for row in rows), default=0)
    table = []
    for name, cells in by_community.values():
        line = []
        for category_id in categories:
            row = cells.get(category_id)
            count = row.week_count if row else 0
            level = math.ceil(count * HEAT_LEVELS / top) if count and top else 0
            line.append({"count": count, "level": level, "flagged": bool(row and row.flagged)})
        table.append({"community": name, "cells": line})
    names = [sort_key[1] for sort_key in categories.values()]
    return {"categories": names, "rows": table, "top": top}


def open_flags():
    """Flags staff have not decided on yet, newest week first."""
    return OpinionFlag.objects.filter(status=FlagStatus.OPEN).select_related(
        "community", "category"
    )


@dataclass(frozen=True)
class OpenFlag:
    """An open flag as the index page lists it (what staff adopt or dismiss)."""

    pk: int
    week: date
    community: str
    category: str
    week_count: int
    baseline_mean: Decimal


def open_flags_shown(limit: int) -> list[OpenFlag]:
    """The first ``limit`` open flags (``open_flags``' order), read fresh on every visit (staff
    act on them) by a statement compiled once per process and prepared (``rows_once``): the
    queryset's building and compiling with its two joins cost more than the query."""
    rows = rows_once(
        ("liaison:open-flags", limit),
        lambda: open_flags().values_list(
            "pk", "week", "community__name", "category__name", "week_count", "baseline_mean"
        )[:limit],
    )
    # Raw values: SQLite gives the date as ISO text and the decimal as a number.
    return [
        OpenFlag(
            pk,
            week if isinstance(week, date) else date.fromisoformat(week),
            community,
            category,
            count,
            Decimal(str(mean)).quantize(CENT),
        )
        for pk, week, community, category, count, mean in rows
    ]


EXPORT_HEADERS = ["community", "category", "week_count", "baseline_mean", "ratio", "flagged"]


def index_export_rows(*, week: date) -> list[list]:
    """The rows of ``opinion_index``'s sheet (``EXPORT_HEADERS``); ``ratio`` is empty when the
    baseline is 0, ``flagged`` is 1 or 0. Names are written formula-safe by ``core.tabular``."""
    return [
        [
            row.community,
            row.category,
            row.week_count,
            row.baseline_mean,
            "" if row.ratio is None else row.ratio,
            1 if row.flagged else 0,
        ]
        for row in index_rows(week=week)
    ]
