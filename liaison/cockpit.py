"""Liaison on the staff cockpit: residents' opinions this month and waiting for triage, the
index's open flags, the monthly trend of opinions and visits, and three sources of the
people's-livelihood hot-spot map (visits, opinions, hotline/grid events), each one grouped
query over its ``(date, community, category)`` index."""

from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from core.cockpit import Kpi, heat_rows, month_key
from core.compiled import counts_once
from core.dashboard import admin_url

from .models import ExternalEvent, FlagStatus, Opinion, OpinionFlag, OpinionStatus, Visit

# The admin list's filter for the same: every status but merged.
COUNTED_OPINIONS = ",".join(s for s in OpinionStatus.values if s != OpinionStatus.MERGED)


def _opinions() -> QuerySet[Opinion]:
    """Opinions that count: a merged duplicate is the same matter as the one it joined."""
    return Opinion.objects.exclude(status=OpinionStatus.MERGED)


def _counts(today: date) -> dict[str, QuerySet]:
    month_start = today.replace(day=1)
    return {
        "month": _opinions().filter(submitted_on__gte=month_start, submitted_on__lte=today),
        "new": Opinion.objects.filter(status=OpinionStatus.NEW),
        "flags": OpinionFlag.objects.filter(status=FlagStatus.OPEN),
        "visits": Visit.objects.filter(occurred_on__gte=month_start, occurred_on__lte=today),
    }


def kpis(today: date, *, counts: dict[str, int] | None = None) -> list[Kpi]:
    """``counts``: ``_counts``'s, counted by the cockpit with the other apps' (else here, one
    UNION ALL of the four compiled once a day per process and run afresh)."""
    month_start = today.replace(day=1)
    if counts is None:
        counts = counts_once(("liaison:cockpit", today), lambda: _counts(today))
    group = _("联络站与民意")
    opinions = "liaison_opinion_changelist"
    return [
        Kpi(
            label=_("本月群众意见"),
            value=counts["month"],
            group=group,
            url=admin_url(
                opinions,
                submitted_on__gte=month_start.isoformat(),
                submitted_on__lte=today.isoformat(),
                status__in=COUNTED_OPINIONS,
            ),
        ),
        Kpi(
            label=_("群众意见待分办"),
            value=counts["new"],
            group=group,
            tone="warn" if counts["new"] else "",
            url=admin_url(opinions, status__exact=OpinionStatus.NEW),
        ),
        Kpi(
            label=_("民意预警待研判"),
            value=counts["flags"],
            group=group,
            tone="danger" if counts["flags"] else "",
            url=reverse("liaison:opinion_index"),
        ),
        Kpi(
            label=_("本月接待群众"),
            value=counts["visits"],
            group=group,
            url=admin_url(
                "liaison_visit_changelist",
                occurred_on__gte=month_start.isoformat(),
                occurred_on__lte=today.isoformat(),
            ),
        ),
    ]


def _by_month(qs: QuerySet, field: str, first_month: date, today: date) -> dict[date, int]:
    rows = (
        qs.filter(**{f"{field}__gte": first_month, f"{field}__lte": today})
        .annotate(month=TruncMonth(field))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return {month_key(month): n for month, n in rows}


def opinions_by_month(first_month: date, today: date) -> dict[date, int]:
    return _by_month(_opinions(), "submitted_on", first_month, today)


def visits_by_month(first_month: date, today: date) -> dict[date, int]:
    return _by_month(Visit.objects.all(), "occurred_on", first_month, today)


def visits_heat(start: date, end: date) -> list[tuple]:
    return heat_rows(
        Visit.objects.all(),
        date_field="occurred_on",
        changelist="liaison_visit_changelist",
        start=start,
        end=end,
    )


def opinions_heat(start: date, end: date) -> list[tuple]:
    return heat_rows(
        _opinions(),
        date_field="submitted_on",
        changelist="liaison_opinion_changelist",
        start=start,
        end=end,
        status__in=COUNTED_OPINIONS,
    )


def events_heat(start: date, end: date) -> list[tuple]:
    return heat_rows(
        ExternalEvent.objects.all(),
        date_field="occurred_on",
        changelist="liaison_externalevent_changelist",
        start=start,
        end=end,
    )


def register() -> None:
    from core import cockpit

    cockpit.register_kpis("liaison", kpis, order=40, counts=_counts)
    cockpit.register_trend(
        "liaison.opinions",
        _("群众意见"),
        opinions_by_month,
        url=admin_url("liaison_opinion_changelist"),
    )
    cockpit.register_trend(
        "liaison.visits", _("接待群众"), visits_by_month, url=admin_url("liaison_visit_changelist")
    )
    cockpit.register_heat("liaison.visits", _("接待"), visits_heat)
    cockpit.register_heat("liaison.opinions", _("群众意见"), opinions_heat)
    cockpit.register_heat("liaison.events", _("热线网格事件"), events_heat)
