"""The duty ledger's part of the staff cockpit: this month's entries, what waits for
verification, the talk list and the year's re-election and exit candidates, and the entries'
monthly trend. Every figure is one query (or one UNION ALL of counts) whatever the data."""

from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from core.cockpit import Kpi, month_key
from core.compiled import counts_once, rows_once
from core.dashboard import admin_url
from deputies.facts import prepared
from deputies.models import Deputy

from . import selectors
from .models import (
    Assessment,
    ConsequenceDecision,
    ConsequenceKind,
    Dispute,
    DisputeStatus,
    EntryStatus,
    Grade,
    LedgerEntry,
)

# What "this month's records" counts: everything entered but what staff sent back.
COUNTED = ",".join(status for status in EntryStatus.values if status != EntryStatus.REJECTED)


def _month_start(today: date) -> date:
    return today.replace(day=1)


def _counts(today: date) -> dict[str, QuerySet]:
    month_start = _month_start(today)
    return {
        "month": LedgerEntry.objects.filter(
            occurred_on__gte=month_start, occurred_on__lte=today
        ).exclude(status=EntryStatus.REJECTED),
        "pending": LedgerEntry.objects.filter(
            status=EntryStatus.PENDING, rule__rule_set__frozen=False
        ),
        "disputes": Dispute.objects.filter(status=DisputeStatus.OPEN),
        "talks": selectors.talk_list(),
    }


def kpis(today: date, *, counts: dict[str, int] | None = None) -> list[Kpi]:
    """``counts``: ``_counts``'s, counted by the cockpit with the other apps' (else here, one
    UNION ALL compiled once a day per process, ``core.compiled``, and run afresh)."""
    month_start = _month_start(today)
    if counts is None:
        counts = counts_once(("performance:cockpit", today), lambda: _counts(today))
    group = _("履职档案")
    return [
        Kpi(
            label=_("本月履职记录"),
            value=counts["month"],
            group=group,
            detail=_("%(m)s 月，不含退回") % {"m": today.month},
            url=admin_url(
                "performance_ledgerentry_changelist",
                occurred_on__gte=month_start.isoformat(),
                occurred_on__lte=today.isoformat(),
                status__in=COUNTED,
            ),
        ),
        Kpi(
            label=_("待审核记录"),
            value=counts["pending"],
            group=group,
            tone="warn" if counts["pending"] else "",
            url=admin_url("performance_ledgerentry_changelist", status__exact=EntryStatus.PENDING),
        ),
        Kpi(
            label=_("积分异议待处理"),
            value=counts["disputes"],
            group=group,
            tone="warn" if counts["disputes"] else "",
            url=admin_url("performance_dispute_changelist", status__exact=DisputeStatus.OPEN),
        ),
        Kpi(
            label=_("提醒谈话名单"),
            value=counts["talks"],
            group=group,
            tone="danger" if counts["talks"] else "",
            url=admin_url("performance_idlereminder_changelist", talk="due"),
        ),
    ]


def entries_by_month(first_month: date, today: date) -> dict[date, int]:
    rows = (
        LedgerEntry.objects.filter(occurred_on__gte=first_month, occurred_on__lte=today)
        .exclude(status=EntryStatus.REJECTED)
        .annotate(month=TruncMonth("occurred_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return {month_key(month): n for month, n in rows}


def _talks() -> QuerySet:
    return selectors.talk_list()[:10]


def _decided(kind: str, year: int, deputy: str) -> Subquery:
    """The committee's ``kind`` decision on the row's deputy in ``year`` (one at most: unique
    per deputy, year and kind), read in the same statement as the list."""
    return Subquery(
        ConsequenceDecision.objects.filter(deputy=OuterRef(deputy), year=year, kind=kind).values(
            "decision"
        )[:1]
    )


def _decision(value: str | None) -> ConsequenceDecision | None:
    """What the section shows of a decision (its value and label), without its row."""
    return None if value is None else ConsequenceDecision(decision=value)


def _reelection(year: int) -> QuerySet[Deputy]:
    """The first ten candidates (``selectors.reelection_candidates``: 优秀 in each of the
    three years ending with ``year``), each with the number of all of them (a window, taken
    before the slice). Read as the staff desk counts them (``panels.undecided_reelection``):
    ``year``'s 优秀 from the (year, grade) index and one probe per earlier year. Grouping every
    assessment of the three years by deputy, as the full list does, read the whole table
    (~3 ms at district size against ~0.3 ms); a deputy has one assessment a year, so both
    ask the same."""
    earlier = [
        Exists(
            Assessment.objects.filter(
                deputy=OuterRef("pk"), rule_set__year=y, grade=Grade.EXCELLENT
            )
        )
        for y in range(year - selectors.REELECTION_YEARS + 1, year)
    ]
    return (
        Deputy.objects.filter(
            *earlier, assessments__rule_set__year=year, assessments__grade=Grade.EXCELLENT
        )
        .only("code", "name")
        .annotate(
            total=Window(Count("pk")),
            decided=_decided(ConsequenceKind.REELECTION, year, "pk"),
        )
        .order_by("code")[:10]
    )


def _exit_rows(ids: tuple[int, ...], year: int) -> QuerySet:
    return (
        Assessment.objects.filter(pk__in=ids)
        .select_related("deputy", "rule_set", "deputy__constituency")
        .annotate(decided=_decided(ConsequenceKind.EXIT, year, "deputy"))
        .order_by("rank", "deputy__code")[:10]
    )


def decisions_section(today: date) -> dict[str, Any] | None:
    """The talk list and last year's re-election and exit candidates, first rows of each with
    the page where they are decided. The same candidates as ``selectors.consequence_lists``,
    read for what the section shows (a name and the decision): the re-election rows without
    the four joins of the full list, which cost more to plan than to run at district size.
    Each list's rows come with the committee's decision on them (a subquery per row shown,
    instead of a read of the year's decisions). Each read is compiled once a day per process
    (``deputies.facts.prepared``; building the candidates' subqueries cost about as much as
    running them) and read afresh."""
    year = today.year - 1
    talks = prepared(("performance:cockpit-talks", today), _talks)
    candidates = prepared(("performance:cockpit-reelection", year), lambda: _reelection(year))
    reelection = [(deputy, _decision(deputy.decided)) for deputy in candidates]
    twice, no_base = selectors.exit_flags(
        rows_once(("performance:exit-flags", year), lambda: selectors.exit_flags_query(year))
    )
    flagged = tuple(sorted(twice | no_base)) or (0,)  # [0] keeps the one query: no row has it
    exits = [
        (
            selectors.ExitCandidate(a.deputy, a, a.pk in twice, a.pk in no_base),
            _decision(a.decided),
        )
        for a in prepared(
            ("performance:cockpit-exits", year), lambda ids: _exit_rows(ids, year), ids=flagged
        )
    ]
    return {
        "year": year,
        "talks": talks,
        "talks_url": admin_url("performance_idlereminder_changelist", talk="due"),
        "reelection": reelection,
        "reelection_total": candidates[0].total if candidates else 0,
        "exits": exits,
        "exit_total": len(twice | no_base),
        "consequences_url": admin_url("performance_consequences", year=year),
    }


def register() -> None:
    from core import cockpit

    cockpit.register_kpis("performance", kpis, order=20, counts=_counts)
    cockpit.register_trend(
        "performance.entries",
        _("履职记录"),
        entries_by_month,
        url=admin_url("performance_ledgerentry_changelist"),
    )
    cockpit.register_section(
        "performance.decisions", "admin/performance/_cockpit_decisions.html", decisions_section
    )
