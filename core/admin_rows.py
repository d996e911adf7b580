"""A changelist's result table written in Python, each column planned once per request.

Django's ``{% result_list %}`` works out, for every cell of the page (50 rows × ~10 columns),
what the column is (a model field, an admin method, a callable, a model attribute: a
``get_field`` that raises for every non-field column), builds a dict of the field's choices,
finds the boolean icons' static URLs, reverses the row's change URL and resolves it again to
merge the preserved filters, renders the checkbox widget through the form renderer, and then
loops over it all in a template. That is about half of a list page's time.

``render_result_list`` writes the same HTML (``change_list_results.html``: headers with their
sort links, the checkbox cell, links with the preserved filters, boolean icons,
``empty_value_display``, the ``field-*``/``nowrap``/``action-checkbox`` cell classes) with the
per-column decisions taken once (the header row by ``core.admin_headers``, each column's cells by
a writer of ``core.admin_cells`` made from the plan here):

* what each column is and how its value is turned into text (``Column``);
* the change URL with the preserved filters, built once with a placeholder for the pk
  (integer pks only: what Django's ``quote`` and ``reverse`` do to other pks is left to them);
* the checkbox, rendered once with placeholders for the pk and the object's name.

Values themselves go through Django's own ``display_for_field``/``display_for_value`` (dates,
numbers, choices and escaping exactly as Django formats them). It returns None where it would
not be exactly Django's output (popups, ``list_editable``, a model's own
``change_list_results.html``); the template then uses Django's tag.
"""

import copy
import datetime
import decimal
import html
import re
from collections.abc import Callable
from functools import lru_cache

