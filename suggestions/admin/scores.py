"""Public ratings (read only) and the units' stored yearly scores."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin_history import HistoryAdminMixin
from core.admin_lists import LargeListAdmin

from ..models import PublicRating, UnitYearScore
from ..scoring import unit_scores_refresh


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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新计算所选年度"))
    def refresh(self, request, queryset):
        for year in sorted(set(queryset.values_list("year", flat=True))):
            unit_scores_refresh(year=year, actor=request.user)
        self.message_user(request, _t("已重新计算。"), messages.SUCCESS)
