"""Commendations (表彰、评先创优): the committee's decision naming the year's outstanding
deputies, and one row per deputy it commends with the assessment the commendation rests on.

A decision is never deleted once recorded: withdrawing it keeps the row with the date and the
reason (the decision document was issued; the record says it was later withdrawn), and a deputy
taken off a decision by correction leaves an audit row."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Commendation(models.Model):
    """A commendation decision, e.g. “2026年度优秀人大代表”, with its document number (文号)."""

    year = models.PositiveSmallIntegerField(_("考核年度"))
    title = models.CharField(_("表彰名称"), max_length=100)
    decided_on = models.DateField(_("决定日期"))
    document_no = models.CharField(_("文号"), max_length=60)
    deciding_body = models.CharField(_("决定机关"), max_length=100)
    note = models.TextField(_("说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("撤销日期"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤销理由"), max_length=200, blank=True)
    deputies = models.ManyToManyField(
        "deputies.Deputy",
        verbose_name=_("受表彰代表"),
        through="CommendedDeputy",
        related_name="commendations",
    )

    class Meta:
        verbose_name = _("表彰决定")
        verbose_name_plural = _("表彰决定")
        ordering = ["-year", "-decided_on", "-pk"]
        constraints = [
            # The same document cannot be recorded twice for a year.
            models.UniqueConstraint(
                fields=["year", "document_no"], name="commendation_document_once_per_year"
            ),
            # Withdrawn means both a date and a reason; open means neither.
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True, withdraw_reason="")
                | (Q(withdrawn_on__isnull=False) & ~Q(withdraw_reason="")),
                name="commendation_withdrawal_complete",
            ),
        ]
        indexes = [models.Index(fields=["year", "decided_on"], name="perf_commendation_year")]

    def __str__(self) -> str:
        return f"{self.title}（{self.document_no}）"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class CommendedDeputy(models.Model):
    """One deputy named by a decision, with the 优秀 assessment the commendation rests on."""

    commendation = models.ForeignKey(
        Commendation,
        verbose_name=_("表彰决定"),
        on_delete=models.CASCADE,
        related_name="commended",
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="commended_in",
    )
    assessment = models.ForeignKey(
        "performance.Assessment",
        verbose_name=_("所依据的年度考核"),
        on_delete=models.PROTECT,
        related_name="commendations",
    )

    class Meta:
        verbose_name = _("受表彰代表")
        verbose_name_plural = _("受表彰代表")
        ordering = ["commendation", "assessment__rank", "deputy"]
        constraints = [
            models.UniqueConstraint(
                fields=["commendation", "deputy"], name="commended_deputy_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commendation.title}：{self.deputy}"
