"""Admin: needs surveys with their questions, questions with their options (each option may
point to a topic the recommender then offers), and the responses, read-only (a deputy's answers
are theirs; staff read them and the summary page, never edit them)."""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.admin_lists import LargeListAdmin, subquery_count

from ..models import Survey, SurveyAnswer, SurveyOption, SurveyQuestion, SurveyResponse
from .gaps import AuditedAdmin

WARN_HAS_RESPONSES = gettext_noop(
    "这份调查已收到 %(n)d 份答卷：删除或改动问题、选项会改变已收到的回答，请谨慎修改。"
)


def _summary_link(survey: Survey):
    return format_html(
        '<a href="{}" target="_blank">{}</a>',
        reverse("training:survey_summary", args=[survey.pk]),
        _t("查看汇总"),
    )


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    fields = ("order", "text", "kind", "required", "option_count")
    readonly_fields = ("option_count",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_options=subquery_count(SurveyOption, "question"))
        )

    @admin.display(description=_("选项数（点“修改”编辑选项）"))
    def option_count(self, obj):
        return getattr(obj, "n_options", 0) if obj.pk else "—"


@admin.register(Survey)
class SurveyAdmin(AuditedAdmin):
    audit_action = "training.survey"
    list_display = (
        "title",
        "opens_on",
        "closes_on",
        "is_published",
        "response_count",
        "summary",
    )
    list_filter = ("is_published",)
    search_fields = ("title",)
    sortable_by = ("title", "opens_on", "closes_on", "response_count")
    fields = ("title", "intro", "opens_on", "closes_on", "is_published", "summary")
    readonly_fields = ("summary",)
    inlines = [SurveyQuestionInline]

    def get_queryset(self, request):
        # A correlated subquery: counted for the rows shown, not by a join over every answer.
        return (
            super()
            .get_queryset(request)
            .annotate(n_responses=subquery_count(SurveyResponse, "survey"))
        )

    @admin.display(description=_("答卷数"), ordering="n_responses")
    def response_count(self, obj):
        return obj.n_responses

    @admin.display(description=_("汇总"))
    def summary(self, obj):
        return _summary_link(obj) if obj.pk else "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            survey = self.get_object(request, object_id)
            if survey is not None and survey.n_responses:
                self.message_user(
                    request, _t(WARN_HAS_RESPONSES) % {"n": survey.n_responses}, messages.WARNING
                )
        return super().change_view(request, object_id, form_url, extra_context)


class SurveyOptionInline(admin.TabularInline):
    model = SurveyOption
    fields = ("order", "text", "topic")
    autocomplete_fields = ("topic",)
    extra = 0


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(AuditedAdmin):
    audit_action = "training.survey_question"
    list_display = ("text", "survey", "kind", "required", "order", "option_count")
    list_filter = ("kind", "required")
    list_select_related = ("survey",)
    search_fields = ("text", "survey__title")
    sortable_by = ("order",)
    autocomplete_fields = ("survey",)
    inlines = [SurveyOptionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_options=subquery_count(SurveyOption, "question"))
        )

    @admin.display(description=_("选项数"))
    def option_count(self, obj):
        return obj.n_options


@admin.register(SurveyResponse)
class SurveyResponseAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = ("deputy", "survey", "submitted_at")
    list_filter = ("survey",)
    list_select_related = ("deputy", "survey")
    search_fields = ("deputy__name", "deputy__code")
    sortable_by = ("submitted_at",)
    fields = ("survey", "deputy", "submitted_at", "answers_shown")
    readonly_fields = fields

    @admin.display(description=_("回答"))
    def answers_shown(self, obj):
        answers = obj.answers.select_related("question").prefetch_related(
            Prefetch("options", queryset=SurveyOption.objects.order_by("order", "pk"))
        )
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                ((a.question.text, _answer_text(a)) for a in answers),
            ),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _answer_text(answer: SurveyAnswer) -> str:
    return "、".join(o.text for o in answer.options.all()) or answer.text
