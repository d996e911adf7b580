"""Export any admin list as .xlsx: the columns the clerk sees (``list_display``), the rows chosen
(or, with the admin's "select all", the whole filtered list), under the committee's title line,
formula-safe, with a timestamped file name. Each export writes an audit row (who, which list,
how many rows): lists hold personal data, and the committee must be able to say who took what.

Cells are the list's own display values (choices as labels, booleans as 是/否, related rows as
their names), HTML stripped; a phone number anywhere in a cell goes out masked — the roster's
own export is the place to ask for full numbers, and it records that choice.
"""

from collections.abc import Iterator

from django.contrib import admin
from django.contrib.admin.utils import (
    display_for_field,
    display_for_value,
    label_for_field,
    lookup_field,
)
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import clock
from .privacy import export_record, mask_phones_in
from .tabular import dated_filename, table_stream_response

SKIPPED_COLUMNS = {"action_checkbox"}


def export_columns(modeladmin, request) -> list[str]:
    """The list's columns, each shortened one exported whole: an admin's ``exported_instead``
    maps a column to the field the sheet shows in its place (the audit log's list cuts the
    summary to a line; its sheet gives it whole)."""
    instead = getattr(modeladmin, "exported_instead", {})
    return [
        instead.get(name, name)
        for name in modeladmin.get_list_display(request)
        if isinstance(name, str) and name not in SKIPPED_COLUMNS
    ]


def _cell(name: str, obj, modeladmin) -> str:
    try:
        field, attr, value = lookup_field(name, obj, modeladmin)
    except (AttributeError, ObjectDoesNotExist):
        return ""
    empty = ""
    if field is None:
        boolean = getattr(attr, "boolean", False)
        shown = display_for_value(value, empty, boolean)
    elif getattr(field, "flatchoices", None) or not getattr(field, "remote_field", None):
        shown = display_for_field(value, field, empty)
    else:
        shown = "" if value is None else str(value)
    return mask_phones_in(strip_tags(str(shown)))


def export_rows(modeladmin, request, queryset: QuerySet, columns: list[str]) -> Iterator[list]:
    related = modeladmin.get_list_select_related(request)
    if related is True:
        queryset = queryset.select_related()
    elif related:
        queryset = queryset.select_related(*related)
    for obj in queryset.iterator(chunk_size=500):
        yield [_cell(name, obj, modeladmin) for name in columns]


@admin.action(description=gettext_lazy("导出所选记录为 Excel"))
def export_xlsx(modeladmin, request, queryset):
    model = modeladmin.model
    columns = export_columns(modeladmin, request)
    headers = [
        strip_tags(str(label_for_field(name, model, modeladmin, return_attr=False)))
        for name in columns
    ]
    count = queryset.count()
    name = str(model._meta.verbose_name_plural)
    export_record(
        actor=request.user,
        export=f"admin.export.{model._meta.label_lower}",
        count=count,
        filters=dict(request.GET.items()),
        summary=_("导出%(name)s %(n)d 条") % {"name": name, "n": count},
    )
    now = clock.now()
    stem = slugify(model._meta.model_name) or "export"
    return table_stream_response(
        "xlsx",
        headers,
        export_rows(modeladmin, request, queryset, columns),
        filename=dated_filename(stem, "xlsx", now=now),
        title=name,
        now=now,
    )
