"""Suggestions and proposals (议案建议) from draft to closed, the units that handle them, and the
two-dimension evaluation that scores those units. Status changes go through
``suggestions.workflow.suggestion_transition`` only."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
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


def _score_range(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100}), name=name
    )


class HandlingUnit(models.Model):
    """承办单位: a government department handling suggestions; its users use the portal."""

    name = models.CharField(_("单位名称"), max_length=60, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("单位账号"),
        blank=True,
        related_name="handling_units",
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The committee's usual fields; staff edit the list in the admin.
DEFAULT_CATEGORIES = (
    "教育",
    "医疗卫生",
    "就业和社会保障",
    "消防安全",
    "住房和物业",
    "食品安全",
    "交通出行",
    "城市管理和环境",
    "养老服务",
    "社区治理",
    "其他",
)


class Category(models.Model):
    name = models.CharField(_("类别名称"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("建议类别")
        verbose_name_plural = _("建议类别")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RegistrationCounter(models.Model):
    """The last registration number handed out in a year; locked while the next one is taken."""

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    last_number = models.PositiveIntegerField(_("已用编号"), default=0)

    class Meta:
        verbose_name = _("立案编号计数")
        verbose_name_plural = _("立案编号计数")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class SuggestionQuerySet(models.QuerySet):
    def for_deputy(self, deputy):
        return self.filter(Q(lead_deputy=deputy) | Q(co_signers=deputy)).distinct()

    def for_units(self, units):
        return self.filter(Q(lead_unit__in=units) | Q(co_units__in=units)).distinct()

    def for_unit_user(self, user):
        return self.for_units(HandlingUnit.objects.filter(users=user)).exclude(
            status__in=[*PRE_REGISTRATION, Status.REGISTERED]
        )

    def with_list_relations(self):
        return self.select_related("category", "lead_deputy", "lead_unit")


class Suggestion(models.Model):
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.SUGGESTION)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        related_name="suggestions",
        null=True,
        blank=True,
    )
    lead_deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("领衔代表"),
        on_delete=models.PROTECT,
        related_name="led_suggestions",
    )
    co_signers = models.ManyToManyField(
        "deputies.Deputy",
        verbose_name=_("附议代表"),
        blank=True,
        related_name="cosigned_suggestions",
    )
    origin = models.CharField(
        _("来源"), max_length=16, choices=Origin.choices, default=Origin.RESEARCH
    )
    origin_url = models.URLField(_("来源链接"), blank=True)
    origin_reference = models.CharField(_("来源说明"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    year = models.PositiveSmallIntegerField(_("立案年度"), null=True, blank=True, db_index=True)
    sequence = models.PositiveIntegerField(_("年度序号"), null=True, blank=True)
    number = models.CharField(_("立案编号"), max_length=12, null=True, blank=True, unique=True)
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
    registered_on = models.DateField(_("立案日期"), null=True, blank=True)
    not_registered_reason = models.TextField(_("不予立案理由"), blank=True)

    lead_unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="led_suggestions",
        null=True,
        blank=True,
    )
    co_units = models.ManyToManyField(
        HandlingUnit, verbose_name=_("协办单位"), blank=True, related_name="co_suggestions"
    )
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    reply_deadline = models.DateField(_("答复期限"), null=True, blank=True)
    deadline_limit = models.DateField(
        _("最长期限"), null=True, blank=True, help_text=_("交办（或退回重办、改办）后 6 个月。")
    )
    reassigned_on = models.DateField(
        _("改办日期"),
        null=True,
        blank=True,
        help_text=_("最近一次改办的日期；答复期限和最长期限自此重新计算，交办日期不变。"),
    )
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("退回重办次数"), default=0)
    first_replied_on = models.DateField(_("首次答复日期"), null=True, blank=True)
    first_reply_deadline = models.DateField(
        _("首次答复时的期限"),
        null=True,
        blank=True,
        help_text=_("首次答复是否超期按这个期限统计（退回重办另有新期限）。"),
    )
    first_reply_days = models.PositiveIntegerField(
        _("首次答复用时（天）"),
        null=True,
        blank=True,
        help_text=_("交办日期到首次答复日期的天数。"),
    )
    # The latest evaluation, kept by the transition into 已评价 so that statistics and unit
    # scores read one row per suggestion instead of looking the evaluations up again.
    latest_verdict = models.CharField(
        _("最近评价满意度"), max_length=12, choices=Verdict.choices, blank=True, default=""
    )
    latest_evaluated_on = models.DateField(_("最近评价日期"), null=True, blank=True)
    latest_implementation_score = models.PositiveSmallIntegerField(
        _("最近评价落实度"), null=True, blank=True
    )
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    feasibility_note = models.TextField(_("可行性说明"), blank=True)

    public_token = models.UUIDField(
        _("公众评价码"), default=uuid.uuid4, unique=True, editable=False
    )
    imported = models.BooleanField(_("导入数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("议案建议")
        verbose_name_plural = _("议案建议")
        ordering = ["-year", "-sequence", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="sugg_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="sugg_kind_valid"),
            models.UniqueConstraint(fields=["year", "sequence"], name="sugg_year_sequence_unique"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PRE_REGISTRATION])
                | (
                    Q(number__isnull=False)
                    & Q(year__isnull=False)
                    & Q(sequence__isnull=False)
                    & Q(registered_on__isnull=False)
                ),
                name="sugg_registered_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.NOT_REGISTERED) | ~Q(not_registered_reason=""),
                name="sugg_not_registered_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in (*PRE_REGISTRATION, Status.REGISTERED)])
                | (
                    Q(lead_unit__isnull=False)
                    & Q(assigned_on__isnull=False)
                    & Q(reply_deadline__isnull=False)
                    & Q(deadline_limit__isnull=False)
                ),
                name="sugg_assigned_has_unit_deadline",
            ),
            models.CheckConstraint(
                condition=Q(reply_deadline__isnull=True)
                | (
                    Q(reply_deadline__gt=F("assigned_on"))
                    & Q(reply_deadline__lte=F("deadline_limit"))
                ),
                name="sugg_deadline_in_range",
            ),
            models.CheckConstraint(condition=Q(extension_count__lte=1), name="sugg_one_extension"),
            models.CheckConstraint(condition=Q(reopen_count__lte=1), name="sugg_one_reopen"),
            models.CheckConstraint(
                condition=~Q(status__in=[s.value for s in CONCLUDED_STATES])
                | Q(concluded_on__isnull=False),
                name="sugg_concluded_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(closed_on__isnull=False),
                name="sugg_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(first_reply_days__isnull=True) | Q(first_replied_on__isnull=False),
                name="sugg_reply_days_has_reply",
            ),
            models.CheckConstraint(
                condition=(Q(latest_verdict="") & Q(latest_evaluated_on__isnull=True))
                | (Q(latest_verdict__in=Verdict.values) & Q(latest_evaluated_on__isnull=False)),
                name="sugg_latest_evaluation_whole",
            ),
            models.CheckConstraint(
                condition=Q(latest_implementation_score__isnull=True)
                | (Q(latest_evaluated_on__isnull=False) & Q(latest_implementation_score__lte=100)),
                name="sugg_latest_score_range",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "reply_deadline"]),
            # A statistics report dated in the past finds the few rows evaluated after it.
            models.Index(fields=["latest_evaluated_on"], name="sugg_latest_evaluated_on"),
            # The admin list's order (newest registration first): its page is read from here.
            models.Index(
                fields=["year", "sequence", "created_at", "id"], name="sugg_admin_list_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title


def _attachment_path(instance: "Attachment", filename: str) -> str:
    return f"suggestions/{instance.suggestion_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def validate_attachment(upload) -> None:
    suffix = Path(upload.name).suffix.lower()
    allowed = settings.LVZHI_SUGGESTIONS_ATTACHMENT_TYPES
    if suffix not in allowed:
        raise ValidationError(
            _("不支持的附件类型 %(suffix)s，可上传：%(allowed)s。"),
            params={"suffix": suffix or "?", "allowed": "、".join(allowed)},
        )
    limit = settings.LVZHI_SUGGESTIONS_ATTACHMENT_MAX_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError(_("附件不能超过 %(mb)d MB。"), params={"mb": limit})


class Attachment(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=_attachment_path, validators=[validate_attachment])
    name = models.CharField(_("文件名"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class StatusChange(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("说明"), blank=True)
    happened_on = models.DateField(_("业务日期"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    imported = models.BooleanField(_("导入"), default=False)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.suggestion}: {self.from_status or '-'} → {self.to_status}"


class ExtensionRequest(models.Model):
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("议案建议"),
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+"
    )
    requested_deadline = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"))
    status = models.CharField(
        _("审核状态"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_at", "id"], name="sugg_extension_requested")]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(status="pending"),
                name="sugg_one_pending_extension",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="sugg_extension_has_reason"),
            models.CheckConstraint(
                condition=Q(status__in=ExtensionStatus.values), name="sugg_extension_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(s)s 申请延期至 %(d)s") % {"s": self.suggestion, "d": self.requested_deadline}
        )


class ReturnRequest(models.Model):
    """申请退办: the lead unit says the matter is not its responsibility; staff either reassign
    the suggestion (改办) or refuse, with a reason."""

    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("议案建议"),
        on_delete=models.CASCADE,
        related_name="return_requests",
    )
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("退办理由"))
    status = models.CharField(
        _("审核状态"), max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    new_lead_unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("改办主办单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("同意退办时必填：改由哪个单位主办。"),
    )
    new_co_units = models.ManyToManyField(
        HandlingUnit, verbose_name=_("改办协办单位"), blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    staff_reason = models.CharField(
        _("审核意见"), max_length=200, blank=True, help_text=_("不同意退办时必填。")
    )

    class Meta:
        verbose_name = _("退办申请")
        verbose_name_plural = _("退办申请")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_at", "id"], name="sugg_return_requested")]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(status="pending"),
                name="sugg_one_pending_return",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="sugg_return_has_reason"),
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="sugg_return_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="sugg_return_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(staff_reason=""),
                name="sugg_return_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(new_lead_unit__isnull=False),
                name="sugg_return_approval_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(s)s · %(u)s 申请退办") % {"s": self.suggestion, "u": self.unit})


class SupervisionPlan(models.Model):
    """督办计划 drawn up before handling starts."""

    suggestion = models.OneToOneField(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="plan"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办责任人"),
        on_delete=models.PROTECT,
        related_name="supervised_plans",
    )
    note = models.TextField(_("督办要求"), blank=True)
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督办计划")
        verbose_name_plural = _("督办计划")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.suggestion} · {self.responsible}"


class Milestone(models.Model):
    plan = models.ForeignKey(
        SupervisionPlan,
        verbose_name=_("督办计划"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("节点"), max_length=100)
    due_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办节点")
        verbose_name_plural = _("督办节点")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.due_on} {self.title}"


class Meeting(models.Model):
    """面商: the face-to-face meeting of the handling unit and the deputy."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="meetings"
    )
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("面商日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    participants = models.CharField(_("参加人员"), max_length=200)
    summary = models.TextField(_("面商情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("面商记录")
        verbose_name_plural = _("面商记录")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.unit}"


class Commitment(models.Model):
    """One item of the commitment list (承诺事项清单)."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="commitments"
    )
    owner_unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    content = models.CharField(_("承诺事项"), max_length=200)
    due_on = models.DateField(_("承诺完成日期"))
    status = models.CharField(
        _("状态"), max_length=8, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    completed_on = models.DateField(_("兑现日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("承诺事项")
        verbose_name_plural = _("承诺事项")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=CommitmentStatus.MET) | Q(completed_on__isnull=False),
                name="sugg_commitment_met_has_date",
            )
        ]
        # The staff page's and desk's "overdue commitments": open ones by date.
        indexes = [models.Index(fields=["status", "due_on"], name="sugg_commitment_status_due")]

    def __str__(self) -> str:
        return self.content


class Reply(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="replies"
    )
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("答复单位"), on_delete=models.PROTECT, related_name="replies"
    )
    replied_on = models.DateField(_("答复日期"))
    result_class = models.CharField(_("办理结果"), max_length=1, choices=ResultClass.choices)
    content = models.TextField(_("答复内容"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported = models.BooleanField(_("导入"), default=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["replied_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result_class__in=ResultClass.values), name="sugg_reply_class_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.replied_on} {self.get_result_class_display()}"


class CoreProblem(models.Model):
    """An item of the core problem list (核心问题清单) that a non-A reply must carry."""

    reply = models.ForeignKey(
        Reply, verbose_name=_("答复"), on_delete=models.CASCADE, related_name="problems"
    )
    kind = models.CharField(_("问题类型"), max_length=8, choices=ProblemKind.choices)
    description = models.CharField(_("问题描述"), max_length=300)

    class Meta:
        verbose_name = _("核心问题")
        verbose_name_plural = _("核心问题清单")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description}"


class Evaluation(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="evaluations"
    )
    reply = models.ForeignKey(
        Reply, verbose_name=_("所评答复"), on_delete=models.CASCADE, related_name="evaluations"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("评价代表"), on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("满意度"), max_length=12, choices=Verdict.choices)
    implementation_score = models.PositiveSmallIntegerField(
        _("落实度"), null=True, blank=True, help_text=_("导入的历史评价可能没有落实度。")
    )
    comment = models.TextField(_("评价意见"), blank=True)
    evaluated_on = models.DateField(_("评价日期"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代表评价")
        verbose_name_plural = _("代表评价")
        ordering = ["evaluated_on", "id"]
        constraints = [
            _score_range("implementation_score", "sugg_eval_score_range"),
            models.UniqueConstraint(fields=["reply", "deputy"], name="sugg_one_eval_per_reply"),
            models.CheckConstraint(condition=Q(verdict__in=Verdict.values), name="sugg_verdict_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} / {self.implementation_score}"


class FollowUpCheck(models.Model):
    """三查 after conclusion: scheduled on conclusion, recorded by staff."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="checks"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=CheckKind.choices)
    due_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    findings = models.TextField(_("检查情况"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("办结后检查")
        verbose_name_plural = _("办结后检查（三查）")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "kind"], name="sugg_one_check_per_kind"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(findings=""),
                name="sugg_check_done_has_findings",
            ),
        ]
        # The staff page's and desk's "checks due": the few not done, by date.
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(done_on__isnull=True), name="sugg_check_due_not_done"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"


class ToughProject(models.Model):
    """攻坚项目库: a suggestion needing several departments or a policy breakthrough."""

    suggestion = models.OneToOneField(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="tough"
    )
    difficulty = models.PositiveSmallIntegerField(
        _("难度等级"), choices=[(1, _("一级")), (2, _("二级")), (3, _("三级"))]
    )
    team = models.CharField(_("专班组成"), max_length=300)
    reason = models.CharField(_("列入理由"), max_length=300, blank=True)
    started_on = models.DateField(_("列入日期"))
    finished_on = models.DateField(_("出库日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("攻坚项目")
        verbose_name_plural = _("攻坚项目库")
        ordering = ["-difficulty", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__gte=1) & Q(difficulty__lte=3), name="sugg_tough_grade"
            )
        ]

    def __str__(self) -> str:
        return f"{self.suggestion}（{self.get_difficulty_display()}）"


class QuarterlyReport(models.Model):
    project = models.ForeignKey(
        ToughProject, verbose_name=_("攻坚项目"), on_delete=models.CASCADE, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    content = models.TextField(_("述职内容"))
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("报告单位"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("季度述职")
        verbose_name_plural = _("季度述职")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "quarter"], name="sugg_one_report_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="sugg_quarter_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"


class PublicRating(models.Model):
    """受益度 from the public; at most one per phone (stored hashed) and one per device."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="ratings"
    )
    score = models.PositiveSmallIntegerField(_("受益度"))
    comment = models.CharField(_("意见"), max_length=300, blank=True)
    phone_hash = models.CharField(_("手机号摘要"), max_length=64, null=True, blank=True)
    device_token = models.CharField(_("设备标识"), max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群众评价")
        verbose_name_plural = _("群众评价")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at", "id"], name="sugg_rating_created")]
        constraints = [
            _score_range("score", "sugg_rating_score_range"),
            models.UniqueConstraint(
                fields=["suggestion", "phone_hash"],
                condition=Q(phone_hash__isnull=False),
                name="sugg_rating_once_per_phone",
            ),
            models.UniqueConstraint(
                fields=["suggestion", "device_token"],
                condition=Q(device_token__isnull=False),
                name="sugg_rating_once_per_device",
            ),
            models.CheckConstraint(
                condition=Q(phone_hash__isnull=False) | Q(device_token__isnull=False),
                name="sugg_rating_identified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion}: {self.score}"


class UnitYearScore(models.Model):
    """A stored snapshot of a unit's yearly score (recomputed by ``unit_scores_refresh``)."""

    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("承办单位"), on_delete=models.CASCADE, related_name="scores"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    concluded = models.PositiveIntegerField(_("办结件数"), default=0)
    implementation_avg = models.DecimalField(
        _("平均落实度"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    benefit_avg = models.DecimalField(
        _("平均受益度"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField(
        _("综合得分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位年度得分")
        verbose_name_plural = _("单位年度得分")
        ordering = ["-year", "score"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="sugg_one_score_per_unit_year"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="sugg_unit_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.score}"
