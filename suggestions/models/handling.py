"""Handling: supervision plans, meetings (面商), commitments, replies and their core problems."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    CommitmentStatus,
    ProblemKind,
    ResultClass,
)
from .suggestion import Suggestion
from .units import HandlingUnit


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
        # The staff page's and desk's "overdue commitments": open ones by date; with their
        # suggestion, so the desk counts them from the index alone.
        indexes = [
            models.Index(
                fields=["status", "due_on"],
                include=["suggestion"],
                name="sugg_commitment_status_due",
            )
        ]

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
