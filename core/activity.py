"""Counts of what deputies did, contributed by the apps that know (a registry like the
dashboard's panels).

The training app finds a deputy's gaps from their record, but it must not import the apps that
hold the record (suggestions, liaison): each of those registers a counter here in its
``AppConfig.ready``, and training's gap rules name a counter by key. A counter answers for many
deputies in one query.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

Counter = Callable[..., dict[int, int]]  # (*, deputy_ids, year) -> {deputy id: count}


@dataclass(frozen=True)
class Activity:
    key: str
    label: str | Promise
    count: Counter


_ACTIVITIES: dict[str, Activity] = {}


def register_activity(key: str, label: str | Promise, count: Counter) -> None:
    """Register (or replace, so ``ready`` may run twice) the counter of one activity."""
    _ACTIVITIES[key] = Activity(key, label, count)


def activities() -> list[Activity]:
    return sorted(_ACTIVITIES.values(), key=lambda a: a.key)


def activity_choices() -> list[tuple[str, str | Promise]]:
    return [(a.key, a.label) for a in activities()]


def activity_counts(key: str, *, deputy_ids: Iterable[int], year: int) -> dict[int, int]:
    """Deputy id → count of ``key`` in ``year``; an unknown key (an app removed) counts
    nothing rather than failing a deputy's page."""
    activity = _ACTIVITIES.get(key)
    if activity is None:
        return {}
    return activity.count(deputy_ids=list(deputy_ids), year=year)
