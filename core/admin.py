from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from . import texts
from .admin_history import HistoryAdminMixin, changed_fields
from .admin_lists import DateYearFilter, IndexedValuesFilter, LargeListAdmin
from .admin_search import IndexedSearch, IndexedSearchAdmin
from .admin_sidebar import SidebarValuesFilter, SidebarYearFilter, sidebar_rows
from .compiled import rows_once
from .models import AuditEvent, CalendarDay, Notification

SUMMARY_SHOWN = 60  # characters of an event's summary in the log's list


class ActorFilter(admin.SimpleListFilter):
    """Who acted: staff accounts (the people who edit in the admin) and the system. Any other
    user is reached through the search box; the choices never scan the audit table."""

    title = _("操作人")
    parameter_name = "actor"
    SYSTEM = "system"

    @classmethod
    def sidebar_part(cls, request, model_admin, path):
        """Read with the other filters' choices in one statement (``core.admin_sidebar``)."""
        return ("audit-actors",), _staff_names

    def lookups(self, request, model_admin):
        # The five columns the labels show, by a statement compiled once per process: loading
        # whole user rows (password hashes and all) cost ~1 ms of the audit log's page.
        staff = sidebar_rows(request, model_admin, ("audit-actors",))
        if staff is NotImplemented:
            staff = rows_once(("admin:audit-actors",), _staff_names)
        return [(self.SYSTEM, _("系统（无操作人）"))] + [
            (str(pk), f"{full_name or f'{first} {last}'.strip() or username}（{username}）")
            for pk, full_name, first, last, username in staff
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.SYSTEM:
            return queryset.filter(actor__isnull=True)
        if value and value.isdigit():
            return queryset.filter(actor_id=int(value))
        return queryset


def _staff_names():
    """Staff accounts' names as ``str(user)`` and ``get_username()`` read them."""
    return (
        get_user_model()
        .objects.filter(is_staff=True)
        .order_by("username")
        .values_list("pk", "full_name", "first_name", "last_name", "username")
    )


@admin.register(AuditEvent)
class AuditEventAdmin(IndexedSearchAdmin, LargeListAdmin, admin.ModelAdmin):
    """The audit log grows with every change anyone makes: years and modules to filter by are
    read from indexes and the app list, never from the rows."""

    # What happened (the summary) next to when and who: the action and target codes after it,
    # for the clerk who reads the log to find a change, not the code that made it.
    list_display = (
        "created_at",
        "actor",
        "summary_short",
        "action",
        "source",
        "target_type",
        "target_id",
    )
    exported_instead = {"summary_short": "summary"}  # the sheet gives the summary whole
    list_filter = (  # the years, actions, types and staff: one statement (core.admin_sidebar)
        SidebarYearFilter.on("created_at"),
        SidebarValuesFilter.on("action", _("操作")),
        SidebarValuesFilter.on("target_type", _("对象类型")),
        "source",
        ActorFilter,
    )
    search_fields = ("summary", "actor__username", "actor__full_name")
    indexed_search = IndexedSearch(text=("summary",), related={"actor": ("username", "full_name")})
    list_select_related = ("actor",)
    sortable_by = ("created_at",)
    fields = (
        "created_at",
        "actor",
        "source",
        "action",
        "target_type",
        "target_id",
        "summary",
        "changes_shown",
        "data",
    )
    readonly_fields = fields

    def list_rows(self, queryset):
        """The columns the list shows: not the event's data (JSON decoded per row)."""
        return queryset.only(
            "created_at",
            "source",
            "action",
            "target_type",
            "target_id",
            "summary",
            "actor__username",
            "actor__full_name",
            "actor__first_name",
            "actor__last_name",
        )

    @admin.display(description=_("摘要"))
    def summary_short(self, obj):
        """The summary's first sixty characters: whole (up to 255), it made a row of the log
        as tall as a paragraph, squeezed beside the other columns; the event's page shows
        it whole."""
        cut = texts.escaped(texts.chars(obj.summary, SUMMARY_SHOWN))
        return SafeString(f'<span class="log-summary">{cut}</span>')  # escaped just above

    @admin.display(description=_("变更内容（原值 → 新值）"))
    def changes_shown(self, obj):
        model = self._model_of(obj.target_type)
        lines = changed_fields(model, obj) if model is not None else []
        if not lines:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong>：{} → {}</li>",
                (
                    (
                        line.label,
                        "—" if line.old is None else line.old,
                        "—" if line.new is None else line.new,
                    )
                    for line in lines
                ),
            ),
        )

    @staticmethod
    def _model_of(label: str):
        from django.apps import apps

        try:
            return apps.get_model(label)
        except (LookupError, ValueError):
            return None

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


# accounts sits below core and cannot import the history page; its user admin gets it here.
_user_model = get_user_model()
if admin.site.is_registered(_user_model):
    _user_admin = type(admin.site.get_model_admin(_user_model))
    admin.site.unregister(_user_model)
    admin.site.register(
        _user_model, type(_user_admin.__name__, (HistoryAdminMixin, _user_admin), {})
    )
