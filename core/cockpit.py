"""The staff cockpit (工作驾驶舱): the whole street at a glance, each number leading to its list.

The cockpit is assembled from what the apps register in their ``AppConfig.ready`` — core never
imports them, exactly like the staff desk's panels (``core.dashboard``):

* ``register_kpis(key, fn, order=..., kept=..., counts=...)``: ``fn(today)`` returns a list of
  :class:`Kpi`, each a figure computed in SQL (a fixed number of queries whatever the amount
  of data) with the admin list it counts. ``kept=True`` marks statistics nobody acts on at once
  (a rate, the roster's size): they are counted once per ``FIGURES_MINUTES`` and each card
  says when. ``counts(today)``, if given, names the figures' plain counts as querysets: the
  fresh sources' counts are then counted together in one ``UNION ALL`` and ``fn(today,
  counts={name: n})`` gets them (one statement for the page instead of one per app).
* ``register_trend(key, label, fn, url=...)``: ``fn(first_month, today)`` returns
  ``{month start: count}`` for the months from ``first_month`` (one grouped query); the cockpit
  draws each as a small chart over the last twelve months, on its own scale.
* ``register_heat(key, label, fn)``: ``fn(start, end)`` returns ``[(community, category, count,
  url), …]`` for what happened between the two dates (one grouped query); the cockpit adds the
  sources up into the people's-livelihood hot-spot map (民生热点图谱, community × category).
* ``register_section(key, template, fn, order=...)``: ``fn(today)`` returns a template context
  (or ``None`` to leave the section out): the talk list, re-election and exit candidates.

A provider that raises is not the cockpit's business: errors propagate (a broken figure must be
seen in tests, not hidden as a blank card).

The trends and the hot-spot map add up a year of rows (45,000 ledger entries a year at district
scale), so the page keeps them for ``FIGURES_MINUTES`` (``remembered``) and says when they
were counted; so are the kept figures (each card says when). The figures a clerk acts on and
the lists that ask for a decision are read fresh on every visit, so a clerk who has just acted
sees it at once.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import get_language

from . import clock, compiled
from .compiled import Kept, counts_once, reads_once
from .dashboard import admin_url

FIGURES_MINUTES = 10


@dataclass(frozen=True)
class Kpi:
    """One figure on the cockpit. ``value`` is a count or a prepared text (a rate "87.5%");
    ``detail`` says what it is out of ("35 / 40"), ``url`` opens the list it counts."""

    label: str
    value: int | str
    url: str = ""
    detail: str = ""
    group: str = ""
    tone: str = ""  # "", "warn" or "danger": how a figure that asks for action stands out
    counted_at: datetime | None = None  # a kept figure's count (``register_kpis(kept=True)``)


@dataclass(frozen=True)
class _Trend:
    key: str
    label: str
    count: Callable[[date, date], dict[date, int]]
    url: str


@dataclass(frozen=True)
class _Heat:
    key: str
    label: str
    rows: Callable[[date, date], list[tuple[str, str, int, str]]]


@dataclass(frozen=True)
class _Section:
    key: str
    order: int
    template: str
    context: Callable[..., dict[str, Any] | None]
    reads: Callable[[date], dict[str, Any]] | None = None


# A source's plain counts, ``{"pending": LedgerEntry.objects.filter(...), ...}`` for the day.
CountSource = Callable[[date], dict[str, QuerySet]]


@dataclass(frozen=True)
class _Kpis:
    key: str
    order: int
    figures: Callable[..., list[Kpi]]
    kept: bool
    counts: CountSource | None = None


@dataclass
class _Registry:
    kpis: dict[str, _Kpis] = field(default_factory=dict)
    trends: dict[str, _Trend] = field(default_factory=dict)
    heat: dict[str, _Heat] = field(default_factory=dict)
    sections: dict[str, _Section] = field(default_factory=dict)


_REGISTRY = _Registry()


def register_kpis(
    key: str,
    fn: Callable[..., list[Kpi]],
    *,
    order: int = 100,
    kept: bool = False,
    counts: CountSource | None = None,
) -> None:
    """``kept``: the figures are statistics, true as of when they were counted (a rate, a
    total nobody acts on): counted once per ``FIGURES_MINUTES`` (``remembered``), each card
    saying when. Leave it off for anything a clerk acts on (what waits, what is overdue).

    ``counts``: ``counts(today)`` returns the figures' plain counts as querysets, depending on
    nothing but the day and reading no rows (their statement is compiled once a day per
    process, ``core.compiled.counts_once``, and run afresh); ``fn`` is then called
    ``fn(today, counts={name: n})``. Every fresh source's counts are counted in one query."""
    _REGISTRY.kpis[key] = _Kpis(key=key, order=order, figures=fn, kept=kept, counts=counts)


def register_trend(
    key: str, label: str, fn: Callable[[date, date], dict[date, int]], *, url: str = ""
) -> None:
    _REGISTRY.trends[key] = _Trend(key=key, label=label, count=fn, url=url)


