"""专题检讨: the special review a handling unit holds after scoring below 60 two years running.

The flag is not stored: a unit is flagged for a year when its stored score (``UnitYearScore``)
of that year and of the year before are both below 60 (``suggestions.reviews``). Recording the
review closes the flag for that pair of years; a later pair (the third weak year) flags it
again, so the constraint is one review per unit and flagged year."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .units import HandlingUnit


class UnitReview(models.Model):
    """The record of a unit's 专题检讨 for the years ``year - 1`` and ``year``."""

    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField(
        _("检讨年度"), help_text=_("连续两年低于 60 分的后一年。")
    )
    held_on = models.DateField(_("检讨日期"))
    attendees = models.TextField(_("参加人员"))
    findings = models.TextField(_("查找的问题"))
    measures = models.TextField(_("整改措施"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("专题检讨")
        verbose_name_plural = _("专题检讨")
        ordering = ["-year", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="sugg_unit_review_once"),
            models.CheckConstraint(
                condition=~Q(attendees="") & ~Q(findings="") & ~Q(measures=""),
                name="sugg_unit_review_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year - 1}–{self.year} 专题检讨"

    @property
    def years_label(self) -> str:
        return f"{self.year - 1}–{self.year}"
