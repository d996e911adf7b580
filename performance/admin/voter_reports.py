"""Reports to voters: the yearly plan (who reports) and each report's record and check."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import clock
from core.admin_lists import subquery_count

from .. import services
from ..models import (
    ReportStatus,
    VoterReport,
    VoterReportPlan,
)
from ..services import LedgerError
from .common import (
    TEMPLATES,
    YEAR_MAX,
    YEAR_MIN,
    PerformanceAdmin,
    PlanYearFilter,
    _run,
    count_column,
)


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    share = forms.DecimalField(
        label=_("述职比例"),
        min_value=Decimal("0.2"),
        max_value=Decimal("1"),
        decimal_places=2,
        initial=Decimal("0.2"),
        help_text=_("至少 0.20（20%），本届尚未述职的代表优先。"),
    )


class VoterReportInline(admin.TabularInline):
    model = VoterReport
    extra = 0
    fields = (
        "deputy",
        "status",
        "held_on",
        "place",
        "voters_present",
        "satisfied",
        "basically_satisfied",
        "unsatisfied",
    )
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy", "plan")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VoterReportPlan)
class VoterReportPlanAdmin(PerformanceAdmin):
    list_display = ("year", "planned", "held", "verified", "created_by", "created_at")
    list_select_related = ("created_by",)
    readonly_fields = ("year", "created_by", "created_at")
    inlines = [VoterReportInline]
    change_list_template = TEMPLATES + "voterreportplan/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_planned=subquery_count(VoterReport, "plan"),
                n_held=subquery_count(
                    VoterReport,
                    "plan",
                    status__in=[ReportStatus.HELD, ReportStatus.VERIFIED],
                ),
                n_verified=subquery_count(VoterReport, "plan", status=ReportStatus.VERIFIED),
            )
        )

    planned = count_column("n_planned", _("安排人数"))

    held = count_column("n_held", _("已述职"))

    verified = count_column("n_verified", _("已核实"))

    def get_urls(self):
        return [
            path(
                "create/",
                self.admin_site.admin_view(self.create_view),
                name="performance_voterreportplan_create",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:performance_voterreportplan_create")

    def has_delete_permission(self, request, obj=None):
        # Held or verified reports are the source of B06 credits; keep them.
        if obj is not None and obj.reports.exclude(status=ReportStatus.PLANNED).exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def create_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:performance_voterreportplan_changelist")
        form = PlanForm(request.POST or None, initial={"year": clock.today().year})
        if request.method == "POST" and form.is_valid():
            try:
                plan = services.voter_report_plan_create(
                    year=form.cleaned_data["year"],
                    share=form.cleaned_data["share"],
                    actor=request.user,
                )
            except LedgerError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _t("已制定 %(p)s：%(n)d 名代表。") % {"p": plan, "n": plan.reports.count()},
                    messages.SUCCESS,
                )
                return redirect("admin:performance_voterreportplan_change", plan.pk)
        return self._page(
            request,
            "simple_form.html",
            _t("制定述职计划"),
            form=form,
            note=_t(
                "按比例从当年在任代表中选出述职代表，本届尚未向选民述职的代表优先，"
                "确保每名代表每届至少述职一次。"
            ),
            submit=_t("制定计划"),
        )


class VoterReportForm(forms.ModelForm):
    class Meta:
        model = VoterReport
        fields = (
            "held_on",
            "place",
            "voters_present",
            "satisfied",
            "basically_satisfied",
            "unsatisfied",
        )
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        if not data.get("held_on"):
            raise forms.ValidationError(_t(services.ERR_REPORT_NOT_HELD))
        try:
            services.voter_report_date_check(year=self.instance.plan.year, held_on=data["held_on"])
        except LedgerError as exc:
            self.add_error("held_on", str(exc))
        counts = ("voters_present", "satisfied", "basically_satisfied", "unsatisfied")
        try:
            services.voter_report_counts_check(**{k: data.get(k) or 0 for k in counts})
        except LedgerError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(VoterReport)
class VoterReportAdmin(PerformanceAdmin):
    form = VoterReportForm
    list_display = (
        "deputy",
        "year",
        "status",
        "held_on",
        "voters_present",
        "satisfied",
        "basically_satisfied",
        "unsatisfied",
        "satisfaction",
    )
    list_filter = (PlanYearFilter, "status", "deputy__level")
    search_fields = ("deputy__name", "deputy__code", "place")
    list_select_related = ("deputy", "plan")
    sortable_by = ("held_on",)
    actions = ["verify"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == ReportStatus.VERIFIED:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        base = ("plan", "deputy", "status", "verified_by", "verified_at")
        if obj is not None and obj.status == ReportStatus.VERIFIED:
            return (*base, *VoterReportForm.Meta.fields)
        return base

    def get_fields(self, request, obj=None):
        return (
            "plan",
            "deputy",
            "status",
            *VoterReportForm.Meta.fields,
            "verified_by",
            "verified_at",
        )

    @admin.display(description=_("年度"), ordering="plan__year")
    def year(self, obj):
        return obj.plan.year

    @admin.display(description=_("满意率"))
    def satisfaction(self, obj):
        if not obj.evaluations:
            return "—"
        return f"{(obj.satisfied + obj.basically_satisfied) / obj.evaluations:.0%}"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.voter_report_record(report=obj, actor=request.user, **data)

    @admin.action(description=_("核实所选述职（记入 B06）"))
    def verify(self, request, queryset):
        _run(
            request,
            queryset.exclude(status=ReportStatus.VERIFIED),
            _t("核实述职"),
            lambda r: services.voter_report_verify(report=r, actor=request.user),
        )
