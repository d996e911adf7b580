"""The signed-in deputy's facts for their pages (the dashboard's to-do list and panels), read
in one query.

Every app's panel and to-do source wants a few numbers about the deputy: entries returned,
duties this week, replies to evaluate, quizzes to take. Asked one by one, each is a query
(issue #8: the dashboard made 37). Instead each app registers, in its ``AppConfig.ready``, the
aggregates it wants as ``(queryset, aggregate)`` pairs, and the first caller reads them all at
once: the deputy's row, with the constituency, group and term the dashboard's card shows,
annotated with one scalar subquery per fact. Apps above this one register; this module never
imports them.

A fact may also be a few rows (``Rows("field", ...)``: every row of the queryset as a list of
those fields, as JSON): the active gap rules, the codes of the deputy's entries this year, the
deputy's assessment. A page then reads in the one statement what took a query of its own
(issue #8: each statement cost ~0.2-0.3 ms of round trip and conversion at district size).
JSON gives dates as ISO text and decimals as numbers: the app that reads its rows converts
them (``decimal``).

A page that needs only some apps' facts (the training page) names their keys
(``deputy_facts(request, keys=...)``) and reads a statement of those alone; the dashboard
reads them all, but for a page's own rows (``register_facts(..., named_only=True)``: the
training page's courses and enrolments) which only the pages naming them read.

A source names the deputy only through ``DEPUTY`` (``OuterRef`` to the deputy's row, e.g.
``filter(deputy=DEPUTY)``, ``filter(deputy__level=OuterRef("level"))``), so the statement is
the same for every deputy on a given day: it is built and compiled once per day and process
(building some fifteen subqueries costs more than running them) and run with the deputy's id.
Only the SQL text is kept, never a result: each page reads the facts afresh, and keeps them on
the request only, so a deputy never sees a number older than the page they asked for.
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import (
    Count,
    Expression,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import JSONArray

from core import activity, clock, compiled
from core.sql import JSONList

from .models import Deputy

DEPUTY = OuterRef("pk")  # the deputy, in a fact's queryset
# (queryset, aggregate): the aggregate over the queryset's rows (or an expression of several,
# e.g. ``JSONArray(Count(...), Count(..., filter=...))`` to count two things in one pass);
# (queryset, "field"): that field of its first row (None when it has none), in the queryset's
# order; (queryset, Rows("field", ...)): every row, as a list of lists ([] when none), in no
# order (sort them by a field).
Fact = tuple[QuerySet, "Expression | str | Rows"]
FactSource = Callable[[date], dict[str, Fact]]  # today -> {name: fact}
RELATIONS = ("constituency", "group", "term")  # loaded with the facts, for the deputy's card
# Facts registered as ``ACTIVITY_FACTS + key`` are the deputy's count of the activity ``key``
# (``core.activity``) in today's year, as the sum of their counts: the portrait and the gap
# rules then ask no query of their own for the deputy.
ACTIVITY_FACTS = "activity:"

_SOURCES: dict[str, FactSource] = {}
_NAMED_ONLY: set[str] = set()  # sources read only by a page naming them (never by "all")
_STATEMENTS: dict[tuple, "_Statement"] = {}
# The sources a page reads (an entry ending in ":" names those it begins), None for all.
Keys = tuple[str, ...] | None


@dataclass(frozen=True)
class Rows:
    """A fact of several rows: the queryset's rows as lists of ``fields`` (JSON values)."""

    fields: tuple[str, ...]

    def __init__(self, *fields: str) -> None:
        object.__setattr__(self, "fields", fields)


def first_rows(build: Callable[[Any], QuerySet], *order: str, limit: int) -> QuerySet:
    """A fact's queryset of the first ``limit`` rows of ``build(deputy)`` in ``order`` (for
    ``Rows``): the card's few latest or soonest rows read with the facts, not by a query of
    their own. ``build`` takes the deputy as it names it (an ``OuterRef`` one level further
    out, as the rows are picked in a subquery of their own); the fact's rows come in no order,
    so the reader sorts them again by ``order``'s fields, which it reads among its ``Rows``
    (``order`` should end in a unique field, so the rows picked are the rows sorted)."""
    picked = build(OuterRef(DEPUTY)).order_by(*order).values("pk")[:limit]
    return picked.model._default_manager.filter(pk__in=Subquery(picked))


