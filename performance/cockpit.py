"""The duty ledger's part of the staff cockpit: this month's entries, what waits for
verification, the talk list and the year's re-election and exit candidates, and the entries'
monthly trend. Every figure is one query (or one UNION ALL of counts) whatever the data."""

from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from core.cockpit import Kpi, month_key
from core.compiled import Rows, counts_once, reads_once
from core.dashboard import admin_url
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
    IdleReminder,
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
    """The first ten of the talk list, as the section shows them: the deputy and the day
    their idleness began."""
    return selectors.talk_list().values_list("deputy_id", "deputy__name", "idle_since")[:10]


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


def _reelection(year: int) -> QuerySet:
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
        .annotate(
            total=Window(Count("pk")),
            decided=_decided(ConsequenceKind.REELECTION, year, "pk"),
        )
        .order_by("code")
        .values_list("pk", "name", "total", "decided")[:10]
    )


def _exits(year: int) -> QuerySet:
    """The first ten exit candidates (``selectors.exit_candidates``: 不称职 twice running, or
    no base entry all year, on the same ``exit_subqueries``), each with its two flags, the
    number of all of them (a window) and the committee's decision: the year's assessments
    read once, where the flags and then the rows of the flagged ids were two reads."""
    incompetent_before, no_base = selectors.exit_subqueries(year)
    twice = Q(Exists(incompetent_before), grade=Grade.INCOMPETENT)
    return (
        Assessment.objects.filter(twice | no_base, rule_set__year=year)
        .annotate(
            is_twice=ExpressionWrapper(twice, output_field=BooleanField()),
            is_no_base=ExpressionWrapper(no_base, output_field=BooleanField()),
            candidates=Window(Count("pk")),
            decided=_decided(ConsequenceKind.EXIT, year, "deputy"),
        )
        .order_by("rank", "deputy__code")
        .values_list(
            "pk", "deputy_id", "deputy__name", "is_twice", "is_no_base", "candidates", "decided"
        )[:10]
    )


def _section_reads(today: date) -> dict[str, Rows]:
    year = today.year - 1
    return {
        "talks": Rows(_talks()),
        "reelection": Rows(_reelection(year)),
        "exits": Rows(_exits(year)),
    }


def _day(value: date | str) -> date:
    """A date read through JSON (``core.compiled.Rows``) comes as its ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def decisions_section(today: date, *, reads: dict | None = None) -> dict[str, Any] | None:
    """The talk list and last year's re-election and exit candidates, first rows of each with
    the page where they are decided. The same candidates as ``selectors.consequence_lists``,
    read for what the section shows (a name and the decision): the re-election rows without
    the four joins of the full list, which cost more to plan than to run at district size.
    Each list's rows come with the committee's decision on them (a subquery per row shown,
    instead of a read of the year's decisions). The three lists are read with the cockpit's
    fresh counts (``reads``: ``_section_reads``'s, read by ``core.cockpit.fresh``), else in a
    statement of their own (``core.compiled.reads_once``: compiled once a day per process,
    building the candidates' subqueries cost about as much as running them, and read
    afresh), where they were four reads, a round trip each."""
    year = today.year - 1
    found = reads
    if found is None:
        found = reads_once(("performance:cockpit-decisions", today), lambda: _section_reads(today))
    talks = [
        IdleReminder(idle_since=_day(idle_since), deputy=Deputy(pk=pk, name=name))
        for pk, name, idle_since in found["talks"]
    ]
    reelection = [
        (Deputy(pk=pk, name=name), _decision(decided))
        for pk, name, _total, decided in found["reelection"]
    ]
    exits = [
        (
            selectors.ExitCandidate(
                Deputy(pk=deputy_pk, name=name), Assessment(pk=pk), bool(twice), bool(no_base)
            ),
            _decision(decided),
        )
        for pk, deputy_pk, name, twice, no_base, _total, decided in found["exits"]
    ]
    return {
        "year": year,
        "talks": talks,
        "talks_url": admin_url("performance_idlereminder_changelist", talk="due"),
        "reelection": reelection,
        "reelection_total": found["reelection"][0][2] if found["reelection"] else 0,
        "exits": exits,
        "exit_total": found["exits"][0][5] if found["exits"] else 0,
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
        "performance.decisions",
        "admin/performance/_cockpit_decisions.html",
        decisions_section,
        reads=_section_reads,
    )
