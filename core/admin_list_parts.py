"""A changelist's filter sidebar and actions bar written in Python, where Django's own
templates (``admin/filter.html``, ``admin/actions.html``) would draw them: the same HTML.

``render_filter`` writes one filter of the sidebar (a district's station or constituency filter
has a hundred choices, each a loop turn of Django's template); ``render_actions`` the actions
bar, its form written once per process for its choices and language. Each returns None where
only Django's tag gives the same HTML (another template, another action form). ``KeptMedia``
writes the page's scripts and styles once per process. The result table itself is
``core.admin_rows``."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters, admin_urlname
from django.contrib.admin.views.main import ALL_VAR, PAGE_VAR
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context
from django.template.base import render_value_in_context
from django.template.loader import get_template, select_template
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.html import escape

from core import render_env
from core.admin_rows import PLAIN_TEXT, html_of
from core.compiled import Kept
from core.render_env import gettext
from core.texts import escaped

FILTER_TEMPLATE = "admin/filter.html"
_stock_filter_template: list[bool] = []


def is_stock_filter_template() -> bool:
    """Whether ``admin/filter.html`` is Django's own (no project or app overrides it)."""
    if not _stock_filter_template:
        origin = get_template(FILTER_TEMPLATE).origin.name.replace("\\", "/")
        _stock_filter_template.append(
            origin.endswith("django/contrib/admin/templates/admin/filter.html")
        )
    return _stock_filter_template[0]


def _value_html(value, context) -> str:
    """``{{ value }}`` in a template: plain text escaped, numbers and dates localised."""
    if type(value) in PLAIN_TEXT:
        return html_of(value)
    return render_value_in_context(value, context)


# Filters written by everything they show (``written_key``); past this many, start over.
_written_filters = Kept(limit=512)


def render_filter(cl, spec) -> str | None:
    """``{% admin_list_filter cl spec %}``'s HTML for a filter drawn by Django's own
    ``admin/filter.html``, written here (a district's station or constituency filter has a
    hundred choices, each a loop turn of the template), or None where Django's tag must
    render it (another template). A filter that names everything its HTML depends on
    (``spec.written_key(cl)``, the choices read afresh among it) is written once per process
    for that key: a hundred choices' links and names cost ~0.3 ms a page."""
    if spec.template != FILTER_TEMPLATE or not is_stock_filter_template():
        return None
    key = _written_key(cl, spec)
    if key is None:
        return write_filter(cl, spec)
    return _written_filters.get_or_make(
        (key, render_env.language()), lambda: write_filter(cl, spec)
    )


def query_key(cl) -> tuple:
    """The list's query string as a key (what every choice's link starts from)."""
    return (
        type(cl),
        tuple(sorted((name, tuple(values)) for name, values in cl.filter_params.items())),
    )


def _written_key(cl, spec) -> tuple | None:
    """The filter's own ``written_key``; for a filter with Django's own choices (a
    ``SimpleListFilter``'s "All" and lookups, a field's choices), each a link from the list's
    query string: its lookups as read for the page or the field's labels, the value chosen
    and the query string; else None (written afresh)."""
    own = getattr(spec, "written_key", None)
    if own is not None:
        return own(cl)
    if cl.add_facets:
        return None
    if type(spec).choices is admin.SimpleListFilter.choices:
        shown = (spec.parameter_name, tuple(spec.lookup_choices), spec.value())
    elif type(spec).choices is admin.ChoicesFieldListFilter.choices:
        # A field's choices ("status"): the labels in the request's language.
        labels = tuple((value, str(label)) for value, label in spec.field.flatchoices)
        chosen = None if spec.lookup_val is None else tuple(spec.lookup_val)
        shown = (spec.field_path, labels, chosen, spec.lookup_val_isnull)
    else:
        return None
    key = (type(spec), str(spec.title), shown, query_key(cl))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def write_filter(cl, spec) -> str:
    """``render_filter`` without the memo."""
    context = Context()  # as get_template(...).render(dict) makes it
    title = _value_html(spec.title, context)
    # {% blocktranslate with filter_title=title %} By {{ filter_title }} {% endblocktranslate %}
    by = gettext(" By %(filter_title)s ") % {"filter_title": title}
    items = []
    for choice in spec.choices(cl):
        selected = ' class="selected"' if choice["selected"] else ""
        href = html_of(iri_to_uri(choice["query_string"]))
        text = _value_html(choice["display"], context)
        items.append(f'<li{selected}><a href="{href}">{text}</a></li>')
    return (
        f'<details data-filter-title="{title}" open><summary>{by}</summary>'
        f"<ul>{''.join(items)}</ul></details>"
    )


