"""Counts whose statement is compiled once and run afresh.

A page that asks the same counts on every visit (the cockpit's figures, the desk's cards)
spends as much building and compiling the querysets as the database spends counting them.
``counts_once(key, build)`` compiles ``build()``'s counts into one ``UNION ALL`` statement
(``core.admin_lists.counts_in_one_query``) the first time a ``key`` is seen in a process, and
on every call runs the kept SQL: the counts are always read fresh, only the text is kept. The
``key`` must name everything ``build`` depends on (the day, a setting), and ``build`` must read
no rows.
"""

import functools
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, Count, QuerySet, Value

_KEPT_MAX = 128  # keys name the day: when full, yesterday's go with the rest


class Kept(dict):
    """A process's memo of compiled statements (SQL text, never results), at most ``limit``
    keys: the keys name the day, so when it fills, yesterday's go with the rest."""

    def __init__(self, limit: int = _KEPT_MAX) -> None:
        super().__init__()
        self.limit = limit

    def get_or_make(self, key, make: Callable[[], Any]) -> Any:
        """The value kept for ``key``, made (and kept, even if None) on the first call."""
        if key in self:
            return self[key]
        value = make()
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


_KEPT = Kept()


@dataclass(frozen=True)
class Distinct:
    """A count of the distinct ``field`` values among ``rows``, as a count source of
    ``counts_union``: the suggestions that have an overdue check, counted in the same pass over
    the checks' index as the checks themselves. Counting the suggestions through ``EXISTS``
    instead made the database walk every suggestion (4.4 ms at district size, against 0.6)."""

    rows: QuerySet
    field: str


def counts_union(querysets: dict[str, "QuerySet | Distinct"]) -> QuerySet:
    """``(label, count)`` rows: each queryset's ``COUNT`` as one labelled row of a
    ``UNION ALL`` (at least one queryset); a ``Distinct`` source counts its field's distinct
    values. ``COUNT(*)``, the same number as ``COUNT(pk)`` (a row's key is never null): a
    count needing no column of the row can be answered from an index alone, where
    ``COUNT(id)`` made the database fetch every counted row (the cockpit's pending ledger
    entries: 1,185 rows; the desk's union at district size ~13 -> ~9 ms with its planning)."""
    parts = []
    for key, source in querysets.items():
        if isinstance(source, Distinct):
            rows, counted = source.rows, Count(source.field, distinct=True)
        else:
            rows, counted = source, Count("*")
        parts.append(
            rows.order_by()
            .values(desk_card=Value(key, output_field=CharField()))
            .annotate(n=counted)
            .values_list("desk_card", "n")
        )
    return parts[0].union(*parts[1:], all=True)


@dataclass(frozen=True)
class Rows:
    """A few rows (a ``values_list`` queryset: the open years' pending entries, the first
    unmarked session) as a source of ``union_sql``, read in the same statement as the counts:
    one labelled row whose third column is the rows as a JSON array. The desk read four such
    lists with a query each, a round trip apiece (~0.3-0.5 ms each at district size). The
    values pass through JSON: numbers and text come back as they were, a date would come back
    as text."""

    rows: QuerySet


def union_sql(querysets: dict[str, "QuerySet | Distinct | Rows"]) -> tuple[str, str, tuple]:
    """(database, sql, params) of ``counts_union``, the statement of ``counts_in_one_query``;
    with ``Rows`` sources, ``(label, count, rows)`` rows (``run_reads``)."""
    counted = {key: s for key, s in querysets.items() if not isinstance(s, Rows)}
    listed = {key: s for key, s in querysets.items() if isinstance(s, Rows)}
    if not listed:
        union = counts_union(counted)
        sql, params = union.query.get_compiler(using=union.db).as_sql()
        return union.db, sql, tuple(params)
    using = next(iter(listed.values())).rows.db
    parts, params = [], []
    if counted:
        union = counts_union(counted)
        sql, union_params = union.query.get_compiler(using=using).as_sql()
        parts.append(f"SELECT desk_counts.desk_card, desk_counts.n, NULL FROM ({sql}) desk_counts")
        params.extend(union_params)
    for key, source in listed.items():
        try:
            sql, rows_params = _json_rows_sql(source.rows, using)
        except EmptyResultSet:  # a filter that can match nothing (``pk__in=[]``)
            sql, rows_params = "NULL", []
        else:
            sql = f"({sql})"
        parts.append(f"SELECT %s, 0, {sql}")
        params.extend([key, *rows_params])
    return using, " UNION ALL ".join(parts), tuple(params)


