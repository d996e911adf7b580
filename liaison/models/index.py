"""The public-opinion index (民意指数): imported external events and weekly flags."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EventSource(models.TextChoices):
    HOTLINE = "12345", _("12345 热线")
    GRID = "grid", _("网格")
    OTHER = "other", _("其他")


class ExternalEvent(models.Model):
    """One hotline call or grid report, imported from the sheets other systems export."""

    occurred_on = models.DateField(_("日期"))
    source = models.CharField(_("来源"), max_length=8, choices=EventSource.choices)
    category = models.ForeignKey(
        "suggestions.Category",
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        related_name="liaison_events",
    )
    community = models.ForeignKey(
        "deputies.Community",
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        related_name="liaison_events",
    )
    summary = models.TextField(_("摘要"))
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("外部民情事件")
        verbose_name_plural = _("外部民情事件")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(
                fields=["occurred_on", "community", "category"], name="event_index_week_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=EventSource.values), name="event_source_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} {self.get_source_display()} · {self.summary[:20]}"


class FlagStatus(models.TextChoices):
    OPEN = "open", _("待研判")
    ADOPTED = "adopted", _("已列入监督议题")
    DISMISSED = "dismissed", _("不予采纳")


class OpinionFlag(models.Model):
    """A (community, category) pair whose count in an ISO week jumped above its baseline."""

    week = models.DateField(_("周（周一）"), help_text=_("ISO 周的周一，北京时间。"))
    community = models.ForeignKey(
        "deputies.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "suggestions.Category", verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+"
    )
    week_count = models.PositiveIntegerField(_("本周件数"))
    baseline_mean = models.DecimalField(_("前 8 周周均"), max_digits=8, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    topic = models.ForeignKey(
        "performance.SupervisionTopic",
        verbose_name=_("监督议题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.TextField(
        _("处理说明"), blank=True, help_text=_("不予采纳时须写明理由。")
    )
    created_at = models.DateTimeField(_("预警时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("民意预警")
        verbose_name_plural = _("民意预警")
        ordering = ["-week", "-week_count"]
        constraints = [
            models.UniqueConstraint(
                fields=["week", "community", "category"], name="flag_unique_per_week_pair"
            ),
            models.CheckConstraint(
                condition=Q(status__in=FlagStatus.values), name="flag_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=FlagStatus.ADOPTED) | Q(topic__isnull=False),
                name="flag_adopted_has_topic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week:%G-W%V} {self.community} · {self.category}"
