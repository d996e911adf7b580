"""Public ratings (read only) and the units' stored yearly scores."""

from django.contrib import admin, messages
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin_history import HistoryAdminMixin
from core.admin_lists import LargeListAdmin

from ..models import PublicRating, UnitYearScore
from ..scoring import unit_scores_refresh
from ..unit_export import FORMATS, unit_scores_response
from .reviews import YEAR_MAX, YEAR_MIN, unit_score_years


@admin.register(PublicRating)
class PublicRatingAdmin(HistoryAdminMixin, LargeListAdmin, admin.ModelAdmin):
    list_display = ("suggestion", "score", "comment", "created_at")
    list_select_related = ("suggestion",)
    sortable_by = ("created_at",)
    readonly_fields = ("suggestion", "score", "comment", "created_at")
    exclude = ("phone_hash", "device_token")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UnitYearScore)
class UnitYearScoreAdmin(HistoryAdminMixin, LargeListAdmin, admin.ModelAdmin):
    list_display = ("year", "unit", "concluded", "implementation_avg", "benefit_avg", "score")
    list_filter = ("year",)
    list_select_related = ("unit",)
    actions = ["refresh"]
    change_list_template = "admin/suggestions/unityearscore/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("export/", view(self.export_view), name="suggestions_unityearscore_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"export_years": unit_score_years()}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def export_view(self, request):
        """The year's sheet for the district's 部门绩效考核 (xlsx or csv)."""
        if not self.has_view_permission(request):
            raise Http404
        year, fmt = request.GET.get("year", ""), request.GET.get("format", "xlsx")
        if not year.isdigit() or not YEAR_MIN <= int(year) <= YEAR_MAX or fmt not in FORMATS:
            raise Http404
        return unit_scores_response(year=int(year), fmt=fmt)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新计算所选年度"))
    def refresh(self, request, queryset):
        for year in sorted(set(queryset.values_list("year", flat=True))):
            unit_scores_refresh(year=year, actor=request.user)
        self.message_user(request, _t("已重新计算。"), messages.SUCCESS)
