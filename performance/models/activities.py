"""Organised activities with their roll, and the menu-style supervision topics."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("代表小组/工委会议")
    CONCENTRATED = "concentrated", _("集中活动")
    INSPECTION = "inspection", _("视察")
    RESEARCH = "research", _("调研")
    LAW_ENFORCEMENT = "law_enforcement", _("执法检查")
    FORUM = "forum", _("座谈")
    LECTURE = "lecture", _("代表讲坛")
    COURT = "court", _("旁听庭审")
    BUDGET = "budget", _("预算审查")
    LEGISLATION = "legislation", _("立法征询")
    TRAINING = "training", _("履职培训")


# Which rule the present participants of an activity of each kind are credited under.
ACTIVITY_RULE = {
    ActivityKind.MEETING: "B01",
    ActivityKind.CONCENTRATED: "B01",
    ActivityKind.FORUM: "B01",
    ActivityKind.LECTURE: "B01",
    ActivityKind.COURT: "B01",
    ActivityKind.LEGISLATION: "B01",
    ActivityKind.INSPECTION: "B02",
    ActivityKind.RESEARCH: "B02",
    ActivityKind.LAW_ENFORCEMENT: "B02",
    ActivityKind.BUDGET: "B02",
    ActivityKind.TRAINING: "B05",
}
ABSENCE_RULE = "B07"


class SupervisionTopic(models.Model):
    """One item of the year's menu-style supervision (菜单式监督)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("监督议题"), max_length=100)
    description = models.TextField(_("内容说明"), blank=True)
    group = models.ForeignKey(
        "deputies.ProfessionalGroup",
        verbose_name=_("牵头专业小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    deputies = models.ManyToManyField(
        "deputies.Deputy",
        verbose_name=_("认领代表"),
        through="TopicSignup",
        related_name="supervision_topics",
        blank=True,
    )

    class Meta:
        verbose_name = _("监督菜单议题")
        verbose_name_plural = _("监督菜单议题")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "title"],
                name="topic_title_unique_per_year",
                violation_error_message=_("本年度已有同名议题。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class TopicSignup(models.Model):
    topic = models.ForeignKey(
        SupervisionTopic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="signups"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("认领时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议题认领")
        verbose_name_plural = _("议题认领")
        ordering = ["topic", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "deputy"],
                name="topic_signup_once",
                violation_error_message=_("该代表已认领此议题。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.deputy_id}"


class Activity(models.Model):
    """An organised activity (视察、调研、座谈…) with deputies of any level on its roll."""

    title = models.CharField(_("活动主题"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    topic = models.ForeignKey(
        SupervisionTopic,
        verbose_name=_("监督菜单议题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    occurred_on = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    organiser = models.CharField(_("组织单位"), max_length=100, blank=True)
    description = models.TextField(_("活动内容"), blank=True)
    roll_closed_at = models.DateTimeField(_("点名结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("组织活动")
        verbose_name_plural = _("组织活动")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.title}"

    @property
    def rule_code(self) -> str:
        return ACTIVITY_RULE[ActivityKind(self.kind)]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    EXCUSED = "excused", _("请假")
    UNEXCUSED = "unexcused", _("无故缺席")


class Attendance(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="attendances"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    status = models.CharField(
        _("出勤"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        ordering = ["activity", "deputy"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "deputy"],
                name="attendance_once",
                violation_error_message=_("该代表已在名单中。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.deputy} {self.get_status_display()}"
