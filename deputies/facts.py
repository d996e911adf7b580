"""The signed-in deputy's facts for their pages (the dashboard's to-do list and panels), read
in one query.

Every app's panel and to-do source wants a few numbers about the deputy: entries returned,
duties this week, replies to evaluate, quizzes to take. Asked one by one, each is a query
(issue #8: the dashboard made 37). Instead each app registers, in its ``AppConfig.ready``, the
aggregates it wants as ``(queryset, aggregate)`` pairs, and the first caller reads them all at
once: the deputy's row, with the constituency, group and term the dashboard's card shows,
annotated with one scalar subquery per fact. Apps above this one register; this module never
imports them.

The result is kept on the request only, never across requests, so a deputy never sees a number
older than the page they asked for. Pages that read facts must not write after reading them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Aggregate, Count, QuerySet, Subquery, Value

from core import activity, clock

from .models import Deputy

# (queryset, aggregate): the aggregate over the queryset's rows; (queryset, "field"): that
# field of its first row (None when it has none), in the queryset's order.
Fact = tuple[QuerySet, Aggregate | str]
FactSource = Callable[[Deputy, date], dict[str, Fact]]  # (deputy, today) -> {name: fact}

_SOURCES: dict[str, FactSource] = {}


def register_facts(key: str, source: FactSource) -> None:
    """Add (or replace, so ``ready`` may run twice) the facts an app reads as ``key``."""
    _SOURCES[key] = source


@dataclass(frozen=True)
class DeputyFacts:
    deputy: Deputy  # the request's deputy, with constituency, group and term loaded
    values: dict[str, dict[str, Any]]  # source key -> fact name -> value
    _activity: dict[tuple[str, int, frozenset[int]], dict[int, int]] = field(
        default_factory=dict, repr=False
    )

    def __getitem__(self, key: str) -> dict[str, Any]:
        return self.values[key]

    def activity_counts(self, key: str, *, deputy_ids: Iterable[int], year: int) -> dict[int, int]:
        """``core.activity.activity_counts``, answered from an earlier call of this request
        that covered these deputies (the portrait counts the deputy's whole level; the
        training card's gap rules then need only the deputy, who is among them)."""
        ids = frozenset(deputy_ids)
        for (known_key, known_year, covered), counts in self._activity.items():
            if known_key == key and known_year == year and ids <= covered:
                return {pk: n for pk, n in counts.items() if pk in ids}
        counts = activity.activity_counts(key, deputy_ids=sorted(ids), year=year)
        self._activity[key, year, ids] = counts
        return counts


def _scalar(queryset: QuerySet, aggregate: Aggregate | str) -> Subquery:
    """The fact as a scalar subquery. An aggregate is grouped by a constant, so the whole set
    is one group (and an empty set no row, which the caller reads as zero or None)."""
    if isinstance(aggregate, str):
        return Subquery(queryset.values(aggregate)[:1])
    return Subquery(
        queryset.order_by().values(_fact=Value(1)).annotate(_value=aggregate).values("_value")[:1],
    )


def read_facts(deputy: Deputy, today: date) -> DeputyFacts:
    """Every registered fact of ``deputy`` on ``today`` in one query."""
    wanted = {key: source(deputy, today) for key, source in sorted(_SOURCES.items())}
    annotations = {
        f"fact_{i}": _scalar(queryset, aggregate)
        for i, (queryset, aggregate) in enumerate(
            fact for facts in wanted.values() for fact in facts.values()
        )
    }
    row = (
        Deputy.objects.filter(pk=deputy.pk)
        .select_related("constituency", "group", "term")
        .annotate(**annotations)
        .get()
    )
    values: dict[str, dict[str, Any]] = {}
    i = 0
    for key, facts in wanted.items():
        values[key] = {}
        for name, (_queryset, aggregate) in facts.items():
            value = getattr(row, f"fact_{i}")
            if value is None and isinstance(aggregate, Count):
                value = 0
            values[key][name] = value
            i += 1
    # The deputy object the rest of the request holds (request.user.deputy) gains the
    # relations the card shows, so no panel reads them again.
    for name in ("constituency", "group", "term"):
        Deputy._meta.get_field(name).set_cached_value(deputy, getattr(row, name))
    return DeputyFacts(deputy=deputy, values=values)


def deputy_facts(request, *, today: date | None = None) -> DeputyFacts | None:
    """The facts of the request's deputy (``None`` for a login without a deputy profile), read
    once per request and day."""
    deputy = getattr(request.user, "deputy", None)
    if deputy is None:
        return None
    today = today or clock.today()
    memo = request.__dict__.setdefault("_deputy_facts", {})
    if (deputy.pk, today) not in memo:
        memo[deputy.pk, today] = read_facts(deputy, today)
    return memo[deputy.pk, today]