from django import forms
from django.contrib.admin import ModelAdmin, helpers
from django.contrib.admin.templatetags.admin_list import (
    _boolean_icon,
    _coerce_field_name,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from core import render_env
from core.admin_dates import DateText
from core.compiled import Kept
from core.texts import escaped

# Placeholders: letters only, so that no URL quoting or HTML escaping changes them.
PK_MARK = "Lvzhi0Row0Pk0Mark"
NAME_MARK = "Lvzhi0Row0Name0Mark"

FIELD, ADMIN, CALLABLE, LOOKUP = "field", "admin", "callable", "lookup"
# Text display_for_value hands back as it is (``str()`` of either is the value itself).
PLAIN_TEXT = (str, SafeString)
# Fields whose display depends on the value alone (and the request's language and time zone):
# a page's repeated dates and numbers are formatted once (``Column.memo``).
MEMO_FIELDS = (
    models.DateTimeField,
    models.DateField,
    models.TimeField,
    models.DecimalField,
    models.IntegerField,
    models.FloatField,
)

# Text fields whose ``display_for_field`` is the value itself, or the empty value's text (not
# their subclasses: a URL field writes a link, a file field its URL).
PLAIN_TEXT_FIELDS = (models.CharField, models.TextField, models.SlugField, models.EmailField)

# What an admin method may return that display_for_value formats by the value alone.
MEMO_VALUES = frozenset(
    (int, float, decimal.Decimal, bool, type(None), datetime.date, datetime.datetime, datetime.time)
)


def html_of(text) -> str:
    """``conditional_escape(text)`` with the two common cases, plain and safe text, inline."""
    kind = type(text)
    if kind is SafeString:
        return text
    if kind is str:
        return html.escape(text)  # what django.utils.html.escape does to a str
    return escaped(text)


@lru_cache(maxsize=512)
def _change_url_parts(name: str, urlconf, prefix: str, language: str) -> tuple[str, str] | None:
    try:
        url = reverse(name, urlconf=urlconf, args=(PK_MARK,))
    except NoReverseMatch:
        return None
    before, mark, after = url.partition(PK_MARK)
    return (before, after) if mark else None


def object_url(name: str, pk) -> str:
    """``reverse(name, args=[pk])`` for an integer pk (a row's link to a related row's page),
    from the pattern reversed once per process (keyed as ``core.url_memo`` keys it) and the
    pk put in, where ``reverse`` costs ~30 µs a row."""
    if type(pk) is int:
        parts = _change_url_parts(name, *render_env.environment())
        if parts is not None:
            return f"{parts[0]}{pk}{parts[1]}"
    return reverse(name, args=[pk])


class Icons:
    """``_boolean_icon`` with the three usual icons made once per process (their static files'
    URLs: ~40 µs a page), not per cell; a test changing the static settings starts over."""

    _made: list["Icons"] = []

    @classmethod
    def made(cls) -> "Icons":
        if not cls._made:
            cls._made.append(cls())
        return cls._made[0]

    def __init__(self) -> None:
        self.yes, self.no = _boolean_icon(True), _boolean_icon(False)
        self.unknown = _boolean_icon(None)

    def __call__(self, value):
        # By identity: 1 and 0 get Django's own icon with alt="1"/"0", as Django gives them.
        if value is True:
            return self.yes
        if value is False:
            return self.no
        if value is None:
            return self.unknown
        return _boolean_icon(value)


class Column:
    """One ``list_display`` entry: what it is, how its value becomes text, its cell's tag."""

    def __init__(self, cl, index: int, name, link: bool, first_link: bool, empty) -> None:
        model_admin = cl.model_admin
        self.name = name
        self.link = link
        self.tag = "th" if first_link else "td"
        self.admin_empty = empty
        self.empty = empty
        self.field_class = f"field-{_coerce_field_name(name, index)}"
        self.field = None
        self.attr = None
        self.boolean = False
        self.choices: dict | None = None
        self.choice_field = False
        self.bool_field = False
        self.fk = False
        self.plain_text = False  # a text field's value is its own text (``display_for_field``)
        self.nowrap = False
        # Per page: the escaped text of each choice, related row (by key) or formatted value.
        self.choice_html: dict | None = None
        self.memo: dict | None = None
        self.values: dict = {}  # an admin method's numbers and dates, formatted once a page
        # A date field's value type, written by the page's ``DateText`` (not a choice field).
        self.date_kind: type | None = None
        try:
            field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if callable(name):
                self.kind, self.attr = CALLABLE, name
            elif hasattr(model_admin, name) and name != "__str__":
                self.kind, self.attr = ADMIN, getattr(model_admin, name)
            else:
                self.kind = LOOKUP  # a model attribute: Django's lookup_field per cell
            if self.kind != LOOKUP:
                self.boolean = getattr(self.attr, "boolean", False)
                self.empty = getattr(self.attr, "empty_value_display", empty)
        else:
            self.kind, self.field = FIELD, field
            if not field.auto_created:
                self.nowrap = isinstance(
                    field, (models.DateField, models.TimeField, models.ForeignKey)
                )
                self.fk = isinstance(field.remote_field, models.ManyToOneRel)
                if getattr(field, "flatchoices", None):
                    self.choice_field = True
                    try:
                        self.choices = dict(field.flatchoices)
                    except TypeError:
                        self.choices = None  # list-like choices: Django's own path per cell
                    else:
                        self.choice_html = {
                            key: html_of(label) for key, label in self.choices.items()
                        }
                elif isinstance(field, models.BooleanField):
                    self.bool_field = True
                elif type(field) in PLAIN_TEXT_FIELDS:
                    self.plain_text = True
                elif self.fk or isinstance(field, MEMO_FIELDS):
                    self.memo = {}
                if isinstance(field, models.DateTimeField):
                    self.date_kind = datetime.datetime  # a time in every row: no memo
                    self.memo = None
                elif isinstance(field, models.DateField):
                    self.date_kind = datetime.date

    def for_page(self) -> "Column":
        """A copy with this page's own memos (the rest is the same for every page)."""
        column = copy.copy(self)
        column.memo = None if self.memo is None else {}
        column.values = {}
        return column


class CheckboxCell:
    """``ModelAdmin.action_checkbox`` rendered once, with the pk and name filled in per row."""

    _made: dict[tuple, "CheckboxCell"] = {}

    @classmethod
    def made(cls, model_admin) -> "CheckboxCell":
        """The cell for ``model_admin`` in the current language, rendered once per process
        (the widget goes through the form renderer's templates)."""
        key = (model_admin, get_language())
        cell = cls._made.get(key)
        if cell is None:
            if len(cls._made) >= MAX_PLANNED:
                cls._made.clear()
            cell = cls._made[key] = cls(model_admin)
        return cell

    def __init__(self, model_admin) -> None:
        self.model_admin = model_admin
        # The row's name: ``str(row)``, or the admin's ``row_name(row)`` where its list reads
        # the fields the name is made of as columns rather than the related rows.
        self.name_of = getattr(model_admin, "row_name", str)
        attrs = {
            "class": "action-select",
            "aria-label": format_html(gettext("Select this object for an action - {}"), NAME_MARK),
        }
        html = forms.CheckboxInput(attrs, lambda value: False).render(
            helpers.ACTION_CHECKBOX_NAME, PK_MARK
        )
        self.parts = re.split(f"({PK_MARK}|{NAME_MARK})", str(html))
        # The usual shape, the pk's value before the name's label: three fixed pieces.
        self.pieces = None
        if len(self.parts) == 5 and self.parts[1] == PK_MARK and self.parts[3] == NAME_MARK:
            self.pieces = (self.parts[0], self.parts[2], self.parts[4])

    def __call__(self, obj) -> str:
        pk, name = html.escape(str(obj.pk)), html_of(self.name_of(obj))
        if not pk:  # CheckboxInput leaves out an empty value; keep Django's rendering
            return self.model_admin.action_checkbox(obj)
        if self.pieces is not None:
            before, between, after = self.pieces
            return SafeString(f"{before}{pk}{between}{name}{after}")
        return mark_safe(
            "".join(
                pk if part == PK_MARK else name if part == NAME_MARK else part
                for part in self.parts
            )
        )


# Planned columns (and checkbox cells) kept per list and language; past this, start over.
MAX_PLANNED = 256
STATIC_SETTINGS = frozenset({"STATIC_URL", "STATIC_ROOT", "STORAGES", "FORCE_SCRIPT_NAME", "DEBUG"})


@receiver(setting_changed)
def _forget_icons(*, setting, **kwargs) -> None:
    if setting in STATIC_SETTINGS:
        Icons._made.clear()


_planned: dict[tuple, list[Column]] = {}


def planned_columns(cl, empty) -> list[Column]:
    """The list's ``Column``s: what each column is, its cell's tag and class, its choices'
    escaped labels, decided once per process for the same admin, columns, links, empty value
    and language (the ``get_field`` misses, choice dicts and escapes cost ~0.5 ms a page).
    The kept columns themselves: a page writes into copies of them (``Column.for_page``) or
    into memos of its own (``core.admin_cells``), never into these."""
    try:
        key = (
            cl.model_admin,
            tuple(cl.list_display),
            None if cl.list_display_links is None else tuple(cl.list_display_links),
            type(empty),
            str(empty),
            render_env.language(),
        )
        hash(key)
    except TypeError:
        return _plan_columns(cl, empty)
    columns = _planned.get(key)
    if columns is None:
        if len(_planned) >= MAX_PLANNED:
            _planned.clear()
        columns = _planned[key] = _plan_columns(cl, empty)
    return columns


def _plan_columns(cl, empty) -> list[Column]:
    columns = []
    first = True
    for index, name in enumerate(cl.list_display):
        if cl.list_display_links is None:
            link = False
        elif first and not cl.list_display_links:
            link = True
        else:
            link = name in cl.list_display_links
        columns.append(Column(cl, index, name, link, link and first, empty))
        if link:
            first = False
    return columns


# The change URL's pieces around the pk, per list, admin site, preserved filters, URL
# configuration and language (a reversal and a merge of the filters: ~90 µs a page).
_change_urls = Kept(limit=MAX_PLANNED)


def change_url_parts(cl) -> tuple[str, str] | None:
    """The escaped change URL with the list's preserved filters, split around the pk (None:
    no change URL for an integer pk)."""
    try:
        url = reverse(
            f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
            args=(PK_MARK,),
            current_app=cl.model_admin.admin_site.name,
        )
    except NoReverseMatch:
        return None
    url = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)
    before, mark, after = escape(url).partition(PK_MARK)
    return (before, after) if mark else None


