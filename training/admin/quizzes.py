"""Admin: online tests (在线测试), the clerk's workbench. A quiz with its questions; each
question with its choices, checked before saving (a single-choice question has exactly one
correct choice, a multiple-choice one at least one, every question at least two choices).
Adding, enabling, disabling or removing a quiz changes what completing the course takes, so
completion and B05 follow at once. Deputies' attempts are a read-only record."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from core.admin_lists import LargeListAdmin, subquery_count
from core.audit import audit_record

from ..models import Choice, Course, Question, QuestionKind, Quiz, QuizAttempt
from ..selectors_quizzes import incomplete_questions
from ..services import TrainingError
from ..services.quizzes import quiz_questions, quiz_rules_changed

ERR_TOO_FEW_CHOICES = gettext_noop("每道题至少要有两个选项。")
ERR_SINGLE_ONE_CORRECT = gettext_noop("单选题须恰好有一个正确答案。")
ERR_MULTIPLE_SOME_CORRECT = gettext_noop("多选题至少要有一个正确答案。")
ERR_KIND_CHANGE = gettext_noop(
    "“%(question)s”改为单选题后须恰好有一个正确答案，请先在题目页调整选项。"
)
WARN_INCOMPLETE = gettext_noop("以下题目还不能作答，请补全选项和正确答案：%(list)s")
MSG_COMPLETION = gettext_noop("结业状态已更新：新结业 %(done)d 人，取消结业 %(undone)d 人。")
ERR_COMPLETION = gettext_noop("测试已保存，但结业状态未能更新：%(reason)s")


def _warn_incomplete(model_admin, request, quiz: Quiz) -> None:
    bad = incomplete_questions(quiz)
    if bad:
        names = "；".join(f"{n}. {q.text[:20]}" for n, q in bad)
        model_admin.message_user(
            request, gettext(WARN_INCOMPLETE) % {"list": names}, messages.WARNING
        )


class QuestionInlineFormSet(forms.BaseInlineFormSet):
    """A question turned into single choice here must already have exactly one correct
    choice (its choices are edited on the question's own page)."""

    def clean(self):
        super().clean()
        turned = {
            f.instance.pk: f
            for f in self.forms
            if f.instance.pk
            and getattr(f, "cleaned_data", None)
            and not f.cleaned_data.get("DELETE")
            and "kind" in f.changed_data
            and f.cleaned_data.get("kind") == QuestionKind.SINGLE
        }
        if not turned:
            return
        correct = dict.fromkeys(turned, 0)
        for question_id in Choice.objects.filter(
            question_id__in=list(turned), is_correct=True
        ).values_list("question_id", flat=True):
            correct[question_id] += 1
        for pk, form in turned.items():
            if correct[pk] != 1:
                form.add_error(
                    "kind", gettext(ERR_KIND_CHANGE) % {"question": form.instance.text[:30]}
                )


class QuestionInline(admin.TabularInline):
    model = Question
    formset = QuestionInlineFormSet
    fields = ("order", "text", "kind", "points")
    show_change_link = True

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None else 3

    verbose_name_plural = _("测试题（保存后点“修改”设置选项和正确答案）")


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = (
        "course",
        "course_year",
        "pass_mark",
        "max_attempts",
        "question_count",
        "attempt_count",
        "is_active",
    )
    list_filter = ("is_active", "course__year", "course__track")
    search_fields = ("course__title", "title")
    list_select_related = ("course",)
    raw_id_fields = ("course",)
    fields = ("course", "title", "pass_mark", "max_attempts", "is_active", "question_check")
    readonly_fields = ("question_check",)
    inlines = [QuestionInline]
    actions = None  # no bulk delete: removing a quiz changes deputies' completion, one by one

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_questions=subquery_count(Question, "quiz"),
                n_attempts=subquery_count(QuizAttempt, "quiz"),
            )
        )

    @admin.display(description=_("年度"), ordering="course__year")
    def course_year(self, obj):
        return obj.course.year

    @admin.display(description=_("题目数"), ordering="n_questions")
    def question_count(self, obj):
        return obj.n_questions

    @admin.display(description=_("作答人次"), ordering="n_attempts")
    def attempt_count(self, obj):
        if not obj.n_attempts:
            return 0
        url = reverse("admin:training_quizattempt_changelist")
        return format_html('<a href="{}?quiz__id__exact={}">{}</a>', url, obj.pk, obj.n_attempts)

    @admin.display(description=_("题目检查"))
    def question_check(self, obj):
        if not obj or not obj.pk:
            return "—"
        add = format_html(
            '<div><a href="{}?quiz={}">{}</a></div>',
            reverse("admin:training_question_add"),
            obj.pk,
            gettext("添加题目（含选项）"),
        )
        bad = incomplete_questions(obj)
        if not bad:
            return format_html("{}{}", gettext("所有题目都可以作答。"), add)
        rows = format_html_join(
            "", '<div style="color: #b3261e">{}. {}</div>', ((n, q.text) for n, q in bad)
        )
        return format_html("{}{}", rows, add)

    def has_delete_permission(self, request, obj=None):
        """A quiz deputies have answered stays (their records would go with it): disable it
        instead."""
        if obj is not None and obj.attempts.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        quiz = form.instance
        if not change or "is_active" in form.changed_data:
            self._refresh(request, quiz.course, "create" if not change else "update")
        elif form.has_changed() or any(fs.has_changed() for fs in formsets):
            audit_record(
                actor=request.user, action="training.quiz.edit", target=quiz, summary=str(quiz)
            )
        _warn_incomplete(self, request, quiz)

    def delete_model(self, request, obj):
        course = obj.course
        super().delete_model(request, obj)
        self._refresh(request, course, "delete")

    def _refresh(self, request, course: Course, action: str) -> None:
        try:
            done, undone = quiz_rules_changed(course=course, action=action, actor=request.user)
        except TrainingError as exc:
            self.message_user(request, gettext(ERR_COMPLETION) % {"reason": exc}, messages.ERROR)
            return
        if done or undone:
            self.message_user(request, gettext(MSG_COMPLETION) % {"done": done, "undone": undone})


