"""Commendations (表彰、评先创优): staff record the committee's decision naming the year's
outstanding deputies, drawn from the year's 优秀 grades.

Why the checks sit here and not only in the admin form: the grade is the only ground for the
commendation, so a decision can name only deputies graded 优秀 in a year that has ended (a
running year's grades still move with every verified entry). Each commended deputy is credited
once under C04 (获得表彰、经验被推广) on the decision date, the commended row being the source,
so withdrawing the decision or taking a deputy off it takes exactly that credit back.
"""

from collections.abc import Sequence
from contextlib import suppress
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.audit import audit_record
from deputies.models import Deputy, Status

from ..models import Assessment, Commendation, CommendedDeputy, Grade, RuleSet
from .credits import Credit, ledger_credit_many, ledger_withdraw
from .errors import LedgerError, staff_required

COMMENDATION_RULE = "C04"

ERR_COMMEND_FIELDS = gettext_noop("请填写表彰名称、文号和决定机关。")
ERR_COMMEND_NO_DEPUTIES = gettext_noop("请至少选择一名受表彰代表。")
ERR_COMMEND_UNKNOWN_DEPUTY = gettext_noop("所选代表不存在（页面可能已过期），请刷新后重新选择。")
ERR_COMMEND_YEAR_OPEN = gettext_noop("%(year)s 年度尚未结束，考核等次还未最终确定，不能据此表彰。")
ERR_COMMEND_DATE = gettext_noop("决定日期须在 %(year)s 年度结束之后，且不晚于今天。")
ERR_COMMEND_NOT_EXCELLENT = gettext_noop(
    "%(deputy)s %(year)s 年度考核不是“优秀”等次，不能列入表彰。"
)
ERR_COMMEND_DOCUMENT = gettext_noop("%(year)s 年度已登记文号为“%(no)s”的表彰决定。")
ERR_COMMEND_WITHDRAWN = gettext_noop("该表彰决定已撤销，不能再修改。")
ERR_COMMEND_REASON = gettext_noop("撤销或更正须填写理由。")
ERR_COMMEND_NOT_NAMED = gettext_noop("%(deputy)s 不在该表彰决定中。")
ERR_COMMEND_LAST = gettext_noop("这是该决定的最后一名受表彰代表，请撤销整个决定。")


def commendation_candidates(year: int):
    """The year's 优秀 assessments, best first: who a decision may name."""
    return (
        Assessment.objects.filter(rule_set__year=year, grade=Grade.EXCELLENT)
        .select_related("deputy", "rule_set")
        .order_by("rank", "deputy__code")
    )


def _credit_title(commendation: Commendation) -> str:
    return f"获得表彰：{commendation.title}（{commendation.document_no}）"


def _credit(commendation: Commendation, rows: Sequence[CommendedDeputy], actor) -> int:
    """C04 for each commended deputy still in office on the decision date, unless that year's
    ledger is frozen (its scores are final) or has no rules yet (credited nothing, as every
    automatic credit)."""
    day = commendation.decided_on
    if RuleSet.objects.filter(year=day.year, frozen=True).exists():
        return 0
    credits = [
        Credit(
            deputy=row.deputy,
            rule_code=COMMENDATION_RULE,
            source=row,
            occurred_on=day,
            title=_credit_title(commendation),
        )
        for row in rows
        if row.deputy.status == Status.SERVING
        or row.deputy.status_date is None
        or row.deputy.status_date >= day
    ]
    return ledger_credit_many(credits=credits, actor=actor, today=day) if credits else 0


def _withdraw_credit(row: CommendedDeputy, reason: str, actor) -> None:
    """Take back the row's C04 credit; a frozen year keeps it (the year's scores are final)."""
    with suppress(LedgerError):
        ledger_withdraw(
            deputy=row.deputy,
            rule_code=COMMENDATION_RULE,
            source=row,
            reason=reason,
            actor=actor,
        )


