"""Residents' opinions sent from a station's or a deputy's QR code, tracked by a code."""

from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _


class OpinionStatus(models.TextChoices):
    NEW = "new", _("待分办")
    ASSIGNED = "assigned", _("已分办")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")


def triage_order() -> Case:
    """0 for a new (untriaged) opinion, 1 for any other: the staff list's first sort key. The
    list's ordering and its index use this one expression, so the database reads the page's
    rows from the index instead of sorting every opinion."""
    return Case(
        When(status=OpinionStatus.NEW, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


class Opinion(models.Model):
    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True, editable=False)
    station = models.ForeignKey(
        "Station",
        verbose_name=_("来源站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinions",
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("致代表"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="addressed_opinions",
        help_text=_("居民扫代表码提交时指向的代表。"),
    )
    category = models.ForeignKey(
        "suggestions.Category",
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        related_name="liaison_opinions",
    )
    community = models.ForeignKey(
        "deputies.Community",
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="liaison_opinions",
    )
    description = models.TextField(_("意见内容"))
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    consent = models.BooleanField(_("同意隐私说明"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=OpinionStatus.choices, default=OpinionStatus.NEW
    )
    assigned_deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("分办代表"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_opinions",
    )
    assigned_station = models.ForeignKey(
        "Station",
        verbose_name=_("分办站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_opinions",
    )
    reply = models.TextField(_("答复"), blank=True, help_text=_("居民凭查询码可见。"))
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_on = models.DateField(
        _("提交日期"), help_text=_("按北京时间，用于民意指数按周统计。")
    )
    triage_reminded_at = models.DateTimeField(_("超时提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("群众意见")
        verbose_name_plural = _("群众意见")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["-submitted_at", "-id"], name="opinion_recent_idx"),
            models.Index(fields=["status", "submitted_at"], name="opinion_status_idx"),
            models.Index(
                triage_order(), F("submitted_at").desc(), F("id").desc(), name="opinion_triage_idx"
            ),
            models.Index(
                fields=["submitted_on", "community", "category"], name="opinion_index_week_idx"
            ),
            # The opinion index counts the opinions that are not merged duplicates: read from
            # this index alone (liaison.selectors_index).
            models.Index(
                fields=["submitted_on", "community", "category"],
                condition=~Q(status=OpinionStatus.MERGED.value) & Q(merged_into__isnull=True),
                name="opinion_index_live_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OpinionStatus.values), name="opinion_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(consent=True),
                name="opinion_consent_given",
                violation_error_message=_("须同意隐私说明后才能提交。"),
            ),
            models.CheckConstraint(
                condition=~Q(status=OpinionStatus.MERGED) | Q(merged_into__isnull=False),
                name="opinion_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")),
                name="opinion_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.description[:20]}"
