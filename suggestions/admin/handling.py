"""What staff oversee while a suggestion is handled: extension requests, supervision plans
with milestones, tough projects with their quarterly reports."""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record

from .. import services
from ..models import (
    ExtensionRequest,
    ExtensionStatus,
    Milestone,
    QuarterlyReport,
    SupervisionPlan,
    ToughProject,
)
from ..services import SuggestionError
from ..workflow import staff_users
from .common import ReadOnlyInline, bulk_run


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ("suggestion", "unit", "requested_deadline", "status", "requested_at")
    list_filter = ("status",)
    list_select_related = ("suggestion", "unit")
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

    def has_add_permission(self, request):
        return False

    change_form_template = "suggestions/admin/extension_change_form.html"

    def save_model(self, request, obj, form, change):
        ExtensionRequest.objects.filter(pk=obj.pk).update(decision_note=obj.decision_note)

    def response_change(self, request, obj):
        """The 同意/不同意 buttons on the request's own page (where notifications link)."""
        if "_approve" in request.POST or "_reject" in request.POST:
            self._decide(
                request, ExtensionRequest.objects.filter(pk=obj.pk), "_approve" in request.POST
            )
            return redirect("admin:suggestions_extensionrequest_change", obj.pk)
        return super().response_change(request, obj)

    def _decide(self, request, queryset, approve):
        bulk_run(
            request,
            queryset.filter(status=ExtensionStatus.PENDING),
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
class SupervisionPlanAdmin(admin.ModelAdmin):
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


@admin.register(ToughProject)
class ToughProjectAdmin(admin.ModelAdmin):
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
