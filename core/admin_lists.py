"""Admin changelists whose cost does not grow with the table.

Django's changelist counts every matching row on every page (``COUNT(*)``, twice with the
full result count), offers facet counts and sorts on any column a query string names. On a
ledger of a hundred thousand entries each of these reads the whole table. The pieces here
keep a list's work to the rows it shows:

- ``LargeListAdmin`` (a ``ModelAdmin`` mixin) counts with ``core.admin_reading.
  LargeTablePaginator`` (never more than ``max_rows`` rows), shows no full result count and no
  facets, and sorts only on the columns in ``sortable_by`` (a hand-typed ``o=`` on another
  column is ignored, as Django ignores an unknown one). Its changelist reads the page by a
  prepared statement and plans the list's plain opening once (``SortableOnlyChangeList``).
- ``subquery_count`` counts related rows per shown row (the database evaluates it for the
  rows on the page, not for the whole table as a ``Count`` join with ``GROUP BY`` does).
- ``DateYearFilter`` replaces ``date_hierarchy`` (``MIN``/``MAX`` and a ``DISTINCT`` over the
  years of every row) with a year filter read from an index.
"""

import functools
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
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.core.exceptions import EmptyResultSet
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
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import clock
from core.admin_list_parts import KeptMedia, query_key
from core.admin_page_size import PAGE_SIZES, PER_PAGE_VAR, rows_per_page
from core.admin_reading import PLAN_ATTRIBUTE, LargeTablePaginator, kept_plan, read_prepared
from core.compiled import Kept, counts_union, rows_once, run_kept

# The years a year filter offers: whatever the data holds, within what a person could mean.
YEAR_MIN, YEAR_MAX = 2000, 2100


class SortableOnlyChangeList(ChangeList):
    """A changelist that sorts only on the columns its admin lets people sort on, and reads
    the page's rows through the admin's ``list_rows`` (see ``LargeListAdmin``) by a prepared
    statement.

    **The plain opening of a list** (the query string holds at most a sort and a page: how a
    clerk opens it from the menu or a card) builds the same query every time for the day:
    the root queryset (``built_once_a_day`` or Django's own), no filter applied, no search,
    the sort. Its queryset, its rows' queryset (``list_rows``), its count's statement and
    each page's statement are kept per list, admin site, day, language, columns and sort
    (``core.admin_reading``; building and compiling them cost 1.5-2 ms a request, more than
    the database spent on the page) and run with fresh results. The filter sidebar is read
    afresh. A list whose queryset reads the request, whose filters narrow it with nothing
    asked, a search, a filter, a popup or ``list_editable`` take Django's way every time."""

    plan_key: tuple | None = None

    def get_queryset(self, request, exclude_parameters=None):
        self._keep_sortable_ordering()
        key = self._plan_key(request, exclude_parameters)
        if key is None:
            return super().get_queryset(request, exclude_parameters)
        kept = kept_plan((*key, "queryset"), lambda: self._planned_queryset(request))
        if kept is None:  # a filter narrows the list unasked: plan nothing
            return super().get_queryset(request, exclude_parameters)
        # As Django's get_queryset sets them: the filters (read afresh), nothing to clear.
        (
            self.filter_specs,
            self.has_filters,
            remaining,
            _duplicates,
            self.has_active_filters,
        ) = self.get_filters(request)
        self.clear_all_filters_qs = self.get_query_string(
            new_params=remaining, remove=self.get_filters_params()
        )
        self.plan_key = key
        return kept.all()

    def _planned_queryset(self, request) -> QuerySet | None:
        """The list's queryset, if no filter changes it with nothing chosen (Django's field
        filters return a copy filtered by nothing: the same statement)."""
        queryset = super().get_queryset(request)
        probe = self.root_queryset
        for spec in self.filter_specs:
            narrowed = spec.queryset(request, probe)
            if narrowed is None or narrowed is probe:
                continue
            try:
                if str(narrowed.query) != str(probe.query):
                    return None
            except EmptyResultSet:
                return None
        return queryset

    def _plan_key(self, request, exclude_parameters) -> tuple | None:
        if (
            exclude_parameters is not None
            or request.method != "GET"
            or self.is_popup
            or self.query
            or self.list_editable
            or not set(request.GET) <= {ORDER_VAR, PAGE_VAR, PER_PAGE_VAR}
            or not _plain_root(self.model_admin)
        ):
            return None
        return (
            type(self.model_admin),
            self.model_admin.admin_site.name,
            clock.today(),
            get_language(),
            tuple(self.list_display),
            repr(self.list_select_related),
            self.params.get(ORDER_VAR, ""),
        )

    def get_filters_params(self, params=None):
        """The lookups of the query string: all Django's, less the page size (not a filter)."""
        lookups = super().get_filters_params(params)
        lookups.pop(PER_PAGE_VAR, None)
        return lookups

    def page_size_choices(self) -> list[tuple[int, str | None]]:
        """Each page size offered, with the link to the list's first page at that size (None
        for the size shown); the filters, search and sort kept. None for a list that fits on
        the smallest page."""
        if self.result_count <= PAGE_SIZES[0]:
            return []
        return [
            (
                size,
                None if size == self.list_per_page else self.get_query_string({PER_PAGE_VAR: size}),
            )
            for size in PAGE_SIZES
        ]

    def get_results(self, request):
        """The page's rows from ``model_admin.list_rows(queryset)``: the columns the list shows
        (``only``), where ``cl.queryset`` (what actions and counts use) keeps whole rows; as
        many as the clerk chose to see (``core.admin_page_size``)."""
        self.list_per_page = rows_per_page(request, self.list_per_page)
        whole = self.queryset
        if self.plan_key is None:
            self.queryset = self.model_admin.list_rows(whole)
        else:
            # The plain opening's columns are the same every time: kept with its plan (the
            # annotations a list's rows carry cost ~1 ms to build), run as a fresh copy.
            rows = kept_plan(
                (*self.plan_key, "list_rows"), lambda: self.model_admin.list_rows(whole)
            )
            self.queryset = rows.all()
            setattr(self.queryset, PLAN_ATTRIBUTE, self.plan_key)  # this object only
        try:
            super().get_results(request)
        finally:
            self.queryset = whole
        if isinstance(self.result_list, QuerySet):
            page = None
            if self.plan_key is not None:
                query = self.result_list.query
                page = (*self.plan_key, "rows", query.low_mark, query.high_mark)
            self.result_list = read_prepared(self.result_list, plan_key=page)
        loaded = getattr(self.model_admin, "list_rows_loaded", None)
        if loaded is not None and not self.list_editable:  # a formset needs the queryset
            rows = list(self.result_list)
            loaded(rows)
            self.result_list = rows

    def get_ordering(self, request, queryset):
        self._keep_sortable_ordering()
        return super().get_ordering(request, queryset)

    def _keep_sortable_ordering(self) -> None:
        """The sort asked for (``o=``), without the columns the list does not sort on."""
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


