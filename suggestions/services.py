"""Writes to suggestions other than the bare state change (which is ``workflow``): drafts,
assignment, extensions, commitments, replies, evaluations, checks, tough projects, ratings."""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role
from core import clock
from core.audit import audit_record
from core.notifications import notification_send_many
from core.workdays import add_working_days
from deputies.models import Deputy

from .models import (
    CONCLUDED_STATES,
    OPEN_HANDLING,
    PRE_REGISTRATION,
    UNDER_HANDLING,
    Attachment,
    Commitment,
    CommitmentStatus,
    CoreProblem,
    Evaluation,
    ExtensionRequest,
    ExtensionStatus,
    FollowUpCheck,
    HandlingUnit,
    Meeting,
    Milestone,
    ProblemKind,
    PublicRating,
    QuarterlyReport,
    Reply,
    ResultClass,
    ReturnRequest,
    ReturnStatus,
    Status,
    Suggestion,
    SupervisionPlan,
    ToughProject,
    Verdict,
    validate_attachment,
)
from .workflow import (
    ERR_DATE_IN_FUTURE,
    ERR_DEADLINE_BEYOND_LIMIT,
    ERR_LEAD_UNIT_REQUIRED,
    SuggestionError,
    add_months,
    deputy_url,
    deputy_users,
    staff_users,
    suggestion_transition,
    unit_url,
    unit_users,
)

__all__ = ["SuggestionError", "suggestion_transition"]

ERR_NOT_LEAD_DEPUTY = gettext_noop("只有领衔代表可以进行此操作。")
ERR_NOT_DRAFT = gettext_noop("只有草稿可以修改。")
ERR_LEAD_CANNOT_COSIGN = gettext_noop("领衔代表不能同时是附议代表。")
ERR_NOT_LEAD_UNIT = gettext_noop("此议案建议未交由本单位主办。")
ERR_NOT_HANDLING_UNIT = gettext_noop("此议案建议未交由本单位办理。")
ERR_NOT_IN_HANDLING = gettext_noop("只有正在办理的议案建议可以进行此操作。")
ERR_EXTENSION_USED = gettext_noop("答复期限只能延长一次，已延期过。")
ERR_EXTENSION_PENDING = gettext_noop("已有一份延期申请待审核。")
ERR_EXTENSION_NOT_LATER = gettext_noop("申请的期限必须晚于当前答复期限（%(d)s）。")
ERR_EXTENSION_DECIDED = gettext_noop("该延期申请已经审核过。")
ERR_EXTENSION_WITHDRAWN = gettext_noop("%(s)s 已经答复，延期申请已随答复自动撤回，无需再审核。")
ERR_REASON_REQUIRED = gettext_noop("请填写理由。")
ERR_PROBLEMS_REQUIRED = gettext_noop(
    "B、C 类答复须填写核心问题清单（政策障碍、资金缺口或其他关键堵点）。"
)
ERR_BAD_PROBLEM_KIND = gettext_noop("核心问题类型无效。")
ERR_NOT_REPLIED = gettext_noop("只有已答复的议案建议可以评价。")
ERR_SCORE_RANGE = gettext_noop("分数须在 0–100 之间。")
ERR_ALREADY_EVALUATED = gettext_noop("您已评价过这次答复。")
ERR_COMMITMENT_CLOSED = gettext_noop("该承诺事项已结束，不能再修改。")
ERR_COMMITMENT_DATE = gettext_noop("兑现日期须填写且不能晚于今天。")
ERR_CHECK_FINDINGS = gettext_noop("请填写检查情况。")
ERR_CHECK_NOT_CONCLUDED = gettext_noop("办结后才能进行三查。")
ERR_TOUGH_GRADE = gettext_noop("难度等级须为 1–3。")
ERR_TOUGH_EXISTS = gettext_noop("该议案建议已在攻坚项目库中。")
ERR_TOUGH_STATE = gettext_noop("只有已交办、尚未办结的议案建议可以列入攻坚项目库。")
ERR_QUARTER_RANGE = gettext_noop("季度须为 1–4。")
ERR_QUARTER_FUTURE = gettext_noop("该季度尚未开始，不能提前述职。")
ERR_REPORT_EXISTS = gettext_noop("该季度的述职报告已经提交。")
ERR_QUARTER_BEFORE_PROJECT = gettext_noop("该季度在列入攻坚项目（%(d)s）之前结束，无需述职。")
ERR_RATING_CLOSED = gettext_noop("此建议尚未答复，暂不能评价。")
ERR_RATING_IDENTITY = gettext_noop("请填写手机号，或允许本设备保存评价标识。")
ERR_ALREADY_RATED = gettext_noop("您已经评价过此建议，每个手机号或设备只能评价一次。")
ERR_BAD_PHONE = gettext_noop("请输入 11 位手机号码。")
ERR_NOT_STAFF = gettext_noop("只有工委工作人员可以进行此操作。")
ERR_MEETING_STATE = gettext_noop("立案前不能记录面商。")
ERR_RESPONSIBLE_NOT_STAFF = gettext_noop("督办责任人须为工委工作人员。")
ERR_PLAN_STATE = gettext_noop("立案后才能制定督办计划。")
ERR_RETURN_STATE = gettext_noop("只有已交办或办理中、尚未答复的议案建议可以退办或改办。")
ERR_RETURN_WINDOW = gettext_noop(
    "退办申请须在交办（或改办）后 %(n)d 个工作日内提出（截至 %(d)s），已超过期限。"
)
ERR_RETURN_PENDING = gettext_noop("已有一份退办申请待审核。")
ERR_RETURN_REFUSED = gettext_noop("工委已不同意本单位的退办申请，请按期办理。")
ERR_RETURN_DECIDED = gettext_noop("该退办申请已经审核过。")
ERR_RETURN_WITHDRAWN = gettext_noop("%(s)s 已经答复，退办申请已随答复自动撤回，无需再审核。")
NOTE_WITHDRAWN_BY_REPLY = gettext_noop("%(d)s 已答复，申请自动撤回。")
ERR_RETURN_REFUSE_REASON = gettext_noop("不同意退办须填写理由。")
ERR_REASSIGN_STALE = gettext_noop("主办单位已被他人调整，请刷新后再操作。")