ACTIONS_TEMPLATE = "actions.html"
_own_actions_template: dict[tuple[str, str], bool] = {}
_action_fields_html: dict[tuple, str] = {}


def has_own_actions_template(opts) -> bool:
    """Whether ``admin/actions.html`` as ``{% admin_actions %}`` finds it for the model is not
    Django's own (a project, app or model template), looked up once per model."""
    key = (opts.app_label, opts.model_name)
    if key not in _own_actions_template:
        template = select_template(
            [
                f"admin/{opts.app_label.lower()}/{opts.model_name}/{ACTIONS_TEMPLATE}",
                f"admin/{opts.app_label.lower()}/{ACTIONS_TEMPLATE}",
                f"admin/{ACTIONS_TEMPLATE}",
            ]
        )
        origin = template.origin.name.replace("\\", "/")
        _own_actions_template[key] = not origin.endswith(
            "django/contrib/admin/templates/admin/actions.html"
        )
    return _own_actions_template[key]


def _action_fields(form) -> str | None:
    """The form's part of ``actions.html`` (``{% for field in action_form %}…``): Django's
    unbound ``ActionForm`` written once per process for its choices and language (its two
    widgets go through the form renderer's templates on every list otherwise)."""
    if (
        type(form) is not helpers.ActionForm
        or form.is_bound
        or form.initial
        or form.prefix is not None
        or form.auto_id is not None
        or list(form.fields) != ["action", "select_across"]
    ):
        return None
    try:
        key = (
            render_env.language(),
            tuple((value, str(label)) for value, label in form.fields["action"].choices),
            type(form.renderer),
        )
        hash(key)
    except TypeError:
        return None
    html = _action_fields_html.get(key)
    if html is None:
        parts = []
        for field in form:
            if field.label:
                parts.append(f"<label>{html_of(field.label)} {field}</label>")
            else:
                parts.append(str(field))
        html = _action_fields_html[key] = "".join(parts)
    return html


def render_actions(context) -> str | None:
    """``{% admin_actions %}``'s HTML (Django's ``admin/actions.html``), or None where Django's
    tag must render it (another template, another action form). Counts the tag's uses on the
    page in ``action_index`` as Django's tag does."""
    cl = context.get("cl")
    form = context.get("action_form")
    if cl is None or form is None or has_own_actions_template(cl.opts):
        return None
    fields = _action_fields(form)
    if fields is None:
        return None
    index = context.get("action_index", -1) + 1
    context["action_index"] = index
    go_title = escape(gettext("Run the selected action"))
    out = [
        f'<div class="actions">{fields}<button type="submit" class="button" title="{go_title}"'
        f' name="index" value="{index or 0}">{escape(gettext("Go"))}</button>'
    ]
    if context.get("actions_selection_counter"):
        shown = len(cl.result_list)
        note = _value_html(context.get("selection_note", ""), context)
        out.append(f'<span class="action-counter" data-actions-icnt="{shown}">{note}</span>')
        if cl.result_count != shown:
            everything = _value_html(context.get("selection_note_all", ""), context)
            across = escape(gettext("Click here to select the objects across all pages"))
            select_all = gettext("Select all %(total_count)s %(module_name)s") % {
                "total_count": render_value_in_context(cl.result_count, context),
                "module_name": render_value_in_context(context.get("module_name", ""), context),
            }
            clear = escape(gettext("Clear selection"))
            out.append(
                f'<span class="all hidden">{everything}</span>'
                f'<span class="question hidden"><a role="button" href="#"'
                f' title="{across}">{select_all}</a></span>'
                f'<span class="clear hidden"><a role="button" href="#">{clear}</a></span>'
            )
    out.append("</div>")
    return "".join(out)


# The admin's scripts (jQuery, actions.js, …) with the action form's: Django merges the lists
# and finds each file's URL (``{% static %}``, ~20 µs a file) on every page. The HTML is the
# same for the same lists while the process lives; a test changing the static settings
# empties the memo.
_media_html: dict[tuple, str] = {}
MAX_MEDIA = 64
STATIC_SETTINGS = frozenset({"STATIC_URL", "STATIC_ROOT", "STORAGES", "FORCE_SCRIPT_NAME", "DEBUG"})


@receiver(setting_changed)
def _forget_media(*, setting, **kwargs) -> None:
    if setting in STATIC_SETTINGS:
        _media_html.clear()


