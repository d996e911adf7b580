"""Demo data hooks: each app may define ``<app>/demo.py`` with ``seed(context) -> None``.

``seed_demo`` calls them in INSTALLED_APPS order, so later apps find the deputies and users of
earlier ones in ``context``. Every hook must be idempotent (get-or-create on natural keys).
An optional ``finish(context)`` runs after every app has seeded: the place for work that
depends on later apps' data (the ledger's scores include the suggestions' credits).
"""

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps

DEMO_PASSWORD = "lvzhi2026"


@dataclass
class DemoContext:
    today: Any
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def add_login(self, role: str, username: str, note: str = "") -> None:
        if all(existing[1] != username for existing in self.logins):
            self.logins.append((role, username, note))


def run_demo_seeders(context: DemoContext) -> None:
    modules = []
    for app_config in apps.get_app_configs():
        try:
            modules.append(import_module(f"{app_config.name}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.demo":
                raise
    for step in ("seed", "finish"):
        for module in modules:
            if hasattr(module, step):
                getattr(module, step)(context)
