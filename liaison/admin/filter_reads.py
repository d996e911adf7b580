"""The liaison lists' sidebar read in one statement: the year filter's first and last dates and
every named foreign-key filter's choices (stations, communities, categories).

Each of these was a query of its own (``core.admin_lists``: ``DateYearFilter`` and
``NamedRelatedFilter.named``), three or four round trips a page of ~0.15-0.3 ms each at
district size, besides the database's work. Here the same querysets, compiled as those
filters compile them, are scalar subqueries of one row: the bounds as an array, each filter's
choices as a JSON array of ``[key, name]`` pairs in the subquery's order. The statement is
compiled once per admin, orderings and database (``core.compiled.Kept``) and read afresh on
every page; its answers are kept on the request, so each filter of the page takes its own.

Elsewhere than PostgreSQL, without a request (a test calling ``field_choices`` by hand), or for
a filter whose choices Django must read itself (``limit_choices_to``, an ordering that is not
plain field names), each filter reads as its base class does.
"""

import functools
from collections.abc import Callable

from django.contrib.admin.utils import get_fields_from_path
from django.db import connections, router
from django.db.models import IntegerField, Max, Min, QuerySet, Value

from core.admin_lists import DateYearFilter, NamedRelatedFilter, _local_year
from core.compiled import Kept, run_kept

_STATEMENTS = Kept()
_ANSWERS = "_liaison_filter_reads"  # the request's attribute: {admin: {part: value}}


def _bounds(model, field_name: str) -> QuerySet:
    """``SELECT MIN(f), MAX(f)`` as ``DateYearFilter`` reads them (no ``GROUP BY``: one row)."""
    return (
        model._default_manager.order_by()
        .values(whole=Value(1, output_field=IntegerField()))
        .annotate(first=Min(field_name), last=Max(field_name))
        .values_list("first", "last")
    )


def _parts(request, model_admin) -> list[tuple[tuple, Callable[[], QuerySet]]] | None:
    """``[(part, build)]``: a ``("bounds", field name)`` part per year filter, a ``("choices",
    field path, ordering)`` part per named filter that can be folded, each with what builds its
    queryset (built only when the statement is compiled); None when there is nothing to fold.
    The filters' own ``field_admin_ordering`` and ``_choices`` read nothing of the filter but
    its class (the related admin's ordering, the name column), so they are asked here before
    any filter is made."""
    model = model_admin.model
    parts = []
    for entry in model_admin.list_filter:
        if isinstance(entry, type) and issubclass(entry, FoldedYearFilter):
            name = entry.field_name
            parts.append((("bounds", name), functools.partial(_bounds, model, name)))
        elif isinstance(entry, tuple) and issubclass(entry[1], FoldedNamedFilter):
            spec = entry[1]
            field = get_fields_from_path(model, entry[0])[-1]
            ordering = tuple(spec.field_admin_ordering(spec, field, request, model_admin))
            if spec.text_column and spec.foldable(field, ordering):
                build = functools.partial(spec._choices, spec, field, ordering, {})
                parts.append((("choices", entry[0], ordering), build))
    return parts if len(parts) > 1 else None


def _statement(parts: list[tuple[tuple, Callable[[], QuerySet]]]) -> tuple | None:
    """(database, SQL, params, parts' names) of the one-row statement; None if the parts read
    from different databases or the database is not PostgreSQL."""
    querysets = [(part, build()) for part, build in parts]
    using = {queryset.db for _part, queryset in querysets}
    if len(using) != 1:
        return None
    (using,) = using
    if connections[using].vendor != "postgresql":
        return None
    columns, params = [], []
    for part, queryset in querysets:
        sql, part_params = queryset.query.get_compiler(using=using).as_sql()
        if part[0] == "bounds":
            columns.append(f"(SELECT ARRAY[b.f, b.l] FROM ({sql}) b (f, l))")
        else:  # the subquery's rows in its order, as pairs
            columns.append(f"(SELECT json_agg(json_build_array(c.k, c.v)) FROM ({sql}) c (k, v))")
        params.extend(part_params)
    names = tuple(part for part, _queryset in querysets)
    return using, "SELECT " + ", ".join(columns), tuple(params), names


def folded(request, model_admin, part: tuple):
    """The value this page's one statement read for ``part`` (bounds: ``[first, last]`` or
    None; choices: a list of pairs), or ``NotImplemented`` where the filter reads its own."""
    if request is None:
        return NotImplemented
    answers = request.__dict__.setdefault(_ANSWERS, {})
    found = answers.get(model_admin)
    if found is None:
        parts = _parts(request, model_admin)
        kept = None
        if parts is not None:
            names = tuple(name for name, _queryset in parts)
            db = router.db_for_read(model_admin.model)
            key = (type(model_admin), model_admin.admin_site.name, names, db)
            kept = _STATEMENTS.get_or_make(key, lambda: _statement(parts))
        if kept is None:
            found = {}
        else:
            using, sql, params, names = kept
            (row,) = run_kept(using, sql, params)
            found = dict(zip(names, row, strict=True))
        answers[model_admin] = found
    if part not in found:
        return NotImplemented
    return found[part]


class FoldedYearFilter(DateYearFilter):
    """``DateYearFilter`` whose bounds come from the page's one statement (``folded``)."""

    def lookups(self, request, model_admin):
        bounds = folded(request, model_admin, ("bounds", self.field_name))
        if bounds is NotImplemented:
            return super().lookups(request, model_admin)
        if not bounds or bounds[0] is None:
            return []
        first, last = (_local_year(bound) for bound in bounds)
        return [(str(y), str(y)) for y in range(last, first - 1, -1)]


class FoldedNamedFilter(NamedRelatedFilter):
    """``NamedRelatedFilter.named``, its choices from the page's one statement (``folded``).
    ``FoldedNamedFilter.named("name")``."""

    @staticmethod
    def foldable(field, ordering: tuple) -> bool:
        """Where the base class reads the choices as pairs by a statement of its own."""
        return not field.get_limit_choices_to() and all(type(o) is str for o in ordering)

    def field_choices(self, field, request, model_admin):
        if request is not None and self.text_column:
            ordering = tuple(self.field_admin_ordering(field, request, model_admin))
            if self.foldable(field, ordering):
                pairs = folded(request, model_admin, ("choices", self.field_path, ordering))
                if pairs is not NotImplemented:
                    return [tuple(pair) for pair in pairs or ()]
        return super().field_choices(field, request, model_admin)