def _media_key(media, name: str) -> tuple | None:
    """The media's ``name`` ("js" or "css") lists as a key, None where an entry is not a path
    (a ``Script`` with attributes: Django's own rendering)."""
    if name == "js":
        lists = tuple(tuple(paths) for paths in media._js_lists)
        paths = [path for group in lists for path in group]
    elif name == "css":
        lists = tuple(
            tuple((medium, tuple(paths)) for medium, paths in group.items())
            for group in media._css_lists
        )
        paths = [path for group in lists for _medium, many in group for path in many]
    else:
        return None
    if not all(type(path) is str for path in paths):
        return None
    return (name, lists)


class KeptMedia(forms.Media):
    """``forms.Media`` whose ``media.js`` and ``media.css`` (as templates ask them) render the
    HTML written once per process for the same lists; adding media keeps it a ``KeptMedia``."""

    @classmethod
    def of(cls, media: forms.Media) -> "KeptMedia":
        kept = cls()
        kept._css_lists, kept._js_lists = list(media._css_lists), list(media._js_lists)
        return kept

    def __getitem__(self, name):
        part = super().__getitem__(name)
        key = _media_key(self, name)
        return part if key is None else WrittenMedia(part, key)

    def __add__(self, other):
        return KeptMedia.of(super().__add__(other))


class WrittenMedia(forms.Media):
    """One kind of a ``KeptMedia`` (its scripts or its styles): the same lists, its HTML
    kept under ``key``."""

    def __init__(self, part: forms.Media, key: tuple) -> None:
        super().__init__()
        self._css_lists, self._js_lists = part._css_lists, part._js_lists
        self.key = key

    def render(self):
        html = _media_html.get(self.key)
        if html is None:
            html = super().render()
            if len(_media_html) >= MAX_MEDIA:
                _media_html.clear()
            _media_html[self.key] = html
        return html


_PAGE_SENTINEL = "987654321987"  # stands for the page number while the link is written once


_CHOSEN_TEMPLATES: dict[tuple[str, str, str], str] = {}


def _chosen_template(opts, name: str) -> str:
    """The file of the template ``name`` the admin uses for the model (the model's own, the
    app's, else the project's or Django's), looked up once per model."""
    key = (opts.app_label, opts.object_name, name)
    if key not in _CHOSEN_TEMPLATES:
        names = [
            f"admin/{opts.app_label}/{opts.object_name}/{name}",
            f"admin/{opts.app_label}/{name}",
            f"admin/{name}",
        ]
        _CHOSEN_TEMPLATES[key] = select_template(names).origin.name.replace("\\", "/")
    return _CHOSEN_TEMPLATES[key]


def is_project_pagination(opts) -> bool:
    """Whether the model's list would draw its pages with the project's
    ``admin/pagination.html`` (no app or model template of its own)."""
    origin = _chosen_template(opts, "pagination.html")
    return origin.endswith("/templates/admin/pagination.html") and (
        "django/contrib/admin" not in origin
    )


# Page links written by everything they show (``_pagination_key``); past this many, start over.
_written_pages = Kept(limit=512)


def render_pagination(cl, context) -> str:
    """``{% pagination cl %}`` with the project's ``admin/pagination.html``, written in Python:
    the page links share one query string (Django encodes it once per link), the counts say
    when they are an estimate or stop at the paginator's limit. Written once per process for
    everything it shows (``_pagination_key``): a list opened again with the same query, page
    and count gets the same links (their query strings cost ~0.15 ms a page)."""
    key = _pagination_key(cl, context)
    if key is None:
        return write_pagination(cl, context)
    return _written_pages.get_or_make(key, lambda: write_pagination(cl, context))


def _pagination_key(cl, context) -> tuple | None:
    """What ``write_pagination`` reads: the list's query string, the page, the counts and
    how they are shown, the page sizes, the model's names, the language and how values are
    localised; None (written afresh) where something cannot be named."""
    paginator = cl.paginator
    try:
        key = (
            query_key(cl),
            type(paginator),
            cl.opts.label,
            cl.page_num,
            paginator.num_pages,
            paginator.per_page,
            cl.result_count,
            getattr(paginator, "approximate", False),
            getattr(paginator, "capped", False),
            getattr(paginator, "max_rows", None),
            cl.list_per_page,
            cl.show_all,
            cl.can_show_all,
            cl.multi_page,
            bool(getattr(cl, "formset", None)),
            context.autoescape,
            context.use_l10n,
            render_env.language(),
        )
        hash(key)
    except (AttributeError, TypeError):
        return None
    return key


