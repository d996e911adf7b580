"""The duty ledger's to-do cards on the staff desk (the admin index). Reads only, in a fixed
number of queries whatever the amount of data: the plain counts (open disputes, talks due, open
rolls) share one query, each count filtered on an index rather than scanning the table."""

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core import clock
from core.admin_lists import counts_in_one_query
from core.dashboard import Todo, admin_url

from . import selectors
from .models import (
    Activity,
    Dispute,
    DisputeStatus,
    EntryStatus,
    LedgerEntry,
    ReportStatus,
    VoterReportPlan,
)


def pending_entries_by_year() -> dict[int, int]:
    """Entries waiting for verification, per open (not frozen) year; frozen years cannot be
    verified any more, so they are not a clerk's to-do."""
    rows = (
        LedgerEntry.objects.filter(status=EntryStatus.PENDING, rule__rule_set__frozen=False)
        .values_list("rule__rule_set__year")
        .annotate(n=Count("pk"))
        .order_by("rule__rule_set__year")
    )
    return dict(rows)


def open_disputes() -> int:
    return plain_counts(clock.today())["disputes"]


def talks_due() -> int:
    return plain_counts(clock.today())["talks"]


def plain_counts(today: date) -> dict[str, int]:
    """Open disputes, talks due and rolls left open after the activity, in one query."""
    return counts_in_one_query(
        disputes=Dispute.objects.filter(status=DisputeStatus.OPEN),
        talks=selectors.talk_list(),
        rolls=Activity.objects.filter(roll_closed_at__isnull=True, occurred_on__lt=today),
    )


def undecided_consequences(year: int) -> int:
    """Deputies on ``year``'s re-election or exit list without a recorded decision — the rows of
    the consequences page that still show an empty decision. The exit rule lives in a selector
    that returns a list, so its (few) rows are counted here rather than re-stating the rule."""
    lists = selectors.consequence_lists(year)
    return sum(1 for _row, decision in (*lists["reelection"], *lists["exit"]) if decision is None)


def voter_reports(year: int) -> dict[str, Any] | None:
    """``None`` when ``year`` has no plan yet, else how many reports are planned / held."""
    plan = (
        VoterReportPlan.objects.filter(year=year)
        .annotate(
            planned=Count("reports", filter=Q(reports__status=ReportStatus.PLANNED)),
            held=Count("reports", filter=Q(reports__status=ReportStatus.HELD)),
        )
        .values("planned", "held")
        .first()
    )
    return plan


def rolls_open(today: date) -> int:
    return plain_counts(today)["rolls"]


def staff_panel(request, *, today: date | None = None) -> dict[str, Any] | None:
    if not request.user.has_module_perms("performance"):
        return None
    today = today or clock.today()
    year = today.year
    counts = plain_counts(today)
    items = []

    pending = pending_entries_by_year() or {year: 0}
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
            count=undecided_consequences(year - 1),
            hint=_("%(y)s 年度连任推荐、劝辞名单") % {"y": year - 1},
            url=admin_url("performance_consequences", year=year - 1),
        )
    )
    reports = voter_reports(year)
    if reports is None:
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
                    count=reports[key],
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
