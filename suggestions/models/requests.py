"""A handling unit's extension (延期) and return (退办) requests."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    ExtensionStatus,
    ReturnStatus,
)
from .suggestion import Suggestion
from .units import HandlingUnit


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
