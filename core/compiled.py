"""Counts whose statement is compiled once and run afresh.

A page that asks the same counts on every visit (the cockpit's figures, the desk's cards)
spends as much building and compiling the querysets as the database spends counting them.
``counts_once(key, build)`` compiles ``build()``'s counts into one ``UNION ALL`` statement
(``core.admin_lists.counts_in_one_query``) the first time a ``key`` is seen in a process, and
on every call runs the kept SQL: the counts are always read fresh, only the text is kept. The
``key`` must name everything ``build`` depends on (the day, a setting), and ``build`` must read
no rows.
"""

from collections.abc import Callable

from django.db import connections
from django.db.models import CharField, Count, QuerySet, Value

_KEPT: dict[tuple, tuple[str, str, tuple, tuple[str, ...]]] = {}
_KEPT_MAX = 128  # keys name the day: when full, yesterday's go with the rest


def union_sql(querysets: dict[str, QuerySet]) -> tuple[str, str, tuple]:
    """(database, sql, params) of the counts of ``querysets`` as one labelled ``UNION ALL``,
    the statement of ``counts_in_one_query``."""
    parts = [
        qs.order_by()
        .values(desk_card=Value(key, output_field=CharField()))
        .annotate(n=Count("pk"))
        .values_list("desk_card", "n")
        for key, qs in querysets.items()
    ]
    union = parts[0].union(*parts[1:], all=True)
    sql, params = union.query.get_compiler(using=union.db).as_sql()
    return union.db, sql, tuple(params)


def run_counts(using: str, sql: str, params, names) -> dict[str, int]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = dict(cursor.fetchall())
    return {name: rows.get(name, 0) for name in names}


def counts_once(key: tuple, build: Callable[[], dict[str, QuerySet]]) -> dict[str, int]:
    """``counts_in_one_query(**build())``, compiled once per ``key`` and process."""
    kept = _KEPT.get(key)
    if kept is None:
        querysets = build()
        if not querysets:
            return {}
        kept = (*union_sql(querysets), tuple(querysets))
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()
        _KEPT[key] = kept
    return run_counts(*kept)


_ROWS: dict[tuple, tuple[str, str, tuple]] = {}


def rows_once(key: tuple, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of ``build()`` as the database gives them (no conversion: for ids, counts and
    labels), compiled once per ``key`` and process (a ``UNION`` too); read afresh."""
    kept = _ROWS.get(key)
    if kept is None:
        queryset = build()
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        kept = (queryset.db, sql, tuple(params))
        if len(_ROWS) >= _KEPT_MAX:
            _ROWS.clear()
        _ROWS[key] = kept
    using, sql, params = kept
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def without_parallel_workers(using: str = "default") -> None:
    """For the rest of the request's transaction, PostgreSQL plans no parallel workers.

    A page of counts (the cockpit, the desk) reads a few thousand index entries per count;
    at district size the planner judged some of them big enough to hand to two workers, and
    starting the workers cost 4-5 times the count itself (the cockpit's ledger figures: 17 ms
    with workers, 4 ms without). ``SET LOCAL`` ends with the transaction (``ATOMIC_REQUESTS``),
    so other pages keep the server's setting; outside a transaction, or on another database,
    this does nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
