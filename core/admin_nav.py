"""The admin's app list, built once per permission set instead of on every request.

Every admin page puts the app list in its sidebar (``AdminSite.each_context``). Building it asks
each of ~55 ModelAdmins for its permissions and reverses two URLs per model: about a fifth of a
changelist's time, for a result that depends only on

* what the user may do: superuser or not, active or not, and the set of permissions (the
  ModelAdmins' ``has_*_permission`` overrides, asked with ``obj=None``, look at nothing else);
* the language the names are shown in, the URL prefix and URLconf the links are reversed with;
* which models are registered (the memo is cleared when that changes).

``AppListMemo`` keys the built list on exactly that, in this process's memory: a handful of
entries (one per role and language), nothing to share between processes since the key is the
inputs themselves: a user who gains a group has a new permission set, hence a new key, on the
next request. Lazy names are rendered to ``str`` in the request's language before they are kept.
"""

import threading
from collections.abc import Callable
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import Promise
from django.utils.html import conditional_escape as escape
from django.utils.translation import get_language, gettext

# Distinct permission sets × languages seen by one process; past this the memo starts over.
MAX_ENTRIES = 256


def user_fingerprint(user) -> tuple:
    """What the app list can depend on in the user: a superuser sees every model whatever
    permission rows exist (and asking for them would cost a query), anyone else their set."""
    if user.is_active and user.is_superuser:
        perms: frozenset[str] = frozenset({"*"})
    else:
        perms = frozenset(user.get_all_permissions())
    return (user.is_active, user.is_superuser, user.is_staff, perms)


def _plain(value):
    return str(value) if isinstance(value, Promise) else value


def _frozen(app_list: list[dict]) -> list[dict]:
    """``app_list`` with its lazy strings rendered in the current language."""
    return [
        {
            **{key: _plain(value) for key, value in app.items() if key != "models"},
            "models": [{k: _plain(v) for k, v in model.items()} for model in app["models"]],
        }
        for app in app_list
    ]


def _copy(app_list: list[dict]) -> list[dict]:
    """A copy a caller may change without changing what the next request gets."""
    return [
        {
            **app,
            "models": [{**model, "perms": dict(model["perms"])} for model in app["models"]],
        }
        for app in app_list
    ]


class KeptAppList(list):
    """An app list from the memo, with the key it was kept under (``memo_key``): everything
    it depends on, so a page part written from it can be kept under the same key."""

    def __init__(self, app_list: list[dict], memo_key: tuple) -> None:
        super().__init__(app_list)
        self.memo_key = memo_key


class AppListMemo:
    def __init__(self) -> None:
        self._entries: dict[tuple, list[dict]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def key(self, request, app_label: str | None) -> tuple:
        return (
            app_label,
            user_fingerprint(request.user),
            get_language(),
            get_script_prefix(),
            get_urlconf(),
        )

    def get(self, request, app_label: str | None, build: Callable[[], list[dict]]) -> list[dict]:
        key = self.key(request, app_label)
        app_list = self._entries.get(key)
        if app_list is None:
            app_list = _frozen(build())
            with self._lock:
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                self._entries[key] = app_list
        return KeptAppList(_copy(app_list), key)


def _current(url, path: str) -> bool:
    """``{% if url in request.path|urlencode %}`` as the template evaluates it (an error, as
    with no URL, is false)."""
    try:
        return url in path
    except TypeError:
        return False


# Written sidebars by everything they show; past this many the memo starts over.
MAX_WRITTEN = 512
_written: dict[tuple, str] = {}


def _fingerprint(app_list: list[dict]) -> tuple:
    """Everything of ``app_list`` that ``render_app_list`` writes."""
    return tuple(
        (
            str(app["app_label"]),
            type(app["name"]),  # safe text is written as it is, plain text escaped
            str(app["name"]),
            app["app_url"],
            tuple(
                (
                    str(model["object_name"]),
                    type(model["name"]),
                    str(model["name"]),
                    model["admin_url"],
                    model["add_url"],
                    bool(model.get("view_only")),
                )
                for model in app["models"]
            ),
        )
        for app in app_list
    )


def render_app_list(app_list: list[dict], path: str, show_changelinks: bool) -> str:
    """Django's ``admin/app_list.html`` written out in Python: the same elements, attributes
    and text (the template spends ~1 ms per model on loops, lookups and translations, and it
    is on every admin page, in the sidebar). ``path`` is ``request.path``. The same list on
    the same page in the same language is written once per process (a page's sidebar is
    the same on every visit of every clerk with the same permissions)."""
    try:
        key = (_fingerprint(app_list), path, show_changelinks, get_language())
        hash(key)
    except (TypeError, KeyError):
        return write_app_list(app_list, path, show_changelinks)
    html = _written.get(key)
    if html is None:
        html = write_app_list(app_list, path, show_changelinks)
        if len(_written) >= MAX_WRITTEN:
            _written.clear()
        _written[key] = html
    return html


def write_app_list(app_list: list[dict], path: str, show_changelinks: bool) -> str:
    """``render_app_list`` without the memo."""
    if not app_list:
        return f"<p>{escape(gettext('You don’t have permission to view or edit anything.'))}</p>"
    path = quote(path)
    head = (
        '<thead class="visually-hidden"><tr>'
        f'<th scope="col">{escape(gettext("Model name"))}</th>'
        f'<th scope="col">{escape(gettext("Add link"))}</th>'
        f'<th scope="col">{escape(gettext("Change or view list link"))}</th>'
        "</tr></thead>"
    )
    add, view, change = escape(gettext("Add")), escape(gettext("View")), escape(gettext("Change"))
    models_in = gettext("Models in the %(name)s application")
    out = []
    for app in app_list:
        label = escape(app["app_label"])
        name = escape(app["name"])
        app_url = app["app_url"]
        current_app = " current-app" if _current(app_url, path) else ""
        title = models_in % {"name": name}
        out.append(
            f'<div class="app-{label} module{current_app}"><table><caption>'
            f'<a href="{escape(app_url)}" class="section" title="{title}">{name}</a>'
            f"</caption>{head}"
        )
        for model in app["models"]:
            model_name = escape(model["object_name"].lower())
            admin_url = model["admin_url"]
            current = bool(admin_url) and _current(admin_url, path)
            row_id = f"{label}-{model_name}"
            model_label = escape(model["name"])
            if admin_url:
                aria = ' aria-current="page"' if current else ""
                link = f'<a href="{escape(admin_url)}"{aria}>{model_label}</a>'
            else:
                link = model_label
            row_class = " current-model" if current else ""
            out.append(
                f'<tr class="model-{model_name}{row_class}">'
                f'<th scope="row" id="{row_id}">{link}</th>'
            )
            if model["add_url"]:
                out.append(
                    f'<td><a href="{escape(model["add_url"])}" class="addlink"'
                    f' aria-describedby="{row_id}">{add}</a></td>'
                )
            else:
                out.append("<td></td>")
            if show_changelinks and admin_url:
                view_only = model.get("view_only")
                kind, text = ("viewlink", view) if view_only else ("changelink", change)
                out.append(
                    f'<td><a href="{escape(admin_url)}" class="{kind}"'
                    f' aria-describedby="{row_id}">{text}</a></td>'
                )
            elif show_changelinks:
                out.append("<td></td>")
            out.append("</tr>")
        out.append("</table></div>")
    return "".join(out)
