"""The scoring rules of each assessment year: rule sets, rules and their dimensions."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

RULE_CODE_VALIDATOR = RegexValidator(r"^[A-Z][0-9]{2}$", _("规则编号形如 B01、I02、C03。"))


class Dimension(models.TextChoices):
    BASE = "base", _("基础分")
    INNOVATION = "innovation", _("创新分")
    CONTRIBUTION = "contribution", _("贡献分")


ONE_PLACE = {"max_digits": 6, "decimal_places": 1}


class RuleSet(models.Model):
    """The scoring rules of one assessment year. A frozen (closed) year is never recomputed."""

    year = models.PositiveSmallIntegerField(_("考核年度"), unique=True)
    base_cap = models.DecimalField(_("基础分上限"), default=Decimal("60"), **ONE_PLACE)
    innovation_cap = models.DecimalField(_("创新分上限"), default=Decimal("20"), **ONE_PLACE)
    contribution_cap = models.DecimalField(_("贡献分上限"), default=Decimal("20"), **ONE_PLACE)
    excellent_min = models.DecimalField(_("优秀分数线"), default=Decimal("85"), **ONE_PLACE)
    competent_min = models.DecimalField(_("称职分数线"), default=Decimal("70"), **ONE_PLACE)
    basic_min = models.DecimalField(_("基本称职分数线"), default=Decimal("60"), **ONE_PLACE)
    excellence_quota = models.DecimalField(
        _("优秀比例"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.20"),
        help_text=_("优秀须名次在前该比例之内（向上取整），如 0.20。"),
    )
    frozen = models.BooleanField(_("已封存"), default=False)
    frozen_at = models.DateTimeField(_("封存时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度积分规则")
        verbose_name_plural = _("年度积分规则")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(base_cap__gte=0, innovation_cap__gte=0, contribution_cap__gte=0),
                name="ruleset_caps_not_negative",
                violation_error_message=_("维度上限不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(excellence_quota__gt=0, excellence_quota__lte=1),
                name="ruleset_quota_fraction",
                violation_error_message=_("优秀比例须大于 0 且不超过 1。"),
            ),
            models.CheckConstraint(
                condition=Q(excellent_min__gte=F("competent_min"))
                & Q(competent_min__gte=F("basic_min"))
                & Q(basic_min__gte=0),
                name="ruleset_grade_thresholds_ordered",
                violation_error_message=_("分数线须满足：优秀 ≥ 称职 ≥ 基本称职 ≥ 0。"),
            ),
            models.CheckConstraint(
                condition=Q(frozen=False) | Q(frozen_at__isnull=False),
                name="ruleset_frozen_has_time",
            ),
            models.CheckConstraint(condition=Q(year__gte=2000), name="ruleset_year_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年度"

    def dimension_cap(self, dimension: str) -> Decimal:
        return getattr(self, f"{dimension}_cap")

    @property
    def max_total(self) -> Decimal:
        """The highest total the caps allow (100 with the default caps)."""
        return self.base_cap + self.innovation_cap + self.contribution_cap

    @property
    def excellence_share(self) -> str:
        """The excellence quota as people read it: 0.20 → "20%"."""
        return f"{self.excellence_quota:.0%}"


class RuleQuerySet(models.QuerySet):
    def in_table_order(self, *first: str):
        """Base, innovation, contribution (the order of the scoring table), then by code;
        ``first`` orderings (e.g. ``"-rule_set__year"``) go before."""
        order = models.Case(
            *(models.When(dimension=d, then=i) for i, d in enumerate(Dimension.values)),
            default=len(Dimension.values),
        )
        return self.order_by(*first, order, "code")


class Rule(models.Model):
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("年度规则"), on_delete=models.CASCADE, related_name="rules"
    )
    code = models.CharField(_("编号"), max_length=3, validators=[RULE_CODE_VALIDATOR])
    name = models.CharField(_("履职事项"), max_length=100)
    dimension = models.CharField(_("维度"), max_length=12, choices=Dimension.choices)
    points = models.DecimalField(
        _("每次分值"), max_digits=4, decimal_places=1, help_text=_("扣分项填负数。")
    )
    yearly_cap = models.DecimalField(
        _("年度上限"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("留空表示不设上限；扣分项的上限指最多扣除的分数。"),
    )
    evidence_required = models.BooleanField(_("须上传佐证"), default=False)
    deputy_can_submit = models.BooleanField(_("代表可自行申报"), default=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["rule_set", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "code"],
                name="rule_code_unique_per_year",
                violation_error_message=_("同一年度的规则编号不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(yearly_cap__isnull=True) | Q(yearly_cap__gte=0),
                name="rule_cap_not_negative",
                violation_error_message=_("年度上限不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(dimension__in=Dimension.values), name="rule_dimension_valid"
            ),
            models.CheckConstraint(
                condition=~Q(points=0),
                name="rule_points_not_zero",
                violation_error_message=_("每次分值不能为 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