def write_pagination(cl, context) -> str:
    """``render_pagination`` without the memo."""
    parts = ['\n\n\n<p class="paginator">\n']
    if (not cl.show_all or not cl.can_show_all) and cl.multi_page:
        parts.append("\n")
        link = _page_link(cl)
        for number in cl.paginator.get_elided_page_range(cl.page_num):
            parts.append(f"\n    {link(number)}\n")
        parts.append("\n")
    paginator = cl.paginator
    count = _value_html(cl.result_count, context)
    if getattr(paginator, "approximate", False):
        count = gettext("约 %(n)s") % {"n": count}
    elif getattr(paginator, "capped", False):
        count = gettext("%(n)s 以上") % {"n": count}
    name = cl.opts.verbose_name if cl.result_count == 1 else cl.opts.verbose_name_plural
    parts.append(f"\n{count} {escape(name)}\n")
    if getattr(paginator, "past_paging", False):
        limit = _value_html(paginator.max_rows, context)
        note = gettext("（可翻阅前 %(n)s 条，请用筛选或搜索缩小范围）") % {"n": limit}
        parts.append(f'<span class="small quiet">{note}</span>')
    parts.append("\n")
    sizes = getattr(cl, "page_size_choices", None)
    sizes = sizes() if sizes is not None else None
    if sizes:
        parts.append(f'<span class="page-sizes">{escape(gettext("每页条数："))}')
        for size, url in sizes:
            if url:
                parts.append(f'<a href="{escape(url)}">{size}</a> ')
            else:
                parts.append(f'<span class="this-page">{size}</span> ')
        parts.append("</span>")
    parts.append("\n")
    if cl.can_show_all and not cl.show_all and cl.multi_page:
        url = escape(cl.get_query_string({ALL_VAR: ""}))
        parts.append(f'<a href="{url}" class="showall">{escape(gettext("Show all"))}</a>')
    parts.append("\n")
    if getattr(cl, "formset", None) and cl.result_count:
        save = escape(gettext("Save"))
        parts.append(f'<input type="submit" name="_save" class="default" value="{save}">')
    parts.append("\n</p>\n")
    return "".join(parts)


def _page_link(cl):
    """Django's ``paginator_number`` for each page: the query string written once."""
    url = escape(cl.get_query_string({PAGE_VAR: _PAGE_SENTINEL}))
    head, _, tail = url.partition(f"{PAGE_VAR}={_PAGE_SENTINEL}")
    last = cl.paginator.num_pages

    def link(number) -> str:
        if number == cl.paginator.ELLIPSIS:
            return f"{escape(number)} "
        if number == cl.page_num:
            return f'<span class="this-page">{number}</span> '
        end = ' class="end"' if number == last else ""
        return f'<a href="{head}{PAGE_VAR}={number}{tail}"{end}>{number}</a> '

    return link


def is_django_object_tools(opts) -> bool:
    """Whether the model's list draws its add button with Django's own
    ``admin/change_list_object_tools.html`` (no app, model or project template)."""
    origin = _chosen_template(opts, "change_list_object_tools.html")
    return origin.endswith("django/contrib/admin/templates/admin/change_list_object_tools.html")


_written_tools = Kept(limit=512)


def render_object_tools(context) -> str:
    """``{% change_list_object_tools %}`` with Django's template, written in Python: the add
    link (its reversal, the preserved filters and the label) cost ~0.4 ms as a template.
    Written once per process for everything it shows (the model, the permission, the admin
    site, the preserved filters, a popup's flags, the language and URL configuration)."""
    cl = context.get("cl")
    request = context.get("request")
    try:
        key = (
            cl.opts.label,
            bool(context.get("has_add_permission")),
            getattr(request, "current_app", None),
            context.get("opts"),
            context.get("preserved_filters"),
            context.get("preserved_qsl"),
            context.get("is_popup"),
            context.get("to_field"),
            *render_env.environment(),
        )
        hash(key)
    except (AttributeError, TypeError):
        return write_object_tools(context)
    return _written_tools.get_or_make(key, lambda: write_object_tools(context))


def write_object_tools(context) -> str:
    """``render_object_tools`` without the memo."""
    head = "\n\n\n  "
    if not context.get("has_add_permission"):
        return head + "\n\n"
    cl = context["cl"]
    request = context.get("request")
    url = reverse(admin_urlname(cl.opts, "add"), current_app=getattr(request, "current_app", None))
    url = add_preserved_filters(context, url, context.get("is_popup"), context.get("to_field"))
    label = gettext("Add %(name)s") % {"name": escaped(cl.opts.verbose_name)}
    return (
        f'{head}\n  <li>\n    \n    <a href="{escaped(url)}" class="addlink">\n'
        f"      {label}\n    </a>\n  </li>\n  \n\n"
    )
