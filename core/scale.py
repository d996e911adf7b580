"""Scale data hooks: each app may define ``<app>/scale.py`` with ``generate(context)`` and an
optional ``finish(context)``, like the demo hooks (``core.demo``).

``generate_scale_data`` calls every app's ``generate`` in INSTALLED_APPS order, then every
``finish``, inside one transaction. Earlier hooks leave what later ones need in
``context.data`` (the deputies and the years they held office, the rule years), so no app
imports another app's private modules: the layer contract stays as it is.

The data is meant for measuring pages at district size, so the hooks write with
``bulk_create`` rather than through the services, but every row is one the services could have
produced (constraints hold, dates follow each other). Each hook draws from its own random
stream (:meth:`ScaleContext.rng_for`), so the same seed yields the same data whatever the other
hooks draw.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import models


@dataclass
class ScaleContext:
    """What every scale hook shares: the requested sizes, the seed, the day the data ends on
    (``today``, never a hard-coded year) and ``data`` for handing ids from one app to the
    next."""

    seed: int
    deputies: int
    entries_per_deputy: int
    suggestions: int
    today: date
    data: dict[str, Any] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        """The current year and the two before it."""
        return [self.today.year - 2, self.today.year - 1, self.today.year]

    def rng_for(self, name: str) -> random.Random:
        """A random stream of its own for ``name`` (an app or a part of one), seeded from the
        run's seed: adding a draw in one hook does not change another hook's data."""
        return random.Random(f"{self.seed}:{name}")


def _scale_modules() -> list[tuple[str, Any]]:
    modules = []
    for app_config in apps.get_app_configs():
        try:
            modules.append((app_config.label, import_module(f"{app_config.name}.scale")))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.scale":
                raise
    return modules


def scale_models() -> list[type[models.Model]]:
    """The models of the apps that have a scale hook (what the summary counts)."""
    labels = {label for label, _module in _scale_modules()}
    return [m for label in sorted(labels) for m in apps.get_app_config(label).get_models()]


def run_scale_generators(
    context: ScaleContext, progress: Callable[[str], None] | None = None
) -> None:
    """Every app's ``generate``, then every app's ``finish``, timing each step."""
    modules = _scale_modules()
    for step in ("generate", "finish"):
        for label, module in modules:
            hook = getattr(module, step, None)
            if hook is None:
                continue
            started = time.monotonic()
            hook(context)
            elapsed = time.monotonic() - started
            context.timings.append((f"{label}.{step}", elapsed))
            if progress is not None:
                progress(f"{label}.{step}: {elapsed:.1f} s")