def _plain_root(model_admin) -> bool:
    """Whether the admin's queryset depends on nothing of the request: Django's own, or one
    built once a day (``built_once_a_day``)."""
    get_queryset = type(model_admin).get_queryset
    return get_queryset is admin.ModelAdmin.get_queryset or getattr(
        get_queryset, "built_once_a_day", False
    )


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
    # A screen at a time; 50 or 100 on request, remembered (core.admin_page_size).
    list_per_page = PAGE_SIZES[0]
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

    kept.built_once_a_day = True  # read by the changelist's plan (``_plain_root``)
    return kept


def forget_built() -> None:
    """Forget every kept queryset (tests; a process never needs to)."""
    _BUILT.clear()


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
        afresh on every page (``core.compiled.rows_once``: no queryset built, no planning); for
        a ``reading`` filter of plain columns (the deputies' terms), the rows' columns the same
        way and each name ``str()`` of an instance made of them (building and compiling the
        queryset cost ~0.3 ms a page)."""
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
        columns = self._plain_columns(field) if not limit else None
        if columns is not None and all(type(o) is str for o in ordering):
            # The rows' columns from a kept statement, each row's name from its instance.
            related = field.remote_field.model
            using = router.db_for_read(related)
            statement = ("admin:filter-rows", field.model._meta.label, field.name, ordering)
            key = field.remote_field.get_related_field().attname
            rows = rows_once(
                (*statement, columns, using),
                lambda: self._rows(field, ordering, columns),
            )
            made = (related.from_db(using, columns, row) for row in rows)
            return [(getattr(row, key), str(row)) for row in made]
        return list(self._choices(field, ordering, limit))

    def _plain_columns(self, field) -> tuple[str, ...] | None:
        """The columns a ``reading`` filter's rows are made of (the key, the primary key and
        the name's columns, in the model's field order, as ``from_db`` takes them), where the
        database gives each value as Django would (numbers and text: no converter); else
        None (a queryset per page)."""
        related = field.remote_field.model
        wanted = {related._meta.pk.attname, field.remote_field.get_related_field().attname}
        wanted.update(self.name_columns)
        columns = []
        for model_field in related._meta.concrete_fields:
            if model_field.attname not in wanted:
                continue
            if model_field.get_internal_type() not in PLAIN_COLUMN_TYPES or hasattr(
                model_field, "from_db_value"
            ):
                return None
            columns.append(model_field.attname)
        return tuple(columns) if len(columns) == len(wanted) else None

    def _rows(self, field, ordering: tuple, columns: tuple[str, ...]) -> QuerySet:
        rows = field.remote_field.model._default_manager.all()
        if ordering:
            rows = rows.order_by(*ordering)
        return rows.values_list(*columns)

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

    def written_key(self, changelist) -> tuple | None:
        """Everything this filter's HTML depends on (``core.admin_list_parts.render_filter``
        keeps it per key): the choices as read for this page, what is chosen, the list's
        query string; None (written afresh) where facets show counts."""
        if changelist.add_facets:
            return None
        try:
            key = (
                type(self),
                self.field_path,
                str(self.title),
                tuple(self.lookup_choices),
                None if self.lookup_val is None else tuple(self.lookup_val),
                self.lookup_val_isnull,
                self.include_empty_choice,
                str(self.empty_value_display),
                query_key(changelist),
            )
            hash(key)
        except TypeError:
            return None
        return key

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


# Column types whose values the database driver gives as Django's fields would (no converter).
PLAIN_COLUMN_TYPES = frozenset(
    (
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
        "CharField",
        "TextField",
        "SlugField",
    )
)

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
