"""Admin: stations, reception days with their duty rosters, and the duty list where the clerk
registers attendance (登记到岗). Attendance and roster changes go through
``liaison.services.duties`` (B03 through the ledger door, audit rows), never a bare save."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock
from core.admin_history import HistoryAdminMixin
from core.admin_lists import DateYearFilter, LargeListAdmin, subquery_count
from core.audit import audit_record
from deputies.models import Status

from ..models import Duty, ReceptionDay, Station
from ..services.duties import (
    ERR_DEPUTY_NOT_SERVING,
    ERR_MARKED_DUTY_REMOVED,
    ERR_NOT_YET,
    DutyError,
    duty_mark_attendance,
    duty_mark_many,
)
from ..services.stations import station_saved, station_set_active

StationDeputy = Station.deputies.through


def _links(station: Station):
    return format_html(
        '<a href="{}" target="_blank">{}</a> · <a href="{}?format=png">PNG</a> · '
        '<a href="{}" target="_blank">{}</a>',
        reverse("liaison:station_qr", args=[station.pk]),
        gettext("二维码"),
        reverse("liaison:station_qr", args=[station.pk]),
        reverse("liaison:station_poster", args=[station.pk]),
        gettext("打印海报"),
    )


@admin.register(Station)
class StationAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "host_type",
        "community",
        "deputy_count",
        "is_active",
        "links",
    )
    list_filter = ("kind", "host_type", "community", "is_active")
    search_fields = ("name", "address", "community__name")
    list_select_related = ("community",)
    sortable_by = ("name", "kind", "host_type")
    filter_horizontal = ("deputies",)
    readonly_fields = ("links",)
    actions = ["activate", "deactivate"]
    fieldsets = (
        (None, {"fields": ("name", "kind", "host_type", "community", "is_active", "links")}),
        (_("位置与开放"), {"fields": ("address", "latitude", "longitude", "opening_hours")}),
        (_("进站代表"), {"fields": ("deputies",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_deputies=subquery_count(StationDeputy, "station"))
        )

    @admin.display(description=_("进站代表数"), ordering="n_deputies")
    def deputy_count(self, obj):
        return obj.n_deputies

    @admin.display(description=_("二维码与海报"))
    def links(self, obj):
        return _links(obj) if obj.pk else "—"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "deputies":
            kwargs["queryset"] = db_field.related_model.objects.filter(status=Status.SERVING)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        station_saved(station=form.instance, created=not change, actor=request.user)

    @admin.action(description=_("启用所选站点"))
    def activate(self, request, queryset):
        n = station_set_active(stations=queryset, active=True, actor=request.user)
        self.message_user(request, gettext("已启用 %(n)d 个站点。") % {"n": n})

    @admin.action(description=_("停用所选站点"))
    def deactivate(self, request, queryset):
        n = station_set_active(stations=queryset, active=False, actor=request.user)
        self.message_user(request, gettext("已停用 %(n)d 个站点。") % {"n": n})


class DutyFormSet(forms.BaseInlineFormSet):
    """The roster's rules, checked before anything is saved (one message per problem)."""

    def clean(self):
        super().clean()
        day = self.instance
        today = clock.today()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            data, duty = form.cleaned_data, form.instance
            if data.get("DELETE"):
                if duty.pk and Duty.objects.filter(pk=duty.pk, attended__isnull=False).exists():
                    raise ValidationError(
                        gettext(ERR_MARKED_DUTY_REMOVED) % {"deputy": duty.deputy}
                    )
                continue
            deputy = data.get("deputy")
            if not duty.pk and deputy is not None and deputy.status != Status.SERVING:
                form.add_error("deputy", gettext(ERR_DEPUTY_NOT_SERVING) % {"deputy": deputy})
            if (
                "attended" in form.changed_data
                and data.get("attended") is not None
                and day.date
                and day.date > today
            ):
                form.add_error("attended", gettext(ERR_NOT_YET) % {"date": day.date.isoformat()})


class DutyInline(admin.TabularInline):
    model = Duty
    formset = DutyFormSet
    fields = ("deputy", "attended", "reminded_at")
    readonly_fields = ("reminded_at",)
    autocomplete_fields = ("deputy",)
    extra = 0


