"""Suggestions on the staff cockpit: where this year's suggestions stand, overdue replies, the
completion and satisfaction rates (numerator / denominator), and the monthly trend of
submissions. Three queries whatever the data: one grouped pass over the year's suggestions for
the stages and the rates (filtered counts), and the waiting and the overdue counts."""

from datetime import date

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.cockpit import Kpi, heat_rows, month_key
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


def _year_rows(year: int, today: date) -> QuerySet:
    registered = Q(registered_on__lte=today)
    evaluated = registered & Q(latest_evaluated_on__lte=today)
    return (
        Suggestion.objects.filter(year=year)
        .values_list("status")
        .annotate(
            n=Count("pk"),
            registered=Count("pk", filter=registered),
            concluded=Count(
                "pk", filter=registered & Q(status__in=CONCLUDED_STATES, concluded_on__lte=today)
            ),
            evaluated=Count("pk", filter=evaluated),
            satisfied=Count("pk", filter=evaluated & Q(latest_verdict=Verdict.SATISFIED)),
        )
        .order_by()
    )


def _count(queryset: QuerySet) -> QuerySet:
    return queryset.order_by().values(_all=Value(1)).annotate(n=Count("pk")).values_list("n")


def _waiting() -> QuerySet:
    return _count(Suggestion.objects.filter(status=Status.SUBMITTED))


def _overdue(today: date) -> QuerySet:
    return _count(Suggestion.objects.filter(status__in=OPEN_HANDLING, reply_deadline__lt=today))


def _year_counts(year: int, today: date) -> tuple[dict[str, int], dict[str, int]]:
    """The year's suggestions in one pass, grouped by state: how many stand in each, and the
    statistics' total row as of today (``suggestions.statistics``: registered by today,
    concluded by today, the latest evaluation made by today and satisfied). The statistics
    page's grouped pass and roll-up cost ten times more for the two rates the cockpit shows;
    no evaluation is dated after today, so the stored latest verdict is the one that stands
    (the statistics look older verdicts up only for a report dated in the past). Compiled
    once a day per process (``deputies.facts.prepared``) and read afresh."""
    rows = prepared(("suggestions:cockpit-year", year, today), lambda: _year_rows(year, today))
    by_status: dict[str, int] = {}
    rates = dict.fromkeys(("registered", "concluded", "evaluated", "satisfied"), 0)
    for status, n, *counts in rows:
        by_status[status] = n
        for key, count in zip(rates, counts, strict=True):
            rates[key] += count
    return by_status, rates


def kpis(today: date) -> list[Kpi]:
    year = today.year
    by_status, rates = _year_counts(year, today)
    # Submitted suggestions have no registration year yet: counted whenever they wait. Each
    # count reads its own partial index (a UNION ALL of the two was planned in parallel, and
    # starting the workers cost more than both counts).
    # Every read here is compiled once a day per process (``deputies.facts.prepared``).
    by_status[Status.SUBMITTED] = sum(
        n for (n,) in prepared(("suggestions:cockpit-waiting",), _waiting)
    )
    overdue = sum(
        n for (n,) in prepared(("suggestions:cockpit-overdue", today), lambda: _overdue(today))
    )
    total = StatRow(
        scope="total",
        name="",
        registered=rates["registered"],
        concluded=rates["concluded"],
        evaluated=rates["evaluated"],
        satisfied=rates["satisfied"],
        overdue=0,
        median_days_to_reply=None,
    )
    group = _("建议办理（%(y)s 年度立案）") % {"y": year}
    changelist = "suggestions_suggestion_changelist"
    cards = []
    for label, states in STAGES:
        params = {"status__in": ",".join(states)}
        if Status.SUBMITTED not in states:
            params["year"] = year
        cards.append(
            Kpi(
                label=label,
                value=sum(by_status.get(state, 0) for state in states),
                group=group,
                url=admin_url(changelist, **params),
                tone="warn"
                if states == (Status.SUBMITTED,) and by_status[Status.SUBMITTED]
                else "",
            )
        )
    statistics_url = f"{reverse('suggestions:staff_stats')}?year={year}"
    cards += [
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
    return cards


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

    cockpit.register_kpis("suggestions", kpis, order=30)
    cockpit.register_trend(
        "suggestions.submitted",
        _("代表建议"),
        submitted_by_month,
        url=admin_url("suggestions_suggestion_changelist"),
    )
    cockpit.register_heat("suggestions", _("代表建议"), suggestions_heat)
