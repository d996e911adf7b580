"""The visit log (接待记录): what a resident told the deputies at a station."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VisitStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("已解决")
    REFERRED = "referred", _("已转办")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Visit(models.Model):
    occurred_on = models.DateField(_("接待日期"))
    station = models.ForeignKey(
        "Station", verbose_name=_("站点"), on_delete=models.PROTECT, related_name="visits"
    )
    reception_day = models.ForeignKey(
        "ReceptionDay",
        verbose_name=_("接待日"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("接待代表"), related_name="liaison_visits"
    )
    visitor_name = models.CharField(_("来访人"), max_length=50, blank=True)
    visitor_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    category = models.ForeignKey(
        "suggestions.Category",
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        related_name="liaison_visits",
    )
    community = models.ForeignKey(
        "deputies.Community",
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="liaison_visits",
    )
    problem = models.TextField(_("反映问题"))
    answer = models.TextField(_("现场答复"), blank=True)
    follow_up = models.TextField(_("后续跟进"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.OPEN
    )
    referred_to = models.CharField(_("转办部门"), max_length=100, blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    suggestion = models.ForeignKey(
        "suggestions.Suggestion",
        verbose_name=_("转成的建议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # visit_logged_idx begins with it
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("接待记录")
        verbose_name_plural = _("接待记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["-occurred_on", "-id"], name="visit_recent_idx"),
            # A deputy's visits page: the latest visits their user logged, read in order.
            models.Index(fields=["created_by", "-occurred_on", "-id"], name="visit_logged_idx"),
            models.Index(fields=["station", "-occurred_on"], name="visit_station_idx"),
            models.Index(fields=["status", "-occurred_on"], name="visit_status_idx"),
            models.Index(
                fields=["occurred_on", "community", "category"], name="visit_index_week_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=VisitStatus.values), name="visit_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=VisitStatus.REFERRED) | ~Q(referred_to=""),
                name="visit_referred_names_department",
                violation_error_message=_("转办时须填写转办部门。"),
            ),
        ]

    def __str__(self) -> str:
        return self.label_of(self.occurred_on, str(self.station), self.problem)

    @staticmethod
    def label_of(occurred_on, station: str, problem: str) -> str:
        """A visit's label from its date, its station's name and its problem, for a list that
        read those without the station's row."""
        return f"{occurred_on:%Y-%m-%d} {station} · {problem[:20]}"
