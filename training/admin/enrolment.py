"""Admin: enrolments and attendance, lists to look things up in.

Enrolment goes through ``training.services.enrolment`` only: the seat counter
(``Course.enrolled_count``) moves with the rows, so the enrolment admin neither adds, edits nor
deletes rows itself; "安排代表报名" and "取消报名" call ``course_enrol``/``course_withdraw``.
Attendance is recorded on the session's sheet (``training:attendance``).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin_actions import bulk_apply
from core.admin_history import HistoryAdminMixin
from core.admin_import import ImportAdminMixin, ImportFileForm
from core.admin_lists import LargeListAdmin, built_once_a_day, subquery_count
from core.admin_names import related_names
from core.compiled import rows_once
from deputies.models import Deputy

from ..forms_attendance import EnrolForm, posted_pk
from ..importer import AttendanceImporter
from ..models import Attendance, Course, CourseSession, Enrollment
from ..services import TrainingError
from ..services.enrolment import course_enrol, course_withdraw
from .courses import _url


def _course_years():
    return Course.objects.order_by("-year").values_list("year", flat=True).distinct()


class CourseYearFilter(admin.SimpleListFilter):
    """The course's year (课程年度) on a table that reaches the course through ``path``; the
    years offered are those of the courses (a small table)."""

    title = _("课程年度")
    parameter_name = "year"
    path = "course__year"

    def lookups(self, request, model_admin):
        # Read afresh by a statement compiled once per process (core.compiled.rows_once).
        years = rows_once(("training:course-years",), _course_years)
        return [(str(year), str(year)) for (year,) in years]

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
class EnrollmentAdmin(HistoryAdminMixin, LargeListAdmin, admin.ModelAdmin):
    list_display = (
        "deputy_label", "course_label", "source", "enrolled_at", "completed_on",
        "sessions_attended",
    )  # fmt: skip
    list_filter = (CourseYearFilter, "course__track", CompletedFilter, "source")
    search_fields = ("deputy__name", "deputy__code", "course__title")
    # The deputy's and the course's labels are read as columns (``get_queryset``), not as a
    # model per row and key (``core.admin_names``).
    list_select_related = ()
    sortable_by = ("enrolled_at", "completed_on")
    ordering = ("-enrolled_at", "pk")
    fields = ("course", "deputy", "source", "enrolled_at", "enrolled_by", "completed_on")
    readonly_fields = fields
    inlines = [AttendanceInline]
    actions = ["withdraw"]

    @built_once_a_day
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
                **related_names("deputy"),
                **related_names("deputy", field="code"),
                **related_names("course", field="title"),
                **related_names("course", field="year"),
            )
        )

    def list_rows(self, queryset):
        """The columns the cells show; the deputy and the course come as their labels'
        fields (``get_queryset``)."""
        return queryset.only("source", "enrolled_at", "completed_on", "deputy", "course")

    def row_name(self, obj) -> str:
        """The row's name (its checkbox's label) as ``Enrollment.__str__`` writes it, from
        the columns the list read."""
        return Enrollment.label_of(self.deputy_label(obj), obj.course_title)

    @admin.display(description=Enrollment._meta.get_field("deputy").verbose_name)
    def deputy_label(self, obj):
        return Deputy.label_of(obj.deputy_name, obj.deputy_code)

    @admin.display(description=Enrollment._meta.get_field("course").verbose_name)
    def course_label(self, obj):
        return Course.label_of(obj.course_title, obj.course_year)

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


class AttendanceImportForm(ImportFileForm):
    create_missing = forms.BooleanField(label=_("自动创建表中缺少的课程"), required=False)


@admin.register(Attendance)
class AttendanceAdmin(HistoryAdminMixin, ImportAdminMixin, LargeListAdmin, admin.ModelAdmin):
    """A list to look attendance up; it is recorded on each session's sheet, or imported from
    the attendance sheets committees already keep (导入出勤表), never edited row by row."""

    importer_class = AttendanceImporter
    import_form_class = AttendanceImportForm
    import_title = _("导入培训出勤表")
    import_template_filename = "training-attendance-template"
    import_help = _(
        "每行一人次出勤：代表编号、课程、类别（基础履职 / 专题提升 / 实践攻坚）、形式（可空）、"
        "日期、学时（大于 0、不超过 12，最多一位小数）。课程按名称和日期所在年度查找，没有时该行"
        "出错，勾选“自动创建”则新建（未发布）。同一代表同一课程同一天只能一行。任何一行有错，"
        "整份文件都不会导入；全部课次出勤的课程自动结业并记入履职档案（B05）。"
    )
    change_list_template = "admin/training/attendance/change_list.html"

    list_display = ("deputy", "course", "session_date", "hours", "source", "recorded_at")
    list_filter = (AttendanceCourseYearFilter, "enrollment__course__track", "source")
    search_fields = (
        "enrollment__deputy__name", "enrollment__deputy__code", "enrollment__course__title",
    )  # fmt: skip
    # session__course: the row's checkbox is labelled with the attendance's name, which names it.
    list_select_related = ("enrollment__deputy", "enrollment__course", "session__course")
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

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("training.add_attendance")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