class ChoiceInlineFormSet(forms.BaseInlineFormSet):
    """The choices as a whole, against the question's kind as posted on the same page."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            f.cleaned_data
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("text")
        ]
        correct = sum(1 for data in kept if data.get("is_correct"))
        if len(kept) < 2:
            raise ValidationError(gettext(ERR_TOO_FEW_CHOICES))
        if self.instance.kind == QuestionKind.SINGLE and correct != 1:
            raise ValidationError(gettext(ERR_SINGLE_ONE_CORRECT))
        if self.instance.kind == QuestionKind.MULTIPLE and correct < 1:
            raise ValidationError(gettext(ERR_MULTIPLE_SOME_CORRECT))


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceInlineFormSet
    fields = ("order", "text", "is_correct")
    extra = 4
    min_num = 0


@admin.register(Question)
class QuestionAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = ("text", "quiz", "kind", "points", "order", "choice_count")
    list_display_links = ("text",)
    list_filter = ("kind", "quiz__course__year")
    search_fields = ("text", "quiz__course__title")
    list_select_related = ("quiz__course",)
    sortable_by = ("order",)
    ordering = ("quiz", "order", "pk")
    raw_id_fields = ("quiz",)
    fields = ("quiz", "order", "text", "kind", "points")
    inlines = [ChoiceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_choices=subquery_count(Choice, "question"))

    @admin.display(description=_("选项数"))
    def choice_count(self, obj):
        return obj.n_choices

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question = form.instance
        audit_record(
            actor=request.user,
            action="training.question.save",
            target=question,
            summary=question.text[:100],
            data={"quiz": question.quiz_id, "created": not change},
        )

    def response_add(self, request, obj, post_url_continue=None):
        _warn_incomplete(self, request, obj.quiz)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        _warn_incomplete(self, request, obj.quiz)
        return super().response_change(request, obj)


class CourseYearFilter(admin.SimpleListFilter):
    """The course's year, offered from the first to the last year of any course (two index
    lookups); a year that is none is Django's invalid-lookup page."""

    title = _("课程年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        bounds = Course.objects.aggregate(first=Min("year"), last=Max("year"))
        if bounds["first"] is None:
            return []
        return [(str(y), str(y)) for y in range(bounds["last"], bounds["first"] - 1, -1)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            year = int(self.value())
        except ValueError:
            raise IncorrectLookupParameters(self.value()) from None
        if not 2000 <= year <= 2100:
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(quiz__course__year=year)


@admin.register(QuizAttempt)
class QuizAttemptAdmin(LargeListAdmin, admin.ModelAdmin):
    """What deputies answered, as they answered it: no adding, changing or deleting."""

    list_display = ("deputy", "course", "number", "score", "passed", "submitted_at")
    list_display_links = ("deputy",)
    list_filter = ("passed", CourseYearFilter)
    search_fields = ("enrollment__deputy__name", "enrollment__deputy__code", "quiz__course__title")
    list_select_related = ("enrollment__deputy", "enrollment__course", "quiz__course")
    sortable_by = ("submitted_at", "score")
    ordering = ("-submitted_at", "-pk")
    fields = ("deputy", "course", "number", "score", "passed", "submitted_at", "answer_sheet")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("代表"), ordering="enrollment__deputy__code")
    def deputy(self, obj):
        return obj.enrollment.deputy

    @admin.display(description=_("课程"))
    def course(self, obj):
        return obj.quiz.course

    @admin.display(description=_("作答情况"))
    def answer_sheet(self, obj):
        """Each question as the deputy answered it, against today's correct choices."""
        picked_by_question = obj.answers or {}
        lines = []
        for n, question in enumerate(quiz_questions(obj.quiz), start=1):
            raw = picked_by_question.get(str(question.pk))
            picked = {pk for pk in raw if isinstance(pk, int)} if isinstance(raw, list) else set()
            correct = {c.pk for c in question.choices.all() if c.is_correct}
            chosen = "、".join(c.text for c in question.choices.all() if c.pk in picked) or "—"
            verdict = gettext("对") if picked and picked == correct else gettext("错")
            lines.append((n, question.text, chosen, verdict))
        return format_html_join("", "<div>{}. {}：{}（{}）</div>", lines) or gettext("（无题目）")