def _json_rows_sql(queryset: QuerySet, using: str) -> tuple[str, list]:
    """The queryset's rows as one JSON array of arrays (NULL or ``[]`` when none), in its
    order: the compiled query named as a common table expression with numbered columns
    (PostgreSQL and SQLite both take a column list there, neither in a derived table's alias),
    aggregated in the order the expression gives its rows."""
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    columns = [f"desk_c{i}" for i in range(len(compiler.select))]
    postgres = connections[using].vendor == "postgresql"
    array, aggregate = (
        ("JSON_BUILD_ARRAY", "JSON_AGG") if postgres else ("JSON_ARRAY", "JSON_GROUP_ARRAY")
    )
    listed = ", ".join(columns)
    return (
        f"WITH desk_rows({listed}) AS ({sql}) SELECT {aggregate}({array}({listed})) FROM desk_rows",
        list(params),
    )


# Kept statements run as server-side prepared statements on PostgreSQL. The text is kept, but
# the database still parsed and planned the twenty-odd branches of the desk's counts on every
# visit: ~4 ms at demo size and ~5 ms at district size, more than running them. Prepared, a
# statement is planned on its first five runs on a connection, then keeps a generic plan for
# the connection's life (CONN_MAX_AGE, ten minutes), and is run with its moving parameters;
# everything else is written into its text as literals, so the plan is the one the plain
# statement gets. psycopg keeps the connection's prepared statements (its
# ``prepare_threshold`` is None for Django's own cursors, set for this call alone), as
# ``deputies.facts.run_kept`` does for the deputy's reads: it forgets and drops them all on a
# rollback, and prepares again when a statement is not known.

_PLACEHOLDER = re.compile(r"%[s%]")
_LITERAL = Kept()


def literal_sql(connection, sql: str, params: Sequence, moving: frozenset[int]) -> str:
    """``sql`` with every parameter but those at the ``moving`` positions written in as a
    literal (the day's dates, statuses, years), ``%s`` left for the moving ones; written once
    per statement and fixed values."""
    fixed = repr(tuple(p for i, p in enumerate(params) if i not in moving))
    return _LITERAL.get_or_make(
        (connection.alias, sql, moving, fixed),
        lambda: _write_literals(connection, sql, params, moving),
    )


def _write_literals(connection, sql: str, params: Sequence, moving: frozenset[int]) -> str:
    position = iter(range(len(params)))

    def write(match: re.Match) -> str:
        if match.group() == "%%":
            return "%%"
        i = next(position)
        if i in moving:
            return "%s"
        return connection.ops.compose_sql("%s", [params[i]]).replace("%", "%%")

    return _PLACEHOLDER.sub(write, sql)


def run_kept(
    using: str, sql: str, params: Sequence, moving: Sequence[int] = (), *, prepare: bool = True
) -> list[tuple]:
    """The rows of a kept statement (``sql`` with ``params``, Django's ``%s`` style), as the
    database gives them. On PostgreSQL a prepared statement of the connection, its parameters
    the values at the ``moving`` positions (the others written in); logged as Django logs its
    queries, so query counts are the same. ``prepare=False`` (a statement compiled for one
    use) or another database: an ordinary cursor."""
    connection = connections[using]
    if not prepare or connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    moving = frozenset(moving)
    text = literal_sql(connection, sql, params, moving)
    values = tuple(params[i] for i in sorted(moving))
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    raw = connection.connection
    start = time.monotonic()

    def execute(sql, params, many, context) -> list[tuple]:
        with connection.wrap_database_errors:
            threshold = raw.prepare_threshold
            raw.prepare_threshold = 0
            try:
                with psycopg.Cursor(raw) as cursor:
                    cursor.execute(sql, params, prepare=True)
                    return cursor.fetchall()
            finally:
                raw.prepare_threshold = threshold

    # The connection's execute wrappers (Django's ``execute_wrapper``: query timers, guards)
    # see a kept statement as they see any other.
    for wrapper in reversed(connection.execute_wrappers):
        execute = functools.partial(wrapper, execute)
    rows = execute(text, values, False, {"connection": connection, "cursor": None})
    if connection.queries_logged:
        connection.queries_log.append(
            {
                "sql": connection.ops.compose_sql(text, values),
                "time": f"{time.monotonic() - start:.3f}",
            }
        )
    return rows


def run_counts(
    using: str, sql: str, params, names, moving: Sequence[int] = (), *, prepare: bool = True
) -> dict[str, int]:
    """``{name: count}`` from a kept ``union_sql`` statement (``run_kept``)."""
    rows = dict(run_kept(using, sql, params, moving, prepare=prepare))
    return {name: rows.get(name, 0) for name in names}


def run_reads(
    using: str,
    sql: str,
    params,
    names,
    listed: frozenset[str],
    moving: Sequence[int] = (),
    *,
    prepare: bool = True,
) -> dict[str, Any]:
    """``{name: count}``, and ``{name: [row, ...]}`` for the ``listed`` names (``Rows``
    sources: tuples, or values of a flat ``values_list``), from a ``union_sql`` statement."""
    found = run_kept(using, sql, params, moving, prepare=prepare)
    if not listed:
        rows = dict(found)
        return {name: rows.get(name, 0) for name in names}
    counts = {row[0]: row[1] for row in found}
    lists = {row[0]: row[2] for row in found}
    return {
        name: _listed(lists.get(name)) if name in listed else counts.get(name, 0) for name in names
    }


def reads_in_one_query(sources: dict[str, "QuerySet | Distinct | Rows"]) -> dict[str, Any]:
    """``run_reads`` of ``union_sql(sources)``, compiled for this one use: a panel read on its
    own gets what the desk's statement gives it."""
    if not sources:
        return {}
    using, sql, params = union_sql(sources)
    listed = frozenset(key for key, source in sources.items() if isinstance(source, Rows))
    return run_reads(using, sql, params, tuple(sources), listed, prepare=False)


_READS = Kept()


def reads_once(key: tuple, build: Callable[[], dict[str, "QuerySet | Distinct | Rows"]]) -> dict:
    """``reads_in_one_query(build())``, compiled once per ``key`` and process (a prepared
    statement on PostgreSQL, ``run_kept``) and read afresh; ``key`` names all that ``build``
    depends on (the day)."""
    kept = _READS.get_or_make(key, lambda: _reads_statement(build()))
    if kept is None:
        return {}
    using, sql, params, names, listed = kept
    return run_reads(using, sql, params, names, listed)


def _reads_statement(sources: dict) -> tuple | None:
    if not sources:
        return None
    listed = frozenset(key for key, source in sources.items() if isinstance(source, Rows))
    return (*union_sql(sources), tuple(sources), listed)


def _listed(value) -> list:
    """The JSON array of ``_json_rows_sql`` as Python rows (the driver may give it as text)."""
    if value is None:
        return []
    if isinstance(value, str | bytes):
        value = json.loads(value)
    return [tuple(row) for row in value]


def counts_once(key: tuple, build: Callable[[], dict[str, QuerySet]]) -> dict[str, int]:
    """``counts_in_one_query(**build())``, compiled once per ``key`` and process."""
    kept = _KEPT.get_or_make(key, lambda: _counts_statement(build()))
    return run_counts(*kept) if kept is not None else {}


def _counts_statement(querysets: dict[str, QuerySet]) -> tuple | None:
    return (*union_sql(querysets), tuple(querysets)) if querysets else None


_ROWS = Kept()


def rows_once(key: tuple, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of ``build()`` as the database gives them (no conversion: for ids, counts and
    labels), compiled once per ``key`` and process (a ``UNION`` too); read afresh."""
    return run_kept(*_ROWS.get_or_make(key, lambda: _statement(build())))


def _statement(queryset: QuerySet) -> tuple[str, str, tuple]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return queryset.db, sql, tuple(params)


def without_parallel_workers(using: str = "default") -> None:
    """For the rest of the request's transaction, PostgreSQL plans no parallel workers.

    A page of counts (the cockpit, the desk) reads a few thousand index entries per count;
    at district size the planner judged some of them big enough to hand to two workers, and
    starting the workers cost 4-5 times the count itself (the cockpit's ledger figures: 17 ms
    with workers, 4 ms without). ``SET LOCAL`` ends with the transaction, so other pages keep
    the server's setting; a reading view runs outside one (``core.middleware.
    ReadsOutsideTransactionMiddleware``) unless it is ``transaction.atomic``. Outside a
    transaction, or on another database, this does nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def instances(compiler, rows: list) -> list:
    """Model instances from the compiled rows, as Django's ``ModelIterable`` makes them."""
    from django.db.models.query import get_related_populators

    db = compiler.using
    select, klass_info, annotation_col_map = (
        compiler.select,
        compiler.klass_info,
        compiler.annotation_col_map,
    )
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, db)
    objects = []
    for row in rows:
        obj = model.from_db(db, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotation_col_map.items():
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects
