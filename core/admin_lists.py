"""Admin changelists whose cost does not grow with the table.

Django's changelist counts every matching row on every page (``COUNT(*)``, twice with the
full result count), offers facet counts and sorts on any column a query string names. On a
ledger of a hundred thousand entries each of these reads the whole table. The pieces here
keep a list's work to the rows it shows:

- ``LargeTablePaginator`` never counts more than ``max_rows`` rows: an unfiltered list on
  PostgreSQL takes the planner's estimate of the table's size (no scan at all), any other list
  counts at most ``max_rows + 1`` rows and says "more than" past that. Paging stops at
  ``max_rows`` rows, so no page number asks the database to skip its way through the table.
- ``LargeListAdmin`` (a ``ModelAdmin`` mixin) uses that paginator, no full result count, no
  facets, and sorts only on the columns in ``sortable_by`` (a hand-typed ``o=`` on another
  column is ignored, as Django ignores an unknown one).
- ``subquery_count`` counts related rows per shown row (the database evaluates it for the
  rows on the page, not for the whole table as a ``Count`` join with ``GROUP BY`` does).
- ``DateYearFilter`` replaces ``date_hierarchy`` (``MIN``/``MAX`` and a ``DISTINCT`` over the
  years of every row) with a year filter read from an index.
"""

import functools
import math
from datetime import UTC, date, datetime, time
from urllib.parse import quote_plus

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import (
    get_fields_from_path,
    get_last_value_from_parameters,
    reverse_field_path,
)
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import (
    Count,
    IntegerField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import MULTI
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core import clock
from core.admin_list_parts import KeptMedia
from core.compiled import Kept, counts_union, rows_once, run_kept

# How many rows a count reads at most, and how far paging goes. Past it, filter or search.
MAX_ROWS = 10_000
# The years a year filter offers: whatever the data holds, within what a person could mean.
YEAR_MIN, YEAR_MAX = 2000, 2100


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


def estimate_or_count(queryset: QuerySet, max_rows: int) -> tuple[int | None, int | None]:
    """``(planner_estimate(queryset), None)`` where the estimate is past ``max_rows``, else
    ``(None, rows)`` with ``rows`` counted up to ``max_rows + 1``: one statement where
    Django would send two (the count runs only when the estimate is not past the limit)."""
    capped = queryset.order_by().values("pk")[: max_rows + 1]
    try:
        count_sql, count_params = capped.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return None, 0
    count_sql = f"SELECT COUNT(*) FROM ({count_sql}) subquery"
    # A prepared statement (``run_kept``): planned once per connection and text.
    if not _estimable(queryset):
        return None, run_kept(queryset.db, count_sql, count_params)[0][0]
    connection = connections[queryset.db]
    found = run_kept(
        queryset.db,
        f"SELECT e.estimate, CASE WHEN e.estimate > %s THEN NULL ELSE ({count_sql}) END"
        f" FROM ({ESTIMATE_SQL}) e (estimate)",
        [max_rows, *count_params, connection.ops.quote_name(queryset.model._meta.db_table)],
    )
    if not found:  # no such table in pg_class: count as any other list
        return None, run_kept(queryset.db, count_sql, count_params)[0][0]
    estimate, rows = found[0]
    if rows is None:
        return int(estimate), None
    return None, rows


class LargeTablePaginator(Paginator):
    """A paginator that reads at most ``max_rows`` rows to count (see the module's docstring).

    ``approximate`` says the count is the planner's estimate, ``capped`` that there are more
    than ``count`` rows; both are shown next to the count (``admin/pagination.html``)."""

    max_rows = MAX_ROWS

    approximate = False
    capped = False

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        estimate, rows = estimate_or_count(self.object_list, self.max_rows)
        if estimate is not None:
            self.approximate = True
            return estimate
        if rows > self.max_rows:
            self.capped = True
            return self.max_rows
        return rows

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
    ~3 ms to plan, ~1 ms to run). Counts, updates and other statements run as usual."""

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = super().get_compiler(using, connection, elide_empty)
        plain = compiler.connection.ops.compiler("SQLCompiler")
        if type(compiler) is plain and compiler.connection.vendor == "postgresql":
            compiler.execute_sql = functools.partial(_prepared_rows, compiler, compiler.execute_sql)
        return compiler


def _prepared_rows(compiler, execute_sql, result_type=MULTI, chunked_fetch=False, **kwargs):
    """``compiler.execute_sql`` with all the rows read at once through ``run_kept``."""
    if result_type != MULTI or chunked_fetch:
        return execute_sql(result_type, chunked_fetch, **kwargs)
    try:
        sql, params = compiler.as_sql()
        if not sql:
            raise EmptyResultSet
    except EmptyResultSet:
        return iter([])
    rows = run_kept(compiler.using, sql, params)
    if compiler.has_extra_select:  # as Django's cursor_iter trims them
        rows = [row[: compiler.col_count] for row in rows]
    return [rows]


def read_prepared(queryset: QuerySet) -> QuerySet:
    """``queryset`` (not yet read) with its rows read by a prepared statement (``PreparedQuery``):
    the same rows, model instances and query count."""
    if queryset._result_cache is not None or queryset.query.combinator:
        return queryset
    prepared = queryset._chain()
    prepared.query = queryset.query.chain(klass=PreparedQuery)
    return prepared


class SortableOnlyChangeList(ChangeList):
    """A changelist that sorts only on the columns its admin lets people sort on, and reads
    the page's rows through the admin's ``list_rows`` (see ``LargeListAdmin``)."""

    def get_results(self, request):
        """The page's rows from ``model_admin.list_rows(queryset)``: the columns the list shows
        (``only``), where ``cl.queryset`` (what actions and counts use) keeps whole rows."""
        whole = self.queryset
        self.queryset = self.model_admin.list_rows(whole)
        try:
            super().get_results(request)
        finally:
            self.queryset = whole
        if isinstance(self.result_list, QuerySet):
            self.result_list = read_prepared(self.result_list)
        loaded = getattr(self.model_admin, "list_rows_loaded", None)
        if loaded is not None and not self.list_editable:  # a formset needs the queryset
            rows = list(self.result_list)
            loaded(rows)
            self.result_list = rows

    def get_ordering(self, request, queryset):
        requested = self.params.get(ORDER_VAR)
        if requested:
            allowed = {
                index
                for index, name in enumerate(self.list_display)
                if name in self.sortable_by or name == "action_checkbox"
            }
            kept = [part for part in requested.split(".") if _column(part) in allowed]
            if kept:
                self.params[ORDER_VAR] = ".".join(kept)
            else:
                del self.params[ORDER_VAR]
        return super().get_ordering(request, queryset)


def _column(part: str) -> int | None:
    try:
        return int(part.rpartition("-")[2])
    except ValueError:
        return None


class LargeListAdmin:
    """A ``ModelAdmin`` mixin for lists of big tables (put it before ``admin.ModelAdmin``).

    Subclasses should name ``sortable_by``: the columns backed by an index, and may narrow the
    rows the page reads to its columns in ``list_rows``."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_changelist(self, request, **kwargs):
        return SortableOnlyChangeList

    @property
    def media(self):
        """The admin's media, its HTML written once per process (``KeptMedia``)."""
        return KeptMedia.of(super().media)

    def list_rows(self, queryset: QuerySet) -> QuerySet:
        """The queryset the changelist's page is read from (the filtered, sorted list): by
        default ``queryset`` itself. A list of a wide table returns ``queryset.only(...)`` the
        columns its cells and the rows' names read (and prefetches as narrow), so a page does
        not load and convert every column of every row and related row; the change page,
        actions and exports still read whole rows."""
        return queryset

    # ``list_rows_loaded(rows)``, where an admin defines it, is called with the page's rows (a
    # list) once they are read, to attach what the cells show of related rows in one query
    # (``names_by_row``) instead of a prefetch making a model per related row.
    list_rows_loaded = None


_BUILT = Kept()


def built_once_a_day(get_queryset):
    """Decorates a ``ModelAdmin.get_queryset`` that reads nothing of the request (its rows and
    annotations depend on the day at most): built once per day and process, each call a fresh
    copy. Building a list's annotations (correlated counts, the next session's date) cost
    0.5-1.2 ms a request, more than the database spent on the page's rows. The kept queryset
    is never evaluated; ``.all()`` copies it before anyone filters or reads it."""

    @functools.wraps(get_queryset)
    def kept(self, request):
        key = (type(self), self.admin_site.name, clock.today())
        return _BUILT.get_or_make(key, lambda: get_queryset(self, request)).all()

    return kept


def subquery_count(model, to_parent: str, **filters) -> Coalesce:
    """``annotate(n=subquery_count(EntryEvidence, "entry"))``: the number of ``model`` rows
    whose ``to_parent`` is the outer row (0 when none), as a correlated subquery."""
    rows = (
        model.objects.filter(**{to_parent: OuterRef("pk")}, **filters)
        .order_by()
        .values(to_parent)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if YEAR_MIN <= year <= YEAR_MAX else None


class DateYearFilter(admin.SimpleListFilter):
    """Filter by year a date or datetime field (``DateYearFilter.on("created_at")``) or an
    integer field holding a year (``DateYearFilter.on("year")``).

    The years offered run from the first to the last row's year, two index lookups
    (``MIN``/``MAX`` of an indexed column), where Django's own filters read every row
    (``date_hierarchy``, or the ``DISTINCT`` of a plain ``"year"`` filter); the filter is a
    range on the column, so it uses the same index. A year that is none (``?year=abc``) is
    Django's invalid-lookup page."""

    title = _("年份")
    parameter_name = "year"
    field_name = ""

    @classmethod
    def on(
        cls, field_name: str, parameter_name: str = "year", title=None
    ) -> type["DateYearFilter"]:
        return type(
            f"{field_name.title().replace('_', '')}YearFilter",
            (cls,),
            {
                "field_name": field_name,
                "parameter_name": parameter_name,
                "title": title or cls.title,
            },
        )

    def lookups(self, request, model_admin):
        model = model_admin.model
        rows = rows_once(
            ("admin:year-bounds", model._meta.label, self.field_name, router.db_for_read(model)),
            lambda: self._bounds(model),
        )
        if not rows or rows[0][0] is None:
            return []
        first, last = (_local_year(bound) for bound in rows[0])
        return [(str(y), str(y)) for y in range(last, first - 1, -1)]

    def _bounds(self, model) -> QuerySet:
        """``SELECT MIN(f), MAX(f)`` as ``aggregate`` writes it, as a queryset (so that it is
        compiled once): grouped by a constant, which Django leaves out of the statement."""
        return (
            model._default_manager.order_by()
            .values(whole=Value(1, output_field=IntegerField()))
            .annotate(first=Min(self.field_name), last=Max(self.field_name))
            .values_list("first", "last")
        )

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        year = _year(self.value())
        if year is None:
            raise IncorrectLookupParameters(self.value())
        field = get_fields_from_path(queryset.model, self.field_name)[-1]  # "day__date" too
        if field.get_internal_type() not in ("DateField", "DateTimeField"):
            return queryset.filter(**{self.field_name: year})
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        if field.get_internal_type() == "DateTimeField":
            start, end = (timezone.make_aware(datetime.combine(d, time.min)) for d in (start, end))
        return queryset.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": end})


class IndexedValuesFilter(admin.SimpleListFilter):
    """Django's filter of a column's values (``list_filter = ("kind",)``), with the values read
    by skipping through the column's index (a recursive ``MIN(x) WHERE x > previous``, one
    index probe per distinct value) instead of a ``DISTINCT`` over every row; same parameter
    name as Django's (the field's name). ``IndexedValuesFilter.on("kind", title)``."""

    field_name = ""

    @classmethod
    def on(cls, field_name: str, title) -> type["IndexedValuesFilter"]:
        return type(
            f"{field_name.title().replace('_', '')}ValuesFilter",
            (cls,),
            {"field_name": field_name, "parameter_name": field_name, "title": title},
        )

    def lookups(self, request, model_admin):
        model = model_admin.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        table, column = (
            quote(model._meta.db_table),
            quote(model._meta.get_field(self.field_name).column),
        )
        values = run_kept(  # a prepared statement: planned once per connection
            connection.alias,
            f"WITH RECURSIVE t(v) AS (SELECT MIN({column}) FROM {table}"
            f" UNION ALL SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > t.v)"
            " FROM t WHERE t.v IS NOT NULL) SELECT v FROM t WHERE v IS NOT NULL",
            (),
        )
        return [(value, value) for (value,) in values]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(**{self.field_name: self.value()})


class KeptValuesFilter(admin.AllValuesFieldListFilter):
    """Django's filter of a column's values (``list_filter = (("year", KeptValuesFilter),)``:
    the same parameters, choices and HTML) with the values read by a statement compiled once
    per process and run afresh on every page, where Django's builds the admin's whole
    queryset (its annotations and prefetches) to take the column's ``DISTINCT`` from it. For
    a plain column of an admin whose ``get_queryset`` filters nothing by the request."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = field_path
        self.lookup_kwarg_isnull = f"{field_path}__isnull"
        self.lookup_val = params.get(self.lookup_kwarg)
        self.lookup_val_isnull = get_last_value_from_parameters(params, self.lookup_kwarg_isnull)
        self.empty_value_display = model_admin.get_empty_value_display()
        parent_model, _path = reverse_field_path(model, field_path)

        def values() -> QuerySet:  # as Django's filter asks them
            if model == parent_model:
                rows = model_admin.get_queryset(request)
            else:
                rows = parent_model._default_manager.all()
            return rows.distinct().order_by(field.name).values_list(field.name, flat=True)

        key = ("admin:column-values", model._meta.label, field_path, router.db_for_read(model))
        self.lookup_choices = [value for (value,) in rows_once(key, values)]
        admin.FieldListFilter.__init__(self, field, request, params, model, model_admin, field_path)


class NamedRelatedFilter(admin.RelatedFieldListFilter):
    """Django's filter on a foreign key (``list_filter = ("station",)``), its choices read with
    the columns the related rows' names need (``__str__``) instead of whole rows: a district
    has a hundred-odd stations, each row with timestamps and texts the sidebar never shows.
    ``list_filter = (("station", NamedRelatedFilter.reading("name")),)``."""

    name_columns: tuple[str, ...] = ()
    # The column that is the related row's ``str()`` (``NamedRelatedFilter.named("name")``):
    # the choices are read as pairs of values, no model made per choice.
    text_column: str | None = None

    @classmethod
    def reading(cls, *columns: str) -> type["NamedRelatedFilter"]:
        return type("NamedRelatedFilter", (cls,), {"name_columns": columns})

    @classmethod
    def named(cls, column: str = "name") -> type["NamedRelatedFilter"]:
        """For a related model whose ``__str__`` is ``column`` itself (``return self.name``;
        ``tests/core/test_admin_filter_choices.py`` holds every use to it)."""
        return type(
            "NamedRelatedFilter", (cls,), {"name_columns": (column,), "text_column": column}
        )

    def field_choices(self, field, request, model_admin):
        """``field.get_choices(include_blank=False, ordering=...)`` with ``only``; for a
        ``named`` filter, pairs of values from a statement compiled once per process and read
        afresh on every page (``core.compiled.rows_once``: no queryset built, no planning)."""
        ordering = tuple(self.field_admin_ordering(field, request, model_admin))
        limit = field.get_limit_choices_to()
        if self.text_column and not limit and all(type(o) is str for o in ordering):
            related = field.remote_field.model
            statement = ("admin:filter-choices", field.model._meta.label, field.name, ordering)
            return [
                tuple(row)
                for row in rows_once(
                    (*statement, self.text_column, router.db_for_read(related)),
                    lambda: self._choices(field, ordering, limit),
                )
            ]
        return list(self._choices(field, ordering, limit))

    def _choices(self, field, ordering: tuple, limit) -> QuerySet:
        """The related rows' keys and names (``values_list``), or the rows with the columns
        their ``str()`` needs, in ``ordering`` (else the related model's own)."""
        related = field.remote_field
        key = related.get_related_field().attname
        rows = related.model._default_manager.complex_filter(limit)
        if ordering:
            rows = rows.order_by(*ordering)
        if self.text_column:
            return rows.values_list(key, self.text_column)
        return [(getattr(row, key), str(row)) for row in rows.only(key, *self.name_columns)]

    def choices(self, changelist):
        """Django's choices, each choice's query string written from one built with a stand-in
        for the key (``get_query_string`` copies, sorts and encodes every parameter per choice:
        ~1 ms for a district's hundred-odd stations); the same strings. Django's own where
        facets are shown or the stand-in is ambiguous."""
        template = None
        if not changelist.add_facets:
            built = changelist.get_query_string(
                {self.lookup_kwarg: _KEY_STAND_IN}, [self.lookup_kwarg_isnull]
            )
            marker = f"{quote_plus(self.lookup_kwarg)}={_KEY_STAND_IN}"
            if built.count(_KEY_STAND_IN) == 1 and built.count(marker) == 1:
                head, _stand_in, tail = built.partition(_KEY_STAND_IN)
                template = (head, tail)
        if template is None:
            yield from super().choices(changelist)
            return
        head, tail = template
        lookup_val = self.lookup_val
        yield {
            "selected": lookup_val is None and not self.lookup_val_isnull,
            "query_string": changelist.get_query_string(
                remove=[self.lookup_kwarg, self.lookup_kwarg_isnull]
            ),
            "display": _("All"),
        }
        for pk_val, val in self.lookup_choices:
            yield {
                "selected": lookup_val is not None and str(pk_val) in lookup_val,
                "query_string": f"{head}{quote_plus(str(pk_val))}{tail}",
                "display": val,
            }
        if self.include_empty_choice:
            yield {
                "selected": bool(self.lookup_val_isnull),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]
                ),
                "display": self.empty_value_display,
            }


# Stands for a key in a query string built once per filter (letters and digits: no encoding).
_KEY_STAND_IN = "lvzhiKeyStandIn7e3c"


def _local_year(value) -> int:
    """The local year of a date or time as the database gives it (``rows_once`` reads raw
    values): SQLite gives ISO text, a time in UTC (``USE_TZ``)."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if len(value) == len("2026-01-01"):  # a date
            return int(value[:4])
        value = datetime.fromisoformat(value)
        if settings.USE_TZ and timezone.is_naive(value):
            value = value.replace(tzinfo=UTC)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.year


def counts_in_one_query(**querysets: QuerySet) -> dict[str, int]:
    """``{"disputes": 3, "rolls": 0}`` from ``counts_in_one_query(disputes=qs1, rolls=qs2)``:
    each queryset's ``COUNT`` as one labelled row of a ``UNION ALL``, so a desk card costs
    no query of its own. Each count is as cheap as its filter's index makes it."""
    rows = dict(counts_union(querysets)) if querysets else {}
    return {key: rows.get(key, 0) for key in querysets}