class Plan:
    """Everything about a page's rows that does not depend on the row."""

    def __init__(self, cl) -> None:
        self.cl = cl
        model_admin = cl.model_admin
        empty = model_admin.get_empty_value_display()
        self.icons = Icons.made()
        self.dates: dict[type, DateText] = {}
        self.shared = planned_columns(cl, empty)  # the process's: read, never written
        self._columns: list[Column] | None = None
        self.checkbox: Callable | None = None
        if (
            "action_checkbox" in cl.list_display
            and type(model_admin).action_checkbox is ModelAdmin.action_checkbox
        ):
            self.checkbox = CheckboxCell.made(model_admin)
        self.url_parts: tuple[str, str] | None = None
        self.pk_attname = cl.lookup_opts.pk.attname
        if type(cl).url_for_result is ChangeList.url_for_result and isinstance(
            cl.lookup_opts.pk, models.IntegerField | models.AutoField
        ):
            key = (
                cl.opts,
                model_admin.admin_site.name,
                cl.preserved_filters,
                *render_env.environment(),
            )
            self.url_parts = _change_urls.get_or_make(key, lambda: change_url_parts(cl))

    @property
    def columns(self) -> list[Column]:
        """The columns with this page's own memos, for ``cell``."""
        if self._columns is None:
            self._columns = [column.for_page() for column in self.shared]
        return self._columns

    def link(self, result) -> str | None:
        """The escaped change URL with the preserved filters, or None where Django gives
        the plain text (no change URL)."""
        pk = getattr(result, self.pk_attname)
        if self.url_parts is not None and type(pk) is int:
            return f"{self.url_parts[0]}{pk}{self.url_parts[1]}"
        cl = self.cl
        try:
            url = cl.url_for_result(result)
        except NoReverseMatch:
            return None
        return escape(
            add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)
        )

    def cell(self, column: Column, result) -> str:
        """One cell as ``items_for_result`` writes it."""
        name = column.name
        classes = column.field_class
        try:
            if column.kind == FIELD:
                field, attr, value = column.field, None, getattr(result, name)
            elif column.kind == ADMIN:
                if self.checkbox is not None and name == "action_checkbox":
                    field, attr, value = None, column.attr, self.checkbox(result)
                else:
                    field, attr, value = None, column.attr, column.attr(result)
            elif column.kind == CALLABLE:
                field, attr, value = None, name, name(result)
            else:
                field, attr, value = lookup_field(name, result, self.cl.model_admin)
        except ObjectDoesNotExist:
            text = column.admin_empty
        else:
            if column.kind == LOOKUP:
                empty = getattr(attr, "empty_value_display", column.admin_empty)
            else:
                empty = column.empty
            if isinstance(value, str) and value.strip() == "":
                value = ""
            if field is None or field.auto_created:
                if name == "action_checkbox":
                    classes = "action-checkbox"
                if column.kind == LOOKUP:
                    boolean = getattr(attr, "boolean", False)
                    if isinstance(attr, property) and hasattr(attr, "fget"):
                        boolean = getattr(attr.fget, "boolean", False)
                else:
                    boolean = column.boolean
                if boolean:
                    text = self.icons(value)
                elif value and type(value) in PLAIN_TEXT:
                    text = value  # what display_for_value returns for it (str(value))
                elif column.kind != LOOKUP and type(value) in MEMO_VALUES:
                    key = (type(value), value)
                    content = column.values.get(key)
                    if content is None:
                        content = column.values[key] = html_of(self.value_text(value, empty))
                    if isinstance(value, datetime.date | datetime.time):
                        classes += " nowrap"
                    return self.wrap(column, classes, content, result)
                elif isinstance(value, Promise):
                    # A translated label (``_("新任")``): display_for_value compares it with
                    # each empty value, translating it each time, then writes ``str()`` of it.
                    text = str(value) or empty
                else:
                    text = display_for_value(value, empty, False)
                if isinstance(value, datetime.date | datetime.time):
                    classes += " nowrap"
            else:
                content = self.field_html(column, field, value, empty, result)
                if column.nowrap:
                    classes += " nowrap"
                return self.wrap(column, classes, content, result)
        return self.wrap(column, classes, html_of(text), result)

    def wrap(self, column: Column, classes: str, content: str, result) -> str:
        """The cell's tag around its escaped content, a link to the row where it is one."""
        if column.link:
            url = self.link(result)
            if url is not None:
                content = f'<a href="{url}">{content}</a>'
            return f'<{column.tag} class="{classes}">{content}</{column.tag}>'
        return f'<td class="{classes}">{content}</td>'

    def date_text(self, kind: type) -> DateText:
        """The page's writer of dates (``kind`` ``datetime.date``) or datetimes."""
        writer = self.dates.get(kind)
        if writer is None:
            writer = self.dates[kind] = DateText(kind)
        return writer

    def value_text(self, value, empty) -> str:
        """``display_for_value(value, empty)`` for an admin method's number or date."""
        kind = type(value)
        if kind is datetime.datetime or kind is datetime.date:
            return self.date_text(kind)(value)
        return display_for_value(value, empty, False)

    def field_html(self, column: Column, field, value, empty, result) -> str:
        """A model field's escaped text, as ``display_for_field`` and ``conditional_escape``
        make it; a related row's name, a choice's label and a formatted value are made once
        per page (rows repeat them)."""
        memo = column.memo
        if column.fk:
            key = getattr(result, field.attname)
            if key is None:
                return html_of(empty)
            try:
                return memo[key]
            except (KeyError, TypeError):
                text = html_of(getattr(result, field.name))
                if key.__hash__ is not None:
                    memo[key] = text
                return text
        if column.choice_html is not None:
            try:
                text = column.choice_html.get(value)
            except TypeError:
                return html_of(display_for_field(value, field, empty, avoid_link=column.link))
            return html_of(empty) if text is None else text
        if column.bool_field:
            return self.icons(value)
        if column.plain_text and type(value) is str:
            return html.escape(value) if value else html_of(empty)
        if column.date_kind is not None and type(value) is column.date_kind:
            if memo is None:  # what display_for_field writes for a date, escaped
                return html.escape(self.date_text(column.date_kind)(value))
            key = (column.date_kind, value)
            text = memo.get(key)
            if text is None:
                text = memo[key] = html.escape(self.date_text(column.date_kind)(value))
            return text
        if memo is not None:
            key = (type(value), value)
            try:
                return memo[key]
            except KeyError:
                text = memo[key] = html_of(
                    display_for_field(value, field, empty, avoid_link=column.link)
                )
                return text
            except TypeError:
                pass
        return html_of(display_for_field(value, field, empty, avoid_link=column.link))


