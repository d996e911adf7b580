"""The staff suggestions page's reads (its cards and status badges): the first rows of each
card in one query of their own and the badges counted as the page says (live states afresh,
settled states kept ``FIGURES_MINUTES``)."""

from datetime import date
from typing import Any

from django.db.models import (
    Count,
    QuerySet,
)

from core import clock
from core.cockpit import FIGURES_MINUTES, remembered
from deputies.facts import prepared

from .models import (
    OPEN_HANDLING,
    STAFF_LIVE_STATES,
    Commitment,
    CommitmentStatus,
    FollowUpCheck,
    Status,
    Suggestion,
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


def _first_rows(key: tuple, build, limit: int = OVERVIEW_ROWS) -> tuple[list, bool]:
    """The first ``limit`` rows of ``build()`` (tuples of a card's fields) and whether there are
    more: one query of ``limit + 1`` rows, so the page costs the same whether ten or ten thousand
    rows match. The rows are chosen on their own table (a sliced ``pk__in`` subquery) and only those
    joined to their relations: joining every matching row before sorting them cost more than the
    rest of the page. The statement is built once per ``key`` (which names the day) and process and
    kept by PostgreSQL with its plan (``deputies.facts.prepared``); the rows are read afresh."""

    def head_query():
        rows = build()
        return rows.filter(pk__in=rows.values("pk")[: limit + 1])

    head = prepared(("staff-overview", *key, limit), head_query)
    return head[:limit], len(head) > limit


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


def staff_status_counts() -> dict[str, Any]:
    """The staff page's badges as (label, count, status): ``status_counts`` of the live states,
    read now; ``settled_counts`` as counted at ``counted_at`` (kept ``FIGURES_MINUTES``)."""
    live = dict(
        prepared(("staff-overview", "live-counts"), lambda: _status_counts(STAFF_LIVE_STATES))
    )
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


def staff_overview(today: date | None = None) -> dict[str, Any]:
    """The staff's follow-up page: counts by state and, per card, the most urgent rows.

    Each card shows at most ``OVERVIEW_ROWS`` rows and says when there are more (its link
    opens the filtered list), so the page's cost does not grow with the district's backlog;
    the counts of settled states, which grow with every year kept, are kept a few minutes
    (``staff_status_counts``)."""
    today = today or clock.today()
    overdue, more_overdue = _first_rows(
        ("overdue", today),
        lambda: (
            Suggestion.objects.filter(status__in=OPEN_HANDLING, reply_deadline__lt=today)
            .order_by("reply_deadline", "pk")
            .values_list(*OVERDUE_ROW_FIELDS)
        ),
    )
    days = overdue_working_days([row[3] for row in overdue], today)
    due_checks, more_checks = _first_rows(
        ("checks", today),
        lambda: (
            FollowUpCheck.objects.filter(done_on__isnull=True, due_on__lte=today)
            .order_by("due_on", "pk")
            .values_list(*CHECK_ROW_FIELDS)
        ),
    )
    overdue_commitments, more_commitments = _first_rows(
        ("commitments", today),
        lambda: (
            Commitment.objects.filter(status=CommitmentStatus.OPEN, due_on__lt=today)
            .order_by("due_on", "pk")
            .values_list(*COMMITMENT_ROW_FIELDS)
        ),
    )
    # Newest first, as the default order gives unnumbered rows, but said outright: the default
    # (year, sequence) order walks the numbering index over every suggestion to find these.
    pending, more_pending = _first_rows(
        ("pending",),
        lambda: (
            Suggestion.objects.filter(status=Status.SUBMITTED)
            .order_by("-created_at", "-pk")
            .values_list(*PENDING_ROW_FIELDS)
        ),
    )
    missing_reports = prepared(
        ("staff-overview", "reports", today),
        lambda: missing_quarterly_reports_query(today, limit=OVERVIEW_ROWS + 1),
    )
    year, quarter = last_quarter(today)
    missing_reports = [(p, year, quarter) for p in missing_reports]
    return {
        "today": today,
        **staff_status_counts(),
        "overdue": list(zip(overdue, days, strict=True)),
        "more_overdue": more_overdue,
        "due_checks": due_checks,
        "more_checks": more_checks,
        "overdue_commitments": overdue_commitments,
        "more_commitments": more_commitments,
        "missing_reports": missing_reports[:OVERVIEW_ROWS],
        "more_reports": len(missing_reports) > OVERVIEW_ROWS,
        "pending": pending,
        "more_pending": more_pending,
    }
