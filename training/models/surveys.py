"""Needs surveys (培训需求调查): staff publish a few questions, each deputy answers once.

An option may point to a topic: choosing it tells the recommender what the deputy wants to
learn ("你在需求调查中选择了……").
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .courses import Topic


class Survey(models.Model):
    title = models.CharField(_("调查名称"), max_length=100)
    intro = models.TextField(_("说明"), blank=True)
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    is_published = models.BooleanField(_("已发布"), default=False, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("需求调查")
        verbose_name_plural = _("需求调查")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="training_survey_closes_after_opening",
                violation_error_message=_("截止日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, day) -> bool:
        return self.is_published and self.opens_on <= day <= self.closes_on


class SurveyQuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    TEXT = "text", _("填空")


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(_("问题"), max_length=300)
    kind = models.CharField(
        _("题型"),
        max_length=8,
        choices=SurveyQuestionKind.choices,
        default=SurveyQuestionKind.SINGLE,
    )
    required = models.BooleanField(_("必答"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("调查问题")
        verbose_name_plural = _("调查问题")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class SurveyOption(models.Model):
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="options"
    )
    text = models.CharField(_("选项"), max_length=200)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("对应培训专题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_options",
        help_text=_("选择此项的代表将被推荐该专题的课程。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("调查选项")
        verbose_name_plural = _("调查选项")
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="responses"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("调查答卷")
        verbose_name_plural = _("调查答卷")
        ordering = ["survey", "deputy__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "deputy"],
                name="training_survey_answered_once",
                violation_error_message=_("该代表已提交过这份调查。"),
            ),
        ]
        indexes = [models.Index(fields=["deputy", "survey"])]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.survey}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("答卷"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="answers"
    )
    options = models.ManyToManyField(
        SurveyOption, verbose_name=_("所选选项"), blank=True, related_name="answers"
    )
    text = models.TextField(_("填写内容"), blank=True)

    class Meta:
        verbose_name = _("调查回答")
        verbose_name_plural = _("调查回答")
        ordering = ["response", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                name="training_survey_question_answered_once",
                violation_error_message=_("同一问题只能回答一次。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response} · {self.question}"
