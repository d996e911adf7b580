"""The staff suggestions page's reads (its cards and status badges): the first rows of each
card, the calendar's exceptions for the overdue card's working days and the live badges, in
one statement (``core.compiled.union_sql``); the badges of settled states kept
``FIGURES_MINUTES``."""

from datetime import date
from typing import Any

from django.db.models import Count, QuerySet, Subquery

from core import clock
from core.cockpit import FIGURES_MINUTES, remembered
from core.compiled import Kept, Rows, run_reads, union_sql
from core.models import CalendarDay

from .models import (
    OPEN_HANDLING,
    STAFF_LIVE_STATES,
    Commitment,
    CommitmentStatus,
    FollowUpCheck,
    HandlingUnit,
    Status,
    Suggestion,
    ToughProject,
)
from .selectors import last_quarter, missing_quarterly_reports_query, overdue_working_days

# Rows each card of the staff overview lists; the card links to the full filtered list.
OVERVIEW_ROWS = 10
# What each card's rows show (suggestions/staff_rows.py writes them), and nothing else, read as
# plain values in this order: a district's cards list ten rows each, and making model
# instances of them (and of their related rows) cost more than their four statements' SQL.
OVERDUE_ROW_FIELDS = ("pk", "title", "number", "reply_deadline", "lead_unit__name")
PENDING_ROW_FIELDS = ("pk", "title", "submitted_on", "lead_deputy__name")
CHECK_ROW_FIELDS = (
    "pk",
    "kind",
    "due_on",
    "suggestion_id",
    "suggestion__title",
    "suggestion__number",
)
COMMITMENT_ROW_FIELDS = (
    "pk",
    "content",
    "due_on",
    "owner_unit__name",
    "suggestion_id",
    "suggestion__number",
)
REPORT_ROW_FIELDS = (
    "pk",
    "suggestion_id",
    "suggestion__number",
    "suggestion__title",
    "suggestion__lead_unit_id",
    "suggestion__lead_unit__name",
)


def _first_rows(build, limit: int = OVERVIEW_ROWS) -> QuerySet:
    """The first ``limit + 1`` rows of ``build()`` (tuples of a card's fields), in its order:
    the card's ``limit`` rows and whether there are more, so the page costs the same whether
    ten or ten thousand rows match. The rows are chosen on their own table (a sliced ``pk__in``
    subquery) and only those joined to their relations: joining every matching row before
    sorting them cost more than the rest of the page."""
    rows = build()
    return rows.filter(pk__in=rows.values("pk")[: limit + 1])


# The staff page's status badges, in two kinds. What a clerk acts on or follows
# (``STAFF_LIVE_STATES``: to register, to assign, under handling) is counted afresh on every
# visit, from the status index's ranges of those states alone: the district's work in hand
# (5,649 index entries at district size), not every year kept. The rest has left the workflow
# (drafts the deputies keep, not registered, concluded, closed: 14,393 entries, more each
# year) and nobody acts on it: counted once per ``FIGURES_MINUTES``
# (``core.cockpit.remembered``), and the page says when. A partial index on the live states
# was measured too: the same 0.33 ms as the status index's ranges, so none was added.
STAFF_SETTLED_STATES = tuple(s for s in Status if s not in STAFF_LIVE_STATES)


def _status_counts(states: tuple[Status, ...]) -> QuerySet:
    """``(status, n)`` of the suggestions in ``states``: ``COUNT(*)``, so from an index alone."""
    return (
        Suggestion.objects.filter(status__in=[s.value for s in states])
        .values_list("status")
        .annotate(n=Count("*"))
        .order_by("status")
    )


def staff_status_counts(live: dict[str, int]) -> dict[str, Any]:
    """The staff page's badges as (label, count, status): ``status_counts`` of the live states
    (``live``: status -> count, read now by the caller); ``settled_counts`` as counted at
    ``counted_at`` (kept ``FIGURES_MINUTES``)."""
    counted_at, settled = remembered(
        "suggestions:settled-counts", lambda: dict(_status_counts(STAFF_SETTLED_STATES))
    )
    return {
        "status_counts": [
            (s.label, live.get(s.value, 0), s.value) for s in Status if s in STAFF_LIVE_STATES
        ],
        "settled_counts": [
            (s.label, settled.get(s.value, 0), s.value) for s in Status if s in STAFF_SETTLED_STATES
        ],
        "counted_at": counted_at,
        "figures_minutes": FIGURES_MINUTES,
    }


