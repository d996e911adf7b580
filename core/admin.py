from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_lists import DateYearFilter, IndexedValuesFilter, LargeListAdmin
from .models import AuditEvent, CalendarDay, Notification


@admin.register(AuditEvent)
class AuditEventAdmin(LargeListAdmin, admin.ModelAdmin):
    """The audit log grows with every change anyone makes: years and modules to filter by are
    read from indexes and the app list, never from the rows."""

    list_display = ("created_at", "actor", "action", "target_type", "target_id", "summary")
    list_filter = (
        DateYearFilter.on("created_at"),
        IndexedValuesFilter.on("action", _("操作")),
        IndexedValuesFilter.on("target_type", _("对象类型")),
    )
    search_fields = ("summary", "target_id", "actor__username", "actor__full_name")
    list_select_related = ("actor",)
    sortable_by = ("created_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at", "emailed_at")
    list_filter = (
        DateYearFilter.on("created_at"),
        IndexedValuesFilter.on("kind", _("类别")),
        ("read_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("title", "recipient__username", "recipient__full_name")
    list_select_related = ("recipient",)
    sortable_by = ("created_at",)


@admin.register(CalendarDay)
class CalendarDayAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = (DateYearFilter.on("date"), "kind", "name")
    search_fields = ("name",)
    ordering = ("-date",)
