"""Admin: the imported hotline/grid events (with their import page) and the weekly flags.

Flags are computed, never typed in: their list is read-only, with one action to adopt the
selected open flags as candidate supervision topics; dismissing needs a reason and is done on
the 民意指数 page, which the list links to."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin_import import ImportAdminMixin, ImportFileForm
from core.admin_lists import DateYearFilter, LargeListAdmin

from ..importer import EventImporter
from ..models import ExternalEvent, FlagStatus, OpinionFlag
from ..selectors_index import week_label
from ..services.index import OpinionIndexError, opinion_flag_adopt

SUMMARY_CHARS = 40


class EventImportForm(ImportFileForm):
    create_missing = forms.BooleanField(label=_("自动创建缺少的类别和社区"), required=False)


@admin.register(ExternalEvent)
class ExternalEventAdmin(ImportAdminMixin, LargeListAdmin, admin.ModelAdmin):
    importer_class = EventImporter
    import_form_class = EventImportForm
    import_title = _("导入外部民情事件")
    import_template_filename = "events-template"
    import_help = _(
        "12345 热线、网格等系统导出的事件：日期、来源（12345 / 网格 / 其他）、类别（与议案建议的"
        "类别同名）、社区、摘要。日期不能晚于今天；类别或社区在系统中没有时该行出错，勾选"
        "“自动创建”则一并创建。任何一行有错，整份文件都不会导入。"
    )
    change_list_template = "liaison/index_events_change_list.html"

    list_display = ("occurred_on", "source", "community", "category", "summary_short")
    list_display_links = ("occurred_on", "summary_short")
    list_filter = (DateYearFilter.on("occurred_on"), "source", "community", "category")
    list_select_related = ("community", "category")
    search_fields = ("summary",)
    sortable_by = ("occurred_on",)
    readonly_fields = ("imported_at", "imported_by")
    fields = ("occurred_on", "source", "community", "category", "summary", *readonly_fields)

    @admin.display(description=_("摘要"))
    def summary_short(self, obj: ExternalEvent) -> str:
        text = obj.summary or "—"
        return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"


@admin.register(OpinionFlag)
class OpinionFlagAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = (
        "week_iso",
        "community",
        "category",
        "week_count",
        "baseline_mean",
        "status",
        "topic_link",
        "notified_at",
        "decided_by",
    )
    list_filter = ("status", DateYearFilter.on("week"), "community", "category")
    list_select_related = ("community", "category", "topic", "decided_by")
    sortable_by = ("week_iso", "week_count")
    actions = ("adopt",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        extra = {"title": _t("民意预警（在“民意指数”页面研判）")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    @admin.display(description=_("周次"), ordering="week")
    def week_iso(self, obj: OpinionFlag) -> str:
        url = reverse("liaison:opinion_index")
        label = week_label(obj.week)
        return format_html('<a href="{}?week={}">{}</a>', url, label, label)

    @admin.display(description=_("监督议题"))
    def topic_link(self, obj: OpinionFlag) -> str:
        if obj.topic is None:
            return "—"
        url = reverse("admin:performance_supervisiontopic_change", args=[obj.topic_id])
        return format_html('<a href="{}">{}</a>', url, obj.topic.title)

    @admin.action(description=_("列入监督菜单候选议题"))
    def adopt(self, request, queryset):
        adopted, refused = 0, []
        for flag in queryset.filter(status=FlagStatus.OPEN).select_related("community", "category"):
            try:
                opinion_flag_adopt(flag=flag, actor=request.user)
                adopted += 1
            except OpinionIndexError as exc:
                refused.append(f"{flag}：{exc}")
        if adopted:
            message = _t("已将 %(n)d 条预警列入监督菜单候选议题。") % {"n": adopted}
            self.message_user(request, message, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)
        if not adopted and not refused:
            self.message_user(request, _t("所选预警都已处理过。"), messages.WARNING)
