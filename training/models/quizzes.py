"""Online tests (在线测试): a course's quiz, its questions and choices, and each attempt.

The correct choices live only here and in the scoring service: the quiz page is rendered from
question texts and choice texts, never from ``is_correct``.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .courses import Course
from .enrolment import Enrollment


class Quiz(models.Model):
    course = models.OneToOneField(
        Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="quiz"
    )
    title = models.CharField(_("测试名称"), max_length=100, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("及格分"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("百分制。"),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("允许作答次数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    is_active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用后不再作为结业条件，代表也不能作答。")
    )

    class Meta:
        verbose_name = _("在线测试")
        verbose_name_plural = _("在线测试")
        ordering = ["course"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100),
                name="training_quiz_pass_mark_range",
                violation_error_message=_("及格分须在 1 到 100 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1),
                name="training_quiz_attempts_positive",
                violation_error_message=_("允许作答次数至少为 1。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(_("%(course)s 测试") % {"course": self.course.title})


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")


class Question(models.Model):
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("测试"), on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(_("题目"), max_length=300)
    kind = models.CharField(
        _("题型"), max_length=8, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    points = models.PositiveSmallIntegerField(_("分值"), default=1)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("测试题")
        verbose_name_plural = _("测试题")
        ordering = ["quiz", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=1),
                name="training_question_points_positive",
                violation_error_message=_("分值至少为 1。"),
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("题目"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("选项"), max_length=200)
    is_correct = models.BooleanField(_("正确答案"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("测试"), on_delete=models.CASCADE, related_name="attempts"
    )
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("第几次"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("通过"))
    answers = models.JSONField(_("作答"), default=dict, help_text=_("题目编号 → 所选选项编号。"))
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("测试记录")
        verbose_name_plural = _("测试记录")
        ordering = ["enrollment", "number"]
        constraints = [
            # Two concurrent submissions both numbered n: one of them is refused.
            models.UniqueConstraint(
                fields=["enrollment", "quiz", "number"],
                name="training_attempt_number_once",
                violation_error_message=_("这次作答已提交。"),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="training_attempt_number_positive",
                violation_error_message=_("作答次数从 1 开始。"),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="training_attempt_score_range",
                violation_error_message=_("得分须在 0 到 100 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} · {self.number}"
