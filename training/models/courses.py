"""Courses (培训课程), the topics gaps and survey answers point to, and their sessions."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MAX_SESSION_HOURS = Decimal("12")


class Track(models.TextChoices):
    """The three tiers of the curriculum: new deputies start with the basics, re-elected
    deputies go deeper, specialists lead in practice."""

    BASICS = "basics", _("基础履职")
    TOPICAL = "topical", _("专题提升")
    PRACTICE = "practice", _("实践攻坚")


class Format(models.TextChoices):
    LECTURE = "lecture", _("讲座")
    FIELD = "field", _("现场教学")
    SIMULATION = "simulation", _("情景模拟")
    CASE = "case", _("案例分析")
    SEMINAR = "seminar", _("研修班")
    ONLINE = "online", _("线上")


class Topic(models.Model):
    """A subject of learning (e.g. 建议撰写, 接待选民). Gap rules and survey options point to
    topics; courses teach them. Recommendations meet in the topic."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("培训专题")
        verbose_name_plural = _("培训专题")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Course(models.Model):
    title = models.CharField(_("课程名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    track = models.CharField(_("类别"), max_length=10, choices=Track.choices)
    format = models.CharField(_("形式"), max_length=12, choices=Format.choices, blank=True)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("培训专题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    supervision_topic = models.ForeignKey(
        "performance.SupervisionTopic",
        verbose_name=_("关联监督议题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        help_text=_("本年度菜单式监督中与本课程相关的议题（可选）。"),
    )
    description = models.TextField(_("课程简介"), blank=True)
    instructor = models.CharField(_("授课人"), max_length=100, blank=True)
    instructor_org = models.CharField(
        _("授课单位"), max_length=100, blank=True, help_text=_("例如合作高校、研究机构。")
    )
    # Target tiers (面向对象): empty everywhere means every deputy.
    for_new = models.BooleanField(_("面向新任代表"), default=False)
    for_reelected = models.BooleanField(_("面向连任代表"), default=False)
    groups = models.ManyToManyField(
        "deputies.ProfessionalGroup",
        verbose_name=_("面向专业代表小组"),
        blank=True,
        related_name="courses",
    )
    specialty_keywords = models.CharField(
        _("面向专业特长"),
        max_length=200,
        blank=True,
        help_text=_("用顿号或逗号分隔的关键词，与代表“专业特长”匹配，例如：法律、医疗。"),
    )
    capacity = models.PositiveIntegerField(
        _("名额"), null=True, blank=True, help_text=_("留空表示不限名额。")
    )
    enrolled_count = models.PositiveIntegerField(_("已报名人数"), default=0, editable=False)
    enrol_until = models.DateField(_("报名截止"), null=True, blank=True)
    deadline = models.DateField(
        _("完成期限"), null=True, blank=True, help_text=_("测试须在此日期前通过。")
    )
    is_published = models.BooleanField(
        _("已发布"), default=False, db_index=True, help_text=_("发布后代表可以看到并报名。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["-year", "track", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "title"],
                name="training_course_title_once_per_year",
                violation_error_message=_("本年度已有同名课程。"),
            ),
            models.CheckConstraint(
                condition=Q(track__in=Track.values),
                name="training_course_track_valid",
                violation_error_message=_("课程类别无效。"),
            ),
            models.CheckConstraint(
                condition=Q(format="") | Q(format__in=Format.values),
                name="training_course_format_valid",
                violation_error_message=_("课程形式无效。"),
            ),
            # The last line of defence of capacity under concurrent enrolment: the service
            # raises the counter with a conditional UPDATE; this refuses any path that doesn't.
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(enrolled_count__lte=F("capacity")),
                name="training_course_within_capacity",
                violation_error_message=_("报名人数超过名额。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="training_course_year_plausible",
                violation_error_message=_("年度不合理。"),
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "year"]),
            # The courses a deputy may still enrol in (``selectors_courses.open_courses``, the
            # recommendations' candidates): this year's published ones whose enrolment is
            # open, found in the index; by the year alone every course of the year was read
            # (at district size some ninety, most closed).
            models.Index(
                fields=["year", "enrol_until"],
                condition=Q(is_published=True),
                name="training_course_enrol_open",
            ),
        ]

    def __str__(self) -> str:
        return self.label_of(self.title, self.year)

    @staticmethod
    def label_of(title: str, year: int) -> str:
        """A course's label from its title and year, for a list that read those without the
        course's row."""
        return f"{title}（{year}）"

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.enrolled_count >= self.capacity

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.enrolled_count, 0)


class CourseSession(models.Model):
    """One sitting of a course (课次): a day, its hours, where or which link."""

    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("日期"))
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    hours = models.DecimalField(
        _("学时"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_SESSION_HOURS)],
    )
    place = models.CharField(_("地点"), max_length=100, blank=True)
    link = models.URLField(_("视频或资料链接"), blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        ordering = ["date", "starts_at"]
        constraints = [
            # A course meets at most once a day; a full day is one session of more hours. An
            # attendance sheet names a session by course and date, so this keeps it unambiguous.
            models.UniqueConstraint(
                fields=["course", "date"],
                name="training_session_once_per_day",
                violation_error_message=_("该课程这一天已有课次。"),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=MAX_SESSION_HOURS),
                name="training_session_hours_range",
                violation_error_message=_("学时须大于 0 且不超过 12。"),
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.course.title} · {self.date:%Y-%m-%d}"
