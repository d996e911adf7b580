"""Deputies reporting to their voters (述职): the year's plan and each report."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VoterReportPlan(models.Model):
    """The year's plan of deputies who report to their voters (述职)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("述职计划")
        verbose_name_plural = _("述职计划")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年度述职计划"


class ReportStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    HELD = "held", _("已述职")
    VERIFIED = "verified", _("已核实")


class VoterReport(models.Model):
    plan = models.ForeignKey(
        VoterReportPlan,
        verbose_name=_("述职计划"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.PROTECT,
        related_name="voter_reports",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PLANNED
    )
    held_on = models.DateField(_("述职日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    voters_present = models.PositiveIntegerField(_("参会选民数"), default=0)
    satisfied = models.PositiveIntegerField(_("满意"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("基本满意"), default=0)
    unsatisfied = models.PositiveIntegerField(_("不满意"), default=0)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("代表述职")
        verbose_name_plural = _("代表述职")
        ordering = ["plan", "deputy"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "deputy"], name="voter_report_once_per_plan"),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.PLANNED) | Q(held_on__isnull=False),
                name="voter_report_held_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} {self.deputy}"

    @property
    def evaluations(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied
