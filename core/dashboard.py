"""Panels that apps contribute to a role's home page.

An app registers a panel in its ``AppConfig.ready``; the dashboard view renders the panels in
order. This keeps each app's queries in that app, and lets later apps (liaison, training) add
themselves without touching the dashboard.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.roles import Role
from core.admin_lists import counts_in_one_query

# A panel's plain counts: ``{"disputes": Dispute.objects.filter(...), ...}`` for the request,
# or None when the panel shows nothing to this user.
CountSource = Callable[[HttpRequest], dict[str, QuerySet] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable[..., dict[str, Any] | None]
    counts: CountSource | None = None


_PANELS: dict[Role, dict[str, Panel]] = {role: {} for role in Role}


def register_panel(
    role: Role,
    key: str,
    template: str,
    context: Callable[..., dict[str, Any] | None],
    order: int = 100,
    counts: CountSource | None = None,
) -> None:
    """``counts``, if given, names the panel's plain counts as querysets; the page then counts
    every panel's in one query and calls ``context(request, counts={name: n})``, so a card
    costs no query of its own (the staff desk has some twenty of them)."""
    _PANELS[role][key] = Panel(
        key=key, order=order, template=template, context=context, counts=counts
    )


def panels_for(role: Role, request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    """Render-ready (template, context) pairs; a panel whose context is None is skipped."""
    panels = sorted(_PANELS[role].values(), key=lambda p: (p.order, p.key))
    wanted: dict[str, QuerySet] = {}
    for panel in panels:
        if panel.counts is not None:
            for name, queryset in (panel.counts(request) or {}).items():
                wanted[f"{panel.key}:{name}"] = queryset
    counted = counts_in_one_query(**wanted) if wanted else {}
    rendered = []
    for panel in panels:
        if panel.counts is None:
            context = panel.context(request)
        else:
            prefix = f"{panel.key}:"
            mine = {k.removeprefix(prefix): n for k, n in counted.items() if k.startswith(prefix)}
            context = panel.context(request, counts=mine)
        if context is not None:
            rendered.append((panel.template, context))
    return rendered


@dataclass(frozen=True)
class Todo:
    """One to-do card on the staff desk (the admin index), or one row of a deputy's to-do list.

    ``url`` is the admin list (or page) filtered to exactly the ``count`` items; ``text``
    replaces the number for a state that is not a count (e.g. a plan not yet made). A card with
    nothing to do is shown calmly and links nowhere.
    """

    label: str
    count: int = 0
    url: str = ""
    hint: str = ""
    text: str = ""
    tone: str = "warn"  # "warn" or "danger": how a card with something to do stands out

    @property
    def due(self) -> bool:
        return bool(self.text) or self.count > 0

    @property
    def link(self) -> str:
        return self.url if self.due else ""


TodoSource = Callable[[HttpRequest], list[Todo]]
_TODOS: dict[Role, dict[str, tuple[int, TodoSource]]] = {role: {} for role in Role}


def register_todo(role: Role, key: str, items: TodoSource, order: int = 100) -> None:
    """Add a source of to-dos to ``role``'s merged to-do list (the deputy's 待办 on the
    dashboard). ``items(request)`` returns :class:`Todo` rows (``hint`` tells when or where,
    ``url`` the page where the deputy acts), computed in a fixed number of queries; the list
    shows the rows with something to do. Registering a key again replaces it, so ``ready`` may
    run twice. The dashboard merges the apps' rows without importing them."""
    _TODOS[role][key] = (order, items)


def todos_for(role: Role, request: HttpRequest) -> list[Todo]:
    """Every registered source's rows that are due, in registration order then key."""
    rows: list[Todo] = []
    for _key, (_order, items) in sorted(_TODOS[role].items(), key=lambda kv: (kv[1][0], kv[0])):
        rows.extend(todo for todo in items(request) if todo.due)
    return rows


def admin_url(name: str, *args: Any, **params: Any) -> str:
    """``admin_url("performance_dispute_changelist", status__exact="open")``."""
    from urllib.parse import urlencode

    from django.urls import reverse

    url = reverse(f"admin:{name}", args=args)
    return f"{url}?{urlencode(params)}" if params else url
