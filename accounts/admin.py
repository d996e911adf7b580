from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # accounts sits below core (no core.admin_lists here): the same two savings by hand, no
    # second full count and no facet counts.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_display = ("username", "full_name", "phone", "email", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "groups")
    search_fields = ("username", "full_name", "phone", "email")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("联系方式"), {"fields": ("full_name", "phone")}),
    )
