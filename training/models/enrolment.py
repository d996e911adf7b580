"""Who takes a course (报名) and which sessions they attended (签到): the facts learning hours,
completion and the B05 credit come from."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .courses import MAX_SESSION_HOURS, Course, CourseSession


class Source(models.TextChoices):
    SELF = "self", _("代表自主报名")
    STAFF = "staff", _("工作人员安排")
    IMPORT = "import", _("导入")


class Enrollment(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="enrollments"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="training_enrollments",
    )
    source = models.CharField(_("报名方式"), max_length=8, choices=Source.choices)
    enrolled_at = models.DateTimeField(_("报名时间"))
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept by the one function that decides completion (services.completion): every session
    # attended and the quiz, if any, passed. The day it happened dates the B05 credit.
    completed_on = models.DateField(_("结业日期"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["course", "deputy__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "deputy"],
                name="training_enrol_once",
                violation_error_message=_("该代表已报名这门课程。"),
            ),
        ]
        indexes = [
            models.Index(fields=["deputy", "course"]),
            # The admin list's order (newest enrolment first): its page is read from here.
            models.Index(fields=["-enrolled_at", "id"], name="training_enrol_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.label_of(str(self.deputy), self.course.title)

    @staticmethod
    def label_of(deputy: str, course_title: str) -> str:
        """An enrolment's label from its deputy's label and its course's title, for a list
        that read those without the deputy's and the course's rows."""
        return f"{deputy} · {course_title}"


class Attendance(models.Model):
    """A deputy present at one session. Absence is the lack of a row; ``hours`` is what the
    sitting counts for this deputy (the session's hours, or the sheet's for an import)."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(
        CourseSession, verbose_name=_("课次"), on_delete=models.CASCADE, related_name="attendances"
    )
    hours = models.DecimalField(_("学时"), max_digits=3, decimal_places=1)
    source = models.CharField(_("登记方式"), max_length=8, choices=Source.choices)
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
        verbose_name = _("培训出勤")
        verbose_name_plural = _("培训出勤")
        ordering = ["session__date"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "session"],
                name="training_attend_once",
                violation_error_message=_("该代表这一课次已登记出勤。"),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=Decimal("0"), hours__lte=MAX_SESSION_HOURS),
                name="training_attendance_hours_range",
                violation_error_message=_("学时须大于 0 且不超过 12。"),
            ),
        ]
        indexes = [models.Index(fields=["session", "enrollment"])]

    def __str__(self) -> str:
        return f"{self.enrollment.deputy} · {self.session}"
