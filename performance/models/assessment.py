"""The annual assessment and what follows from it: grades, re-election/exit decisions,
quarterly publications and idle reminders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deputies.models import Level
from performance.models.rules import ONE_PLACE, RuleSet


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class Assessment(models.Model):
    """The annual result of one deputy, written by ``performance.scoring`` only."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("考核年度"), on_delete=models.PROTECT, related_name="assessments"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    base = models.DecimalField(_("基础分"), **ONE_PLACE)
    innovation = models.DecimalField(_("创新分"), **ONE_PLACE)
    contribution = models.DecimalField(_("贡献分"), **ONE_PLACE)
    total = models.DecimalField(_("总分"), **ONE_PLACE)
    rank = models.PositiveIntegerField(_("名次"))
    assessed_count = models.PositiveIntegerField(_("参评人数"))
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices)
    duty_days = models.PositiveIntegerField(_("履职天数"), default=0)
    counts = models.JSONField(_("各项次数"), default=dict, blank=True)
    # The deputy's level when the year was (last) computed: the rank within the level (the
    # dashboard's score card) counts the year's rows of one level from an index, without
    # joining deputies, and the annual report can say at what level a deputy was assessed.
    level = models.CharField(_("参评层级"), max_length=10, choices=Level.choices)
    # Verified entries under the year's positive base rules (基础分 items): 0 is the 劝辞
    # criterion "no base duty all year", read as a column instead of probing the ledger once
    # per assessed deputy (``performance.selectors.exit_subqueries``).
    base_entries = models.PositiveIntegerField(_("基础履职记录数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["rule_set", "rank", "deputy"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "deputy"], name="assessment_once_per_deputy_year"
            ),
            models.CheckConstraint(
                condition=Q(base__gte=0, innovation__gte=0, contribution__gte=0, total__gte=0),
                name="assessment_scores_not_negative",
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="assessment_rank_positive"),
            models.CheckConstraint(
                condition=Q(level__in=Level.values), name="assessment_level_valid"
            ),
        ]
        indexes = [
            # A year's deputies of one grade (the desk's and the cockpit's re-election counts):
            # the deputy carried, so the count is read from the index alone.
            models.Index(
                fields=["rule_set", "grade"], include=["deputy"], name="perf_assessment_year_grade"
            ),
            # One year's ranking, in rank order (the admin list and the report).
            models.Index(fields=["rule_set", "rank"], name="perf_assessment_year_rank"),
            # A year's assessment of one deputy (the dashboard's facts) or the year's assessed
            # deputies with the assessment's id, read from the index alone.
            models.Index(
                fields=["rule_set", "deputy"], include=["id"], name="perf_assessment_year_deputy"
            ),
            # The rank within the level (``deputy_panels.level_rank`` and the dashboard's
            # facts): how many of a year's level are assessed and how many scored more, both
            # counted from this index alone.
            models.Index(fields=["rule_set", "level", "total"], name="perf_assessment_year_level"),
            # The year's assessments without a base entry (the 劝辞 list and the desk's card):
            # a handful of rows, with the deputy for the decision each is checked against.
            models.Index(
                fields=["rule_set"],
                include=["deputy"],
                condition=Q(base_entries=0),
                name="perf_assessment_no_base",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set.year} {self.deputy_id} {self.total}"


class ConsequenceKind(models.TextChoices):
    REELECTION = "reelection", _("连任推荐")
    EXIT = "exit", _("劝辞")


class Decision(models.TextChoices):
    RECOMMENDED = "recommended", _("推荐连任")
    NOT_RECOMMENDED = "not_recommended", _("暂不推荐")
    TALKED = "talked", _("已谈话提醒")
    PERSUADED = "persuaded", _("已劝辞")
    RESIGNED = "resigned", _("已辞职")
    RETAINED = "retained", _("经研究保留")


# Which decisions answer which list (a re-election candidate is not "persuaded to resign").
DECISIONS_BY_KIND = {
    ConsequenceKind.REELECTION: (Decision.RECOMMENDED, Decision.NOT_RECOMMENDED),
    ConsequenceKind.EXIT: (
        Decision.TALKED,
        Decision.PERSUADED,
        Decision.RESIGNED,
        Decision.RETAINED,
    ),
}


class ConsequenceDecision(models.Model):
    """What the committee decided for a deputy on the re-election or exit list."""

    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="consequence_decisions",
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    kind = models.CharField(_("类别"), max_length=12, choices=ConsequenceKind.choices)
    decision = models.CharField(_("处理决定"), max_length=20, choices=Decision.choices)
    note = models.TextField(_("说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_on = models.DateField(_("决定日期"))

    class Meta:
        verbose_name = _("考核结果运用")
        verbose_name_plural = _("考核结果运用")
        ordering = ["-year", "kind", "deputy"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "year", "kind"], name="consequence_once_per_deputy_year_kind"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind=ConsequenceKind.REELECTION,
                    decision__in=DECISIONS_BY_KIND[ConsequenceKind.REELECTION],
                )
                | Q(
                    kind=ConsequenceKind.EXIT,
                    decision__in=DECISIONS_BY_KIND[ConsequenceKind.EXIT],
                ),
                name="consequence_decision_fits_kind",
                violation_error_message=_("处理决定与名单类别不符。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.get_decision_display()}"


class Publication(models.Model):
    """A quarterly score table published to deputies (季度亮分), kept as it was published."""

    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    rows = models.JSONField(_("积分表"), default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("季度亮分")
        verbose_name_plural = _("季度亮分")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"], name="publication_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="publication_quarter_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年第 {self.quarter} 季度"


class IdleReminder(models.Model):
    """A reminder to a deputy with no ledger entry for a while; the second unanswered one puts
    the deputy on the staff's talk list (提醒谈话)."""

    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="idle_reminders",
    )
    idle_since = models.DateField(_("最近履职日期"))
    sequence = models.PositiveSmallIntegerField(_("第几次提醒"))
    sent_on = models.DateField(_("提醒日期"))
    talked_on = models.DateField(_("谈话日期"), null=True, blank=True)
    talk_note = models.CharField(_("谈话记录"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("履职提醒")
        verbose_name_plural = _("履职提醒")
        ordering = ["-sent_on", "deputy"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "idle_since", "sequence"], name="idle_reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="idle_reminder_sequence_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} #{self.sequence} {self.sent_on}"
