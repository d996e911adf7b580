"""What staff oversee while a suggestion is handled: extension requests, supervision plans
with milestones, tough projects with their quarterly reports."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin_history import HistoryAdminMixin
from core.admin_lists import LargeListAdmin
from core.audit import audit_record

from .. import services
from ..models import (
    ExtensionRequest,
    ExtensionStatus,
    HandlingUnit,
    Milestone,
    QuarterlyReport,
    ReturnRequest,
    ReturnStatus,
    SupervisionPlan,
    ToughProject,
)
from ..services import SuggestionError
from ..workflow import staff_users
from .common import ReadOnlyInline, bulk_run


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(HistoryAdminMixin, LargeListAdmin, admin.ModelAdmin):
    list_display = ("suggestion", "unit", "requested_deadline", "status", "requested_at")
    list_filter = ("status",)
    list_select_related = ("suggestion", "unit")
    sortable_by = ("requested_at",)
    readonly_fields = (
        "suggestion",
        "unit",
        "requested_deadline",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    )
    fields = (*readonly_fields, "decision_note")
    actions = ["approve", "reject"]
    change_form_template = "suggestions/admin/extension_change_form.html"

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        # A decided or withdrawn request keeps the note it was settled with.
        if obj is not None and obj.status != ExtensionStatus.PENDING:
            return (*self.readonly_fields, "decision_note")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        ExtensionRequest.objects.filter(pk=obj.pk, status=ExtensionStatus.PENDING).update(
            decision_note=obj.decision_note
        )

    def response_change(self, request, obj):
        """The 同意/不同意 buttons on the request's own page (where notifications link)."""
        if "_approve" in request.POST or "_reject" in request.POST:
            self._decide(
                request, ExtensionRequest.objects.filter(pk=obj.pk), "_approve" in request.POST
            )
            return redirect("admin:suggestions_extensionrequest_change", obj.pk)
        return super().response_change(request, obj)

    def _decide(self, request, queryset, approve):
        # Every selected request goes to the service, so one already decided or withdrawn by a
        # reply gets a message naming its suggestion instead of being skipped in silence.
        bulk_run(
            request,
            queryset.select_related("suggestion", "unit"),
            _t("同意延期") if approve else _t("不同意延期"),
            lambda r: services.extension_decide(
                request=r, approve=approve, note=r.decision_note, actor=request.user
            ),
        )

    @admin.action(description=_("同意延期"))
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("不同意延期"))
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(ReturnRequest)
class ReturnRequestAdmin(HistoryAdminMixin, LargeListAdmin, admin.ModelAdmin):
    """退办申请: staff choose the new lead unit (and co-units) and approve, or refuse with a
    reason, on the request's own page (where the notification links)."""

    list_display = ("suggestion", "unit", "status", "requested_at", "new_lead_unit", "decided_at")
    list_filter = ("status",)
    list_select_related = ("suggestion", "unit", "new_lead_unit")
    sortable_by = ("requested_at",)
    search_fields = ("suggestion__number", "suggestion__title", "unit__name")
    change_form_template = "suggestions/admin/return_change_form.html"
    request_fields = ("suggestion", "unit", "reason", "status", "requested_by", "requested_at")
    decision_fields = ("new_lead_unit", "new_co_units", "staff_reason")
    decided_fields = (*request_fields, *decision_fields, "decided_by", "decided_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status == ReturnStatus.PENDING:
            return (*self.request_fields, *self.decision_fields)
        return self.decided_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == ReturnStatus.PENDING:
            return self.request_fields
        return self.decided_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        widget = form.base_fields.get("new_lead_unit") and form.base_fields["new_lead_unit"].widget
        if widget is not None:  # choose a unit here, do not edit units from this page
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        if "new_co_units" in form.base_fields:
            form.base_fields["new_co_units"].widget.can_add_related = False
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "new_lead_unit":
            kwargs["queryset"] = HandlingUnit.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "new_co_units":
            kwargs["queryset"] = HandlingUnit.objects.filter(is_active=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Only the staff's draft decision is kept here; the status changes in return_decide.
        ReturnRequest.objects.filter(pk=obj.pk, status=ReturnStatus.PENDING).update(
            new_lead_unit=obj.new_lead_unit, staff_reason=obj.staff_reason
        )

    def save_related(self, request, form, formsets, change):
        if form.instance.status == ReturnStatus.PENDING:
            form.instance.new_co_units.set(form.cleaned_data.get("new_co_units") or [])

    def response_change(self, request, obj):
        if "_approve" in request.POST or "_refuse" in request.POST:
            approve = "_approve" in request.POST
            obj.refresh_from_db()
            try:
                services.return_decide(
                    request=obj, approve=approve, note=obj.staff_reason, actor=request.user
                )
            except SuggestionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _t("已同意退办，已改办。") if approve else _t("已不同意退办，已通知承办单位。"),
                    messages.SUCCESS,
                )
            return redirect("admin:suggestions_returnrequest_change", obj.pk)
        return super().response_change(request, obj)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 1


class SupervisionPlanForm(forms.ModelForm):
    class Meta:
        model = SupervisionPlan
        fields = ("suggestion", "responsible", "note")

    def clean(self):
        data = super().clean()
        if data.get("suggestion") and data.get("responsible"):
            try:
                services.supervision_plan_check(
                    suggestion=data["suggestion"], responsible=data["responsible"]
                )
            except SuggestionError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(SupervisionPlan)
class SupervisionPlanAdmin(LargeListAdmin, admin.ModelAdmin):
    form = SupervisionPlanForm
    list_display = ("suggestion", "responsible", "created_at")
    list_select_related = ("suggestion", "responsible")
    autocomplete_fields = ("suggestion",)
    inlines = [MilestoneInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "responsible":
            kwargs["queryset"] = staff_users().order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="suggestions.plan_set",
            target=obj.suggestion,
            summary=str(obj.responsible),
        )


class QuarterlyReportInline(ReadOnlyInline):
    model = QuarterlyReport
    fields = ("year", "quarter", "unit", "content", "submitted_at")
    select = ("unit",)
    parent = "project"


@admin.register(ToughProject)
class ToughProjectAdmin(HistoryAdminMixin, LargeListAdmin, admin.ModelAdmin):
    list_display = ("suggestion", "difficulty", "team", "started_on", "finished_on")
    list_filter = ("difficulty",)
    list_select_related = ("suggestion",)
    readonly_fields = ("suggestion",)
    inlines = [QuarterlyReportInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="suggestions.tough_change",
            target=obj.suggestion,
            summary=str(obj),
        )
