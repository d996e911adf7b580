"""How a big admin list reads its page: counted as far as it shows, read by prepared
statements, and for the plain opening of a list (no filter, no search) planned once.

- ``LargeTablePaginator`` never counts more than ``max_rows`` rows: an unfiltered list on
  PostgreSQL of a table past ``exact_up_to`` rows takes the planner's estimate of the table's
  size (no scan at all), any other list counts at most ``max_rows + 1`` rows and says "more
  than" past that. Paging stops at ``max_rows`` rows, so no page number asks the database to
  skip its way through the table.
- ``read_prepared`` reads a page's rows by a prepared statement (``PreparedQuery``).
- ``ListPlan``: the list as a clerk opens it (at most a sort and a page in the query string)
  is the same query every time, for a day: its queryset, its count's statement and its
  page's statement are made once per process, list, day, language and sort, and run with
  fresh results (see ``core.admin_lists.SortableOnlyChangeList``).
"""

import functools
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql import Query
from django.db.models.sql.constants import MULTI
from django.utils.functional import cached_property

from core.compiled import Kept, run_kept

# How many rows a count reads at most, and how far paging goes. Past it, filter or search.
MAX_ROWS = 10_000
# Past this many rows an unfiltered list shows the planner's estimate of its table ("约 N"):
# counting the rows, even from an index, costs ~0.1 ms a thousand (an opinions list of 5,000
# rows spent 0.9 ms of its page counting them on every visit). A filtered list still counts
# up to ``MAX_ROWS``: the filter keeps its rows few, and the clerk asked for that number.
EXACT_UP_TO = 1_000


ESTIMATE_SQL = (
    "SELECT CASE WHEN c.relpages > 0 THEN c.reltuples / c.relpages"
    " * (pg_relation_size(c.oid) / current_setting('block_size')::int)"
    " ELSE c.reltuples END FROM pg_class c WHERE c.oid = %s::regclass"
)


def _estimable(queryset: QuerySet) -> bool:
    """Whether the planner's estimate of the table is the size of ``queryset``: on
    PostgreSQL, a query that is not filtered, distinct, grouped, combined or sliced."""
    query = queryset.query
    return not (
        connections[queryset.db].vendor != "postgresql"
        or query.where
        or query.distinct
        or query.combinator
        or query.is_sliced
        or query.group_by is not None
        or query.extra
    )


def planner_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows of ``queryset``'s table (as its planner makes it:
    tuples per page times the pages the table has now), or None where there is none to use:
    another database, a filtered, distinct, grouped or combined query."""
    if not _estimable(queryset):
        return None
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(ESTIMATE_SQL, [connection.ops.quote_name(queryset.model._meta.db_table)])
        row = cursor.fetchone()
    return None if row is None or row[0] is None or row[0] < 0 else int(row[0])


# Statements of a list's plain opening, kept per plan key (``core.admin_lists``: the list, its
# admin site, the day, the language, the sort); the keys name the day, so when the memo is full
# yesterday's go with the rest. Only SQL text and how to read its columns, never a result.
_PLANS = Kept(limit=256)
PLAN_ATTRIBUTE = "_lvzhi_plan_key"  # on the one QuerySet object a plan belongs to (not copies)


@dataclass(frozen=True)
class _CountStatement:
    count_sql: str | None  # None: the query can match nothing
    count_params: tuple = ()
    estimate_sql: str | None = None  # with the table's estimate (an unfiltered list)
    estimate_params: tuple = ()


def _count_statement(queryset: QuerySet, max_rows: int, exact_up_to: int) -> _CountStatement:
    capped = queryset.order_by().values("pk")[: max_rows + 1]
    try:
        count_sql, count_params = capped.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return _CountStatement(None)
    count_sql = f"SELECT COUNT(*) FROM ({count_sql}) subquery"
    if not _estimable(queryset):
        return _CountStatement(count_sql, tuple(count_params))
    table = connections[queryset.db].ops.quote_name(queryset.model._meta.db_table)
    return _CountStatement(
        count_sql,
        tuple(count_params),
        f"SELECT e.estimate, CASE WHEN e.estimate > %s THEN NULL ELSE ({count_sql}) END"
        f" FROM ({ESTIMATE_SQL}) e (estimate)",
        (exact_up_to, *count_params, table),
    )


def estimate_or_count(
    queryset: QuerySet,
    max_rows: int,
    *,
    plan_key: tuple | None = None,
    exact_up_to: int | None = None,
) -> tuple[int | None, int | None]:
    """``(planner_estimate(queryset), None)`` where the estimate is past ``exact_up_to``
    (by default ``max_rows``), else ``(None, rows)`` with ``rows`` counted up to
    ``max_rows + 1``: one statement where Django would send two (the count runs only when the
    estimate is not past the limit).
    Run as a prepared statement (``run_kept``: planned once per connection and text); with a
    ``plan_key`` (a list's plain opening) the statement is also compiled once."""
    exact_up_to = max_rows if exact_up_to is None else min(exact_up_to, max_rows)
    if plan_key is None:
        statement = _count_statement(queryset, max_rows, exact_up_to)
    else:
        key = (*plan_key, "count", max_rows, exact_up_to)
        statement = _PLANS.get_or_make(
            key, lambda: _count_statement(queryset, max_rows, exact_up_to)
        )
    if statement.count_sql is None:
        return None, 0
    if statement.estimate_sql is not None:
        found = run_kept(queryset.db, statement.estimate_sql, statement.estimate_params)
        if found:  # else no such table in pg_class: count as any other list
            estimate, rows = found[0]
            return (int(estimate), None) if rows is None else (None, rows)
    return None, run_kept(queryset.db, statement.count_sql, statement.count_params)[0][0]


class LargeTablePaginator(Paginator):
    """A paginator that reads at most ``max_rows`` rows to count (see the module's docstring).

    ``approximate`` says the count is the planner's estimate, ``capped`` that there are more
    than ``count`` rows; both are shown next to the count (``admin/pagination.html``), and
    ``past_paging`` whether rows lie beyond the pages offered."""

    max_rows = MAX_ROWS
    exact_up_to = EXACT_UP_TO

    approximate = False
    capped = False

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        plan_key = getattr(self.object_list, PLAN_ATTRIBUTE, None)
        estimate, rows = estimate_or_count(
            self.object_list, self.max_rows, plan_key=plan_key, exact_up_to=self.exact_up_to
        )
        if estimate is not None:
            self.approximate = True
            return estimate
        if rows > self.max_rows:
            self.capped = True
            return self.max_rows
        return rows

    @property
    def past_paging(self) -> bool:
        """Whether rows lie beyond the pages offered (the list says to filter or search)."""
        return self.capped or (self.approximate and self.count > self.max_rows)

    @cached_property
    def num_pages(self) -> int:
        """Pages up to ``max_rows`` rows only: a deeper page is an OFFSET through the table."""
        reachable = min(self.count, self.max_rows)
        if reachable == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, reachable - self.orphans)
        return math.ceil(hits / self.per_page)


class PreparedQuery(Query):
    """A query whose rows (``execute_sql`` of a plain ``SELECT``, read whole) are read by a
    prepared statement of the connection, its values written in (``core.compiled.run_kept``):
    PostgreSQL plans a list page's statement once per connection and text, where planning
    it took longer than running it (the opinions' page: four joins and four subqueries,
    ~3 ms to plan, ~1 ms to run). Counts, updates and other statements run as usual.

    ``plan_key`` (a list's plain opening, its page's slice): the statement and what Django
    learns compiling it (the columns and how to make models of them) are kept, so the same
    page compiles once per process and plan (compiling a list's page took 0.5-1 ms)."""

    plan_key: tuple | None = None

    def clone(self):
        """A copy is another query (filtered, reordered, counted): it names no plan."""
        obj = super().clone()
        obj.plan_key = None
        return obj

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = super().get_compiler(using, connection, elide_empty)
        plain = compiler.connection.ops.compiler("SQLCompiler")
        if type(compiler) is plain and compiler.connection.vendor == "postgresql":
            # Its class rather than a function kept on the compiler: a compiler holding a
            # function bound to itself is a reference cycle, left for the garbage collector.
            compiler.__class__ = _prepared_compiler(plain)
        return compiler