_own_results_template: dict[tuple[str, str], bool] = {}


def has_own_results_template(opts) -> bool:
    """Whether the app or model has its own ``change_list_results.html`` (Django's tag would
    use it), looked up once per model."""
    key = (opts.app_label, opts.model_name)
    if key not in _own_results_template:
        try:
            select_template(
                [
                    f"admin/{opts.app_label}/{opts.model_name}/change_list_results.html",
                    f"admin/{opts.app_label}/change_list_results.html",
                ]
            )
        except TemplateDoesNotExist:
            _own_results_template[key] = False
        else:
            _own_results_template[key] = True
    return _own_results_template[key]


def is_equivalent(cl) -> bool:
    """Where ``render_result_list`` writes exactly what Django's ``{% result_list %}`` does."""
    return not cl.is_popup and not cl.formset and not has_own_results_template(cl.opts)


def render_result_list(cl) -> str | None:
    """``{% result_list cl %}``'s HTML, or None where Django's tag must render it."""
    if not is_equivalent(cl):
        return None
    if not cl.result_list:
        return ""
    from core.admin_cells import row_writers  # they build on this module
    from core.admin_headers import render_headers

    writers = row_writers(Plan(cl))
    rows = "".join(
        [
            "<tr>" + "".join([write(result) for write in writers]) + "</tr>"
            for result in cl.result_list
        ]
    )
    return (
        '<div class="results"><table id="result_list"><thead><tr>'
        f"{render_headers(cl)}</tr></thead><tbody>{rows}</tbody></table></div>"
    )
