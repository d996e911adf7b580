"""Activities with their rolls, and menu-style supervision: topics and signups."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin_history import HistoryAdminMixin
from core.admin_lists import DateYearFilter, subquery_count
from deputies.models import Deputy, Level, ProfessionalGroup

from .. import services
from ..models import (
    Activity,
    Attendance,
    SupervisionTopic,
    TopicSignup,
)
from .common import (
    DeputyLevelColumn,
    LockableInline,
    PerformanceAdmin,
    PlainYearFilter,
    TopicYearFilter,
    _run,
    count_column,
)


class RollAddForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("专业代表小组"), queryset=ProfessionalGroup.objects.all(), required=False
    )
    level = forms.ChoiceField(
        label=_("代表层级"), choices=[("", "---------"), *Level.choices], required=False
    )
    topic_signups = forms.BooleanField(
        label=_("认领该活动监督议题的代表"),
        required=False,
        help_text=_("菜单式监督：活动所属议题的认领代表；同时选了小组或层级时取其交集。"),
    )

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("group", "level", "topic_signups")):
            raise forms.ValidationError(_t("请选择专业代表小组、代表层级或议题认领代表。"))
        return data

    def deputies(self, activity: Activity):
        qs = Deputy.objects.serving()
        if self.cleaned_data.get("topic_signups"):
            qs = qs.filter(supervision_topics=activity.topic_id) if activity.topic_id else qs.none()
        if self.cleaned_data.get("group"):
            qs = qs.filter(group=self.cleaned_data["group"])
        if self.cleaned_data.get("level"):
            qs = qs.filter(level=self.cleaned_data["level"])
        return qs


class DeputyPickerInline(admin.TabularInline):
    """Rows that pick a deputy: the picker without the edit/add/delete-deputy icons, which
    only distract on a roll or a signup list."""

    autocomplete_fields = ("deputy",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "deputy":
            widget = field.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return field


class AttendanceInline(DeputyLevelColumn, LockableInline, DeputyPickerInline):
    model = Attendance
    extra = 3
    fields = ("deputy", "deputy_level", "status", "note")
    readonly_fields = ("deputy_level",)

    def locked(self, parent) -> bool:
        return parent.roll_closed_at is not None


@admin.register(Activity)
class ActivityAdmin(PerformanceAdmin):
    list_display = (
        "occurred_on",
        "title",
        "kind",
        "present",
        "absent",
        "roll_closed",
        "rule",
        "topic",
        "organiser",
    )
    list_filter = (
        DateYearFilter.on("occurred_on"),
        "kind",
        ("roll_closed_at", admin.EmptyFieldListFilter),
        "topic",
    )
    search_fields = ("title", "place", "organiser")
    list_select_related = ("topic",)
    sortable_by = ("occurred_on",)
    autocomplete_fields = ("topic",)
    inlines = [AttendanceInline]
    actions = ["add_participants", "close_roll"]
    readonly_fields = ("roll_closed_at",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_present=subquery_count(Attendance, "activity", status="present"),
                n_absent=subquery_count(Attendance, "activity", status="unexcused"),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.roll_closed_at is not None:
            return ("kind", "occurred_on", "roll_closed_at")
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Its roll has written ledger entries that name the attendance rows as their source.
        if obj is not None and obj.roll_closed_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # closed rolls must not go in bulk
        return actions

    @admin.display(description=_("已结束点名"), boolean=True, ordering="roll_closed_at")
    def roll_closed(self, obj):
        return obj.roll_closed_at is not None

    @admin.display(description=_("计分规则"))
    def rule(self, obj):
        return obj.rule_code

    present = count_column("n_present", _("出席"))

    absent = count_column("n_absent", _("无故缺席"))

    @admin.action(description=_("按专业小组、层级或议题认领添加参加代表"))
    def add_participants(self, request, queryset):
        form = RollAddForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            added = _run(
                request,
                queryset,
                _t("添加参加代表"),
                lambda activity: services.activity_roll_add(
                    activity=activity, deputies=form.deputies(activity), actor=request.user
                ),
            )
            if added:
                self.message_user(
                    request, _t("共新增 %(n)d 人次。") % {"n": sum(added)}, messages.INFO
                )
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            "add_participants",
            _t("添加参加代表"),
            note=_t("所选在任代表以“出席”列入名单；点名前可在活动页逐一改为请假或无故缺席。"),
        )

    @admin.action(description=_("结束点名并记入履职档案"))
    def close_roll(self, request, queryset):
        credited = _run(
            request,
            queryset,
            _t("结束点名"),
            lambda activity: services.activity_close_roll(activity=activity, actor=request.user),
        )
        if credited:
            self.message_user(
                request, _t("共记入 %(n)d 人次。") % {"n": sum(credited)}, messages.INFO
            )


class SignupInline(DeputyPickerInline):
    model = TopicSignup
    extra = 0
    fields = ("deputy", "created_at")
    readonly_fields = ("created_at",)


@admin.register(SupervisionTopic)
class SupervisionTopicAdmin(HistoryAdminMixin, PerformanceAdmin):
    list_display = ("title", "year", "group", "published_at", "signup_count", "activity_count")
    list_filter = (PlainYearFilter, ("published_at", admin.EmptyFieldListFilter), "group")
    search_fields = ("title", "description")
    list_select_related = ("group",)
    readonly_fields = ("published_at",)
    inlines = [SignupInline]
    actions = ["publish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_signups=subquery_count(TopicSignup, "topic"),
                n_activities=subquery_count(Activity, "topic"),
            )
        )

    signup_count = count_column("n_signups", _("认领人数"))

    activity_count = count_column("n_activities", _("活动数"))

    @admin.action(description=_("发布到监督菜单"))
    def publish(self, request, queryset):
        done = services.topic_publish(topics=queryset, actor=request.user)
        self.message_user(request, _t("已发布 %(n)d 项议题。") % {"n": done}, messages.SUCCESS)


@admin.register(TopicSignup)
class TopicSignupAdmin(HistoryAdminMixin, DeputyLevelColumn, PerformanceAdmin):
    list_display = ("topic", "deputy", "deputy_level", "created_at")
    list_filter = (TopicYearFilter, "topic", "deputy__level")
    search_fields = ("deputy__name", "deputy__code", "topic__title")
    list_select_related = ("topic", "deputy")
    sortable_by = ("created_at",)
    autocomplete_fields = ("deputy", "topic")