def _is_staff(user: User | None) -> bool:
    return user is None or user_has_role(user, Role.STAFF)


def _require_staff(user: User | None) -> None:
    if not _is_staff(user):
        raise SuggestionError(_(ERR_NOT_STAFF))


def _user_units(user: User | None) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(user.handling_units.values_list("pk", flat=True))


def _require_lead_unit(suggestion: Suggestion, unit: HandlingUnit, actor: User | None) -> None:
    if suggestion.lead_unit_id != unit.pk:
        raise SuggestionError(_(ERR_NOT_LEAD_UNIT))
    if not _is_staff(actor) and unit.pk not in _user_units(actor):
        raise SuggestionError(_(ERR_NOT_LEAD_UNIT))


def _handling_unit_ids(suggestion: Suggestion) -> set[int]:
    ids = set(suggestion.co_units.values_list("pk", flat=True))
    if suggestion.lead_unit_id:
        ids.add(suggestion.lead_unit_id)
    return ids


def _require_today_or_past(day: date, today: date) -> None:
    if day > today:
        raise SuggestionError(_(ERR_DATE_IN_FUTURE))


# --- drafts ------------------------------------------------------------------------------


@transaction.atomic
def suggestion_save_draft(
    *,
    deputy: Deputy,
    actor: User | None,
    suggestion: Suggestion | None = None,
    co_signers: Iterable[Deputy] = (),
    attachments: Sequence = (),
    **fields,
) -> Suggestion:
    """Create a draft for ``deputy`` or update one of theirs (only while it is a draft)."""
    if suggestion is None:
        suggestion = Suggestion(lead_deputy=deputy, status=Status.DRAFT)
    else:
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.lead_deputy_id != deputy.pk:
            raise SuggestionError(_(ERR_NOT_LEAD_DEPUTY))
        if suggestion.status != Status.DRAFT:
            raise SuggestionError(_(ERR_NOT_DRAFT))
    co_signers = list(co_signers)
    if any(d.pk == deputy.pk for d in co_signers):
        raise SuggestionError(_(ERR_LEAD_CANNOT_COSIGN))
    for name, value in fields.items():
        setattr(suggestion, name, value)
    created = suggestion.pk is None
    suggestion.save()
    suggestion.co_signers.set(co_signers)
    for upload in attachments:
        attachment_add(suggestion=suggestion, upload=upload, actor=actor)
    audit_record(
        actor=actor,
        action="suggestions.draft_create" if created else "suggestions.draft_update",
        target=suggestion,
        summary=suggestion.title,
    )
    return suggestion


@transaction.atomic
def attachment_add(*, suggestion: Suggestion, upload, actor: User | None) -> Attachment:
    try:
        validate_attachment(upload)
    except ValidationError as exc:
        raise SuggestionError(" ".join(exc.messages)) from exc
    attachment = Attachment.objects.create(
        suggestion=suggestion, file=upload, name=upload.name[:120], uploaded_by=actor
    )
    audit_record(
        actor=actor, action="suggestions.attachment_add", target=suggestion, summary=upload.name
    )
    return attachment


# --- staff steps ----------------------------------------------------------------------------


def suggestion_assign(
    *,
    suggestion: Suggestion,
    lead_unit: HandlingUnit,
    co_units: Iterable[HandlingUnit] = (),
    reply_deadline: date | None = None,
    on: date | None = None,
    actor: User | None,
    comment: str = "",
    today: date | None = None,
) -> Suggestion:
    """交办: registered suggestions only; a submitted one is registered first."""
    with transaction.atomic():
        if suggestion.status == Status.SUBMITTED:
            suggestion_transition(
                suggestion=suggestion, to=Status.REGISTERED, actor=actor, on=on, today=today
            )
        return suggestion_transition(
            suggestion=suggestion,
            to=Status.ASSIGNED,
            actor=actor,
            on=on,
            today=today,
            comment=comment,
            lead_unit=lead_unit,
            co_units=list(co_units),
            reply_deadline=reply_deadline,
        )


