"""Reference data staff keep: handling units (with their logins) and categories."""

from django.contrib import admin, messages

from core.admin_lists import LargeListAdmin

from .. import services
from ..models import Category, HandlingUnit


@admin.register(HandlingUnit)
class HandlingUnitAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = ("name", "short_name", "contact_name", "contact_phone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "short_name")
    filter_horizontal = ("users",)

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