def decimal(value: Any) -> Decimal | None:
    """A decimal read from a ``Rows`` fact: JSON numbers come as floats (SQLite) or exact
    text (PostgreSQL); either way the decimal the column holds (``Decimal("2.5")``)."""
    return None if value is None else Decimal(str(value))


def row_instance(model, fields: tuple[str, ...], row: list, using: str = "default"):
    """A ``model`` instance from a ``Rows`` fact's row of its own ``fields`` (``"pk"`` or
    attnames): each value as the ORM reads the column (decimals to the field's places, dates
    and times from ISO text); the fields left out are deferred, so reading one is a query of
    its own, never a wrong value."""
    if len(row) != len(fields):
        raise ValueError(f"{len(row)} values for {len(fields)} fields")
    names, plan = _row_plan(model, tuple(fields))
    values = []
    for i, convert in plan:
        value = row[i]
        values.append(value if value is None or convert is None else convert(value))
    return model.from_db(using, names, values)


@functools.lru_cache(maxsize=256)
def _row_plan(model, fields: tuple[str, ...]) -> tuple[list[str], list[tuple[int, Any]]]:
    """``row_instance``'s attnames in the model's field order (as ``from_db`` takes them) and,
    for each, its place in the row and how to convert its JSON value (None: as it is). Worked
    out once per model and fields (the model's metadata only): looking the fields up cost
    more than making the instance, some twenty rows a dashboard."""
    opts = model._meta
    places = {}
    for i, name in enumerate(fields):
        found = opts.pk if name == "pk" else opts.get_field(name)
        places[found.attname] = (i, _converter(found))
    names = [f.attname for f in opts.concrete_fields if f.attname in places]
    return names, [places[name] for name in names]


def _converter(found) -> Callable[[Any], Any] | None:
    kind = found.get_internal_type()
    if kind == "DecimalField":
        places = Decimal(1).scaleb(-found.decimal_places)
        return lambda value: decimal(value).quantize(places)
    if kind == "BooleanField":
        return bool
    if kind in ("DateField", "DateTimeField", "TimeField"):
        return found.to_python
    return None


def _wanted(key: str, keys: Keys) -> bool:
    if keys is None:
        return key not in _NAMED_ONLY
    return any(key == k or (k.endswith(":") and key.startswith(k)) for k in keys)


def register_facts(key: str, source: FactSource, *, named_only: bool = False) -> None:
    """Add (or replace, so ``ready`` may run twice) the facts an app reads as ``key``.
    ``source(today)`` must depend on nothing but ``today``: its querysets are compiled once a
    day, so it reads no rows and names the deputy only as ``DEPUTY`` (or ``OuterRef``).
    ``named_only``: one page's own rows, read only where a page names ``key`` (the dashboard,
    reading every source, would pay for rows it never shows)."""
    _SOURCES[key] = source
    if named_only:
        _NAMED_ONLY.add(key)
    else:
        _NAMED_ONLY.discard(key)
    _STATEMENTS.clear()


@dataclass(frozen=True)
class DeputyFacts:
    deputy: Deputy  # the request's deputy, with constituency, group and term loaded
    values: dict[str, dict[str, Any]]  # source key -> fact name -> value
    year: int = 0  # the year of the day the facts were read for
    _activity: dict[tuple[str, int, frozenset[int]], dict[int, int]] = field(
        default_factory=dict, repr=False
    )

    def __getitem__(self, key: str) -> dict[str, Any]:
        return self.values[key]

    def activity_counts(self, key: str, *, deputy_ids: Iterable[int], year: int) -> dict[int, int]:
        """``core.activity.activity_counts``, answered from the facts when an app registered
        the deputy's count of ``key`` as facts (``ACTIVITY_FACTS``) and this is the deputy's
        count of this year, else from an earlier call of this request that covered these
        deputies (the portrait counts the deputy's whole level; the training card's gap rules
        then need only the deputy, who is among them)."""
        ids = frozenset(deputy_ids)
        own = self.values.get(ACTIVITY_FACTS + key)
        if own is not None and ids == {self.deputy.pk} and year == self.year:
            total = sum(own.values())
            return {self.deputy.pk: total} if total else {}
        for (known_key, known_year, covered), counts in self._activity.items():
            if known_key == key and known_year == year and ids <= covered:
                return {pk: n for pk, n in counts.items() if pk in ids}
        counts = activity.activity_counts(key, deputy_ids=sorted(ids), year=year)
        self._activity[key, year, ids] = counts
        return counts


