"""Reference data staff keep: handling units (with their logins) and categories."""

from django.contrib import admin

from ..models import Category, HandlingUnit


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "contact_name", "contact_phone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "short_name")
    filter_horizontal = ("users",)

    def save_related(self, request, form, formsets, change):
        """A login added to a unit gets the handling-unit role, or the portal would refuse it."""
        super().save_related(request, form, formsets, change)
        from django.contrib.auth.models import Group

        from accounts.roles import Role

        role = Group.objects.get(name=Role.HANDLING_UNIT.value)
        role.user_set.add(*form.instance.users.all())


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name",)
