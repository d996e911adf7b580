"""Deputies reporting to their voters (向选民述职): the yearly plan, the record, verification."""

import math
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record

from ..models import (
    LedgerEntry,
    ReportStatus,
    VoterReport,
    VoterReportPlan,
)
from ..scoring import serving_deputies
from .credits import ledger_credit
from .errors import (
    ERR_NO_DEPUTIES,
    ERR_NO_RULE_SET,
    ERR_PLAN_EXISTS,
    ERR_REPORT_COUNTS,
    ERR_REPORT_DATE,
    ERR_REPORT_NOT_HELD,
    ERR_REPORT_VERIFIED,
    LedgerError,
    NoRuleSetError,
    staff_required,
)
from .recompute import recompute_on_commit

# --- report to voters ----------------------------------------------------------------------


@transaction.atomic
def voter_report_plan_create(
    *,
    year: int,
    share: Decimal | float = Decimal("0.2"),
    actor: User | None = None,
    today: date | None = None,
) -> VoterReportPlan:
    """Pick at least ``share`` of the deputies serving in ``year`` to report to their voters,
    those who have not yet reported in their current term first (then the longest ago).
    Staff only."""
    staff_required(actor)
    if VoterReportPlan.objects.filter(year=year).exists():
        raise LedgerError(_(ERR_PLAN_EXISTS) % {"year": year})
    serving = serving_deputies(year, today)
    total = serving.count()
    if not total:
        raise LedgerError(_(ERR_NO_DEPUTIES) % {"year": year})
    done = [ReportStatus.HELD, ReportStatus.VERIFIED]
    reported_this_term = VoterReport.objects.filter(
        deputy=OuterRef("pk"),
        status__in=done,
        plan__year__gte=OuterRef("term__start_date__year"),
        plan__year__lte=OuterRef("term__end_date__year"),
    )
    chosen = list(
        serving.annotate(
            reported=Exists(reported_this_term),
            last_reported=Max(
                "voter_reports__plan__year", filter=Q(voter_reports__status__in=done)
            ),
        )
        .order_by("reported", F("last_reported").asc(nulls_first=True), "code")
        .values_list("pk", flat=True)[: math.ceil(Decimal(str(share)) * total)]
    )
    try:
        with transaction.atomic():
            plan = VoterReportPlan.objects.create(year=year, created_by=actor)
    except IntegrityError as exc:  # another request made the plan meanwhile
        raise LedgerError(_(ERR_PLAN_EXISTS) % {"year": year}) from exc
    VoterReport.objects.bulk_create(VoterReport(plan=plan, deputy_id=pk) for pk in chosen)
    audit_record(
        actor=actor,
        action="performance.voter_report_plan_create",
        target=plan,
        summary=_("%(year)s 年度述职计划：%(n)d / %(t)d 名代表")
        % {"year": year, "n": len(chosen), "t": total},
    )
    return plan


def voter_report_date_check(*, year: int, held_on: date, today: date | None = None) -> None:
    """A report to voters is held within its plan's year, and not in the future."""
    if held_on.year != year or held_on > (today or clock.today()):
        raise LedgerError(_(ERR_REPORT_DATE) % {"year": year})


def voter_report_counts_check(
    *, voters_present: int, satisfied: int, basically_satisfied: int, unsatisfied: int
) -> None:
    """The evaluation votes cannot outnumber the voters present (when that is known)."""
    votes = satisfied + basically_satisfied + unsatisfied
    if voters_present and votes > voters_present:
        raise LedgerError(_(ERR_REPORT_COUNTS) % {"n": votes, "v": voters_present})


@transaction.atomic
def voter_report_record(
    *,
    report: VoterReport,
    held_on: date,
    place: str = "",
    voters_present: int = 0,
    satisfied: int = 0,
    basically_satisfied: int = 0,
    unsatisfied: int = 0,
    actor: User | None = None,
    today: date | None = None,
) -> VoterReport:
    """Record the meeting and the voters' evaluation (满意 / 基本满意 / 不满意 counts). Staff
    only (the committee records what the meeting reported)."""
    staff_required(actor)
    report = VoterReport.objects.select_for_update().select_related("plan").get(pk=report.pk)
    if report.status == ReportStatus.VERIFIED:
        raise LedgerError(_(ERR_REPORT_VERIFIED))
    voter_report_date_check(year=report.plan.year, held_on=held_on, today=today)
    voter_report_counts_check(
        voters_present=voters_present,
        satisfied=satisfied,
        basically_satisfied=basically_satisfied,
        unsatisfied=unsatisfied,
    )
    report.held_on, report.place = held_on, place[:100]
    report.voters_present = voters_present
    report.satisfied, report.basically_satisfied = satisfied, basically_satisfied
    report.unsatisfied = unsatisfied
    report.status = ReportStatus.HELD
    report.save()
    audit_record(
        actor=actor,
        action="performance.voter_report_record",
        target=report,
        summary=_("%(r)s：满意 %(s)d，基本满意 %(b)d，不满意 %(u)d")
        % {"r": report, "s": satisfied, "b": basically_satisfied, "u": unsatisfied},
    )
    return report


@transaction.atomic
def voter_report_verify(
    *, report: VoterReport, actor: User | None = None, now: datetime | None = None
) -> LedgerEntry:
    """Confirm a held report; the deputy is credited B06 once. Staff only. A year without
    rules is refused (the report stays held) rather than verified without its credit."""
    staff_required(actor)
    now = now or clock.now()
    report = (
        VoterReport.objects.select_for_update().select_related("deputy", "plan").get(pk=report.pk)
    )
    if report.held_on is None:
        raise LedgerError(_(ERR_REPORT_NOT_HELD))
    entry = ledger_credit(
        deputy=report.deputy,
        rule_code="B06",
        source=report,
        occurred_on=report.held_on,
        title=_("向选民述职（满意 %(s)d，基本满意 %(b)d，不满意 %(u)d）")
        % {"s": report.satisfied, "b": report.basically_satisfied, "u": report.unsatisfied},
        description=report.place,
        actor=actor,
        now=now,
    )
    if entry is None:
        raise NoRuleSetError(_(ERR_NO_RULE_SET) % {"year": report.held_on.year})
    if report.status != ReportStatus.VERIFIED:
        report.status = ReportStatus.VERIFIED
        report.verified_by, report.verified_at = actor, now
        report.save(update_fields=["status", "verified_by", "verified_at"])
        audit_record(
            actor=actor,
            action="performance.voter_report_verify",
            target=report,
            summary=str(report),
        )
        recompute_on_commit([report.held_on.year])
    return entry
