"""The choices and state groups of suggestions and their handling (moved from ``models.py``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REGISTERED = "registered", _("已立案")
    NOT_REGISTERED = "not_registered", _("不予立案")
    ASSIGNED = "assigned", _("已交办")
    IN_HANDLING = "in_handling", _("办理中")
    REPLIED = "replied", _("已答复")
    EVALUATED = "evaluated", _("已评价")
    CONCLUDED = "concluded", _("已办结")
    CLOSED = "closed", _("已销号")


PRE_REGISTRATION = (Status.DRAFT, Status.SUBMITTED, Status.NOT_REGISTERED)
OPEN_HANDLING = (Status.ASSIGNED, Status.IN_HANDLING)
CONCLUDED_STATES = (Status.CONCLUDED, Status.CLOSED)
# Assigned and not yet concluded.
UNDER_HANDLING = (*OPEN_HANDLING, Status.REPLIED, Status.EVALUATED)
# What a clerk acts on or follows (the staff page counts these afresh): to register, to
# assign, then under handling. The other states have left the workflow.
STAFF_LIVE_STATES = (Status.SUBMITTED, Status.REGISTERED, *UNDER_HANDLING)


class Kind(models.TextChoices):
    PROPOSAL = "proposal", _("议案")
    SUGGESTION = "suggestion", _("建议")
    CRITICISM = "criticism", _("批评和意见")


class Origin(models.TextChoices):
    RESEARCH = "research", _("调研视察")
    LIAISON = "liaison", _("联络站接待")
    PUBLIC_OPINION = "public_opinion", _("社情民意")
    OTHER = "other", _("其他")


class ResultClass(models.TextChoices):
    A = "A", _("A 已解决或采纳")
    B = "B", _("B 正在解决或列入计划")
    C = "C", _("C 因条件限制暂不能解决")


class ProblemKind(models.TextChoices):
    POLICY = "policy", _("政策障碍")
    FUNDING = "funding", _("资金缺口")
    OTHER = "other", _("其他关键堵点")


class Verdict(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class CheckKind(models.TextChoices):
    PROGRESS = "progress", _("查进度")
    EFFECT = "effect", _("查实效")
    FEEDBACK = "feedback", _("查反馈")


CHECK_ORDER = (CheckKind.PROGRESS, CheckKind.EFFECT, CheckKind.FEEDBACK)


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("推进中")
    MET = "met", _("已兑现")
    MISSED = "missed", _("未兑现")


class ReturnStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意改办")
    REFUSED = "refused", _("不同意退办")
    # The unit replied while the request waited: a reply means it handled the matter itself.
    WITHDRAWN = "withdrawn", _("已撤回")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("未同意")
    # The unit replied while the request waited: no later deadline is needed any more.
    WITHDRAWN = "withdrawn", _("已撤回")
