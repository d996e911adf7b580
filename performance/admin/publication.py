"""What goes out to deputies: published quarterly score tables and idle reminders with
the talks that follow them."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import clock

from .. import reminders, selectors
from ..models import (
    IdleReminder,
    Publication,
)
from .common import (
    TEMPLATES,
    DeputyLevelColumn,
    PerformanceAdmin,
    PlainYearFilter,
    ReadOnlyMixin,
)


class TalkForm(forms.Form):
    on = forms.DateField(label=_("谈话日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("谈话记录"), max_length=200, required=False)

    def clean_on(self):
        if self.cleaned_data["on"] > clock.today():
            raise forms.ValidationError(_t("谈话日期不能晚于今天。"))
        return self.cleaned_data["on"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyMixin, PerformanceAdmin):
    list_display = ("__str__", "year", "quarter", "deputies", "published_by", "published_at")
    list_filter = (PlainYearFilter,)
    list_select_related = ("published_by",)
    change_list_template = TEMPLATES + "publication/change_list.html"

    @admin.display(description=_("人数"))
    def deputies(self, obj):
        return len(obj.rows)


class TalkListFilter(admin.SimpleListFilter):
    title = _("提醒谈话")
    parameter_name = "talk"

    def lookups(self, request, model_admin):
        return [("due", _("待谈话名单")), ("done", _("已谈话"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(pk__in=selectors.talk_list().values("pk"))
        if self.value() == "done":
            return queryset.filter(talked_on__isnull=False)
        return queryset


@admin.register(IdleReminder)
class IdleReminderAdmin(DeputyLevelColumn, ReadOnlyMixin, PerformanceAdmin):
    list_display = (
        "deputy",
        "deputy_level",
        "sequence",
        "idle_since",
        "idle_days",
        "sent_on",
        "talked_on",
        "talk_note",
    )
    list_filter = (TalkListFilter, "sequence", "deputy__level")
    search_fields = ("deputy__name", "deputy__code")
    list_select_related = ("deputy",)
    sortable_by = ("sent_on", "idle_since")
    actions = ["record_talk"]

    @admin.display(description=_("未履职天数"))
    def idle_days(self, obj):
        return (clock.today() - obj.idle_since).days

    @admin.action(description=_("登记提醒谈话"))
    def record_talk(self, request, queryset):
        form = TalkForm(
            request.POST if "apply" in request.POST else None,
            initial={"on": clock.today()},
        )
        if form.is_valid():
            for reminder in queryset:
                reminders.talk_record(reminder=reminder, actor=request.user, **form.cleaned_data)
            self.message_user(
                request,
                _t("已登记 %(n)d 名代表的谈话。") % {"n": queryset.count()},
                messages.SUCCESS,
            )
            return None
        return self._intermediate(request, queryset, form, "record_talk", _t("登记提醒谈话"))