def _sources(today: date) -> dict[str, Rows]:
    """What the page reads afresh, each a ``Rows`` source of one statement
    (``core.compiled.union_sql``): each card's first rows, the calendar's exceptions since the
    earliest overdue deadline (for the overdue card's working days), the live badges."""
    overdue = Suggestion.objects.filter(status__in=OPEN_HANDLING, reply_deadline__lt=today)
    earliest = overdue.order_by("reply_deadline").values("reply_deadline")[:1]
    return {
        "overdue": Rows(
            _first_rows(
                lambda: overdue.order_by("reply_deadline", "pk").values_list(*OVERDUE_ROW_FIELDS)
            )
        ),
        "calendar": Rows(
            CalendarDay.objects.filter(date__gt=Subquery(earliest), date__lte=today)
            .order_by("date")
            .values_list("date", "kind")
        ),
        "checks": Rows(
            _first_rows(
                lambda: (
                    FollowUpCheck.objects.filter(done_on__isnull=True, due_on__lte=today)
                    .order_by("due_on", "pk")
                    .values_list(*CHECK_ROW_FIELDS)
                )
            )
        ),
        "commitments": Rows(
            _first_rows(
                lambda: (
                    Commitment.objects.filter(status=CommitmentStatus.OPEN, due_on__lt=today)
                    .order_by("due_on", "pk")
                    .values_list(*COMMITMENT_ROW_FIELDS)
                )
            )
        ),
        # Newest first, as the default order gives unnumbered rows, but said outright: the
        # default (year, sequence) order walks the numbering index over every suggestion.
        "pending": Rows(
            _first_rows(
                lambda: (
                    Suggestion.objects.filter(status=Status.SUBMITTED)
                    .order_by("-created_at", "-pk")
                    .values_list(*PENDING_ROW_FIELDS)
                )
            )
        ),
        "reports": Rows(
            missing_quarterly_reports_query(today)
            .select_related(None)
            .values_list(*REPORT_ROW_FIELDS)[: OVERVIEW_ROWS + 1]
        ),
        "live": Rows(_status_counts(STAFF_LIVE_STATES)),
    }


# The page's reads, one statement per day and process: its text kept (``core.compiled``), run
# as a prepared statement of the connection; every read is fresh.
_STATEMENTS = Kept(limit=4)


def _reads(today: date) -> dict[str, list[tuple]]:
    """The rows of ``_sources(today)``, read in one statement. Seven statements of ~0.3 ms of
    round trip each at district size (each card's rows, the calendar, the live badges, the
    tough projects) cost more than the rows they read (issue #8)."""

    def build():
        sources = _sources(today)
        return (*union_sql(sources), tuple(sources))

    using, sql, params, names = _STATEMENTS.get_or_make(("staff-overview", today), build)
    return run_reads(using, sql, params, names, frozenset(names))


def _day(value: str | None) -> date | None:
    """A date read from JSON (ISO text)."""
    return None if value is None else date.fromisoformat(value)


def _dated(rows: list[tuple], place: int) -> list[tuple]:
    """``rows`` with the JSON text at ``place`` read as a date."""
    return [(*row[:place], _day(row[place]), *row[place + 1 :]) for row in rows]


def _projects(rows: list[tuple]) -> list[ToughProject]:
    """The tough projects' rows (``REPORT_ROW_FIELDS``) as the instances the card reads: the
    project's suggestion and its lead unit (or none) loaded with it, nothing else."""
    found = []
    for pk, suggestion_id, number, title, unit_id, unit_name in rows:
        project = ToughProject.from_db("default", ["id", "suggestion_id"], [pk, suggestion_id])
        suggestion = Suggestion.from_db(
            "default",
            ["id", "title", "number", "lead_unit_id"],
            [suggestion_id, title, number, unit_id],
        )
        unit = None
        if unit_id is not None:
            unit = HandlingUnit.from_db("default", ["id", "name"], [unit_id, unit_name])
        Suggestion._meta.get_field("lead_unit").set_cached_value(suggestion, unit)
        ToughProject._meta.get_field("suggestion").set_cached_value(project, suggestion)
        found.append(project)
    return found


def staff_overview(today: date | None = None) -> dict[str, Any]:
    """The staff's follow-up page: counts by state and, per card, the most urgent rows.

    Each card shows at most ``OVERVIEW_ROWS`` rows and says when there are more (its link
    opens the filtered list), so the page's cost does not grow with the district's backlog;
    the counts of settled states, which grow with every year kept, are kept a few minutes
    (``staff_status_counts``). Everything else is read afresh in one statement (``_reads``)."""
    today = today or clock.today()
    read = _reads(today)
    overdue = _dated(read["overdue"], 3)
    exceptions = {_day(day): kind for day, kind in read["calendar"]}
    days = overdue_working_days([row[3] for row in overdue[:OVERVIEW_ROWS]], today, exceptions)
    cards = {
        "overdue": overdue,
        "checks": _dated(read["checks"], 2),
        "commitments": _dated(read["commitments"], 2),
        "pending": _dated(read["pending"], 2),
        "reports": _projects(read["reports"]),
    }
    year, quarter = last_quarter(today)
    return {
        "today": today,
        **staff_status_counts(dict(read["live"])),
        "overdue": list(zip(overdue[:OVERVIEW_ROWS], days, strict=True)),
        "more_overdue": len(overdue) > OVERVIEW_ROWS,
        "due_checks": cards["checks"][:OVERVIEW_ROWS],
        "more_checks": len(cards["checks"]) > OVERVIEW_ROWS,
        "overdue_commitments": cards["commitments"][:OVERVIEW_ROWS],
        "more_commitments": len(cards["commitments"]) > OVERVIEW_ROWS,
        "missing_reports": [(p, year, quarter) for p in cards["reports"][:OVERVIEW_ROWS]],
        "more_reports": len(cards["reports"]) > OVERVIEW_ROWS,
        "pending": cards["pending"][:OVERVIEW_ROWS],
        "more_pending": len(cards["pending"]) > OVERVIEW_ROWS,
    }
