"""Panels that apps contribute to a role's home page.

An app registers a panel in its ``AppConfig.ready``; the dashboard view renders the panels in
order. This keeps each app's queries in that app, and lets later apps (liaison, training) add
themselves without touching the dashboard.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from accounts.roles import Role


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]


_PANELS: dict[Role, dict[str, Panel]] = {role: {} for role in Role}


def register_panel(
    role: Role,
    key: str,
    template: str,
    context: Callable[[HttpRequest], dict[str, Any] | None],
    order: int = 100,
) -> None:
    _PANELS[role][key] = Panel(key=key, order=order, template=template, context=context)


def panels_for(role: Role, request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    """Render-ready (template, context) pairs; a panel whose context is None is skipped."""
    rendered = []
    for panel in sorted(_PANELS[role].values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request)
        if context is not None:
            rendered.append((panel.template, context))
    return rendered
