"""Handling units (承办单位) and the stored snapshot of their yearly score."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
