"""The suggestion itself (议案建议), its categories, registration numbers and status history."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    CONCLUDED_STATES,
    OPEN_HANDLING,
    PRE_REGISTRATION,
    Kind,
    Origin,
    Status,
    Verdict,
)
from .units import HandlingUnit

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
    # Where the problem is: with the category, it places the suggestion on the cockpit's
    # people's-livelihood hot-spot map beside visits, opinions and hotline events.
    community = models.ForeignKey(
        "deputies.Community",
        verbose_name=_("涉及社区"),
        on_delete=models.SET_NULL,
        related_name="suggestions",
        null=True,
        blank=True,
        help_text=_("问题所在的社区；涉及多个社区或全街道的可不填。"),
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
            # The cockpit's hot-spot map: a period's suggestions by community and category.
            models.Index(
                fields=["submitted_on", "community", "category"], name="sugg_heat_map_idx"
            ),
            # A deputy's led suggestions in one status: the dashboard card's replies waiting
            # for their evaluation (suggestions.deputy_card.card_facts), read here instead of
            # intersecting the deputy's rows with the thousand of that status.
            models.Index(fields=["lead_deputy", "status"], name="sugg_lead_deputy_status"),
            # The staff page's cards (suggestions.selectors_staff.staff_overview): the newest
            # submitted and the open ones by reply deadline, their first rows read in order.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(status=Status.SUBMITTED.value),
                name="sugg_submitted_newest",
            ),
            models.Index(
                fields=["reply_deadline", "id"],
                condition=Q(status__in=[s.value for s in OPEN_HANDLING]),
                name="sugg_open_by_deadline",
            ),
            # Statistics (suggestions.statistics): a year's registered suggestions with every
            # fact the counts read, so the one grouped query reads the index alone.
            models.Index(
                fields=["year", "registered_on"],
                include=[
                    "lead_unit",
                    "category",
                    "status",
                    "assigned_on",
                    "reply_deadline",
                    "first_reply_deadline",
                    "first_replied_on",
                    "first_reply_days",
                    "concluded_on",
                    "latest_evaluated_on",
                    "latest_verdict",
                    "id",
                ],
                name="sugg_statistics_year",
            ),
            # The unit portal (suggestions.selectors.unit_counts): a unit's led suggestions
            # counted by state and lateness from the index alone. Not the key too: with it, the
            # portal's page of ids was read by walking every unit's rows of the tab's states.
            models.Index(fields=["lead_unit", "status", "reply_deadline"], name="sugg_unit_portal"),
            # The unit portal's page of ids (``selectors._unit_page_ids``): the led ones from a
            # unit's range with the key, the co-handled ones' states, deadlines and lead units
            # by key, each from an index alone. Only for rows with a lead unit, which the
            # portal's parts say outright: a statement of ``lead_unit IN (…) OR id IN (…)``
            # (the mobile API's list) cannot use them, and with them it walked a whole index
            # (21 ms for a district unit's every row, against a few).
            models.Index(
                fields=["lead_unit", "status", "reply_deadline"],
                include=["id"],
                condition=Q(lead_unit__isnull=False),
                name="sugg_unit_page_led",
            ),
            models.Index(
                fields=["id"],
                include=["lead_unit", "status", "reply_deadline"],
                condition=Q(lead_unit__isnull=False),
                name="sugg_unit_page_co",
            ),
            # Unit scores: a year's concluded suggestions by their lead unit with the stored
            # 落实度, read from the index alone by date range (suggestions.scoring).
            models.Index(
                fields=["concluded_on", "lead_unit"],
                include=["latest_implementation_score", "id"],
                condition=Q(status__in=[s.value for s in CONCLUDED_STATES]),
                name="sugg_concluded_scores",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title


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