@functools.cache
def _prepared_compiler(plain: type) -> type:
    """The database's ``SQLCompiler`` reading its rows through ``_prepared_rows``."""

    class PreparedCompiler(plain):
        def execute_sql(self, result_type=MULTI, chunked_fetch=False, **kwargs):
            if result_type != MULTI or chunked_fetch:
                return super().execute_sql(result_type, chunked_fetch, **kwargs)
            return _prepared_rows(self)

        def get_converters(self, expressions):
            """A kept page's converters (what turns each column's database value into the
            model's), kept with its statement: Django works them out for every column on every
            read (~0.5 million instructions a list page at district scale). Only for the
            statement's own columns; any other expressions are Django's question."""
            key = self.query.plan_key
            columns = self.select[: self.col_count] if key is not None else ()
            if (
                key is None
                or len(expressions) != len(columns)
                or any(e is not c[0] for e, c in zip(expressions, columns, strict=True))
            ):
                return super().get_converters(expressions)
            plain_converters = super().get_converters
            return _PLANS.get_or_make(
                (*key, "converters", self.connection.alias),
                lambda: plain_converters(expressions),
            )

    return PreparedCompiler


@dataclass(frozen=True)
class _RowsStatement:
    sql: str | None  # None: the query can match nothing
    params: tuple
    # What compiling set on the compiler, read by Django's iterables to make the rows.
    select: Any
    klass_info: Any
    annotation_col_map: Any
    col_count: int
    has_extra_select: bool


def _compile_rows(compiler) -> _RowsStatement:
    try:
        sql, params = compiler.as_sql()
        if not sql:
            raise EmptyResultSet
    except EmptyResultSet:
        sql, params = None, ()
    return _RowsStatement(
        sql,
        tuple(params),
        compiler.select,
        compiler.klass_info,
        compiler.annotation_col_map,
        getattr(compiler, "col_count", 0),
        getattr(compiler, "has_extra_select", False),
    )


def _rows_statement(compiler) -> _RowsStatement:
    key = compiler.query.plan_key
    if key is None:
        return _compile_rows(compiler)
    statement = _PLANS.get(key)
    if statement is None:
        statement = _PLANS.get_or_make(key, lambda: _compile_rows(compiler))
    else:  # as compiling would have set them
        compiler.select = statement.select
        compiler.klass_info = statement.klass_info
        compiler.annotation_col_map = statement.annotation_col_map
        compiler.col_count = statement.col_count
        compiler.has_extra_select = statement.has_extra_select
    return statement


def _prepared_rows(compiler) -> list:
    """``compiler.execute_sql()``'s rows (one chunk), read at once through ``run_kept``."""
    statement = _rows_statement(compiler)
    if statement.sql is None:
        return iter([])
    rows = run_kept(compiler.using, statement.sql, statement.params)
    if statement.has_extra_select:  # as Django's cursor_iter trims them
        rows = [row[: statement.col_count] for row in rows]
    return [rows]


def read_prepared(queryset: QuerySet, *, plan_key: tuple | None = None) -> QuerySet:
    """``queryset`` (not yet read) with its rows read by a prepared statement (``PreparedQuery``):
    the same rows, model instances and query count.
    ``plan_key``: the query is exactly the one this key named before (a list's plain opening
    and its page's slice), compile it once."""
    if queryset._result_cache is not None or queryset.query.combinator:
        return queryset
    prepared = queryset._chain()
    prepared.query = queryset.query.chain(klass=PreparedQuery)
    prepared.query.plan_key = plan_key
    return prepared


def kept_plan(key: tuple, build):
    """The kept value of a plan ``key`` (``build()`` the first time)."""
    return _PLANS.get_or_make(key, build)


def forget_plans() -> None:
    """Forget every kept plan (tests; a process never needs to)."""
    _PLANS.clear()
