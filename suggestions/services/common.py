"""What every suggestions service shares: the error messages (module-level, asserted by the
tests) and the guards that check who acts and on which day."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role

from ..models import (
    HandlingUnit,
    Suggestion,
)
from ..workflow import (
    ERR_DATE_IN_FUTURE,
    SuggestionError,
)

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
