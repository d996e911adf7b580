"""Deputies' objections to the ledger (错、重、漏)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.uploads import RandomName
from performance.models.ledger import EVIDENCE_VALIDATORS, LedgerEntry
from performance.models.rules import Rule


class DisputeKind(models.TextChoices):
    WRONG = "wrong", _("错：记录有误")
    DUPLICATE = "duplicate", _("重：重复记录")
    MISSING = "missing", _("漏：遗漏未记")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("不予采纳")


class Dispute(models.Model):
    """A deputy's objection to the ledger (错、重、漏), resolved by staff."""

    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="ledger_disputes",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=DisputeKind.choices)
    entry = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("所涉记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="disputes",
    )
    rule = models.ForeignKey(
        Rule,
        verbose_name=_("应记规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("遗漏时应补记的事项；记录有误时应更正为的事项（可不填）。"),
    )
    occurred_on = models.DateField(_("履职日期"), null=True, blank=True)
    title = models.CharField(_("事项"), max_length=200, blank=True)
    note = models.TextField(_("说明"))
    evidence = models.FileField(
        _("佐证材料"), upload_to=RandomName("disputes"), validators=EVIDENCE_VALIDATORS, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.CharField(_("处理意见"), max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分异议")
        verbose_name_plural = _("积分异议")
        ordering = ["status", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=DisputeKind.MISSING) | Q(entry__isnull=False),
                name="dispute_names_entry_unless_missing",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DisputeKind.MISSING)
                | Q(rule__isnull=False, occurred_on__isnull=False),
                name="dispute_missing_has_rule_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=DisputeStatus.REJECTED) | ~Q(resolution=""),
                name="dispute_rejection_has_reason",
            ),
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status=DisputeStatus.OPEN, entry__isnull=False),
                name="dispute_one_open_per_entry",
                violation_error_message=_("这条记录已有待处理的异议。"),
            ),
        ]
        # The staff desk's count of open disputes and the admin list's status filter.
        indexes = [
            models.Index(fields=["status", "created_at"], name="perf_dispute_status_created")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title or self.entry_id}"
