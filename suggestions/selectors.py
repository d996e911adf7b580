"""Reads shared by the portal pages, the dashboard panel and the reminders."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from core import clock
from core.models import CalendarDay
from core.workdays import working_days_between

from .models import (
    CONCLUDED_STATES,
    OPEN_HANDLING,
    Commitment,
    CommitmentStatus,
    ExtensionStatus,
    FollowUpCheck,
    Reply,
    ReturnRequest,
    ReturnStatus,
    Status,
    StatusChange,
    Suggestion,
    ToughProject,
)
from .services import reassignable, return_deadline


def overdue_working_days(deadlines: list[date], today: date) -> list[int]:
    """Working days from each deadline to ``today``, with one read of the calendar for all."""
    past = [d for d in deadlines if d < today]
    if not past:
        return [0] * len(deadlines)
    exceptions = dict(
        CalendarDay.objects.filter(date__gt=min(past), date__lte=today).values_list("date", "kind")
    )

    def working(day: date) -> bool:
        kind = exceptions.get(day)
        if kind is not None:
            return kind == CalendarDay.Kind.WORKDAY
        return day.weekday() < 5

    counts: dict[date, int] = {}
    for deadline in set(past):
        days = (today - deadline).days
        counts[deadline] = sum(working(deadline + timedelta(days=i)) for i in range(1, days + 1))
    return [counts.get(d, 0) for d in deadlines]


def last_quarter(today: date) -> tuple[int, int]:
    """The most recent quarter that has ended before ``today``."""
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def quarter_end(year: int, quarter: int) -> date:
    month = 3 * quarter
    return date(year, month, 31 if month in (3, 12) else 30)


def detail_queryset(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "category", "lead_deputy", "lead_unit", "tough", "plan__responsible"
    ).prefetch_related(
        "co_signers",
        "co_units",
        "attachments",
        "meetings__unit",
        "extension_requests",
        Prefetch("return_requests", queryset=ReturnRequest.objects.select_related("unit")),
        Prefetch("history", queryset=StatusChange.objects.select_related("actor")),
        Prefetch("commitments", queryset=Commitment.objects.select_related("owner_unit")),
        Prefetch(
            "replies",
            queryset=Reply.objects.select_related("unit").prefetch_related(
                "problems", "evaluations"
            ),
        ),
        "checks",
        "plan__milestones",
        "tough__reports",
    )


def detail_context(suggestion: Suggestion, today: date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    overdue_workdays = None
    days_left = None
    if suggestion.status in OPEN_HANDLING and suggestion.reply_deadline:
        if suggestion.reply_deadline < today:
            overdue_workdays = working_days_between(suggestion.reply_deadline, today)
        else:
            days_left = (suggestion.reply_deadline - today).days
    return {
        "suggestion": suggestion,
        "today": today,
        "overdue_workdays": overdue_workdays,
        "days_left": days_left,
        "tough": getattr(suggestion, "tough", None),
        "plan": getattr(suggestion, "plan", None),
        "ratings": suggestion.ratings.aggregate(n=Count("pk"), avg=Avg("score")),
    }


def extension_open(suggestion: Suggestion) -> bool:
    """Whether the lead unit may still ask for an extension (``services.extension_request``
    enforces the same); reads the prefetched requests of ``detail_queryset``."""
    return (
        suggestion.status in OPEN_HANDLING
        and suggestion.extension_count == 0
        and not any(
            r.status == ExtensionStatus.PENDING for r in suggestion.extension_requests.all()
        )
    )


def return_open(suggestion: Suggestion, unit_id: int, *, today: date | None = None) -> bool:
    """Whether the lead unit may still ask to return ``suggestion`` (``services.return_request``
    enforces the same); reads the prefetched requests of ``detail_queryset``."""
    if not reassignable(suggestion):
        return False
    if any(
        r.status == ReturnStatus.PENDING
        or (r.status == ReturnStatus.REFUSED and r.unit_id == unit_id)
        for r in suggestion.return_requests.all()
    ):
        return False
    return (today or clock.today()) <= return_deadline(suggestion)


# The unit portal's tabs (besides "all") and the states each one lists.
UNIT_TAB_STATES = {
    "open": OPEN_HANDLING,
    "replied": (Status.REPLIED, Status.EVALUATED),
    "done": CONCLUDED_STATES,
}


def unit_counts(qs: QuerySet, *, today: date | None = None) -> dict[str, int]:
    today = today or clock.today()
    return qs.aggregate(
        **{
            tab: Count("pk", filter=Q(status__in=states), distinct=True)
            for tab, states in UNIT_TAB_STATES.items()
        },
        overdue=Count(
            "pk", filter=Q(status__in=OPEN_HANDLING, reply_deadline__lt=today), distinct=True
        ),
    )


def missing_quarterly_reports(today: date | None = None) -> list[tuple[ToughProject, int, int]]:
    """Active tough projects with no report for the last ended quarter they were open in."""
    today = today or clock.today()
    year, quarter = last_quarter(today)
    end = quarter_end(year, quarter)
    projects = (
        ToughProject.objects.filter(started_on__lte=end, finished_on__isnull=True)
        .exclude(reports__year=year, reports__quarter=quarter)
        .exclude(suggestion__status__in=CONCLUDED_STATES)
        .select_related("suggestion__lead_unit")
    )
    return [(p, year, quarter) for p in projects]


def staff_overview(today: date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    counts = dict(
        Suggestion.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    overdue = (
        Suggestion.objects.filter(status__in=OPEN_HANDLING, reply_deadline__lt=today)
        .with_list_relations()
        .order_by("reply_deadline")
    )
    due_checks = (
        FollowUpCheck.objects.filter(done_on__isnull=True, due_on__lte=today)
        .select_related("suggestion")
        .order_by("due_on")
    )
    overdue_commitments = (
        Commitment.objects.filter(status=CommitmentStatus.OPEN, due_on__lt=today)
        .select_related("suggestion", "owner_unit")
        .order_by("due_on")
    )
    pending = Suggestion.objects.filter(status=Status.SUBMITTED).with_list_relations()
    overdue = list(overdue[:50])
    days = overdue_working_days([s.reply_deadline for s in overdue], today)
    overdue_list = list(zip(overdue, days, strict=True))
    return {
        "today": today,
        "status_counts": [(label, counts.get(value, 0), value) for value, label in Status.choices],
        "overdue": overdue_list,
        "due_checks": due_checks[:50],
        "overdue_commitments": overdue_commitments[:50],
        "missing_reports": missing_quarterly_reports(today),
        "pending": pending[:50],
    }
