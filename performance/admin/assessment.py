"""The yearly assessment: ranking, score explanation, recompute, annual report, the
quarterly publication form, and the consequences (re-election / exit) with their decisions."""

import math

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import clock
from core.admin_history import HistoryAdminMixin
from core.privacy import export_record
from deputies.models import Deputy

from .. import scoring, selectors, services
from ..models import (
    DECISIONS_BY_KIND,
    Assessment,
    ConsequenceDecision,
    ConsequenceKind,
    Decision,
    RuleSet,
)
from ..report import FORMATS, ReportError, annual_report_build, report_response
from ..scoring import ScoringError
from ..services import LedgerError
from .common import (
    TEMPLATES,
    YEAR_MAX,
    YEAR_MIN,
    AssessmentYearFilter,
    DeputyLevelColumn,
    PerformanceAdmin,
    PlainYearFilter,
    ReadOnlyMixin,
    _year_choices,
    year_from,
)


class PublishForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    quarter = forms.IntegerField(label=_("季度"), min_value=1, max_value=4)


class DecisionForm(forms.Form):
    deputy = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=ConsequenceKind.choices, widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("处理决定"), choices=Decision.choices)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


@admin.register(Assessment)
class AssessmentAdmin(HistoryAdminMixin, DeputyLevelColumn, ReadOnlyMixin, PerformanceAdmin):
    change_list_template = TEMPLATES + "assessment/change_list.html"
    list_display = (
        "rank",
        "deputy",
        "total",
        "grade",
        "explain_link",
        "base",
        "innovation",
        "contribution",
        "duty_days",
        "deputy_level",
        "year",
    )
    list_display_links = None
    list_filter = (AssessmentYearFilter, "grade", "deputy__level")
    search_fields = ("deputy__name", "deputy__code")
    list_select_related = ("deputy", "rule_set")
    ordering = ("-rule_set__year", "rank", "deputy__code")
    sortable_by = ("rank", "total")  # within the year the list always shows: few rows
    list_per_page = 100

    @admin.display(description=_("年度"), ordering="rule_set__year")
    def year(self, obj):
        return obj.rule_set.year

    @admin.display(description=_("得分说明"))
    def explain_link(self, obj):
        url = reverse("admin:performance_assessment_explain", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _t("查看"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/explain/", view(self.explain_view), name="performance_assessment_explain"
            ),
            path("consequences/", view(self.consequences_view), name="performance_consequences"),
            path("recompute/", view(self.recompute_view), name="performance_assessment_recompute"),
            path("report/", view(self.report_view), name="performance_assessment_report"),
            path("publish/", view(self.publish_view), name="performance_assessment_publish"),
            *super().get_urls(),
        ]

    def _year(self, request) -> int:
        """The year the custom pages work on: a bad or missing one means this year."""
        year = year_from(request.GET.get("year") or request.POST.get("year"))
        return clock.today().year if year is None else year

    def changelist_view(self, request, extra_context=None):
        bad_year = "year" in request.GET and year_from(request.GET["year"]) is None
        if request.method == "GET" and (not request.GET or bad_year):
            # One year's ranking at a time: ranks of different years interleaved mislead.
            # A year that is none (?year=abc) opens the same year as the bare list.
            years = list(
                RuleSet.objects.filter(assessments__isnull=False)
                .values_list("year", flat=True)
                .distinct()
            )
            this_year = clock.today().year
            if years:
                year = this_year if this_year in years else max(years)
                return HttpResponseRedirect(f"{request.path}?year={year}")
        year = self._year(request)
        extra = {"year": year, "years": _year_choices(), "formats": FORMATS}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def explain_view(self, request, pk: int):
        assessment = get_object_or_404(
            Assessment.objects.select_related("deputy", "rule_set"), pk=pk
        )
        rule_set = assessment.rule_set
        rules = list(rule_set.rules.all())
        entries = selectors.verified_entries(assessment.deputy, rule_set)
        lines = scoring.explain(rule_set, rules, assessment.counts, entries)
        return self._page(
            request,
            "explain.html",
            _t("%(d)s %(y)s 年度得分说明") % {"d": assessment.deputy, "y": rule_set.year},
            assessment=assessment,
            lines=lines,
            quota=math.ceil(rule_set.excellence_quota * assessment.assessed_count),
            changelist_query=f"year={rule_set.year}",
        )

    def recompute_view(self, request):
        if request.method != "POST":
            return redirect("admin:performance_assessment_changelist")
        year = self._year(request)
        try:
            result = scoring.assessment_compute(year=year, actor=request.user)
        except ScoringError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                _t("%(y)s 年度：%(n)d 人参评，%(c)d 条更新。")
                % {"y": year, "n": result.assessed, "c": result.changed},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:performance_assessment_changelist") + f"?year={year}"
        )

    def report_view(self, request):
        year, fmt = self._year(request), request.GET.get("format", "xlsx")
        if fmt not in FORMATS:
            fmt = "xlsx"
        try:
            report = annual_report_build(year=year, actor=request.user)
        except (ReportError, ScoringError) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect("admin:performance_assessment_changelist")
        # Named deputies' grades and the exit list: personal data, so the download is recorded.
        export_record(
            actor=request.user,
            export="performance.annual_report_export",
            count=report.deputies,
            filters={"year": year, "format": fmt},
            summary=_t("导出 %(y)s 年度履职考核报告") % {"y": year},
        )
        return report_response(report, fmt)

    def publish_view(self, request):
        today = clock.today()
        form = PublishForm(
            request.POST or None,
            initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1},
        )
        if request.method == "POST" and form.is_valid():
            try:
                publication = services.publication_publish(actor=request.user, **form.cleaned_data)
            except (LedgerError, ScoringError) as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _t("已向代表公布 %(p)s 积分表（%(n)d 人）。")
                    % {"p": publication, "n": len(publication.rows)},
                    messages.SUCCESS,
                )
                return redirect("admin:performance_publication_changelist")
        return self._page(
            request,
            "simple_form.html",
            _t("季度亮分：向代表公布积分表"),
            form=form,
            note=_t(
                "公布后每位代表可在履职档案中看到全体代表的积分排名；同一季度再次公布会更新该季度的表。"
            ),
            submit=_t("公布"),
        )

    def consequences_view(self, request):
        year = self._year(request)
        if request.method == "POST":
            form = DecisionForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                deputy = get_object_or_404(Deputy, pk=data["deputy"])
                try:
                    services.decision_record(
                        deputy=deputy,
                        year=year,
                        kind=data["kind"],
                        decision=data["decision"],
                        note=data["note"],
                        actor=request.user,
                    )
                except LedgerError as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                else:
                    self.message_user(
                        request, _t("已记录 %(d)s 的处理决定。") % {"d": deputy}, messages.SUCCESS
                    )
            else:
                self.message_user(request, _t("请选择处理决定。"), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:performance_consequences") + f"?year={year}")
        lists = selectors.consequence_lists(year)
        return self._page(
            request,
            "consequences.html",
            _t("%(y)s 年度考核结果运用") % {"y": year},
            year=year,
            years=_year_choices(),
            reelection=lists["reelection"],
            exits=lists["exit"],
            reelection_decisions=[
                (d.value, d.label) for d in DECISIONS_BY_KIND[ConsequenceKind.REELECTION]
            ],
            exit_decisions=[(d.value, d.label) for d in DECISIONS_BY_KIND[ConsequenceKind.EXIT]],
            talk_list=selectors.talk_list(),
            changelist_query=f"year={year}",
        )


class ConsequenceDecisionForm(forms.ModelForm):
    class Meta:
        model = ConsequenceDecision
        fields = ("decision", "note")

    def clean_decision(self):
        decision = self.cleaned_data["decision"]
        if decision not in DECISIONS_BY_KIND.get(self.instance.kind, ()):
            raise forms.ValidationError(
                _t(services.ERR_DECISION_KIND)
                % {
                    "decision": Decision(decision).label,
                    "kind": self.instance.get_kind_display(),
                }
            )
        return decision


@admin.register(ConsequenceDecision)
class ConsequenceDecisionAdmin(HistoryAdminMixin, PerformanceAdmin):
    form = ConsequenceDecisionForm
    list_display = ("year", "kind", "deputy", "decision", "note", "decided_on", "decided_by")
    list_filter = (PlainYearFilter, "kind", "decision")
    search_fields = ("deputy__name", "deputy__code", "note")
    list_select_related = ("deputy", "decided_by")
    sortable_by = ("year", "decided_on")
    readonly_fields = ("deputy", "year", "kind", "decided_by", "decided_on")

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        extra = {"consequences_url": reverse("admin:performance_consequences")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        services.decision_record(
            deputy=obj.deputy,
            year=obj.year,
            kind=obj.kind,
            decision=obj.decision,
            note=obj.note,
            actor=request.user,
        )
