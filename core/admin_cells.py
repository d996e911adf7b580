"""A page's result rows written by one small function per column, chosen once per page.

``core.admin_rows.Plan.cell`` decides, for every cell of the page (a list's 20-50 rows times
its 8-11 columns), what its column is, whether its value is a field's, a choice, a related row,
a date, whether the cell is a link, and which classes its tag has: the same answers for every
row of a column, ~3 µs a cell and about half of the table's time. ``row_writers`` takes those
decisions once per column and page and hands back, per column, a function of the row alone
that writes the cell exactly as ``Plan.cell`` does (the same branches, in the same order).
Columns ``Plan.cell`` answers by Django's ``lookup_field`` (a model attribute, an auto-created
key) keep it.
"""

import datetime
import html
from collections.abc import Callable

from django.contrib.admin.utils import display_for_field, display_for_value
from django.core.exceptions import ObjectDoesNotExist
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from core.admin_rows import ADMIN, CALLABLE, FIELD, MEMO_VALUES, PLAIN_TEXT, Column, Plan, html_of

DATES = (datetime.date, datetime.time)


def row_writers(plan: Plan) -> list[Callable]:
    """One writer per column of ``plan``, each ``writer(row) -> "<td …>…</td>"``, with this
    page's own memos (the columns are the process's)."""
    return [_writer(plan, column) for column in plan.shared]


def _writer(plan: Plan, column: Column) -> Callable:
    if column.kind == FIELD and not column.field.auto_created:
        return _field_writer(plan, column)
    if column.kind in (ADMIN, CALLABLE):
        return _value_writer(plan, column)
    cell, own = plan.cell, column.for_page()
    return lambda result: cell(own, result)


def _tags(plan: Plan, column: Column) -> Callable[[str, str, object], str]:
    """``Plan.wrap`` for this column: ``tag(classes, content, row)``."""
    if column.link:
        link, tag = plan.link, column.tag

        def linked(classes: str, content: str, result) -> str:
            url = link(result)
            if url is not None:
                content = f'<a href="{url}">{content}</a>'
            return f'<{tag} class="{classes}">{content}</{tag}>'

        return linked
    return lambda classes, content, result: f'<td class="{classes}">{content}</td>'


def _field_writer(plan: Plan, column: Column) -> Callable:
    """A model field's cell: ``Plan.cell``'s field branch and ``Plan.field_html``."""
    name = column.name
    tag = _tags(plan, column)
    missing = column.field_class  # a related row that does not exist: no nowrap
    classes = column.field_class + (" nowrap" if column.nowrap else "")
    content = _field_content(plan, column)

    def write(result) -> str:
        try:
            value = getattr(result, name)
        except ObjectDoesNotExist:
            return tag(missing, html_of(column.admin_empty), result)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        return tag(classes, content(value, result), result)

    return write


def _field_content(plan: Plan, column: Column) -> Callable:
    """``Plan.field_html`` for one column: the escaped text of ``value`` (of ``row``)."""
    field, empty, avoid_link = column.field, column.empty, column.link
    memo = None if column.memo is None else {}  # this page's own

    def display(value) -> str:
        return html_of(display_for_field(value, field, empty, avoid_link=avoid_link))

    if column.fk:
        attname = field.attname

        def related(value, result) -> str:
            key = getattr(result, attname)
            if key is None:
                return html_of(empty)
            try:
                return memo[key]
            except (KeyError, TypeError):
                text = html_of(value)
                if key.__hash__ is not None:
                    memo[key] = text
                return text

        return related
    if column.choice_html is not None:
        labels = column.choice_html

        def choice(value, result) -> str:
            try:
                text = labels.get(value)
            except TypeError:
                return display(value)
            return html_of(empty) if text is None else text

        return choice
    if column.bool_field:
        icons = plan.icons
        return lambda value, result: icons(value)
    date_kind = column.date_kind
    plain_text = column.plain_text

    def text(value, result) -> str:
        if date_kind is not None and type(value) is date_kind:
            written = plan.date_text(date_kind)
            if memo is None:
                return html.escape(written(value))
            key = (date_kind, value)
            found = memo.get(key)
            if found is None:
                found = memo[key] = html.escape(written(value))
            return found
        if memo is not None:
            key = (type(value), value)
            try:
                return memo[key]
            except KeyError:
                found = memo[key] = display(value)
                return found
            except TypeError:
                pass
        return display(value)

    if plain_text:

        def plain(value, result) -> str:
            if type(value) is str:
                return html.escape(value) if value else html_of(empty)
            return text(value, result)

        return plain
    return text


def _value_writer(plan: Plan, column: Column) -> Callable:
    """An admin method's or a callable's cell: ``Plan.cell``'s branch for a value that is no
    model field's."""
    name = column.name
    if column.kind == CALLABLE:
        produce = name
    elif plan.checkbox is not None and name == "action_checkbox":
        produce = plan.checkbox
    else:
        produce = column.attr
    tag = _tags(plan, column)
    missing = column.field_class
    classes = "action-checkbox" if name == "action_checkbox" else column.field_class
    dated = f"{classes} nowrap"
    empty, boolean, icons = column.empty, column.boolean, plan.icons
    values: dict = {}  # this page's own
    value_text = plan.value_text

    def write(result) -> str:
        try:
            value = produce(result)
        except ObjectDoesNotExist:
            return tag(missing, html_of(column.admin_empty), result)
        kind = type(value)
        if kind is SafeString and not boolean and value.strip():  # format_html's: as it is
            return tag(classes, value, result)
        if isinstance(value, str) and value.strip() == "":
            value, kind = "", str
        if boolean:
            text = icons(value)
        elif value and kind in PLAIN_TEXT:
            text = value
        elif kind in MEMO_VALUES:
            key = (kind, value)
            content = values.get(key)
            if content is None:
                content = values[key] = html_of(value_text(value, empty))
            return tag(dated if isinstance(value, DATES) else classes, content, result)
        elif isinstance(value, Promise):
            text = str(value) or empty
        else:
            text = display_for_value(value, empty, False)
        return tag(dated if isinstance(value, DATES) else classes, html_of(text), result)

    return write