@admin.register(ReceptionDay)
class ReceptionDayAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = (
        "date",
        "starts_at",
        "ends_at",
        "station",
        "theme",
        "topic",
        "duty_count",
        "attended_count",
    )
    list_display_links = ("date", "starts_at")
    list_filter = (DateYearFilter.on("date"), "theme", "station")
    search_fields = ("station__name", "topic")
    list_select_related = ("station",)
    sortable_by = ("date",)
    inlines = [DutyInline]
    actions = ["mark_all_attended"]
    autocomplete_fields = ("station",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_duties=Count("duties"),
                n_attended=Count("duties", filter=Q(duties__attended=True)),
            )
        )

    @admin.display(description=_("值班代表"))
    def duty_count(self, obj):
        return obj.n_duties

    @admin.display(description=_("到岗"))
    def attended_count(self, obj):
        return obj.n_attended

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="liaison.reception_day.update" if change else "liaison.reception_day.schedule",
            target=obj,
            summary=str(obj),
        )

    def save_formset(self, request, form, formset, change):
        """New and removed duties are saved here (audited); a changed attendance goes
        through ``duty_mark_attendance`` so the B03 credit follows it."""
        if formset.model is not Duty:
            return super().save_formset(request, form, formset, change)
        marks = []
        for duty_form in formset.forms:
            if duty_form in formset.deleted_forms or not duty_form.has_changed():
                continue
            if "attended" in duty_form.changed_data:
                marks.append((duty_form.instance, duty_form.cleaned_data.get("attended")))
                # Saved as it was; the service below records the change and its credit.
                duty_form.instance.attended = duty_form.initial.get("attended")
        removed = [f.instance.deputy.code for f in formset.deleted_forms if f.instance.pk]
        formset.save()
        added = [d.deputy.code for d in formset.new_objects]
        if added or removed:
            audit_record(
                actor=request.user,
                action="liaison.duty.set",
                target=form.instance,
                summary=str(form.instance),
                data={"added": sorted(added), "removed": sorted(removed)},
            )
        for duty, attended in marks:
            try:
                duty_mark_attendance(duty=duty, attended=attended, actor=request.user)
            except DutyError as exc:
                self.message_user(request, f"{duty.deputy}：{exc}", messages.ERROR)

    @admin.action(description=_("登记所选接待日值班代表全部到岗"))
    def mark_all_attended(self, request, queryset):
        duties = Duty.objects.filter(reception_day__in=queryset).select_related(
            "reception_day", "deputy"
        )
        _report(self, request, *duty_mark_many(duties=duties, attended=True, actor=request.user))


def _report(model_admin, request, marked: int, errors: list[str]) -> None:
    model_admin.message_user(request, gettext("已登记 %(n)d 人次。") % {"n": marked})
    for error in errors:
        model_admin.message_user(request, error, messages.ERROR)


@admin.register(Duty)
class DutyAdmin(HistoryAdminMixin, LargeListAdmin, admin.ModelAdmin):
    """Every duty as a row: the clerk's attendance sheet (登记到岗) across days."""

    list_display = ("day_date", "station", "deputy", "attended", "reminded_at")
    list_filter = (
        DateYearFilter.on("reception_day__date"),
        "attended",
        "reception_day__station",
        "reception_day__theme",
    )
    search_fields = ("deputy__name", "deputy__code", "reception_day__station__name")
    list_select_related = ("reception_day__station", "deputy")
    sortable_by = ()
    ordering = ("-reception_day__date", "reception_day__starts_at", "deputy__code")
    actions = ["mark_attended", "mark_absent"]
    readonly_fields = ("reception_day", "deputy", "attended", "reminded_at")

    def has_add_permission(self, request):
        return False  # duties are added on their reception day

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("日期"), ordering="reception_day__date")
    def day_date(self, obj):
        return obj.reception_day.date

    @admin.display(description=_("站点"))
    def station(self, obj):
        return obj.reception_day.station

    @admin.action(description=_("登记到岗"))
    def mark_attended(self, request, queryset):
        _report(self, request, *duty_mark_many(duties=queryset, attended=True, actor=request.user))

    @admin.action(description=_("登记未到岗"))
    def mark_absent(self, request, queryset):
        _report(self, request, *duty_mark_many(duties=queryset, attended=False, actor=request.user))
