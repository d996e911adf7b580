"""Names of a list's related rows for the rows of one page, without a model per related row.

A changelist showing, per row, the names of its many-to-many rows (a visit's deputies, a
course's groups) would prefetch them, making a model per related row; ``names_by_row`` reads
the pairs in one query on the join table instead.

A list showing a foreign key (a station, a category, a community) had Django build a model
per row and key from the joined columns (``list_select_related``), and the cell then wrote the
model's ``__str__``: a page of twenty rows with four such columns made eighty models, some
3.3 M instructions of a 22.6 M page (issue #8). Where the related model labels itself by one of
its fields (``__str__`` returns ``name``), the list's queryset reads that field by the same
join as an annotation (``related_names``) and the column shows it (``name_column``): the same
text, no model, and the list's .xlsx export, which reads the same queryset, shows it too.
"""

from collections.abc import Callable

from django.contrib import admin
from django.db import connections
from django.db.models import F, Model, QuerySet

from core.compiled import Kept, run_kept


def names_by_row(rows, field, name: str = "name") -> dict:
    """``{row's pk: [related row's name, ...]}`` of the many-to-many ``field`` (``Visit.deputies
    .field``) for ``rows``, in the related model's default order, as ``prefetch_related`` with
    ``only(name)`` lists them: one query on the join table, no model made per related row. On
    PostgreSQL the statement is compiled once per process and run prepared with the page's ids
    as one array (building and compiling it cost twice what the database spent on it)."""
    names: dict = {row.pk: [] for row in rows}
    if names:
        ids = list(names)
        kept = _NAMES.get_or_make((field, name), lambda: _names_statement(field, name))
        if kept is not None and connections[kept[0]].vendor == "postgresql":
            using, sql, params, position = kept
            params = (*params[:position], ids, *params[position + 1 :])
            pairs = run_kept(using, sql, params, moving=(position,))
        else:
            pairs = _names_queryset(field, name, ids)
        for key, value in pairs:
            names[key].append(value)
    return names


_NAMES = Kept()
_ANY_ID = -987_654_321  # stands for the page's ids while the statement is compiled


def _names_queryset(field, name: str, ids: list) -> QuerySet:
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    ordering = [
        f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}"
        for o in field.related_model._meta.ordering
    ]
    return (
        through._default_manager.filter(**{f"{source}_id__in": ids})
        .order_by(*ordering)
        .values_list(f"{source}_id", f"{target}__{name}")
    )


def _names_statement(field, name: str) -> tuple | None:
    """(database, SQL, params, position of the ids) with ``IN (%s)`` written ``= ANY(%s)``, or
    None if the compiled text is not the one shape this expects."""
    queryset = _names_queryset(field, name, [_ANY_ID])
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    if sql.count(" IN (%s)") != 1 or list(params).count(_ANY_ID) != 1:
        return None
    return queryset.db, sql.replace(" IN (%s)", " = ANY(%s)"), tuple(params), params.index(_ANY_ID)


def name_attr(relation: str, field: str = "name") -> str:
    """The annotation holding ``relation``'s ``field``: ``station`` → ``station_name``."""
    return f"{relation}_{field}"


def related_names(*relations: str, field: str = "name") -> dict[str, F]:
    """Annotations reading each relation's ``field`` through a join, for ``name_column``."""
    return {name_attr(relation, field): F(f"{relation}__{field}") for relation in relations}


def name_column(model: type[Model], relation: str, field: str = "name") -> Callable:
    """A list column showing ``relation``'s ``field`` from ``related_names``' annotation,
    headed by the foreign key's own verbose name (empty where the row has none)."""
    attr = name_attr(relation, field)

    @admin.display(description=model._meta.get_field(relation).verbose_name)
    def column(self, obj):
        return getattr(obj, attr)

    column.__name__ = attr
    return column
