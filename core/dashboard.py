"""Panels that apps contribute to a role's home page.

An app registers a panel in its ``AppConfig.ready``; the dashboard view renders the panels in
order. This keeps each app's queries in that app, and lets later apps (liaison, training) add
themselves without touching the dashboard.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.signals import setting_changed
from django.db import connections
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.roles import Role
from core import clock
from core.compiled import Distinct, Kept, Rows, run_reads, union_sql
from core.url_memo import reverse_memo

# A panel's plain counts: ``{"disputes": Dispute.objects.filter(...), ...}`` for the request
# (a ``core.compiled.Distinct`` counts distinct values, a ``core.compiled.Rows`` reads a few
# rows in the same statement), or None when the panel shows nothing to this user.
CountSource = Callable[[HttpRequest], dict[str, QuerySet | Distinct | Rows] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable[..., dict[str, Any] | None]
    counts: CountSource | None = None
    counts_take_now: bool = False  # ``counts(request, now=...)``: a count moves with the clock


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
    costs no query of its own (the staff desk has some twenty of them).

    The counts' statement is compiled once a day per process and permission set and run
    afresh on every visit (``_count_statement``), so ``counts(request)`` must depend on
    nothing but the user's permissions and today's date, and read no rows. A count that moves
    with the time of day takes ``now`` (``counts(request, now=...)``) and derives its
    timestamps from it by adding or subtracting a fixed interval."""
    takes_now = counts is not None and "now" in inspect.signature(counts).parameters
    _PANELS[role][key] = Panel(
        key=key,
        order=order,
        template=template,
        context=context,
        counts=counts,
        counts_take_now=takes_now,
    )
    _COUNT_STATEMENTS.clear()


def panels_for(role: Role, request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    """Render-ready (template, context) pairs; a panel whose context is None is skipped."""
    panels = sorted(_PANELS[role].values(), key=lambda p: (p.order, p.key))
    counted = _count(role, panels, request)
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


# The desk's counts: one UNION ALL of every panel's plain counts. Building and compiling the
# twenty-odd querysets cost about as much as running them, and the statement depends only on
# the day and what the user may see, so it is compiled once a day per process and permission
# set and run with fresh parameters; only the SQL is kept, never a count. Timestamps derived
# from ``now`` are compiled from a marked moment and moved to the request's on each run.

_NOW_MARK = datetime(1971, 1, 1, 0, 0, 0, 271_828, tzinfo=UTC)  # a moment no row has
_OTHER_MARK = _NOW_MARK + timedelta(days=3, seconds=7)  # to check which parameters moved
_FAR = timedelta(days=3650)  # a count's timestamps lie within this of ``now``


@dataclass(frozen=True)
class _CountStatement:
    using: str
    sql: str
    params: tuple
    moving: tuple[int, ...]  # the params derived from ``now``, compiled from ``_NOW_MARK``
    names: tuple[str, ...]  # "panel:count", each panel's counts
    listed: frozenset[str] = frozenset()  # the names of ``Rows`` sources


_COUNT_STATEMENTS = Kept(limit=64)  # permission sets x days: _CountStatement or None


@receiver(setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    """A count may read a setting (the opinions' triage days): tests change them."""
    _COUNT_STATEMENTS.clear()


def _permission_key(user) -> tuple:
    """What the panels' count sources may depend on about the user (``has_module_perms``)."""
    if not user.is_active:
        return ("inactive",)
    if user.is_superuser:
        return ("superuser",)
    return ("user", frozenset(user.get_all_permissions()))


def _wanted(panels: list[Panel], request: HttpRequest, now: datetime) -> dict[str, QuerySet]:
    wanted: dict[str, QuerySet] = {}
    for panel in panels:
        if panel.counts is None:
            continue
        found = panel.counts(request, now=now) if panel.counts_take_now else panel.counts(request)
        for name, queryset in (found or {}).items():
            wanted[f"{panel.key}:{name}"] = queryset
    return wanted


def _union(wanted: dict[str, QuerySet]) -> tuple[str, str, tuple]:
    return union_sql(wanted)


def _moment(value: Any, using: str) -> datetime | None:
    """A timestamp parameter as an aware datetime (SQLite's are written as text), else None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == " ":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=connections[using].timezone)
    return None


def _compile_counts(panels: list[Panel], request: HttpRequest) -> _CountStatement | None:
    """The statement, or None when a parameter moved in a way this cannot follow (then each
    visit compiles its own)."""
    wanted = _wanted(panels, request, _NOW_MARK)
    if not wanted:
        return _CountStatement("", "", (), (), ())
    using, sql, params = _union(wanted)
    _using, other_sql, other_params = _union(_wanted(panels, request, _OTHER_MARK))
    if other_sql != sql or len(other_params) != len(params):
        return None
    moving = []
    for i, (one, other) in enumerate(zip(params, other_params, strict=True)):
        if one == other:
            continue
        first, second = _moment(one, using), _moment(other, using)
        if (
            first is None
            or second is None
            or second - first != _OTHER_MARK - _NOW_MARK
            or abs(first - _NOW_MARK) > _FAR
        ):
            return None
        moving.append(i)
    return _CountStatement(using, sql, params, tuple(moving), tuple(wanted), _listed(wanted))


def _listed(wanted: dict) -> frozenset[str]:
    return frozenset(name for name, source in wanted.items() if isinstance(source, Rows))


def _count(role: Role, panels: list[Panel], request: HttpRequest) -> dict[str, Any]:
    """Every panel's plain counts, ``{"panel:count": n}``, and its ``Rows`` reads,
    ``{"panel:read": [row, ...]}``, in one query."""
    if not any(panel.counts is not None for panel in panels):
        return {}
    now = clock.now()
    key = (role, clock.today(), _permission_key(request.user))
    statement = _COUNT_STATEMENTS.get_or_make(key, lambda: _compile_counts(panels, request))
    if statement is None:
        wanted = _wanted(panels, request, now)
        if not wanted:
            return {}
        using, sql, params = _union(wanted)
        return run_reads(using, sql, params, tuple(wanted), _listed(wanted), prepare=False)
    if not statement.names:
        return {}
    using, sql, names = statement.using, statement.sql, statement.names
    params = statement.params
    if statement.moving:
        params = list(params)
        ops = connections[using].ops
        for i in statement.moving:
            moment = _moment(params[i], using) - _NOW_MARK + now
            if not isinstance(params[i], datetime):
                moment = ops.adapt_datetimefield_value(moment)
            params[i] = moment
    # A prepared statement on PostgreSQL (core.compiled.run_kept): planned once per database
    # session, not on every visit; the moved timestamps are its parameters.
    return run_reads(using, sql, params, names, statement.listed, statement.moving)


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
    """``admin_url("performance_dispute_changelist", status__exact="open")``. A name without
    arguments is reversed once per process (``core.url_memo``): the desk and the cockpit build
    some forty links on every visit."""
    from urllib.parse import urlencode

    from django.urls import reverse

    url = reverse(f"admin:{name}", args=args) if args else reverse_memo(f"admin:{name}")
    return f"{url}?{urlencode(params)}" if params else url
