"""Reference data staff keep: handling units (with their logins) and categories."""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin_lists import LargeListAdmin, built_once_a_day

from .. import services
from ..models import Category, HandlingUnit
from ..reviews import flagged_scores


@admin.register(HandlingUnit)
class HandlingUnitAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = (
        "name",
        "short_name",
        "contact_name",
        "contact_phone",
        "is_active",
        "review_flag",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "short_name")
    filter_horizontal = ("users",)

    def get_search_results(self, request, queryset, search_term):
        """The 交办 pickers (admin autocomplete for a suggestion's units) offer active units
        only: an inactive one would be refused once chosen."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "suggestion":
            queryset = queryset.filter(is_active=True)
        return queryset, duplicates

    @built_once_a_day
    def get_queryset(self, request):
        # Below 60 two years running with no 专题检讨 recorded: one EXISTS per row shown.
        open_flag = flagged_scores().filter(unit=OuterRef("pk"))
        return super().get_queryset(request).annotate(review_due=Exists(open_flag))

    @admin.display(description=_("专题检讨"))
    def review_flag(self, obj):
        if not obj.review_due:
            return ""
        url = reverse("admin:suggestions_unitreview_flagged")
        return format_html('<a href="{}">{}</a>', url, _t("连续两年低于 60 分，待检讨"))

    def save_related(self, request, form, formsets, change):
        """A login added to a unit gets the handling-unit role, or the portal would refuse it."""
        super().save_related(request, form, formsets, change)
        try:
            services.unit_logins_grant_role(unit=form.instance, actor=request.user)
        except services.SuggestionError as exc:
            messages.error(request, str(exc))


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name",)