def supervision_plan_check(*, suggestion: Suggestion, responsible: User) -> None:
    """A plan belongs to a registered suggestion and names a member of staff (also the admin's
    form rule)."""
    if not user_has_role(responsible, Role.STAFF):
        raise SuggestionError(_(ERR_RESPONSIBLE_NOT_STAFF))
    if suggestion.status in PRE_REGISTRATION:
        raise SuggestionError(_(ERR_PLAN_STATE))


@transaction.atomic
def supervision_plan_set(
    *,
    suggestion: Suggestion,
    responsible: User,
    note: str = "",
    milestones: Iterable[tuple[str, date]] = (),
    actor: User | None,
) -> SupervisionPlan:
    _require_staff(actor)
    supervision_plan_check(suggestion=suggestion, responsible=responsible)
    plan, _created = SupervisionPlan.objects.update_or_create(
        suggestion=suggestion, defaults={"responsible": responsible, "note": note}
    )
    for title, due_on in milestones:
        Milestone.objects.create(plan=plan, title=title, due_on=due_on)
    audit_record(
        actor=actor, action="suggestions.plan_set", target=suggestion, summary=str(responsible)
    )
    return plan


@transaction.atomic
def tough_project_mark(
    *,
    suggestion: Suggestion,
    difficulty: int,
    team: str,
    reason: str = "",
    actor: User | None,
    on: date | None = None,
    today: date | None = None,
) -> ToughProject:
    _require_staff(actor)
    if difficulty not in (1, 2, 3):
        raise SuggestionError(_(ERR_TOUGH_GRADE))
    # Locked so two clerks marking the same suggestion get a message, not an IntegrityError.
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status not in UNDER_HANDLING:
        raise SuggestionError(_(ERR_TOUGH_STATE))
    if ToughProject.objects.filter(suggestion=suggestion).exists():
        raise SuggestionError(_(ERR_TOUGH_EXISTS))
    project = ToughProject.objects.create(
        suggestion=suggestion,
        difficulty=difficulty,
        team=team,
        reason=reason,
        started_on=on or today or clock.today(),
    )
    audit_record(
        actor=actor,
        action="suggestions.tough_mark",
        target=suggestion,
        summary=f"{suggestion} 难度 {difficulty}",
    )
    notification_send_many(
        recipients=unit_users([suggestion.lead_unit]),
        kind="suggestion.tough",
        title=_("列入攻坚项目库：%(s)s") % {"s": suggestion},
        body=_("请每季度提交述职报告。"),
        url=unit_url(suggestion),
        dedupe_key=f"suggestion:{suggestion.pk}:tough",
    )
    return project


@transaction.atomic
def check_record(
    *,
    check: FollowUpCheck,
    findings: str,
    done_on: date | None = None,
    actor: User | None,
    today: date | None = None,
) -> FollowUpCheck:
    _require_staff(actor)
    today = today or clock.today()
    check = FollowUpCheck.objects.select_for_update().select_related("suggestion").get(pk=check.pk)
    if check.suggestion.status not in CONCLUDED_STATES:
        raise SuggestionError(_(ERR_CHECK_NOT_CONCLUDED))
    if not findings.strip():
        raise SuggestionError(_(ERR_CHECK_FINDINGS))
    done_on = done_on or today
    _require_today_or_past(done_on, today)
    check.findings, check.done_on = findings.strip(), done_on
    check.done_by = actor
    check.save()
    audit_record(
        actor=actor,
        action="suggestions.check_record",
        target=check.suggestion,
        summary=check.get_kind_display(),
    )
    return check


def _require_within_limit(suggestion: Suggestion, deadline: date) -> None:
    if deadline > suggestion.deadline_limit:
        raise SuggestionError(
            _(ERR_DEADLINE_BEYOND_LIMIT)
            % {
                "months": settings.LVZHI_SUGGESTIONS_MAX_MONTHS,
                "limit": suggestion.deadline_limit.isoformat(),
            }
        )


# --- extensions ------------------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *,
    suggestion: Suggestion,
    unit: HandlingUnit,
    requested_deadline: date,
    reason: str,
    actor: User | None,
) -> ExtensionRequest:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _require_lead_unit(suggestion, unit, actor)
    if suggestion.status not in OPEN_HANDLING:
        raise SuggestionError(_(ERR_NOT_IN_HANDLING))
    if not reason.strip():
        raise SuggestionError(_(ERR_REASON_REQUIRED))
    if suggestion.extension_count >= 1:
        raise SuggestionError(_(ERR_EXTENSION_USED))
    if suggestion.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise SuggestionError(_(ERR_EXTENSION_PENDING))
    if requested_deadline <= suggestion.reply_deadline:
        raise SuggestionError(
            _(ERR_EXTENSION_NOT_LATER) % {"d": suggestion.reply_deadline.isoformat()}
        )
    _require_within_limit(suggestion, requested_deadline)
    request = ExtensionRequest.objects.create(
        suggestion=suggestion,
        unit=unit,
        requested_deadline=requested_deadline,
        reason=reason.strip(),
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="suggestions.extension_request",
        target=suggestion,
        summary=f"{suggestion} 申请延期至 {requested_deadline}",
        data={"reason": reason},
    )
    notification_send_many(
        recipients=staff_users(),
        kind="suggestion.extension",
        title=_("延期申请待审核：%(s)s") % {"s": suggestion},
        body=reason,
        url=reverse("admin:suggestions_extensionrequest_change", args=[request.pk]),
        dedupe_key=f"extension:{request.pk}:requested",
    )
    return request


@transaction.atomic
def extension_decide(
    *,
    request: ExtensionRequest,
    approve: bool,
    note: str = "",
    actor: User | None,
    now: datetime | None = None,
) -> ExtensionRequest:
    _require_staff(actor)
    # Suggestion before request, as 改办 (which closes pending extension requests) takes them.
    Suggestion.objects.select_for_update().get(pk=request.suggestion_id)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    suggestion = Suggestion.objects.select_for_update().get(pk=request.suggestion_id)
    if request.status == ExtensionStatus.WITHDRAWN:
        raise SuggestionError(_(ERR_EXTENSION_WITHDRAWN) % {"s": suggestion})
    if request.status != ExtensionStatus.PENDING:
        raise SuggestionError(_(ERR_EXTENSION_DECIDED))
    if approve:
        if suggestion.extension_count >= 1:
            raise SuggestionError(_(ERR_EXTENSION_USED))
        if suggestion.status not in OPEN_HANDLING:
            raise SuggestionError(_(ERR_NOT_IN_HANDLING))
        if request.requested_deadline <= suggestion.reply_deadline:
            raise SuggestionError(
                _(ERR_EXTENSION_NOT_LATER) % {"d": suggestion.reply_deadline.isoformat()}
            )
        _require_within_limit(suggestion, request.requested_deadline)
        suggestion.reply_deadline = request.requested_deadline
        suggestion.extension_count += 1
        suggestion.save(update_fields=["reply_deadline", "extension_count", "updated_at"])
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by = actor
    request.decided_at = now or clock.now()
    request.decision_note = note[:200]
    request.save()
    audit_record(
        actor=actor,
        action="suggestions.extension_decide",
        target=suggestion,
        summary=f"{suggestion} 延期申请{request.get_status_display()}",
        data={"approve": approve, "note": note},
    )
    title = _("延期申请%(r)s：%(s)s") % {"r": request.get_status_display(), "s": suggestion}
    body = _("答复期限：%(d)s") % {"d": suggestion.reply_deadline.isoformat()}
    notification_send_many(
        recipients=unit_users([suggestion.lead_unit]),
        kind="suggestion.extension",
        title=title,
        body=body,
        url=unit_url(suggestion),
        dedupe_key=f"extension:{request.pk}:decided",
    )
    if approve:
        notification_send_many(
            recipients=deputy_users(suggestion),
            kind="suggestion.extension",
            title=title,
            body=body,
            url=deputy_url(suggestion),
            dedupe_key=f"extension:{request.pk}:decided",
        )
    return request


# --- return requests and reassignment (退办、改办) -----------------------------------------


def return_deadline(suggestion: Suggestion) -> date | None:
    """The last day the lead unit may ask to return ``suggestion``."""
    start = suggestion.reassigned_on or suggestion.assigned_on
    if start is None:
        return None
    return add_working_days(start, settings.LVZHI_SUGGESTIONS_RETURN_WORKDAYS)


def reassignable(suggestion: Suggestion) -> bool:
    """Whether ``suggestion`` may still be returned or reassigned: in handling, never replied."""
    return suggestion.status in OPEN_HANDLING and suggestion.first_replied_on is None


def _require_reassignable(suggestion: Suggestion) -> None:
    if not reassignable(suggestion):
        raise SuggestionError(_(ERR_RETURN_STATE))