@transaction.atomic
def commendation_decide(
    *,
    actor: User | None,
    year: int,
    title: str,
    decided_on: date,
    document_no: str,
    deputy_ids: Sequence[int],
    deciding_body: str = "",
    note: str = "",
    today: date | None = None,
) -> Commendation:
    """Record a commendation decision for ``year`` naming ``deputy_ids``. Staff only.

    Every deputy must hold the 优秀 grade of ``year``, and ``year`` must have ended; the first
    deputy who does not is named in the error and nothing is written."""
    staff_required(actor)
    today = today or clock.today()
    title, document_no = title.strip(), document_no.strip()
    deciding_body = deciding_body.strip() or settings.LVZHI_COMMITTEE_NAME
    if not title or not document_no:
        raise LedgerError(_(ERR_COMMEND_FIELDS))
    if year >= today.year:
        raise LedgerError(_(ERR_COMMEND_YEAR_OPEN) % {"year": year})
    if decided_on.year <= year or decided_on > today:
        raise LedgerError(_(ERR_COMMEND_DATE) % {"year": year})
    ids = list(dict.fromkeys(int(pk) for pk in deputy_ids))
    if not ids:
        raise LedgerError(_(ERR_COMMEND_NO_DEPUTIES))
    deputies = Deputy.objects.in_bulk(ids)
    if len(deputies) != len(ids):
        raise LedgerError(_(ERR_COMMEND_UNKNOWN_DEPUTY))
    grades = {
        a.deputy_id: a for a in Assessment.objects.filter(rule_set__year=year, deputy_id__in=ids)
    }
    for pk in ids:
        assessment = grades.get(pk)
        if assessment is None or assessment.grade != Grade.EXCELLENT:
            raise LedgerError(_(ERR_COMMEND_NOT_EXCELLENT) % {"deputy": deputies[pk], "year": year})
    if Commendation.objects.filter(year=year, document_no=document_no).exists():
        raise LedgerError(_(ERR_COMMEND_DOCUMENT) % {"year": year, "no": document_no})
    commendation = Commendation.objects.create(
        year=year,
        title=title,
        decided_on=decided_on,
        document_no=document_no,
        deciding_body=deciding_body,
        note=note,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rows = CommendedDeputy.objects.bulk_create(
        [
            CommendedDeputy(commendation=commendation, deputy=deputies[pk], assessment=grades[pk])
            for pk in ids
        ]
    )
    credited = _credit(commendation, rows, actor)
    audit_record(
        actor=actor,
        action="performance.commendation_decide",
        target=commendation,
        summary=f"{commendation}：{len(rows)} 名代表",
        data={"deputies": ids, "credited": credited},
    )
    return commendation


def _open(commendation: Commendation) -> Commendation:
    locked = Commendation.objects.select_for_update().get(pk=commendation.pk)
    if locked.withdrawn:
        raise LedgerError(_(ERR_COMMEND_WITHDRAWN))
    return locked


@transaction.atomic
def commendation_withdraw(
    *,
    actor: User | None,
    commendation: Commendation,
    reason: str,
    today: date | None = None,
) -> Commendation:
    """Withdraw a whole decision (it was revoked): the record stays, marked with the date and
    the reason, and the commended deputies' C04 credits are taken back. Staff only."""
    staff_required(actor)
    reason = reason.strip()
    if not reason:
        raise LedgerError(_(ERR_COMMEND_REASON))
    commendation = _open(commendation)
    rows = list(commendation.commended.select_related("deputy"))
    for row in rows:
        _withdraw_credit(row, reason, actor)
    commendation.withdrawn_on = today or clock.today()
    commendation.withdraw_reason = reason
    commendation.save(update_fields=["withdrawn_on", "withdraw_reason"])
    audit_record(
        actor=actor,
        action="performance.commendation_withdraw",
        target=commendation,
        summary=f"撤销 {commendation}",
        data={"reason": reason, "deputies": [row.deputy_id for row in rows]},
    )
    return commendation


@transaction.atomic
def commendation_deputy_remove(
    *,
    actor: User | None,
    commendation: Commendation,
    deputy: Deputy,
    reason: str,
) -> None:
    """Correct a decision by taking one deputy off it (named by mistake): the row and its C04
    credit go, an audit row keeps who, when and why. Staff only."""
    staff_required(actor)
    reason = reason.strip()
    if not reason:
        raise LedgerError(_(ERR_COMMEND_REASON))
    commendation = _open(commendation)
    rows = list(commendation.commended.select_related("deputy"))
    row = next((r for r in rows if r.deputy_id == deputy.pk), None)
    if row is None:
        raise LedgerError(_(ERR_COMMEND_NOT_NAMED) % {"deputy": deputy})
    if len(rows) == 1:
        raise LedgerError(_(ERR_COMMEND_LAST))
    _withdraw_credit(row, reason, actor)
    row.delete()
    audit_record(
        actor=actor,
        action="performance.commendation_deputy_remove",
        target=commendation,
        summary=f"{commendation} 更正：移除 {deputy}",
        data={"deputy": deputy.pk, "reason": reason},
    )
