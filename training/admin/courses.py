"""Admin: courses with their sessions, enrolments and attendance (the clerk's workbench).

Enrolment goes through ``training.services.enrolment`` only: the seat counter
(``Course.enrolled_count``) moves with the rows, so the enrolment admin neither adds, edits nor
deletes rows itself; "安排代表报名" and "取消报名" call ``course_enrol``/``course_withdraw``.
Attendance is recorded on the session's sheet (``training:attendance``); here it is a list to
look things up in. Lists annotate only the rows they show (correlated subqueries).
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.admin_actions import bulk_apply
from core.admin_lists import LargeListAdmin, subquery_count
from core.audit import audit_record

from ..forms_attendance import CourseAdminForm, EnrolForm, SessionFormSet, posted_pk
from ..models import Attendance, Course, CourseSession, Enrollment, Quiz, Source
from ..services import TrainingError
from ..services.common import staff_required
from ..services.completion import completion_refresh
from ..services.enrolment import course_enrol, course_withdraw

ERR_ALREADY = gettext_noop("已是“%(state)s”状态。")
ERR_PICK_ONE = gettext_noop("请只选择一门课程来安排报名。")
REFUSED = "_training_admin_refused"


def _url(name: str, *args, query: str = "") -> str:
    """A page's address, or "" while the app that owns it is not mounted."""
    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


@transaction.atomic
def course_set_published(*, course: Course, published: bool, actor: User | None) -> Course:
    """Publish (deputies see the course and may enrol) or withdraw it, with an audit row."""
    staff_required(actor)
    if course.is_published == published:
        state = _t("已发布") if published else _t("未发布")
        raise TrainingError(_t(ERR_ALREADY) % {"state": state})
    Course.objects.filter(pk=course.pk).update(is_published=published, updated_at=clock.now())
    course.is_published = published
    audit_record(
        actor=actor,
        action="training.course.publish" if published else "training.course.unpublish",
        target=course,
        summary=str(course),
    )
    return course


class CourseSessionInline(admin.TabularInline):
    model = CourseSession
    formset = SessionFormSet
    fields = ("date", "starts_at", "hours", "place", "link", "note", "attendance_link")
    readonly_fields = ("attendance_link",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0

    def get_queryset(self, request):
        present = subquery_count(Attendance, "session")
        return super().get_queryset(request).select_related("course").annotate(n_present=present)

    @admin.display(description=_("出勤"))
    def attendance_link(self, obj):
        if not obj.pk:
            return "—"
        label = _t("登记出勤（%(n)d 人）") % {"n": getattr(obj, "n_present", 0)}
        return format_html('<a href="{}">{}</a>', _url("training:attendance", obj.pk), label)


@admin.register(Course)
class CourseAdmin(LargeListAdmin, admin.ModelAdmin):
    form = CourseAdminForm
    list_display = (
        "title", "year", "track", "format", "topic", "tiers", "session_count",
        "next_session", "seats", "completed", "is_published",
    )  # fmt: skip
    list_filter = ("year", "track", "format", "is_published")
    search_fields = ("title", "instructor", "instructor_org")
    list_select_related = ("topic",)
    sortable_by = ("title", "year")
    autocomplete_fields = ("supervision_topic",)
    filter_horizontal = ("groups",)
    readonly_fields = ("enrolled_count", "links")
    inlines = [CourseSessionInline]
    actions = ["publish", "unpublish", "enrol_deputies"]
    fieldsets = (
        (_("基本信息"), {"fields": (
            "title", "year", "track", "format", "topic", "supervision_topic", "instructor",
            "instructor_org",
        )}),
        (_("面向对象"), {
            "fields": ("for_new", "for_reelected", "groups", "specialty_keywords"),
            "description": _("都不选表示面向全体代表。"),
        }),
        (_("报名"), {"fields": (
            "capacity", "enrolled_count", "enrol_until", "deadline", "is_published",
        )}),
        (_("课程内容"), {"fields": ("description",)}),
    )  # fmt: skip

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return ((_("相关页面"), {"fields": ("links",)}), *fieldsets)

    def get_queryset(self, request):
        upcoming = CourseSession.objects.filter(course=OuterRef("pk"), date__gte=clock.today())
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_sessions=subquery_count(CourseSession, "course"),
                next_date=Subquery(upcoming.order_by("date").values("date")[:1]),
                n_completed=subquery_count(Enrollment, "course", completed_on__isnull=False),
            )
            .prefetch_related("groups")
        )

    @admin.display(description=_("面向对象"))
    def tiers(self, obj):
        parts = [
            label
            for on, label in ((obj.for_new, _t("新任")), (obj.for_reelected, _t("连任")))
            if on
        ]
        groups = "、".join(g.name for g in obj.groups.all())
        if groups:
            parts.append(groups)
        if obj.specialty_keywords:
            parts.append(_t("特长：%(k)s") % {"k": obj.specialty_keywords})
        return "；".join(parts) or _t("全体代表")

    @admin.display(description=_("课次"))
    def session_count(self, obj):
        return obj.n_sessions

    @admin.display(description=_("下次课次"))
    def next_session(self, obj):
        return obj.next_date or "—"

    @admin.display(description=_("报名/名额"))
    def seats(self, obj):
        return f"{obj.enrolled_count}/{obj.capacity if obj.capacity is not None else _t('不限')}"

    @admin.display(description=_("结业"))
    def completed(self, obj):
        return obj.n_completed

    @admin.display(description=_("链接"))
    def links(self, obj):
        quiz = Quiz.objects.filter(course=obj).order_by().values_list("pk", flat=True).first()
        items = [
            (_url("training:course_report", obj.pk), _t("组织者报表")),
            (_url("training:course_report_xlsx", obj.pk), _t("导出 Excel")),
            (
                _url("admin:training_quiz_change", quiz)
                if quiz
                else _url("admin:training_quiz_add", query=f"course={obj.pk}"),
                _t("在线测试") if quiz else _t("添加在线测试"),
            ),
            (
                _url("admin:training_enrollment_changelist", query=f"course__id__exact={obj.pk}"),
                _t("报名名单（%(n)d 人）") % {"n": obj.enrolled_count},
            ),
            (_url("admin:training_enrollment_enrol", query=f"course={obj.pk}"), _t("安排代表报名")),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', [i for i in items if i[0]])

    def has_delete_permission(self, request, obj=None):
        # Enrolments carry attendance and B05 credits; a course with any is kept.
        if obj is not None and (obj.enrolled_count or obj.enrollments.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if change:  # never write back the seat counter read before a concurrent enrolment
            names = [f.name for f in obj._meta.concrete_fields if not f.primary_key]
            keep = {"enrolled_count", "created_at"}
            obj.save(update_fields=[n for n in names if n not in keep])
        else:
            obj.save()
        audit_record(
            actor=request.user,
            action="training.course.update" if change else "training.course.create",
            target=obj,
            summary=str(obj),
            data={"changed": sorted(form.changed_data)},
        )

    def save_formset(self, request, form, formset, change):
        """Sessions added, moved or removed change who has attended every one: completion
        and B05 are brought up to date for the whole course; staff-recorded attendance
        follows a corrected session's hours."""
        if formset.model is not CourseSession:
            return super().save_formset(request, form, formset, change)
        removed = [f"{f.instance.date:%Y-%m-%d}" for f in formset.deleted_forms if f.instance.pk]
        formset.save()
        for session, fields in formset.changed_objects:
            if "hours" in fields:
                Attendance.objects.filter(session=session, source=Source.STAFF).update(
                    hours=session.hours
                )
        changed = [f"{s.date:%Y-%m-%d}" for s, _fields in formset.changed_objects]
        added = [f"{s.date:%Y-%m-%d}" for s in formset.new_objects]
        if not (added or changed or removed):
            return None
        course = form.instance
        data = {"added": added, "changed": changed, "removed": removed}
        audit_record(
            actor=request.user, action="training.sessions.set", target=course,
            summary=str(course), data=data,
        )  # fmt: skip
        try:
            completion_refresh(
                enrollments=list(course.enrollments.all()), actor=request.user, today=clock.today()
            )
        except TrainingError as exc:  # e.g. the ledger's year is closed: nothing is saved
            transaction.set_rollback(True)
            setattr(request, REFUSED, True)
            self.message_user(request, str(exc), messages.ERROR)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, REFUSED, False):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, REFUSED, False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _publish(self, request, queryset, published: bool, label: str):
        bulk_apply(
            request,
            queryset,
            label,
            lambda c: course_set_published(course=c, published=published, actor=request.user),
            errors=(TrainingError,),
        )

    @admin.action(description=_("发布"))
    def publish(self, request, queryset):
        self._publish(request, queryset, True, _t("发布"))

    @admin.action(description=_("撤回发布"))
    def unpublish(self, request, queryset):
        self._publish(request, queryset, False, _t("撤回发布"))

    @admin.action(description=_("安排代表报名"))
    def enrol_deputies(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True)[:2])
        if len(pks) != 1:
            self.message_user(request, _t(ERR_PICK_ONE), messages.ERROR)
            return None
        return redirect(_url("admin:training_enrollment_enrol", query=f"course={pks[0]}"))


