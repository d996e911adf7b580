"""The duty ledger's to-do cards on the staff desk (the admin index). Reads only, in a fixed
number of queries whatever the amount of data: the plain counts (open disputes, talks due, open
rolls, undecided consequences, the year's report plan) are counted with every other panel's in
one query (``desk_counts``), each count filtered on an index rather than scanning the table."""

from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from core import clock
from core.compiled import Rows, reads_in_one_query
from core.dashboard import Todo, admin_url

from . import selectors
from .models import (
    Activity,
    Assessment,
    ConsequenceDecision,
    ConsequenceKind,
    Dispute,
    DisputeStatus,
    EntryStatus,
    Grade,
    LedgerEntry,
    ReportStatus,
    VoterReport,
    VoterReportPlan,
)


def _pending_by_year() -> QuerySet:
    """Entries waiting for verification, per open (not frozen) year; frozen years cannot be
    verified any more, so they are not a clerk's to-do. Read as ``Rows`` with the counts.

    ``COUNT(*)`` rather than counting ids: the entries are then counted from the
    (rule, status) index alone, per rule, without reading each pending row (at district size
    1,185 rows, ~2 -> 0.4 ms)."""
    return (
        LedgerEntry.objects.filter(status=EntryStatus.PENDING, rule__rule_set__frozen=False)
        .values_list("rule__rule_set__year")
        .annotate(n=Count("*"))
        .order_by("rule__rule_set__year")
    )


def undecided(kind: str, year: int) -> Exists:
    """No ``kind`` decision recorded for the outer assessment's deputy in ``year``."""
    return ~Exists(
        ConsequenceDecision.objects.filter(deputy=OuterRef("deputy"), year=year, kind=kind)
    )


def undecided_reelection(year: int) -> QuerySet[Assessment]:
    """``year``'s 优秀 assessments whose deputy was 优秀 each year before in the re-election
    window (``selectors.reelection_candidates``) and has no re-election decision: read from
    the (year, grade) index and one probe per earlier year, not by grouping every assessment."""
    earlier = [
        Exists(
            Assessment.objects.filter(
                deputy=OuterRef("deputy"), rule_set__year=y, grade=Grade.EXCELLENT
            )
        )
        for y in range(year - selectors.REELECTION_YEARS + 1, year)
    ]
    return Assessment.objects.filter(
        *earlier,
        undecided(ConsequenceKind.REELECTION, year),
        rule_set__year=year,
        grade=Grade.EXCELLENT,
    )


def undecided_exits(year: int) -> tuple[QuerySet[Assessment], QuerySet[Assessment]]:
    """``selectors.exit_candidates`` without an exit decision, as two disjoint counts (no base
    entry; 不称职 twice running with a base entry), built on the same ``exit_subqueries``."""
    incompetent_before, no_base = selectors.exit_subqueries(year)
    assessed = Assessment.objects.filter(undecided(ConsequenceKind.EXIT, year), rule_set__year=year)
    twice = assessed.filter(~no_base, Exists(incompetent_before), grade=Grade.INCOMPETENT)
    return assessed.filter(no_base), twice


def desk_counts(request, *, today: date | None = None) -> dict[str, QuerySet | Rows] | None:
    """The plain counts of the cards and the open years' pending entries (``pending``: rows
    of year and count), read with the other panels' in one query."""
    if not request.user.has_module_perms("performance"):
        return None
    sources = {key: qs.all() for key, qs in _desk_querysets(today or clock.today()).items()}
    return {**sources, "pending": Rows(_pending_by_year())}


@lru_cache(maxsize=2)
def _desk_querysets(today: date) -> dict[str, QuerySet]:
    """The counts' querysets depend on the day only: built once a day per process (building
    the exit and re-election subqueries cost more than counting them), handed out as copies so
    no caller can fill or change the kept ones."""
    no_base, twice = undecided_exits(today.year - 1)
    return {
        "disputes": Dispute.objects.filter(status=DisputeStatus.OPEN),
        "talks": selectors.talk_list(),
        "rolls": Activity.objects.filter(roll_closed_at__isnull=True, occurred_on__lt=today),
        "reelection": undecided_reelection(today.year - 1),
        "exit_no_base": no_base,
        "exit_twice": twice,
        "plan": VoterReportPlan.objects.filter(year=today.year),
        "planned": VoterReport.objects.filter(plan__year=today.year, status=ReportStatus.PLANNED),
        "held": VoterReport.objects.filter(plan__year=today.year, status=ReportStatus.HELD),
    }


def staff_panel(
    request, *, today: date | None = None, counts: dict[str, int] | None = None
) -> dict[str, Any] | None:
    """The cards; ``counts`` are ``desk_counts``'s, counted by the desk (else here)."""
    if not request.user.has_module_perms("performance"):
        return None
    today = today or clock.today()
    year = today.year
    if counts is None:
        counts = reads_in_one_query(desk_counts(request, today=today))
    items = []

    pending = dict(counts["pending"]) or {year: 0}
    for entry_year, n in pending.items():
        items.append(
            Todo(
                label=_("履职记录待审核"),
                count=n,
                hint=_("%(y)s 年度") % {"y": entry_year},
                url=admin_url(
                    "performance_ledgerentry_changelist",
                    year=entry_year,
                    status__exact=EntryStatus.PENDING,
                ),
            )
        )
    items.append(
        Todo(
            label=_("积分异议待处理"),
            count=counts["disputes"],
            url=admin_url("performance_dispute_changelist", status__exact=DisputeStatus.OPEN),
        )
    )
    items.append(
        Todo(
            label=_("提醒谈话"),
            count=counts["talks"],
            hint=_("两次提醒后仍未履职"),
            url=admin_url("performance_idlereminder_changelist", talk="due"),
            tone="danger",
        )
    )
    items.append(
        Todo(
            label=_("考核结果运用待决定"),
            count=counts["reelection"] + counts["exit_no_base"] + counts["exit_twice"],
            hint=_("%(y)s 年度连任推荐、劝辞名单") % {"y": year - 1},
            url=admin_url("performance_consequences", year=year - 1),
        )
    )
    if not counts["plan"]:
        items.append(
            Todo(
                label=_("述职计划"),
                text=_("未制定"),
                hint=_("%(y)s 年度") % {"y": year},
                url=admin_url("performance_voterreportplan_create"),
            )
        )
    else:
        for key, status, label, hint in (
            ("planned", ReportStatus.PLANNED, _("代表待述职"), _("%(y)s 年度述职计划")),
            ("held", ReportStatus.HELD, _("述职待核实"), _("%(y)s 年度")),
        ):
            items.append(
                Todo(
                    label=label,
                    count=counts[key],
                    hint=hint % {"y": year},
                    url=admin_url(
                        "performance_voterreport_changelist", year=year, status__exact=status
                    ),
                )
            )
    items.append(
        Todo(
            label=_("活动未结束点名"),
            count=counts["rolls"],
            hint=_("活动日期已过"),
            url=admin_url(
                "performance_activity_changelist",
                roll_closed_at__isempty=1,
                occurred_on__lt=today.isoformat(),
            ),
        )
    )
    return {"items": items}