def _scalar(queryset: QuerySet, aggregate: "Expression | str | Rows") -> Subquery:
    """The fact as a scalar subquery. An aggregate is grouped by a constant, so the whole set
    is one group (and an empty set no row, which the caller reads as zero or None)."""
    if isinstance(aggregate, str):
        return Subquery(queryset.values(aggregate)[:1])
    if isinstance(aggregate, Rows):
        aggregate = JSONList(JSONArray(*(F(name) for name in aggregate.fields)))
    return Subquery(
        queryset.order_by().values(_fact=Value(1)).annotate(_value=aggregate).values("_value")[:1],
    )


@dataclass(frozen=True)
class _Statement:
    compiler: Any  # converts the row's columns (dates on SQLite, decimals) as the ORM does
    sql: str
    params: tuple  # the deputy's id last
    names: list[str]  # the columns, in order
    facts: list[tuple[str, str, Any]]  # (source key, fact name, value when none) per column
    # Worked out once per statement, not on every read (~0.1 ms a dashboard, issue #8): the
    # ORM's converters of the row's columns, {place: (converters, expression)}; on
    # PostgreSQL the text run as a prepared statement, every parameter but the deputy's id
    # written in (else ""); and the card's relations, (field, model, attnames, columns).
    converters: dict = field(default_factory=dict, repr=False)
    literal: str = ""
    relations: tuple = ()


_SENTINEL = -2_147_483_000  # a deputy id no row has, to find the id's place among the params


def _statement(using: str, today: date, keys: Keys = None) -> _Statement | None:
    """The facts' statement for ``today`` (of the sources ``keys``), compiled on first use;
    None if the deputy's id is not the last parameter (then each read compiles its own)."""
    key = (using, today, keys)
    found = _STATEMENTS.get(key)
    if found is None:
        found = _compile(using, today, _SENTINEL, keys)
        if found.params.count(_SENTINEL) != 1 or found.params[-1] != _SENTINEL:
            return None
        found = _kept(using, found)
        if len(_STATEMENTS) > 8:  # yesterday's and other days' statements are not needed
            _STATEMENTS.clear()
        _STATEMENTS[key] = found
    return found


def _compile(using: str, today: date, deputy_id: int, keys: Keys = None) -> _Statement:
    wanted = {key: source(today) for key, source in sorted(_SOURCES.items()) if _wanted(key, keys)}
    facts: list[tuple[str, str, Any]] = []
    annotations = {}
    for key, named in wanted.items():
        for name, (queryset, aggregate) in named.items():
            annotations[f"fact_{len(facts)}"] = _scalar(queryset, aggregate)
            none = [] if isinstance(aggregate, Rows) else None
            none = 0 if isinstance(aggregate, Count) else none
            facts.append((key, name, none))
    related = [
        f"{name}__{field.attname}"
        for name in RELATIONS
        for field in Deputy._meta.get_field(name).related_model._meta.concrete_fields
    ]
    query = (
        Deputy.objects.using(using)
        .filter(pk=deputy_id)
        .annotate(**annotations)
        .values(*related, *annotations)
        .query
    )
    compiler = query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    # The row's order, as Django's ValuesIterable reads it (``selected`` since Django 5.2:
    # the order values() named the columns in, annotations among them).
    names = list(query.selected or [])
    names = names or [*query.extra_select, *query.values_select, *query.annotation_select]
    return _Statement(compiler, sql, tuple(params), names, facts)


_ID_ONLY = frozenset([0])  # a kept literal text's one parameter: the deputy's id


def _kept(using: str, statement: _Statement) -> _Statement:
    """``statement`` with what each read would otherwise work out again: its columns'
    converters, its relations' columns and, on PostgreSQL, the text the prepared statement
    runs (writing some eighty fixed parameters in took ~30 µs a read, converters ~40 µs)."""
    compiler = statement.compiler
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    literal = ""
    connection = connections[using]
    if connection.vendor == "postgresql":
        last = len(statement.params) - 1
        literal = compiled.literal_sql(
            connection, statement.sql, statement.params, frozenset([last])
        )
    relations = []
    for name in RELATIONS:
        relation = Deputy._meta.get_field(name)
        model = relation.related_model
        attnames = tuple(f.attname for f in model._meta.concrete_fields)
        relations.append((relation, model, attnames, tuple(f"{name}__{a}" for a in attnames)))
    return replace(
        statement,
        converters=compiler.get_converters(columns),
        literal=literal,
        relations=tuple(relations),
    )