@transaction.atomic
def return_request(
    *,
    suggestion: Suggestion,
    unit: HandlingUnit,
    reason: str,
    actor: User | None,
    today: date | None = None,
) -> ReturnRequest:
    """申请退办: the lead unit asks, with a reason, within the window after (re)assignment."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _require_lead_unit(suggestion, unit, actor)
    _require_reassignable(suggestion)
    if not reason.strip():
        raise SuggestionError(_(ERR_REASON_REQUIRED))
    last_day = return_deadline(suggestion)
    if (today or clock.today()) > last_day:
        raise SuggestionError(
            _(ERR_RETURN_WINDOW)
            % {"n": settings.LVZHI_SUGGESTIONS_RETURN_WORKDAYS, "d": last_day.isoformat()}
        )
    requests = suggestion.return_requests.all()
    if requests.filter(status=ReturnStatus.PENDING).exists():
        raise SuggestionError(_(ERR_RETURN_PENDING))
    if requests.filter(status=ReturnStatus.REFUSED, unit=unit).exists():
        raise SuggestionError(_(ERR_RETURN_REFUSED))
    request = ReturnRequest.objects.create(
        suggestion=suggestion, unit=unit, reason=reason.strip(), requested_by=actor
    )
    audit_record(
        actor=actor,
        action="suggestions.return_request",
        target=suggestion,
        summary=f"{suggestion} {unit} 申请退办",
        data={"reason": request.reason, "request": request.pk},
    )
    notification_send_many(
        recipients=staff_users(),
        kind="suggestion.return",
        title=_("退办申请待审核：%(s)s") % {"s": suggestion},
        body=_("%(u)s：%(r)s") % {"u": unit, "r": request.reason},
        url=reverse("admin:suggestions_returnrequest_change", args=[request.pk]),
        dedupe_key=f"return:{request.pk}:requested",
    )
    return request


@transaction.atomic
def suggestion_reassign(
    *,
    suggestion: Suggestion,
    lead_unit: HandlingUnit,
    co_units: Iterable[HandlingUnit] = (),
    comment: str = "",
    from_unit: HandlingUnit | None = None,
    on: date | None = None,
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
) -> Suggestion:
    """改办 by staff (on a unit's request or on their own initiative). ``from_unit`` is the lead
    unit the caller saw: if someone changed it meanwhile, nothing happens."""
    _require_staff(actor)
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if from_unit is not None and locked.lead_unit_id != from_unit.pk:
        raise SuggestionError(_(ERR_REASSIGN_STALE))
    _require_reassignable(locked)
    old_unit = locked.lead_unit
    note = _("改办：%(a)s → %(b)s") % {"a": old_unit, "b": lead_unit}
    if comment.strip():
        note += f"\n{comment.strip()}"
    co_units = list(co_units)
    suggestion_transition(
        suggestion=locked,
        to=Status.ASSIGNED,
        actor=actor,
        on=on,
        today=today,
        comment=note,
        reassign=True,
        lead_unit=lead_unit,
        co_units=co_units,
    )
    now = now or clock.now()
    # A request still waiting is settled by the reassignment itself.
    for request in locked.return_requests.select_for_update().filter(status=ReturnStatus.PENDING):
        request.status = ReturnStatus.APPROVED
        request.new_lead_unit = lead_unit
        request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        request.decided_at = now
        request.staff_reason = comment.strip()[:200]
        request.save()
        request.new_co_units.set(co_units)
    # Open commitments of units that lost the suggestion go to the new lead unit: otherwise no
    # one could settle them and the suggestion could never close.
    kept = {lead_unit.pk, *(u.pk for u in co_units)}
    moved = (
        locked.commitments.filter(status=CommitmentStatus.OPEN)
        .exclude(owner_unit_id__in=kept)
        .update(owner_unit=lead_unit)
    )
    # The old unit's pending extension request no longer concerns anyone.
    locked.extension_requests.filter(status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REJECTED,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=now,
        decision_note=_("已改办"),
    )
    audit_record(
        actor=actor,
        action="suggestions.reassign",
        target=locked,
        summary=f"{locked} {note}"[:200],
        data={
            "from_unit": old_unit.pk,
            "to_unit": lead_unit.pk,
            "co_units": [u.pk for u in co_units],
            "commitments_moved": moved,
        },
    )
    suggestion.refresh_from_db()
    return suggestion


@transaction.atomic
def return_decide(
    *,
    request: ReturnRequest,
    approve: bool,
    note: str = "",
    lead_unit: HandlingUnit | None = None,
    co_units: Iterable[HandlingUnit] | None = None,
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
) -> ReturnRequest:
    """同意 → 改办 to ``lead_unit`` (default: the unit staff chose on the request's page);
    不同意 → the unit keeps the suggestion and is told why."""
    _require_staff(actor)
    # Suggestion first, then the request: the order 改办 takes them in, so the two never deadlock.
    Suggestion.objects.select_for_update().get(pk=request.suggestion_id)
    request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    suggestion = request.suggestion
    if request.status == ReturnStatus.WITHDRAWN:
        raise SuggestionError(_(ERR_RETURN_WITHDRAWN) % {"s": suggestion})
    if request.status != ReturnStatus.PENDING:
        raise SuggestionError(_(ERR_RETURN_DECIDED))
    if approve:
        lead_unit = lead_unit or request.new_lead_unit
        if lead_unit is None:
            raise SuggestionError(_(ERR_LEAD_UNIT_REQUIRED))
        co_units = list(request.new_co_units.all() if co_units is None else co_units)
        suggestion_reassign(
            suggestion=suggestion,
            lead_unit=lead_unit,
            co_units=co_units,
            comment=note or _("同意%(u)s的退办申请。") % {"u": request.unit},
            from_unit=request.unit,
            actor=actor,
            today=today,
            now=now,
        )
        request.refresh_from_db()
    else:
        if not note.strip():
            raise SuggestionError(_(ERR_RETURN_REFUSE_REASON))
        request.status = ReturnStatus.REFUSED
        request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        request.decided_at = now or clock.now()
        request.staff_reason = note.strip()[:200]
        request.save()
        notification_send_many(
            recipients=unit_users([request.unit]),
            kind="suggestion.return",
            title=_("退办申请未同意：%(s)s") % {"s": suggestion},
            body=_("请按期办理。工委意见：%(r)s") % {"r": request.staff_reason},
            url=unit_url(suggestion),
            dedupe_key=f"return:{request.pk}:decided",
        )
    audit_record(
        actor=actor,
        action="suggestions.return_decide",
        target=suggestion,
        summary=f"{suggestion} 退办申请{request.get_status_display()}",
        data={"approve": approve, "note": note, "request": request.pk},
    )
    return request


# --- handling-unit steps -------------------------------------------------------------------


def suggestion_accept(
    *, suggestion: Suggestion, actor: User | None, today: date | None = None
) -> Suggestion:
    """The lead unit signs for an assigned suggestion (签收) and starts handling it."""
    return suggestion_transition(
        suggestion=suggestion, to=Status.IN_HANDLING, actor=actor, today=today
    )


@transaction.atomic
def feasibility_note_set(
    *, suggestion: Suggestion, unit: HandlingUnit, note: str, actor: User | None
) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _require_lead_unit(suggestion, unit, actor)
    if suggestion.status not in OPEN_HANDLING:
        raise SuggestionError(_(ERR_NOT_IN_HANDLING))
    suggestion.feasibility_note = note.strip()
    suggestion.save(update_fields=["feasibility_note", "updated_at"])
    audit_record(
        actor=actor, action="suggestions.feasibility", target=suggestion, summary=str(suggestion)
    )
    return suggestion


@transaction.atomic
def meeting_record(
    *,
    suggestion: Suggestion,
    unit: HandlingUnit,
    held_on: date,
    participants: str,
    summary: str,
    place: str = "",
    actor: User | None,
    today: date | None = None,
) -> Meeting:
    if unit.pk not in _handling_unit_ids(suggestion):
        raise SuggestionError(_(ERR_NOT_HANDLING_UNIT))
    if not _is_staff(actor) and unit.pk not in _user_units(actor):
        raise SuggestionError(_(ERR_NOT_HANDLING_UNIT))
    if suggestion.status not in UNDER_HANDLING:
        raise SuggestionError(_(ERR_MEETING_STATE))
    _require_today_or_past(held_on, today or clock.today())
    meeting = Meeting.objects.create(
        suggestion=suggestion,
        unit=unit,
        held_on=held_on,
        place=place,
        participants=participants,
        summary=summary,
        recorded_by=actor,
    )
    audit_record(
        actor=actor, action="suggestions.meeting", target=suggestion, summary=f"面商 {held_on}"
    )
    return meeting


@transaction.atomic
def commitment_add(
    *,
    suggestion: Suggestion,
    owner_unit: HandlingUnit,
    content: str,
    due_on: date,
    actor: User | None,
) -> Commitment:
    if owner_unit.pk not in _handling_unit_ids(suggestion):
        raise SuggestionError(_(ERR_NOT_HANDLING_UNIT))
    if not _is_staff(actor) and owner_unit.pk not in _user_units(actor):
        raise SuggestionError(_(ERR_NOT_HANDLING_UNIT))
    if suggestion.status in (Status.CLOSED, Status.CONCLUDED) or suggestion.assigned_on is None:
        raise SuggestionError(_(ERR_NOT_IN_HANDLING))
    commitment = Commitment.objects.create(
        suggestion=suggestion, owner_unit=owner_unit, content=content.strip(), due_on=due_on
    )
    audit_record(
        actor=actor, action="suggestions.commitment_add", target=suggestion, summary=content[:100]
    )
    return commitment


@transaction.atomic
def commitment_update(
    *,
    commitment: Commitment,
    status: str,
    completed_on: date | None = None,
    note: str = "",
    actor: User | None,
    today: date | None = None,
) -> Commitment:
    commitment = (
        Commitment.objects.select_for_update().select_related("suggestion").get(pk=commitment.pk)
    )
    if not _is_staff(actor) and commitment.owner_unit_id not in _user_units(actor):
        raise SuggestionError(_(ERR_NOT_HANDLING_UNIT))
    if commitment.status != CommitmentStatus.OPEN:
        raise SuggestionError(_(ERR_COMMITMENT_CLOSED))
    status = CommitmentStatus(status)
    if status == CommitmentStatus.MET:
        if completed_on is None or completed_on > (today or clock.today()):
            raise SuggestionError(_(ERR_COMMITMENT_DATE))
        commitment.completed_on = completed_on
    elif status == CommitmentStatus.MISSED and not note.strip():
        raise SuggestionError(_(ERR_REASON_REQUIRED))
    commitment.status = status
    commitment.note = note.strip()[:200]
    commitment.save()
    suggestion = commitment.suggestion
    audit_record(
        actor=actor,
        action="suggestions.commitment_update",
        target=suggestion,
        summary=f"{commitment.content[:80]} → {commitment.get_status_display()}",
    )
    if status != CommitmentStatus.OPEN:
        notification_send_many(
            recipients=deputy_users(suggestion),
            kind="suggestion.commitment",
            title=_("承诺事项%(st)s：%(c)s")
            % {"st": commitment.get_status_display(), "c": commitment.content[:60]},
            body=str(suggestion) + (f"\n{commitment.note}" if commitment.note else ""),
            url=deputy_url(suggestion),
            dedupe_key=f"commitment:{commitment.pk}:{status}",
        )
    return commitment


@transaction.atomic
def reply_submit(
    *,
    suggestion: Suggestion,
    unit: HandlingUnit,
    result_class: str,
    content: str,
    problems: Sequence[tuple[str, str]] = (),
    replied_on: date | None = None,
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
) -> Reply:
    """The lead unit's reply; B and C need a core problem list. An assigned suggestion the unit
    never signed for is taken into handling first.

    A reply settles the unit's requests still waiting for staff: asking for a later deadline or
    to hand the matter on makes no sense once it has answered, so pending extension and return
    requests are withdrawn, with the reason, and nothing stays 待审核 for ever."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _require_lead_unit(suggestion, unit, actor)
    if suggestion.status not in OPEN_HANDLING:
        raise SuggestionError(_(ERR_NOT_IN_HANDLING))
    result_class = ResultClass(result_class)
    problems = [(kind, desc.strip()) for kind, desc in problems if desc and desc.strip()]
    if result_class != ResultClass.A and not problems:
        raise SuggestionError(_(ERR_PROBLEMS_REQUIRED))
    if any(kind not in ProblemKind.values for kind, _desc in problems):
        raise SuggestionError(_(ERR_BAD_PROBLEM_KIND))
    today = today or clock.today()
    replied_on = replied_on or today
    _require_today_or_past(replied_on, today)
    if suggestion.status == Status.ASSIGNED:
        suggestion_transition(
            suggestion=suggestion,
            to=Status.IN_HANDLING,
            actor=actor,
            on=replied_on,
            today=today,
            comment=_("随答复签收"),
        )
    reply = Reply.objects.create(
        suggestion=suggestion,
        unit=unit,
        replied_on=replied_on,
        result_class=result_class,
        content=content,
        replied_by=actor,
    )
    CoreProblem.objects.bulk_create(
        [CoreProblem(reply=reply, kind=kind, description=desc[:300]) for kind, desc in problems]
    )
    _withdraw_pending_requests(
        suggestion, replied_on=replied_on, now=now or clock.now(), actor=actor
    )
    suggestion_transition(
        suggestion=suggestion,
        to=Status.REPLIED,
        actor=actor,
        on=replied_on,
        today=today,
        comment=reply.get_result_class_display(),
        reply=reply,
    )
    return reply


def _withdraw_pending_requests(
    suggestion: Suggestion, *, replied_on: date, now: datetime, actor: User | None
) -> None:
    """Close the extension and return requests still waiting on ``suggestion`` (the caller
    holds its lock, the order every decision takes them in)."""
    note = _(NOTE_WITHDRAWN_BY_REPLY) % {"d": replied_on.isoformat()}
    extensions = suggestion.extension_requests.select_for_update().filter(
        status=ExtensionStatus.PENDING
    )
    returns = suggestion.return_requests.select_for_update().filter(status=ReturnStatus.PENDING)
    withdrawn = {
        "extension": [r.pk for r in extensions],
        "return": [r.pk for r in returns],
    }
    if not (withdrawn["extension"] or withdrawn["return"]):
        return
    ExtensionRequest.objects.filter(pk__in=withdrawn["extension"]).update(
        status=ExtensionStatus.WITHDRAWN, decided_at=now, decision_note=note
    )
    ReturnRequest.objects.filter(pk__in=withdrawn["return"]).update(
        status=ReturnStatus.WITHDRAWN, decided_at=now, staff_reason=note
    )
    audit_record(
        actor=actor,
        action="suggestions.requests_withdrawn",
        target=suggestion,
        summary=f"{suggestion} {note}"[:200],
        data=withdrawn,
    )


@transaction.atomic
def quarterly_report_submit(
    *,
    project: ToughProject,
    unit: HandlingUnit,
    year: int,
    quarter: int,
    content: str,
    actor: User | None,
    today: date | None = None,
) -> QuarterlyReport:
    suggestion = project.suggestion
    _require_lead_unit(suggestion, unit, actor)
    if quarter not in (1, 2, 3, 4):
        raise SuggestionError(_(ERR_QUARTER_RANGE))
    today = today or clock.today()
    if date(year, 3 * quarter - 2, 1) > today:
        raise SuggestionError(_(ERR_QUARTER_FUTURE))
    if add_months(date(year, 3 * quarter - 2, 1), 3) <= project.started_on:
        raise SuggestionError(_(ERR_QUARTER_BEFORE_PROJECT) % {"d": project.started_on.isoformat()})
    if not content.strip():
        raise SuggestionError(_(ERR_REASON_REQUIRED))
    try:
        with transaction.atomic():
            report = QuarterlyReport.objects.create(
                project=project,
                year=year,
                quarter=quarter,
                content=content.strip(),
                unit=unit,
                submitted_by=actor,
            )
    except IntegrityError as exc:
        raise SuggestionError(_(ERR_REPORT_EXISTS)) from exc
    audit_record(
        actor=actor,
        action="suggestions.quarterly_report",
        target=suggestion,
        summary=f"{year}年第{quarter}季度述职",
    )
    return report


# --- deputies --------------------------------------------------------------------------------


@transaction.atomic
def evaluation_submit(
    *,
    suggestion: Suggestion,
    deputy: Deputy,
    verdict: str,
    implementation_score: int,
    comment: str = "",
    evaluated_on: date | None = None,
    actor: User | None,
    today: date | None = None,
) -> Evaluation:
    """The lead deputy's evaluation of the latest reply. 不满意 sends the suggestion back to
    handling the first time; after the second reply the evaluation stands."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.lead_deputy_id != deputy.pk:
        raise SuggestionError(_(ERR_NOT_LEAD_DEPUTY))
    if suggestion.status != Status.REPLIED:
        raise SuggestionError(_(ERR_NOT_REPLIED))
    if not isinstance(implementation_score, int) or not 0 <= implementation_score <= 100:
        raise SuggestionError(_(ERR_SCORE_RANGE))
    verdict = Verdict(verdict)
    today = today or clock.today()
    evaluated_on = evaluated_on or today
    _require_today_or_past(evaluated_on, today)
    reply = suggestion.replies.order_by("-replied_on", "-id").first()
    if reply.evaluations.filter(deputy=deputy).exists():
        raise SuggestionError(_(ERR_ALREADY_EVALUATED))
    evaluation = Evaluation.objects.create(
        suggestion=suggestion,
        reply=reply,
        deputy=deputy,
        verdict=verdict,
        implementation_score=implementation_score,
        comment=comment,
        evaluated_on=evaluated_on,
    )
    suggestion_transition(
        suggestion=suggestion,
        to=Status.EVALUATED,
        actor=actor,
        on=evaluated_on,
        today=today,
        comment=f"{verdict.label}，落实度 {implementation_score}",
        evaluation=evaluation,
    )
    if verdict == Verdict.UNSATISFIED and suggestion.reopen_count == 0:
        suggestion_transition(
            suggestion=suggestion,
            to=Status.IN_HANDLING,
            actor=actor,
            on=evaluated_on,
            today=today,
            comment=_("代表不满意，退回重新办理。") + (f"\n{comment}" if comment else ""),
        )
    return evaluation


# --- the public -------------------------------------------------------------------------------


def phone_hash(phone: str) -> str:
    """Phone numbers are kept only as a keyed hash: enough to refuse a second rating."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{phone}".encode()).hexdigest()


RATEABLE = (Status.REPLIED, Status.EVALUATED, Status.CONCLUDED, Status.CLOSED)


@transaction.atomic
def public_rating_submit(
    *,
    suggestion: Suggestion,
    score: int,
    phone: str = "",
    device_token: str = "",
    comment: str = "",
) -> PublicRating:
    if suggestion.status not in RATEABLE:
        raise SuggestionError(_(ERR_RATING_CLOSED))
    if not isinstance(score, int) or not 0 <= score <= 100:
        raise SuggestionError(_(ERR_SCORE_RANGE))
    phone = (phone or "").strip()
    if phone and not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
        raise SuggestionError(_(ERR_BAD_PHONE))
    if not phone and not device_token:
        raise SuggestionError(_(ERR_RATING_IDENTITY))
    try:
        with transaction.atomic():
            rating = PublicRating.objects.create(
                suggestion=suggestion,
                score=score,
                comment=comment[:300],
                phone_hash=phone_hash(phone) if phone else None,
                device_token=device_token[:64] or None,
            )
    except IntegrityError as exc:
        raise SuggestionError(_(ERR_ALREADY_RATED)) from exc
    audit_record(
        actor=None, action="suggestions.public_rating", target=suggestion, summary=str(score)
    )
    return rating


# --- reference data --------------------------------------------------------------------------


@transaction.atomic
def unit_logins_grant_role(*, unit: HandlingUnit, actor: User | None) -> int:
    """Give every login of ``unit`` the handling-unit role (the portal refuses users without
    it); returns how many had to get it."""
    from django.contrib.auth.models import Group

    _require_staff(actor)
    role = Group.objects.get(name=Role.HANDLING_UNIT.value)
    missing = list(unit.users.exclude(groups=role))
    role.user_set.add(*missing)
    if missing:
        audit_record(
            actor=actor,
            action="suggestions.unit_role_grant",
            target=unit,
            summary="、".join(str(u) for u in missing)[:200],
        )
    return len(missing)
