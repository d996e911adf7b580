"""The header row of a changelist's result table (``change_list_results.html``'s ``<th>``
cells), written from Django's ``result_headers`` once per process for everything it shows
(``core.admin_rows`` writes the rows under it)."""

from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.template.defaultfilters import capfirst
from django.utils.html import escape
from django.utils.translation import gettext

from core import render_env
from core.admin_rows import MAX_PLANNED
from core.compiled import Kept
from core.texts import escaped

# Header rows written by everything they show; past this many the memo starts over.
_headers = Kept(limit=MAX_PLANNED)


def render_headers(cl) -> str:
    """The ``<th>`` cells of ``change_list_results.html`` from Django's ``result_headers``,
    written once per process for the same list, columns, query string, sort and language (the
    labels' lookups and three sort links per column cost ~0.15 ms a page)."""
    try:
        key = (
            type(cl),
            cl.model_admin,
            tuple(cl.list_display),
            None if cl.sortable_by is None else tuple(cl.sortable_by),
            tuple(sorted((name, tuple(values)) for name, values in cl.filter_params.items())),
            _sort_key(cl),
            render_env.language(),
        )
        hash(key)
    except TypeError:
        return write_headers(cl)
    return _headers.get_or_make(key, lambda: write_headers(cl))


def _sort_key(cl) -> tuple:
    """What Django's ``get_ordering_field_columns`` reads (the sort asked for, else the admin's
    or the model's ordering, with the list's columns, named in the headers' key), where
    calling it costs ~60 µs a page; the columns themselves for a changelist of its own."""
    if (
        type(cl).get_ordering_field_columns is not ChangeList.get_ordering_field_columns
        or type(cl)._get_default_ordering is not ChangeList._get_default_ordering
    ):
        return ("columns", tuple(cl.get_ordering_field_columns().items()))
    if ORDER_VAR in cl.params:
        return ("asked", cl.params[ORDER_VAR])
    return ("default", tuple(cl.model_admin.ordering or ()), tuple(cl.lookup_opts.ordering or ()))


def write_headers(cl) -> str:
    """``render_headers`` without the memo."""
    headers = list(result_headers(cl))
    sorted_count = sum(1 for h in headers if h["sortable"] and h["sorted"])
    remove_title = escape(gettext("Remove from sorting"))
    toggle_title = escape(gettext("Toggle sorting"))
    out = []
    for header in headers:
        text = escaped(capfirst(header["text"]))
        cell = [f'<th scope="col"{escaped(header["class_attrib"])}>']
        priority = header.get("sort_priority", 0)
        if header["sortable"] and priority > 0:
            cell.append(
                f'<div class="sortoptions"><a class="sortremove"'
                f' href="{escape(header["url_remove"])}" title="{remove_title}"></a>'
            )
            if sorted_count > 1:
                title = gettext("Sorting priority: %(priority_number)s") % {
                    "priority_number": priority
                }
                cell.append(f'<span class="sortpriority" title="{title}">{priority}</span>')
            direction = "ascending" if header["ascending"] else "descending"
            cell.append(
                f'<a href="{escape(header["url_toggle"])}" class="toggle {direction}"'
                f' title="{toggle_title}"></a></div>'
            )
        if header["sortable"]:
            cell.append(
                f'<div class="text"><a href="{escape(header["url_primary"])}">{text}</a></div>'
            )
        else:
            cell.append(f'<div class="text"><span>{text}</span></div>')
        cell.append('<div class="clear"></div></th>')
        out.append("".join(cell))
    return "".join(out)
