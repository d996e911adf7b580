"""Admin: courses with their sessions, enrolments and attendance (the clerk's workbench).

Enrolment goes through ``training.services.enrolment`` only: the seat counter
(``Course.enrolled_count``) moves with the rows, so the enrolment admin neither adds, edits nor
deletes rows itself; "安排代表报名" and "取消报名" call ``course_enrol``/``course_withdraw``.
Attendance is recorded on the session's sheet (``training:attendance``); here it is a list to
look things up in. Lists annotate only the rows they show (correlated subqueries).
"""

import functools

from django.contrib import admin, messages
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, models, transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import clock
from core.admin_actions import bulk_apply
from core.admin_lists import (
    KeptValuesFilter,
    LargeListAdmin,
    built_once_a_day,
    subquery_count,
)
from core.admin_names import names_by_row
from core.audit import audit_record

from ..forms_attendance import CourseAdminForm, SessionFormSet
from ..models import Attendance, Course, CourseSession, Enrollment, Quiz, Source
from ..selectors_courses import coming_sessions, unmarked_sessions
from ..services import TrainingError
from ..services.completion import completion_refresh
from ..services.courses import course_set_published

# What a row of the list reads: its cells and the row's name (``Course.__str__``).
COURSE_ROW_COLUMNS = (
    "title",
    "year",
    "track",
    "format",
    "for_new",
    "for_reelected",
    "specialty_keywords",
    "capacity",
    "enrolled_count",
    "is_published",
)
ERR_PICK_ONE = gettext_noop("请只选择一门课程来安排报名。")
REFUSED = "_training_admin_refused"


def _url(name: str, *args, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


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


class SessionsFilter(admin.SimpleListFilter):
    """Courses with a session to act on: held without attendance recorded (the staff desk's
    card), or coming in the next week."""

    title = _("课次")
    parameter_name = "sessions"

    def lookups(self, request, model_admin):
        return [("unmarked", _("有课次待登记出勤")), ("coming", _("未来 7 天有课次"))]

    def queryset(self, request, queryset):
        pick = {"unmarked": unmarked_sessions, "coming": coming_sessions}.get(self.value())
        if pick is None:
            return queryset
        return queryset.filter(pk__in=pick(clock.today()).values("course_id"))


@functools.cache
def _group_names() -> ArraySubquery:
    """A course's groups' names in the groups' order (``ProfessionalGroup.Meta.ordering``), as
    ``names_by_row`` listed them, read as one column of the course's row. Built once per
    process (it depends on the models alone; ``annotate`` resolves a copy of it each time):
    building its queryset cost more than the database spent on it."""
    links = Course.groups.through.objects.filter(course=OuterRef("pk"))
    order = [
        f"-professionalgroup__{o[1:]}" if o.startswith("-") else f"professionalgroup__{o}"
        for o in Course.groups.field.related_model._meta.ordering
    ]
    return ArraySubquery(links.order_by(*order).values("professionalgroup__name"))


@functools.lru_cache(maxsize=1024)
def tiers_text(
    for_new: bool, for_reelected: bool, groups: tuple[str, ...], keywords: str, language: str
) -> str:
    """Whom a course is for, as the list's 面向对象 column says it: the same few combinations
    row after row, each written once per process and language (three translations a row)."""
    parts = [label for on, label in ((for_new, _t("新任")), (for_reelected, _t("连任"))) if on]
    if groups:
        parts.append("、".join(groups))
    if keywords:
        parts.append(_t("特长：%(k)s") % {"k": keywords})
    return "；".join(parts) or _t("全体代表")


@functools.lru_cache(maxsize=256)
def kind_text(track: str, format: str, language: str) -> str:
    """The list's 类别 · 形式 column: the track's and the format's labels (a few combinations
    row after row, each written once per process and language)."""
    labels = (_label("track", track), _label("format", format))
    return " · ".join(str(label) for label in labels if label)


def _label(name: str, value: str):
    """``get_FOO_display()``'s label of ``value`` (the value itself when it is not a choice)."""
    return dict(Course._meta.get_field(name).flatchoices).get(value, value)


@admin.register(Course)
class CourseAdmin(LargeListAdmin, admin.ModelAdmin):
    form = CourseAdminForm
    list_display = (
        "title", "year", "kind", "tiers", "sessions", "seats", "completed", "is_published",
    )  # fmt: skip
    list_filter = (("year", KeptValuesFilter), "track", "format", "is_published", SessionsFilter)
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

    @built_once_a_day
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

    def list_rows(self, queryset):
        """The list reads the columns its cells show (not the description or the topic). On
        PostgreSQL each course's groups come by name in the groups' order (``_group_names``)
        in the page's own query; elsewhere ``list_rows_loaded`` reads them in one query."""
        rows = queryset.select_related(None).only(*COURSE_ROW_COLUMNS).prefetch_related(None)
        if connections[rows.db].vendor == "postgresql":
            rows = rows.annotate(group_names=_group_names())
        return rows

    def list_rows_loaded(self, rows):
        """The page's groups by name in the groups' order, in one query on the join table,
        where the rows did not bring them (no ArraySubquery outside PostgreSQL)."""
        if rows and hasattr(rows[0], "group_names"):
            return
        names = names_by_row(rows, Course.groups.field)
        for row in rows:
            row.group_names = names[row.pk]

    @admin.display(description=_("面向对象"))
    def tiers(self, obj):
        names = getattr(obj, "group_names", None)
        if names is None:
            names = [g.name for g in obj.groups.all()]
        return tiers_text(
            obj.for_new, obj.for_reelected, tuple(names), obj.specialty_keywords, get_language()
        )

    @admin.display(description=_("类别 · 形式"))
    def kind(self, obj):
        return kind_text(obj.track, obj.format, get_language())

    @admin.display(description=_("课次"))
    def sessions(self, obj):
        if obj.next_date is None:
            return obj.n_sessions
        next_date = obj.next_date.strftime("%m-%d")
        return _t("%(n)d（下次 %(d)s）") % {"n": obj.n_sessions, "d": next_date}

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