def register_heat(
    key: str, label: str, fn: Callable[[date, date], list[tuple[str, str, int, str]]]
) -> None:
    _REGISTRY.heat[key] = _Heat(key=key, label=label, rows=fn)


def register_section(
    key: str,
    template: str,
    fn: Callable[..., dict[str, Any] | None],
    *,
    order: int = 100,
    reads: Callable[[date], dict[str, Any]] | None = None,
) -> None:
    """``reads``, if given: ``reads(today)`` names the section's rows as ``core.compiled.Rows``
    (and counts as querysets), depending on nothing but the day; they are read in the same
    statement as the fresh figures' counts (``fresh``) and ``fn(today, reads={name: rows})``
    gets them."""
    _REGISTRY.sections[key] = _Section(
        key=key, order=order, template=template, context=fn, reads=reads
    )


def month_starts(today: date, months: int = 12) -> list[date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return starts[::-1]


def month_key(value: date | datetime) -> date:
    """A ``TruncMonth`` value as the month's first day: a date on one database, a datetime on
    another."""
    return value.date() if isinstance(value, datetime) else value


def fresh(today: date) -> dict[str, Any]:
    """The fresh figures' plain counts (``{"source:name": n}``) and the sections' reads
    (``{"section:key:name": rows}``), in one statement compiled once a day per process
    (``core.compiled.reads_once``) and run afresh: the page's one read of what a clerk acts
    on, where the counts and each of the sections' lists were a query each."""
    sources = _fresh_sources()
    sections_read = [s for s in _REGISTRY.sections.values() if s.reads is not None]
    if not sources and not sections_read:
        return {}
    key = (
        "cockpit:fresh",
        today,
        tuple(source.key for source in sources),
        tuple(section.key for section in sections_read),
    )

    def build() -> dict[str, Any]:
        found = {
            f"{source.key}:{name}": queryset
            for source in sources
            for name, queryset in source.counts(today).items()
        }
        for section in sections_read:
            found.update(
                {f"section:{section.key}:{name}": r for name, r in section.reads(today).items()}
            )
        return found

    return reads_once(key, build)


def _fresh_sources() -> list[_Kpis]:
    return [
        source
        for source in sorted(_REGISTRY.kpis.values(), key=lambda source: source.order)
        if source.counts is not None and not source.kept
    ]


def kpis(today: date, *, counted: dict[str, Any] | None = None) -> list[Kpi]:
    """The figures; ``counted`` is ``fresh(today)`` when the page has read it (else here)."""
    found: list[Kpi] = []
    sources = sorted(_REGISTRY.kpis.values(), key=lambda source: source.order)
    fresh_counts = counted if counted is not None else fresh(today)
    for source in sources:
        if not source.kept:
            found.extend(_figures(source, today, fresh_counts))
            continue
        counted_at, figures = remembered(
            f"kpis:{source.key}:{today}",
            lambda source=source: without_workers(lambda: _figures(source, today)),
        )
        found.extend(replace(kpi, counted_at=counted_at) for kpi in figures)
    return found


def _counts(sources: list[_Kpis], today: date) -> dict[str, int]:
    """``{"source:name": n}``: the plain counts of ``sources`` in one ``UNION ALL``."""
    if not sources:
        return {}
    return counts_once(
        ("cockpit:kpis", today, tuple(source.key for source in sources)),
        lambda: {
            f"{source.key}:{name}": queryset
            for source in sources
            for name, queryset in source.counts(today).items()
        },
    )


def _figures(source: _Kpis, today: date, counted: dict[str, int] | None = None) -> list[Kpi]:
    if source.counts is None:
        return source.figures(today)
    if counted is None:
        counted = _counts([source], today)
    prefix = f"{source.key}:"
    mine = {name.removeprefix(prefix): n for name, n in counted.items() if name.startswith(prefix)}
    return source.figures(today, counts=mine)


def trends(today: date, months: int = 12) -> dict[str, Any]:
    """``{"months": [...], "series": [(label, [count per month], url), …]}``."""
    starts = month_starts(today, months)
    series = []
    for trend in _REGISTRY.trends.values():
        counts = trend.count(starts[0], today)
        series.append((trend.label, [counts.get(start, 0) for start in starts], trend.url))
    return {"months": starts, "series": series}


@dataclass
class HeatMap:
    """Community × category counts summed over every registered source, with each cell's
    share per source (the tooltip and the table say where the heat comes from)."""

    communities: list[str]
    categories: list[str]
    cells: dict[tuple[str, str], int]
    by_source: dict[tuple[str, str], list[tuple[str, int, str]]]

    @property
    def top(self) -> list[tuple[str, str, int]]:
        ranked = sorted(self.cells.items(), key=lambda item: (-item[1], item[0]))
        return [(community, category, n) for (community, category), n in ranked[:10]]


def heat_rows(
    queryset, *, date_field: str, changelist: str, start: date, end: date, **params: Any
) -> list[tuple[str, str, int, str]]:
    """A heat source from a model with ``community`` and ``category`` foreign keys: one
    grouped query over the period, each cell linking to ``changelist`` filtered to exactly its
    rows (``params`` adds the source's own filter, e.g. the statuses it counts)."""
    rows = (
        queryset.filter(
            **{f"{date_field}__gte": start, f"{date_field}__lte": end},
            community__isnull=False,
            category__isnull=False,
        )
        .values_list("community_id", "community__name", "category_id", "category__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    period = {f"{date_field}__gte": start.isoformat(), f"{date_field}__lte": end.isoformat()}
    return [
        (
            community,
            category,
            n,
            admin_url(
                changelist,
                community__exact=community_id,
                category__exact=category_id,
                **period,
                **params,
            ),
        )
        for community_id, community, category_id, category, n in rows
    ]


def heat_sources() -> list[str]:
    return [source.label for source in _REGISTRY.heat.values()]


def heat_map(start: date, end: date) -> HeatMap:
    cells: dict[tuple[str, str], int] = defaultdict(int)
    by_source: dict[tuple[str, str], list[tuple[str, int, str]]] = defaultdict(list)
    for source in _REGISTRY.heat.values():
        for community, category, count, url in source.rows(start, end):
            if not count:
                continue
            cells[(community, category)] += count
            by_source[(community, category)].append((source.label, count, url))
    # Busiest communities and categories first: the eye lands on the hot corner.
    community_totals: dict[str, int] = defaultdict(int)
    category_totals: dict[str, int] = defaultdict(int)
    for (community, category), n in cells.items():
        community_totals[community] += n
        category_totals[category] += n
    return HeatMap(
        communities=sorted(community_totals, key=lambda c: (-community_totals[c], c)),
        categories=sorted(category_totals, key=lambda c: (-category_totals[c], c)),
        cells=dict(cells),
        by_source=dict(by_source),
    )


def sections(today: date, *, counted: dict[str, Any] | None = None) -> list[tuple[str, dict]]:
    """The sections' contexts; ``counted`` is ``fresh(today)`` when the page has read it."""
    rendered = []
    for section in sorted(_REGISTRY.sections.values(), key=lambda s: (s.order, s.key)):
        if section.reads is None:
            context = section.context(today)
        else:
            if counted is None:
                counted = fresh(today)
            prefix = f"section:{section.key}:"
            mine = {k.removeprefix(prefix): v for k, v in counted.items() if k.startswith(prefix)}
            context = section.context(today, reads=mine)
        if context is not None:
            rendered.append((section.template, context))
    return rendered


# What this process last read of each kept figure, with the stamp it was counted under:
# ``{cache key: (stamp, when counted, figures)}``.
_HELD = Kept(limit=64)


def without_workers(compute: Callable[[], Any]) -> Any:
    """``compute()`` in a transaction of its own, planned without parallel workers
    (``compiled.without_parallel_workers``), for the figures the cockpit keeps
    (``remembered``): they add up a year of rows, where PostgreSQL judged some counts big
    enough for workers that cost more than they saved. Only such a count runs in it: the
    page's other reads (a few index entries each, not planned with workers) run outside any
    transaction, without the BEGIN, SET and COMMIT round trips a transaction for the whole
    page cost on every visit."""
    with transaction.atomic():
        compiled.without_parallel_workers()
        return compute()


def remembered(key: str, compute: Callable[[], Any]) -> tuple[datetime, Any]:
    """``(when counted, compute())``, kept for ``FIGURES_MINUTES`` per key and language (the
    results hold translated labels); every staff member's visit in between reads the same.

    The figures are kept in the cache (shared by the processes where the cache is) under a
    stamp of their count, and the stamp under a key of its own. A process that already read
    the figures of the stamp it finds uses its own copy instead of reading them again:
    unpickling the map and the trends (tens of kilobytes of cells, links and written HTML)
    cost ~2 ms on every visit. The copy is the same count, with the same expiry (the stamp
    goes with the figures), and a cleared cache is counted again as before."""
    cache_key = f"cockpit:{key}:{get_language()}"
    stamp = cache.get(f"{cache_key}:stamp")
    held = _HELD.get(cache_key)
    if stamp is not None and held is not None and held[0] == stamp:
        return held[1], held[2]
    found = cache.get(cache_key)
    if found is None or len(found) != 3:
        found = (uuid.uuid4().hex, clock.now(), compute())
        cache.set(cache_key, found, FIGURES_MINUTES * 60)
        cache.set(f"{cache_key}:stamp", found[0], FIGURES_MINUTES * 60)
    _HELD.pop(cache_key, None)
    _HELD.get_or_make(cache_key, lambda: found)
    return found[1], found[2]