def _converted(using: str, statement: "_Statement | _Prepared", raw: list) -> list:
    """The rows' values as the ORM gives them (``results_iter``), with the statement's kept
    converters; the rows as read where no column has one (a deputy's ledger page reads some
    eighty rows: a copy and a loop per row for nothing)."""
    if not statement.converters:
        return raw
    connection = connections[using]
    converting = list(statement.converters.items())
    rows = []
    for values in raw:
        row = list(values)
        for place, (converters, expression) in converting:
            value = row[place]
            for convert in converters:
                value = convert(value, expression, connection)
            row[place] = value
        rows.append(row)
    return rows


def run_kept(using: str, sql: str, params: tuple, keep: frozenset[int]) -> list:
    """The rows of a kept statement (the facts', a ``prepared`` read's): on PostgreSQL a
    prepared statement with only the ids (the positions ``keep``) as its parameters, so it is
    planned once per connection (planning the facts' statement, some fifteen subqueries, took
    ~12 ms at district size, three times as long as running it). See ``core.compiled``."""
    return compiled.run_kept(using, sql, params, keep)


def read_facts(deputy: Deputy, today: date, keys: Keys = None) -> DeputyFacts:
    """Every registered fact of ``deputy`` on ``today`` (of the sources ``keys``, else all)
    in one query."""
    using = Deputy.objects.db
    statement = _statement(using, today, keys)
    if statement is None:
        statement = _kept(using, _compile(using, today, deputy.pk, keys))
        rows = run_kept(using, statement.sql, statement.params, frozenset())
    elif statement.literal:  # PostgreSQL: the kept text, the deputy's id its one parameter
        rows = run_kept(using, statement.literal, (deputy.pk,), _ID_ONLY)
    else:
        params = (*statement.params[:-1], deputy.pk)
        rows = run_kept(using, statement.sql, params, frozenset([len(params) - 1]))
    raw = rows[0] if rows else None
    if raw is None:
        raise Deputy.DoesNotExist(deputy.pk)
    (converted,) = _converted(using, statement, [raw])
    row = dict(zip(statement.names, converted, strict=True))
    values: dict[str, dict[str, Any]] = {}
    for i, (key, name, none) in enumerate(statement.facts):
        value = row[f"fact_{i}"]
        if value is None:
            value = [] if none == [] else none  # a list of its own for each read
        values.setdefault(key, {})[name] = value
    # The deputy object the rest of the request holds (request.user.deputy) gains the
    # relations the card shows, so no panel reads them again.
    for relation, model, attnames, columns in statement.relations:
        loaded = [row[column] for column in columns]
        related = None if loaded[0] is None else model.from_db(using, attnames, loaded)
        relation.set_cached_value(deputy, related)
    return DeputyFacts(deputy=deputy, values=values, year=today.year)


def _names_own_rows(keys: Keys) -> bool:
    return keys is not None and any(_wanted(key, keys) for key in _NAMED_ONLY)


def deputy_facts(request, *, today: date | None = None, keys: Keys = None) -> DeputyFacts | None:
    """The facts of the request's deputy (``None`` for a login without a deputy profile), read
    once per request and day: every source's, or those of ``keys`` (a page that needs a few;
    a key ending in ":" names every source it begins). Facts the request has already read
    for more sources answer too."""
    deputy = getattr(request.user, "deputy", None)
    if deputy is None:
        return None
    today = today or clock.today()
    memo = request.__dict__.setdefault("_deputy_facts", {})
    for (pk, day, known_keys), known in memo.items():
        if pk != deputy.pk or day != today:
            continue
        # Every source's facts answer a page naming none read only when named.
        if known_keys == keys or (known_keys is None and not _names_own_rows(keys)):
            return known
    memo[deputy.pk, today, keys] = found = read_facts(deputy, today, keys)
    return found


# Prepared reads: a deputy's page asks the same few questions on every visit, only the ids
# change. Building and compiling a queryset costs more than running it (a few ms of CPU for
# the training card's candidates), so ``prepared`` compiles each shape once per process and
# runs the kept SQL with the request's ids. Results are never kept: every read is fresh.

# _Prepared (or None) per shape; keys name the day, so old days fall out when it fills.
_PREPARED = compiled.Kept(limit=256)
_FIRST_SENTINEL = -2_147_482_000  # ids no row has, one per parameter, to find their places


