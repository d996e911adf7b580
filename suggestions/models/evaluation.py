"""Deputies' evaluations, public ratings, follow-up checks (三查), tough projects (攻坚项目) and
their quarterly reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    CheckKind,
    Verdict,
)
from .handling import Reply
from .suggestion import Suggestion
from .units import HandlingUnit


def _score_range(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100}), name=name
    )


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
        # The staff page's and desk's "checks due": the few not done, by date; with their
        # suggestion, so the desk counts them from the index alone.
        indexes = [
            models.Index(
                fields=["due_on"],
                include=["suggestion"],
                condition=Q(done_on__isnull=True),
                name="sugg_check_due_not_done",
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
        indexes = [
            models.Index(fields=["created_at", "id"], name="sugg_rating_created"),
            # The hourly cap counts one suggestion's recent ratings.
            models.Index(fields=["suggestion", "created_at"], name="sugg_rating_recent"),
        ]
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
