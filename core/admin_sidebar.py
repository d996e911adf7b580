"""A list page's filter choices read in one statement.

A big list's sidebar reads its filters' choices with a statement each (``core.admin_lists``:
the years' first and last, a column's values through its index, a foreign key's names; an
admin's own: the audit log's staff, the ledger's rule codes): three or four round trips a page
of ~0.2-0.3 ms each at district size, more than the database spends on them (issue #8). A filter
class that can say what it reads (``sidebar_part``) takes its rows from one statement that
reads every such filter of the admin's ``list_filter``: each part a scalar subquery, its rows as
a JSON array in the part's order. The statement is compiled once per admin and database
(``core.compiled.Kept``) and read afresh on every page; its answer is kept on the request only,
so each filter of the page takes its own part.

JSON gives dates and times as ISO text (``core.admin_lists._local_year`` reads them, as it reads
SQLite's). Elsewhere than PostgreSQL, without a request, or with a single part, each filter reads
as its base class does.
"""

from collections.abc import Callable

from django.contrib.admin.utils import get_fields_from_path
from django.db import connections, router
from django.db.models import QuerySet

from .admin_lists import DateYearFilter, IndexedValuesFilter, NamedRelatedFilter, _local_year
from .compiled import Kept, run_kept

# What a part reads: a queryset of rows, or (SQL, params, number of columns).
Read = QuerySet | tuple[str, tuple, int]
Part = tuple[tuple, Callable[[], Read]]

_STATEMENTS = Kept()
_ANSWERS = "_admin_sidebar_rows"  # the request's attribute: {admin: {part: rows}}


def _parts(request, model_admin) -> list[Part]:
    """``[(key, build)]`` of the admin's filters that say what they read (``sidebar_part``)."""
    parts = []
    for entry in model_admin.list_filter:
        path, spec = entry if isinstance(entry, tuple) else (None, entry)
        part = getattr(spec, "sidebar_part", None)
        found = part(request, model_admin, path) if callable(part) else None
        if found is not None:
            parts.append(found)
    return parts


def _statement(parts: list[Part], using: str) -> tuple:
    """(SQL, params, keys) of the one-row statement: each part's rows as a JSON array of arrays,
    in the part's order (``NULL`` when none)."""
    columns, params = [], []
    for _key, build in parts:
        read = build()
        if isinstance(read, QuerySet):
            compiler = read.query.get_compiler(using=using)
            sql, part_params = compiler.as_sql()
            width = len(compiler.select)
        else:
            sql, part_params, width = read
        names = ", ".join(f"c{i}" for i in range(width))
        columns.append(f"(SELECT JSON_AGG(JSON_BUILD_ARRAY({names})) FROM ({sql}) part ({names}))")
        params.extend(part_params)
    return "SELECT " + ", ".join(columns), tuple(params), tuple(key for key, _build in parts)


def sidebar_rows(request, model_admin, key: tuple):
    """The rows (tuples) the page's one statement read for the part ``key``, or
    ``NotImplemented`` where the filter reads its own (see the module's docstring)."""
    if request is None:
        return NotImplemented
    answers = request.__dict__.setdefault(_ANSWERS, {})
    found = answers.get(model_admin)
    if found is None:
        found = {}
        using = router.db_for_read(model_admin.model)
        if connections[using].vendor == "postgresql":
            parts = _parts(request, model_admin)
            if len(parts) > 1:
                keys = tuple(key for key, _build in parts)
                kept = _STATEMENTS.get_or_make(
                    (type(model_admin), model_admin.admin_site.name, keys, using),
                    lambda: _statement(parts, using),
                )
                sql, params, keys = kept
                (row,) = run_kept(using, sql, params)
                found = {
                    key: [tuple(values) for values in rows or ()]
                    for key, rows in zip(keys, row, strict=True)
                }
        answers[model_admin] = found
    return found.get(key, NotImplemented)


class SidebarYearFilter(DateYearFilter):
    """``DateYearFilter`` whose first and last years come from the page's one statement."""

    @classmethod
    def sidebar_part(cls, request, model_admin, path) -> Part:
        return ("year-bounds", cls.field_name), lambda: cls._bounds(cls, model_admin.model)

    def lookups(self, request, model_admin):
        rows = sidebar_rows(request, model_admin, ("year-bounds", self.field_name))
        if rows is NotImplemented:
            return super().lookups(request, model_admin)
        if not rows or rows[0][0] is None:
            return []
        first, last = (_local_year(bound) for bound in rows[0])
        return [(str(y), str(y)) for y in range(last, first - 1, -1)]


class SidebarValuesFilter(IndexedValuesFilter):
    """``IndexedValuesFilter`` whose values come from the page's one statement (the same skip
    through the column's index, as a subquery)."""

    @classmethod
    def sidebar_part(cls, request, model_admin, path) -> Part:
        return ("values", cls.field_name), lambda: (cls._values_sql(model_admin.model), (), 1)

    @classmethod
    def _values_sql(cls, model) -> str:
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        column = quote(model._meta.get_field(cls.field_name).column)
        return (
            f"WITH RECURSIVE t(v) AS (SELECT MIN({column}) FROM {table}"
            f" UNION ALL SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > t.v)"
            " FROM t WHERE t.v IS NOT NULL) SELECT v FROM t WHERE v IS NOT NULL"
        )

    def lookups(self, request, model_admin):
        rows = sidebar_rows(request, model_admin, ("values", self.field_name))
        if rows is NotImplemented:
            return super().lookups(request, model_admin)
        return [(value, value) for (value,) in rows]


class SidebarNamedFilter(NamedRelatedFilter):
    """``NamedRelatedFilter.named`` (or ``.reading``), its choices from the page's one
    statement where the base class reads them by a statement of its own (no
    ``limit_choices_to``, an ordering of field names; for ``reading``, plain columns whose
    values JSON gives as the database does: numbers and text).
    ``SidebarNamedFilter.named("name")``, ``SidebarNamedFilter.reading("name", "number")``."""

    @staticmethod
    def _foldable(field, ordering: tuple) -> bool:
        return not field.get_limit_choices_to() and all(type(o) is str for o in ordering)

    @classmethod
    def sidebar_part(cls, request, model_admin, path) -> Part | None:
        if path is None:
            return None
        field = get_fields_from_path(model_admin.model, path)[-1]
        # The base class's ordering and choices read nothing of a filter but its class.
        ordering = tuple(cls.field_admin_ordering(cls, field, request, model_admin))
        if not cls._foldable(field, ordering):
            return None
        if cls.text_column:
            return ("choices", path, ordering), lambda: cls._choices(cls, field, ordering, {})
        columns = cls._plain_columns(cls, field)
        if columns is None:
            return None
        return ("rows", path, ordering, columns), lambda: cls._rows(cls, field, ordering, columns)

    def field_choices(self, field, request, model_admin):
        if request is not None:
            ordering = tuple(self.field_admin_ordering(field, request, model_admin))
            if self._foldable(field, ordering):
                if self.text_column:
                    key = ("choices", self.field_path, ordering)
                    rows = sidebar_rows(request, model_admin, key)
                    if rows is not NotImplemented:
                        return rows
                elif (columns := self._plain_columns(field)) is not None:
                    key = ("rows", self.field_path, ordering, columns)
                    rows = sidebar_rows(request, model_admin, key)
                    if rows is not NotImplemented:
                        return self._named_rows(field, columns, rows)
        return super().field_choices(field, request, model_admin)

    @staticmethod
    def _named_rows(field, columns: tuple[str, ...], rows) -> list[tuple]:
        """``(key, str(row))`` of each related row made of its ``columns``' values."""
        related = field.remote_field.model
        using = router.db_for_read(related)
        key = field.remote_field.get_related_field().attname
        made = (related.from_db(using, columns, row) for row in rows)
        return [(getattr(row, key), str(row)) for row in made]