class CourseYearFilter(admin.SimpleListFilter):
    """The course's year (课程年度) on a table that reaches the course through ``path``; the
    years offered are those of the courses (a small table)."""

    title = _("课程年度")
    parameter_name = "year"
    path = "course__year"

    def lookups(self, request, model_admin):
        years = Course.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        year = posted_pk(self.value())
        if year is None or not 2000 <= year <= 2100:
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(**{self.path: year})


class AttendanceCourseYearFilter(CourseYearFilter):
    path = "enrollment__course__year"


class CompletedFilter(admin.SimpleListFilter):
    title = _("结业")
    parameter_name = "completed"

    def lookups(self, request, model_admin):
        return [("yes", _("已结业")), ("no", _("未结业"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(completed_on__isnull=self.value() == "no")
        return queryset


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ("session", "hours", "source", "recorded_by", "recorded_at")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session__course", "recorded_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = (
        "deputy", "course", "source", "enrolled_at", "completed_on", "sessions_attended",
    )  # fmt: skip
    list_filter = (CourseYearFilter, "course__track", CompletedFilter, "source")
    search_fields = ("deputy__name", "deputy__code", "course__title")
    list_select_related = ("deputy", "course")
    sortable_by = ("enrolled_at", "completed_on")
    ordering = ("-enrolled_at", "pk")
    fields = ("course", "deputy", "source", "enrolled_at", "enrolled_by", "completed_on")
    readonly_fields = fields
    inlines = [AttendanceInline]
    actions = ["withdraw"]

    def get_queryset(self, request):
        sessions = (
            CourseSession.objects.filter(course=OuterRef("course_id"))
            .order_by()
            .values("course")
            .annotate(n=Count("*"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_attended=subquery_count(Attendance, "enrollment"),
                n_sessions=Coalesce(Subquery(sessions, output_field=IntegerField()), 0),
            )
        )

    @admin.display(description=_("出勤课次"))
    def sessions_attended(self, obj):
        return f"{obj.n_attended}/{obj.n_sessions}"

    def get_urls(self):
        view = self.admin_site.admin_view(self.enrol_view)
        return [path("enrol/", view, name="training_enrollment_enrol"), *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        """Plain add would skip the seat counter: the service's page instead."""
        query = request.GET.urlencode()
        return redirect(_url("admin:training_enrollment_enrol", query=query))

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # 取消报名 frees the seat; a plain delete would not

    def enrol_view(self, request):
        """安排代表报名: each picked deputy enrolled by ``course_enrol`` as this staff user;
        each refusal (full, already enrolled) is its own message."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        course_pk = posted_pk(request.GET.get("course"))
        form = EnrolForm(request.POST or None, initial={"course": course_pk} if course_pk else {})
        if request.method == "POST" and form.is_valid():
            course = form.cleaned_data["course"]
            bulk_apply(
                request,
                form.cleaned_data["deputies"],
                _t("安排报名"),
                lambda d: course_enrol(course=course, deputy=d, actor=request.user),
                errors=(TrainingError,),
            )
            return redirect(
                _url("admin:training_enrollment_changelist", query=f"course__id__exact={course.pk}")
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _t("安排代表报名"),
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/training/enrollment/enrol.html", context)

    @admin.action(description=_("取消报名"))
    def withdraw(self, request, queryset):
        bulk_apply(
            request,
            queryset.select_related("deputy", "course"),
            _t("取消报名"),
            lambda e: course_withdraw(enrollment=e, actor=request.user),
            errors=(TrainingError,),
        )


@admin.register(Attendance)
class AttendanceAdmin(LargeListAdmin, admin.ModelAdmin):
    """A read-only list to look attendance up; it is recorded on each session's sheet."""

    list_display = ("deputy", "course", "session_date", "hours", "source", "recorded_at")
    list_filter = (AttendanceCourseYearFilter, "enrollment__course__track", "source")
    search_fields = (
        "enrollment__deputy__name", "enrollment__deputy__code", "enrollment__course__title",
    )  # fmt: skip
    list_select_related = ("enrollment__deputy", "enrollment__course", "session")
    sortable_by = ()
    ordering = ("-session__date", "enrollment__deputy__code")

    @admin.display(description=_("代表"))
    def deputy(self, obj):
        return obj.enrollment.deputy

    @admin.display(description=_("课程"))
    def course(self, obj):
        return obj.enrollment.course

    @admin.display(description=_("日期"))
    def session_date(self, obj):
        return obj.session.date

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
