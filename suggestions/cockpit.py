"""Suggestions on the staff cockpit: what waits for registration and the overdue replies (read
on every visit: a clerk acts on them), where this year's suggestions stand and the completion
and satisfaction rates (statistics nobody acts on at once: counted once per
``core.cockpit.FIGURES_MINUTES``, registered ``kept``, each card saying when), and the monthly
trend of submissions. The year's count by state reads every suggestion of the year (~5,400 at
district size, ~1.2 ms): kept with the rates, it no longer grows each visit's cost."""

from datetime import date

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.cockpit import Kpi, heat_rows, month_key
from core.compiled import counts_once
from core.dashboard import admin_url
from deputies.facts import prepared

from .models import CONCLUDED_STATES, OPEN_HANDLING, Status, Suggestion, Verdict
from .statistics import StatRow

# The states a clerk follows, in workflow order; a card links to the list of exactly them.
STAGES = (
    (gettext_lazy("待立案"), (Status.SUBMITTED,)),
    (gettext_lazy("办理中"), OPEN_HANDLING),
    (gettext_lazy("已答复待评价"), (Status.REPLIED,)),
    (gettext_lazy("已评价待办结"), (Status.EVALUATED,)),
    (gettext_lazy("已办结"), CONCLUDED_STATES),
)


def _rate_text(rate) -> str:
    return "—" if rate is None else f"{rate}%"


def _stage_rows(year: int) -> QuerySet:
    return Suggestion.objects.filter(year=year).values_list("status").annotate(n=Count("*"))


def _rate_rows(year: int, today: date) -> QuerySet:
    registered = Q(registered_on__lte=today)
    evaluated = registered & Q(latest_evaluated_on__lte=today)
    return (
        Suggestion.objects.filter(year=year)
        .values(_all=Value(1))
        .annotate(
            registered=Count("pk", filter=registered),
            concluded=Count(
                "pk", filter=registered & Q(status__in=CONCLUDED_STATES, concluded_on__lte=today)
            ),
            evaluated=Count("pk", filter=evaluated),
            satisfied=Count("pk", filter=evaluated & Q(latest_verdict=Verdict.SATISFIED)),
        )
        .values_list("registered", "concluded", "evaluated", "satisfied")
        .order_by()
    )


def _counts(today: date) -> dict[str, QuerySet]:
    """What a clerk acts on, each counted from its own index: suggestions waiting for
    registration (they have no registration year yet: counted whenever they wait) and open
    ones past their reply deadline."""
    return {
        "waiting": Suggestion.objects.filter(status=Status.SUBMITTED),
        "overdue": Suggestion.objects.filter(status__in=OPEN_HANDLING, reply_deadline__lt=today),
    }


def _stage_counts(year: int) -> dict[str, int]:
    """How many of the year's suggestions stand in each state (from the statistics' index
    alone); compiled once per year and process (``deputies.facts.prepared``), read afresh."""
    return dict(prepared(("suggestions:cockpit-stages", year), lambda: _stage_rows(year)))


def _rates(year: int, today: date) -> dict[str, int]:
    """The statistics' total row as of today (``suggestions.statistics``: registered by today,
    concluded by today, the latest evaluation made by today and satisfied). The statistics
    page's grouped pass and roll-up cost ten times more for the two rates the cockpit shows;
    no evaluation is dated after today, so the stored latest verdict is the one that stands
    (the statistics look older verdicts up only for a report dated in the past)."""
    rows = prepared(("suggestions:cockpit-rates", year, today), lambda: _rate_rows(year, today))
    counts = rows[0] if rows else (0, 0, 0, 0)
    return dict(zip(("registered", "concluded", "evaluated", "satisfied"), counts, strict=True))


def _group(year: int) -> str:
    return _("建议办理（%(y)s 年度立案）") % {"y": year}


def kpis(today: date, *, counts: dict[str, int] | None = None) -> list[Kpi]:
    """What waits for registration and the overdue replies: read on every visit. ``counts``:
    ``_counts``'s, counted by the cockpit with the other apps' (else here, one UNION ALL
    compiled once a day per process and run afresh; the cockpit plans no parallel workers,
    which once cost more than both counts)."""
    if counts is None:
        counts = counts_once(("suggestions:cockpit", today), lambda: _counts(today))
    waiting, overdue = counts["waiting"], counts["overdue"]
    group = _group(today.year)
    changelist = "suggestions_suggestion_changelist"
    label, states = STAGES[0]
    return [
        Kpi(
            label=label,
            value=waiting,
            group=group,
            url=admin_url(changelist, status__in=",".join(states)),
            tone="warn" if waiting else "",
        ),
        Kpi(
            label=_("超期未答复"),
            value=overdue,
            group=group,
            tone="danger" if overdue else "",
            url=admin_url(
                changelist,
                status__in=",".join(OPEN_HANDLING),
                reply_deadline__lt=today.isoformat(),
            ),
        ),
    ]


def stage_kpis(today: date) -> list[Kpi]:
    """Where the year's registered suggestions stand (registered ``kept``: statistics)."""
    year = today.year
    by_status = _stage_counts(year)
    group = _group(year)
    return [
        Kpi(
            label=label,
            value=sum(by_status.get(state, 0) for state in states),
            group=group,
            url=admin_url(
                "suggestions_suggestion_changelist", status__in=",".join(states), year=year
            ),
        )
        for label, states in STAGES[1:]
    ]


def rate_kpis(today: date) -> list[Kpi]:
    """The year's completion and satisfaction rates (registered ``kept``: statistics)."""
    year = today.year
    total = StatRow(
        scope="total", name="", overdue=0, median_days_to_reply=None, **_rates(year, today)
    )
    group = _group(year)
    statistics_url = f"{reverse('suggestions:staff_stats')}?year={year}"
    return [
        Kpi(
            label=_("办结率"),
            value=_rate_text(total.completion_rate),
            detail=f"{total.concluded} / {total.registered}",
            group=group,
            url=statistics_url,
        ),
        Kpi(
            label=_("满意率"),
            value=_rate_text(total.satisfaction_rate),
            detail=f"{total.satisfied} / {total.evaluated}",
            group=group,
            url=statistics_url,
        ),
    ]


def submitted_by_month(first_month: date, today: date) -> dict[date, int]:
    rows = (
        Suggestion.objects.filter(submitted_on__gte=first_month, submitted_on__lte=today)
        .annotate(month=TruncMonth("submitted_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return {month_key(month): n for month, n in rows}


def suggestions_heat(start: date, end: date) -> list[tuple[str, str, int, str]]:
    """Suggestions submitted in the period, by the community they concern and category."""
    return heat_rows(
        Suggestion.objects.all(),
        date_field="submitted_on",
        changelist="suggestions_suggestion_changelist",
        start=start,
        end=end,
    )


def register() -> None:
    from core import cockpit

    cockpit.register_kpis("suggestions", kpis, order=30, counts=_counts)
    # In the same group, after what a clerk acts on; kept: statistics nobody acts on at once.
    cockpit.register_kpis("suggestions.stages", stage_kpis, order=31, kept=True)
    cockpit.register_kpis("suggestions.rates", rate_kpis, order=32, kept=True)
    cockpit.register_trend(
        "suggestions.submitted",
        _("代表建议"),
        submitted_by_month,
        url=admin_url("suggestions_suggestion_changelist"),
    )
    cockpit.register_heat("suggestions", _("代表建议"), suggestions_heat)
