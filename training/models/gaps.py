"""Gap rules (履职数据建模): what a thin record says a deputy should learn.

Each rule reads one signal from the deputy's own record this year (the count of ledger entries
of one rule, or of an activity another app counts, such as suggestions) and, when it falls
below ``min_count``, points to a topic with a reason the deputy reads on their page. Staff
edit the rules in the admin; the defaults come with the demo and ``load_training_defaults``.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .courses import Topic


class GapRule(models.Model):
    topic = models.ForeignKey(
        Topic, verbose_name=_("推荐专题"), on_delete=models.CASCADE, related_name="gap_rules"
    )
    rule_code = models.CharField(
        _("履职规则代码"),
        max_length=8,
        blank=True,
        help_text=_("按履职档案中该规则的本年度记录数判断，例如 B03。与“履职活动”二选一。"),
    )
    activity = models.CharField(
        _("履职活动"),
        max_length=30,
        blank=True,
        help_text=_("按其他模块统计的本年度活动数判断，例如 suggestions（提出建议）。"),
    )
    min_count = models.PositiveSmallIntegerField(
        _("最低次数"), default=1, help_text=_("本年度少于此次数即视为短板。")
    )
    reason = models.CharField(
        _("推荐理由"),
        max_length=100,
        help_text=_("代表看到的说明，例如：今年还没有提出建议。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("短板规则")
        verbose_name_plural = _("短板规则")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rule_code="") & ~Q(activity="")) | (~Q(rule_code="") & Q(activity="")),
                name="training_gap_rule_one_signal",
                violation_error_message=_("履职规则代码和履职活动须且只能填写一项。"),
            ),
            models.CheckConstraint(
                condition=Q(min_count__gte=1),
                name="training_gap_rule_min_count_positive",
                violation_error_message=_("最低次数至少为 1。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code or self.activity} < {self.min_count} → {self.topic}"