@dataclass(frozen=True)
class _Prepared:
    compiler: Any
    sql: str
    params: tuple
    places: dict[int, int]  # param index -> index into the flattened ids
    kind: str  # "models", "tuples", "flat" or "dicts"
    names: list[str]
    converters: dict = field(default_factory=dict, repr=False)  # as ``_Statement``'s
    literal: str = ""  # on PostgreSQL: the text with every parameter but the ids written in


def _flatten(ids: dict[str, int | tuple[int, ...]]) -> list[int]:
    return [
        v
        for name in sorted(ids)
        for v in (ids[name] if isinstance(ids[name], tuple) else (ids[name],))
    ]


def _sentinels(ids: dict[str, int | tuple[int, ...]]) -> dict[str, int | tuple[int, ...]]:
    """The same structure as ``ids``, each id replaced by its own sentinel."""
    counter = iter(range(_FIRST_SENTINEL, _FIRST_SENTINEL + 10_000))
    out: dict[str, int | tuple[int, ...]] = {}
    for name in sorted(ids):
        value = ids[name]
        out[name] = (
            tuple(next(counter) for _ in value) if isinstance(value, tuple) else next(counter)
        )
    return out


def _prepare(build: Callable[..., QuerySet], ids: dict) -> _Prepared | None:
    marks = _sentinels(ids)
    queryset = build(**marks)
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except Exception:  # e.g. EmptyResultSet: compile each read (rare shapes only)
        return None
    flat = _flatten(marks)
    index = {mark: i for i, mark in enumerate(flat)}
    places = {p: index[v] for p, v in enumerate(params) if type(v) is int and v in index}
    if set(places.values()) != set(range(len(flat))):
        return None  # an id was transformed or dropped: its place cannot be found
    iterable = queryset._iterable_class.__name__
    kind = {
        "ModelIterable": "models",
        "ValuesListIterable": "tuples",
        "FlatValuesListIterable": "flat",
        "ValuesIterable": "dicts",
    }
    if iterable not in kind or query.combinator or queryset._prefetch_related_lookups:
        return None
    # The row's order, as Django's ValuesIterable reads it (``selected`` since Django 5.2:
    # the order values() named the columns in, annotations among them).
    names = list(query.selected or [])
    names = names or [*query.extra_select, *query.values_select, *query.annotation_select]
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(columns):
        return None  # read as the ORM reads it
    literal = ""
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        literal = compiled.literal_sql(connection, sql, params, frozenset(places))
    return _Prepared(
        compiler,
        sql,
        tuple(params),
        places,
        kind[iterable],
        names,
        converters=compiler.get_converters(columns),
        literal=literal,
    )


def prepared(key: tuple, build: Callable[..., QuerySet], **ids: int | tuple[int, ...]) -> list:
    """``list(build(**ids))``, compiled once per ``key`` and process. ``key`` must name all
    that the shape of ``build``'s queryset depends on besides ``ids`` (the day, flags, the
    number of ids in a tuple is added here); ``ids`` are the integers (or tuples of integers)
    that change from one deputy to the next. A model queryset gives model instances (with
    ``select_related`` objects and annotations), ``values_list`` tuples (or values if flat),
    ``values`` dicts."""
    shape = (
        key,
        tuple((n, len(v)) if isinstance(v, tuple) else (n, -1) for n, v in sorted(ids.items())),
    )
    queryset = None
    found = _PREPARED.get_or_make(shape, lambda: _prepare(build, ids))
    if found is None:
        queryset = build(**ids)
        return list(queryset)
    flat = _flatten(ids)
    using = found.compiler.using
    if found.literal:  # PostgreSQL: the kept text, the ids (in their order) its parameters
        values = tuple(flat[found.places[i]] for i in sorted(found.places))
        raw = run_kept(using, found.literal, values, frozenset(range(len(values))))
    else:
        params = tuple(
            flat[found.places[i]] if i in found.places else value
            for i, value in enumerate(found.params)
        )
        raw = run_kept(using, found.sql, params, frozenset(found.places))
    rows = _converted(using, found, raw)
    if found.kind == "tuples":
        return [tuple(row) for row in rows]
    if found.kind == "flat":
        return [row[0] for row in rows]
    if found.kind == "dicts":
        return [dict(zip(found.names, row, strict=True)) for row in rows]
    return compiled.instances(found.compiler, rows)
