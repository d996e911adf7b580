"""Committee staff run the duty ledger from the admin. The admin only configures and shows;
every change of state (verify, reject, close a roll, freeze a year, record a decision...) goes
through ``performance.services`` / ``performance.scoring`` / ``performance.reminders``."""

import math
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, Count, Q, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.audit import audit_record
from core.tabular import file_response, table_response
from deputies.models import Deputy, Level, ProfessionalGroup

from . import reminders, scoring, selectors, services
from .importer import LEDGER_COLUMNS, ledger_import
from .models import (
    DECISIONS_BY_KIND,
    Activity,
    Assessment,
    Attendance,
    ConsequenceDecision,
    ConsequenceKind,
    Decision,
    Dispute,
    DisputeKind,
    DisputeStatus,
    EntryEvidence,
    IdleReminder,
    LedgerEntry,
    Publication,
    ReportStatus,
    Rule,
    RuleSet,
    SourceKind,
    SupervisionTopic,
    TopicSignup,
    VoterReport,
    VoterReportPlan,
)
from .report import FORMATS, ReportError, annual_report_build, report_bytes
from .scoring import ScoringError
from .services import LedgerError

TEMPLATES = "admin/performance/"
ERR_ENDED_NOT_FROZEN = gettext_noop(
    "%(year)s 年度已经结束但尚未封存：在这里修改规则会改写该年度的考核结果。"
    "确认结果后请在列表中选择“封存年度”。"
)


# --- forms used by actions and custom views --------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=200, widget=forms.TextInput(attrs={"size": 60})
    )


class UnfreezeForm(forms.Form):
    reason = forms.CharField(
        label=_("解除封存的理由"), max_length=200, widget=forms.TextInput(attrs={"size": 60})
    )


class CopyForwardForm(forms.Form):
    year = forms.IntegerField(label=_("新的考核年度"), min_value=2000, max_value=2100)


class TalkForm(forms.Form):
    on = forms.DateField(label=_("谈话日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("谈话记录"), max_length=200, required=False)

    def clean_on(self):
        if self.cleaned_data["on"] > timezone.localdate():
            raise forms.ValidationError(_t("谈话日期不能晚于今天。"))
        return self.cleaned_data["on"]


class RollAddForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("专业代表小组"), queryset=ProfessionalGroup.objects.all(), required=False
    )
    level = forms.ChoiceField(
        label=_("代表层级"), choices=[("", "---------"), *Level.choices], required=False
    )
    topic_signups = forms.BooleanField(
        label=_("认领该活动监督议题的代表"),
        required=False,
        help_text=_("菜单式监督：活动所属议题的认领代表；同时选了小组或层级时取其交集。"),
    )

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("group", "level", "topic_signups")):
            raise forms.ValidationError(_t("请选择专业代表小组、代表层级或议题认领代表。"))
        return data

    def deputies(self, activity: Activity):
        qs = Deputy.objects.serving()
        if self.cleaned_data.get("topic_signups"):
            qs = qs.filter(supervision_topics=activity.topic_id) if activity.topic_id else qs.none()
        if self.cleaned_data.get("group"):
            qs = qs.filter(group=self.cleaned_data["group"])
        if self.cleaned_data.get("level"):
            qs = qs.filter(level=self.cleaned_data["level"])
        return qs


class ImportForm(forms.Form):
    file = forms.FileField(label=_("台账文件"), help_text=_(".xlsx 或 .csv，第一行为表头。"))


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    share = forms.DecimalField(
        label=_("述职比例"),
        min_value=Decimal("0.2"),
        max_value=Decimal("1"),
        decimal_places=2,
        initial=Decimal("0.2"),
        help_text=_("至少 0.20（20%），本届尚未述职的代表优先。"),
    )


class PublishForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("季度"), min_value=1, max_value=4)


class DecisionForm(forms.Form):
    deputy = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=ConsequenceKind.choices, widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("处理决定"), choices=Decision.choices)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


def _year_choices():
    return [(y, str(y)) for y in RuleSet.objects.values_list("year", flat=True)]


class YearFilter(admin.SimpleListFilter):
    """Filter by assessment year; ``year_path`` names the lookup on the model."""

    title = _("年度")
    parameter_name = "year"
    year_path = "rule__rule_set__year"

    def lookups(self, request, model_admin):
        return _year_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.year_path: self.value()})
        return queryset


class AssessmentYearFilter(YearFilter):
    year_path = "rule_set__year"


class PlainYearFilter(YearFilter):
    year_path = "year"


class PlanYearFilter(YearFilter):
    year_path = "plan__year"


class TopicYearFilter(YearFilter):
    year_path = "topic__year"


class RuleCodeFilter(admin.SimpleListFilter):
    """The same rule code across years (B01 of 2025 and of 2026 are two rows)."""

    title = _("积分规则")
    parameter_name = "rule_code"

    def lookups(self, request, model_admin):
        names = dict(Rule.objects.order_by("rule_set__year").values_list("code", "name"))
        return [(code, f"{code} {names[code]}") for code in sorted(names)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(rule__code=self.value())
        return queryset


def _run(request, items, label, fn) -> list:
    """Apply ``fn`` to each item; report how many worked and each refusal, never a 500.
    Returns what ``fn`` returned for the items that worked."""
    results, failed = [], []
    for item in items:
        try:
            results.append(fn(item))
        except (LedgerError, ScoringError) as exc:
            failed.append(f"{item}：{exc}")
    if results:
        messages.success(
            request, _t("%(label)s：%(n)d 项完成。") % {"label": label, "n": len(results)}
        )
    for message in failed:
        messages.error(request, message)
    return results


class PerformanceAdmin(admin.ModelAdmin):
    """Shared helpers: intermediate forms for actions and plain custom pages."""

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            TEMPLATES + template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    def _intermediate(self, request, queryset, form, action, title, note=""):
        if isinstance(self.list_select_related, list | tuple):
            queryset = queryset.select_related(*self.list_select_related)
        return self._page(
            request,
            "action_form.html",
            title,
            form=form,
            queryset=queryset[:200],
            count=queryset.count(),
            action=action,
            note=note,
            action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
        )


def count_column(annotation: str, description):
    """A changelist column showing (and sorting by) a count annotated in get_queryset."""

    @admin.display(description=description, ordering=annotation)
    def column(self, obj):
        return getattr(obj, annotation)

    return column


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LockableInline:
    """An inline that turns read-only once its parent is locked (a frozen year, a closed
    roll); subclasses say when with ``locked(parent)``."""

    def locked(self, parent) -> bool:
        raise NotImplementedError

    def _open(self, parent) -> bool:
        return parent is None or not self.locked(parent)

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class DeputyLevelColumn:
    @admin.display(description=_("层级"), ordering="deputy__level")
    def deputy_level(self, obj):
        return obj.deputy.get_level_display() if obj.deputy_id else ""


# --- rule sets ---------------------------------------------------------------------------------


def _narrow(width: str) -> dict:
    return {"style": f"width: {width}"}


class RuleInlineForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = (
            "code",
            "name",
            "dimension",
            "points",
            "yearly_cap",
            "evidence_required",
            "deputy_can_submit",
        )
        widgets = {
            "code": forms.TextInput(attrs=_narrow("4em")),
            "name": forms.TextInput(attrs=_narrow("22em")),
            "points": forms.NumberInput(attrs={**_narrow("5em"), "step": "0.5"}),
            "yearly_cap": forms.NumberInput(
                attrs={**_narrow("5em"), "step": "0.5", "placeholder": _("不设")}
            ),
        }


class RuleInline(LockableInline, admin.TabularInline):
    """The year's rules in the order of the issue's table: base, innovation, contribution."""

    model = Rule
    form = RuleInlineForm
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).in_table_order()

    fields = (
        "code",
        "name",
        "dimension",
        "points",
        "yearly_cap",
        "evidence_required",
        "deputy_can_submit",
    )

    def locked(self, parent) -> bool:
        return parent.frozen


@admin.register(RuleSet)
class RuleSetAdmin(PerformanceAdmin):
    list_display = (
        "year",
        "base_cap",
        "innovation_cap",
        "contribution_cap",
        "excellent_min",
        "excellence_quota",
        "rule_count",
        "assessed",
        "frozen",
        "frozen_at",
    )
    inlines = [RuleInline]
    actions = ["copy_forward", "compute", "freeze", "unfreeze"]
    fieldsets = (
        (None, {"fields": ("year",)}),
        (_("维度上限"), {"fields": ("base_cap", "innovation_cap", "contribution_cap")}),
        (
            _("等次"),
            {"fields": ("excellent_min", "competent_min", "basic_min", "excellence_quota")},
        ),
        (_("封存"), {"fields": ("frozen", "frozen_at")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_rules=Count("rules", distinct=True),
                n_assessed=Count("assessments", distinct=True),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.frozen:
            return [f.name for f in RuleSet._meta.fields]
        return ["year", "frozen", "frozen_at"] if obj else ["frozen", "frozen_at"]

    def has_change_permission(self, request, obj=None):
        # A frozen year is shown read-only; 解除封存 (with a reason) reopens it.
        if obj is not None and obj.frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.frozen or obj.assessments.exists()):
            return False
        return super().has_delete_permission(request, obj)

    rule_count = count_column("n_rules", _("规则数"))

    assessed = count_column("n_assessed", _("参评人数"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            rule_set = RuleSet.objects.filter(pk=object_id).first()
            if self._ended_open(rule_set):
                self.message_user(
                    request,
                    _t(ERR_ENDED_NOT_FROZEN) % {"year": rule_set.year},
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _ended_open(rule_set) -> bool:
        return (
            rule_set is not None
            and not rule_set.frozen
            and rule_set.year < timezone.localdate().year
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if (
            change
            and self._ended_open(form.instance)
            and (form.has_changed() or any(f.has_changed() for f in formsets))
        ):
            self.message_user(
                request,
                _t("%(year)s 年度已结束，本次修改已重新计算该年度考核。结果确认后请封存。")
                % {"year": form.instance.year},
                messages.WARNING,
            )
        audit_record(
            actor=request.user,
            action="performance.rule_set_edit",
            target=form.instance,
            summary=_t("修改 %(r)s 积分规则") % {"r": form.instance},
        )
        services.recompute_on_commit([form.instance.year])

    @admin.action(description=_("复制为新年度的积分规则"))
    def copy_forward(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _t("请只选择一个年度复制。"), messages.WARNING)
            return None
        source = queryset.get()
        form = CopyForwardForm(
            request.POST if "apply" in request.POST else None, initial={"year": source.year + 1}
        )
        if form.is_valid():
            try:
                target = services.rule_set_copy_forward(
                    source=source, year=form.cleaned_data["year"], actor=request.user
                )
            except LedgerError as exc:
                form.add_error("year", str(exc))
            else:
                self.message_user(
                    request, _t("已建立 %(t)s 积分规则。") % {"t": target}, messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:performance_ruleset_change", args=[target.pk])
                )
        return self._intermediate(
            request, queryset, form, "copy_forward", _t("复制为新年度的积分规则")
        )

    @admin.action(description=_("立即重新计算考核"))
    def compute(self, request, queryset):
        _run(
            request,
            queryset,
            _t("重新计算"),
            lambda rs: scoring.assessment_compute(year=rs.year, actor=request.user),
        )

    @admin.action(description=_("封存年度（不再重算）"))
    def freeze(self, request, queryset):
        _run(
            request,
            queryset.filter(frozen=False),
            _t("封存"),
            lambda rs: scoring.rule_set_freeze(year=rs.year, actor=request.user),
        )

    @admin.action(description=_("解除封存"))
    def unfreeze(self, request, queryset):
        form = UnfreezeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            _run(
                request,
                queryset.filter(frozen=True),
                _t("解除封存"),
                lambda rs: scoring.rule_set_unfreeze(
                    year=rs.year, actor=request.user, reason=form.cleaned_data["reason"]
                ),
            )
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            "unfreeze",
            _t("解除封存"),
            note=_t("解除封存后，修改规则或记录会改变该年度的考核结果。"),
        )


# --- ledger entries ----------------------------------------------------------------------------


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.rule_set.year} · {obj.code} {obj.name}（{obj.points:+}）"


class LedgerEntryAdminForm(forms.ModelForm):
    rule = RuleChoiceField(
        label=_("积分规则"),
        queryset=Rule.objects.filter(rule_set__frozen=False)
        .select_related("rule_set")
        .in_table_order("-rule_set__year"),
    )

    class Meta:
        model = LedgerEntry
        fields = ("deputy", "rule", "occurred_on", "title", "place", "description")

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and all(data.get(k) for k in ("deputy", "rule", "occurred_on")):
            try:
                services.entry_check(
                    deputy=data["deputy"],
                    rule=data["rule"],
                    occurred_on=data["occurred_on"],
                    future_ok=False,
                )
            except LedgerError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


class EvidenceInline(LockableInline, admin.TabularInline):
    model = EntryEvidence
    extra = 0
    fields = ("file", "name", "open_link", "uploaded_at")
    readonly_fields = ("open_link", "uploaded_at")

    @admin.display(description=_("查看"))
    def open_link(self, obj):
        # Evidence is not public media; this link checks who asks.
        if obj.pk is None:
            return ""
        url = reverse("performance:evidence", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _t("打开"))

    def locked(self, parent) -> bool:
        return parent.rule.rule_set.frozen


@admin.register(LedgerEntry)
class LedgerEntryAdmin(DeputyLevelColumn, PerformanceAdmin):
    form = LedgerEntryAdminForm
    change_list_template = TEMPLATES + "ledgerentry/change_list.html"
    list_display = (
        "occurred_on",
        "deputy",
        "rule_code",
        "status_badge",
        "title",
        "points",
        "evidence_count",
        "source_kind",
        "deputy_level",
        "reviewed_by",
    )
    list_display_links = ("occurred_on", "title")
    list_filter = (
        YearFilter,
        "status",
        ("rule__dimension", admin.ChoicesFieldListFilter),
        RuleCodeFilter,
        "source_kind",
        "deputy__level",
    )
    search_fields = ("deputy__name", "deputy__code", "title")
    list_select_related = ("deputy", "rule", "rule__rule_set", "reviewed_by")
    autocomplete_fields = ("deputy",)
    date_hierarchy = "occurred_on"
    inlines = [EvidenceInline]
    actions = ["verify", "reject", "export_xlsx"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_evidence=Count("evidence"))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("deputy", "rule", "occurred_on", "title", "place", "description")
        return (
            "deputy",
            "rule",
            "occurred_on",
            "title",
            "place",
            "description",
            "status",
            "review_reason",
            "reviewed_by",
            "reviewed_at",
            "source_kind",
            "source_object",
            "created_by",
            "created_at",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        fixed = (
            "deputy",
            "rule",
            "occurred_on",
            "status",
            "review_reason",
            "reviewed_by",
            "reviewed_at",
            "source_kind",
            "source_object",
            "created_by",
            "created_at",
        )
        if obj.rule.rule_set.frozen or obj.source_kind == SourceKind.AUTOMATIC:
            return (*fixed, "title", "place", "description")
        return fixed

    def has_delete_permission(self, request, obj=None):
        # A wrong entry is rejected with a reason, so the deputy sees why; nothing disappears.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="performance.entry_edit",
                target=obj,
                summary=obj.title,
                data={"changed": form.changed_data},
            )
            return
        data = form.cleaned_data
        created = services.entry_create(
            deputy=data["deputy"],
            rule_code=data["rule"].code,
            occurred_on=data["occurred_on"],
            title=data["title"],
            description=data.get("description", ""),
            place=data.get("place", ""),
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj.refresh_from_db()

    @admin.display(description=_("规则"), ordering="rule__code")
    def rule_code(self, obj):
        return format_html('<span title="{}">{}</span>', obj.rule.name, obj.rule.code)

    @admin.display(description=_("分值"))
    def points(self, obj):
        return obj.rule.points

    @admin.display(description=_("状态"), ordering="status")
    def status_badge(self, obj):
        colour = {"pending": "#b7791f", "verified": "#2f855a", "rejected": "#c53030"}[obj.status]
        return format_html(
            '<span style="color:{}" title="{}">{}</span>',
            colour,
            obj.review_reason,
            obj.get_status_display(),
        )

    @admin.display(description=_("佐证"), ordering="n_evidence")
    def evidence_count(self, obj):
        return obj.n_evidence or ""

    @admin.display(description=_("来源对象"))
    def source_object(self, obj):
        if obj.source_type_id is None:
            return "—"
        label = f"{obj.source_type.name} #{obj.source_id}"
        try:
            url = reverse(
                f"admin:{obj.source_type.app_label}_{obj.source_type.model}_change",
                args=[obj.source_id],
            )
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.action(description=_("核实所选记录"))
    def verify(self, request, queryset):
        done = services.entries_verify(entries=queryset, actor=request.user)
        self.message_user(request, _t("已核实 %(n)d 条记录。") % {"n": done}, messages.SUCCESS)
        self._report_skipped(request, queryset, done)

    def _report_skipped(self, request, queryset, done: int) -> None:
        """Say why selected entries were left alone, so "0 条" is never a mystery."""
        frozen = queryset.filter(rule__rule_set__frozen=True).count()
        if frozen:
            self.message_user(
                request,
                _t("%(n)d 条属于已封存年度，未作改动。") % {"n": frozen},
                messages.WARNING,
            )
        if queryset.count() - frozen > done:
            self.message_user(
                request,
                _t("其余所选记录已是该状态，无须处理。"),
                messages.INFO,
            )

    @admin.action(description=_("退回所选记录（填写理由）"))
    def reject(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = services.entries_reject(
                entries=queryset, reason=form.cleaned_data["reason"], actor=request.user
            )
            self.message_user(request, _t("已退回 %(n)d 条记录。") % {"n": done}, messages.SUCCESS)
            self._report_skipped(request, queryset, done)
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            "reject",
            _t("退回履职记录"),
            note=_t("代表会在“我的履职档案”中看到退回理由。已封存年度的记录不受影响。"),
        )

    @admin.action(description=_("导出为 Excel"))
    def export_xlsx(self, request, queryset):
        headers = [c.aliases[0] for c in LEDGER_COLUMNS] + [_t("状态"), _t("来源")]
        rows = [
            [
                e.deputy.code,
                e.occurred_on,
                e.rule.code,
                e.title,
                e.place,
                e.description,
                e.get_status_display(),
                e.get_source_kind_display(),
            ]
            for e in queryset.select_related("deputy", "rule")
        ]
        return table_response("xlsx", headers, rows, filename="ledger", title=_t("履职记录"))

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="performance_ledgerentry_import",
            ),
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name="performance_ledgerentry_import_template",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"import_url": reverse("admin:performance_ledgerentry_import")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:performance_ledgerentry_changelist")
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = ledger_import(source=upload, filename=upload.name, actor=request.user)
            if result.ok:
                self.message_user(
                    request,
                    _t("导入成功：%(n)d 条履职记录（已核实）。") % {"n": result.created},
                    messages.SUCCESS,
                )
                return redirect("admin:performance_ledgerentry_changelist")
        return self._page(
            request,
            "import.html",
            _t("导入履职台账"),
            form=form,
            result=result,
            columns=LEDGER_COLUMNS,
        )

    def import_template_view(self, request):
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        year = timezone.localdate().year
        headers = [c.aliases[0] for c in LEDGER_COLUMNS]
        example = [
            ["D001", f"{year}-03-01", "B01", _t("参加代表小组活动"), _t("东湖社区代表之家"), ""],
            ["D002", f"{year}-03-12", "B03", _t("进站接待选民"), _t("代表联络站"), ""],
        ]
        return table_response(
            fmt, headers, example, filename="ledger-template", title=_t("履职台账")
        )


# --- activities and menu-style supervision ------------------------------------------------------


class DeputyPickerInline(admin.TabularInline):
    """Rows that pick a deputy: the picker without the edit/add/delete-deputy icons, which
    only distract on a roll or a signup list."""

    autocomplete_fields = ("deputy",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "deputy":
            widget = field.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return field


class AttendanceInline(DeputyLevelColumn, LockableInline, DeputyPickerInline):
    model = Attendance
    extra = 3
    fields = ("deputy", "deputy_level", "status", "note")
    readonly_fields = ("deputy_level",)

    def locked(self, parent) -> bool:
        return parent.roll_closed_at is not None


@admin.register(Activity)
class ActivityAdmin(PerformanceAdmin):
    list_display = (
        "occurred_on",
        "title",
        "kind",
        "present",
        "absent",
        "roll_closed",
        "rule",
        "topic",
        "organiser",
    )
    list_filter = ("kind", ("roll_closed_at", admin.EmptyFieldListFilter), "topic")
    search_fields = ("title", "place", "organiser")
    list_select_related = ("topic",)
    autocomplete_fields = ("topic",)
    date_hierarchy = "occurred_on"
    inlines = [AttendanceInline]
    actions = ["add_participants", "close_roll"]
    readonly_fields = ("roll_closed_at",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_present=Count("attendances", filter=Q(attendances__status="present")),
                n_absent=Count("attendances", filter=Q(attendances__status="unexcused")),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.roll_closed_at is not None:
            return ("kind", "occurred_on", "roll_closed_at")
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Its roll has written ledger entries that name the attendance rows as their source.
        if obj is not None and obj.roll_closed_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # closed rolls must not go in bulk
        return actions

    @admin.display(description=_("已结束点名"), boolean=True, ordering="roll_closed_at")
    def roll_closed(self, obj):
        return obj.roll_closed_at is not None

    @admin.display(description=_("计分规则"))
    def rule(self, obj):
        return obj.rule_code

    present = count_column("n_present", _("出席"))

    absent = count_column("n_absent", _("无故缺席"))

    @admin.action(description=_("按专业小组、层级或议题认领添加参加代表"))
    def add_participants(self, request, queryset):
        form = RollAddForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            added = _run(
                request,
                queryset,
                _t("添加参加代表"),
                lambda activity: services.activity_roll_add(
                    activity=activity, deputies=form.deputies(activity), actor=request.user
                ),
            )
            if added:
                self.message_user(
                    request, _t("共新增 %(n)d 人次。") % {"n": sum(added)}, messages.INFO
                )
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            "add_participants",
            _t("添加参加代表"),
            note=_t("所选在任代表以“出席”列入名单；点名前可在活动页逐一改为请假或无故缺席。"),
        )

    @admin.action(description=_("结束点名并记入履职档案"))
    def close_roll(self, request, queryset):
        credited = _run(
            request,
            queryset,
            _t("结束点名"),
            lambda activity: services.activity_close_roll(activity=activity, actor=request.user),
        )
        if credited:
            self.message_user(
                request, _t("共记入 %(n)d 人次。") % {"n": sum(credited)}, messages.INFO
            )


class SignupInline(DeputyPickerInline):
    model = TopicSignup
    extra = 0
    fields = ("deputy", "created_at")
    readonly_fields = ("created_at",)


@admin.register(SupervisionTopic)
class SupervisionTopicAdmin(PerformanceAdmin):
    list_display = ("title", "year", "group", "published_at", "signup_count", "activity_count")
    list_filter = (PlainYearFilter, ("published_at", admin.EmptyFieldListFilter), "group")
    search_fields = ("title", "description")
    list_select_related = ("group",)
    readonly_fields = ("published_at",)
    inlines = [SignupInline]
    actions = ["publish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_signups=Count("signups", distinct=True),
                n_activities=Count("activities", distinct=True),
            )
        )

    signup_count = count_column("n_signups", _("认领人数"))

    activity_count = count_column("n_activities", _("活动数"))

    @admin.action(description=_("发布到监督菜单"))
    def publish(self, request, queryset):
        done = services.topic_publish(topics=queryset, actor=request.user)
        self.message_user(request, _t("已发布 %(n)d 项议题。") % {"n": done}, messages.SUCCESS)


@admin.register(TopicSignup)
class TopicSignupAdmin(DeputyLevelColumn, PerformanceAdmin):
    list_display = ("topic", "deputy", "deputy_level", "created_at")
    list_filter = (TopicYearFilter, "topic", "deputy__level")
    search_fields = ("deputy__name", "deputy__code", "topic__title")
    list_select_related = ("topic", "deputy")
    autocomplete_fields = ("deputy", "topic")


# --- assessment, consequences, publication ------------------------------------------------------


@admin.register(Assessment)
class AssessmentAdmin(DeputyLevelColumn, ReadOnlyMixin, PerformanceAdmin):
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
        try:
            return int(request.GET.get("year") or request.POST.get("year"))
        except (TypeError, ValueError):
            return timezone.localdate().year

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and not request.GET:
            # One year's ranking at a time: ranks of different years interleaved mislead.
            years = list(
                RuleSet.objects.filter(assessments__isnull=False)
                .values_list("year", flat=True)
                .distinct()
            )
            this_year = timezone.localdate().year
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
        return file_response(report_bytes(report, fmt), f"assessment-{year}.{fmt}")

    def publish_view(self, request):
        today = timezone.localdate()
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
class ConsequenceDecisionAdmin(PerformanceAdmin):
    form = ConsequenceDecisionForm
    list_display = ("year", "kind", "deputy", "decision", "note", "decided_on", "decided_by")
    list_filter = (PlainYearFilter, "kind", "decision")
    search_fields = ("deputy__name", "deputy__code", "note")
    list_select_related = ("deputy", "decided_by")
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


@admin.register(Publication)
class PublicationAdmin(ReadOnlyMixin, PerformanceAdmin):
    list_display = ("__str__", "year", "quarter", "deputies", "published_by", "published_at")
    list_filter = (PlainYearFilter,)
    list_select_related = ("published_by",)
    change_list_template = TEMPLATES + "publication/change_list.html"

    @admin.display(description=_("人数"))
    def deputies(self, obj):
        return len(obj.rows)


# --- disputes --------------------------------------------------------------------------------


@admin.register(Dispute)
class DisputeAdmin(PerformanceAdmin):
    list_display = (
        "status",
        "deputy",
        "kind",
        "note_short",
        "subject",
        "evidence_link",
        "raised_on",
        "resolution",
    )
    list_display_links = ("status",)
    list_filter = ("status", "kind", "deputy__level")
    search_fields = ("deputy__name", "deputy__code", "title", "note")
    list_select_related = ("deputy", "entry__rule", "rule__rule_set", "resolved_by")
    actions = ["accept", "reject"]
    fields = (
        "deputy",
        "kind",
        "status",
        "entry_link",
        "rule",
        "occurred_on",
        "title",
        "note",
        "evidence_link",
        "effect",
        "resolution",
        "resolved_by",
        "resolved_at",
        "created_at",
    )
    readonly_fields = fields

    def get_ordering(self, request):
        # Open disputes first (the status codes do not sort that way), newest first within.
        return [Case(When(status=DisputeStatus.OPEN, then=0), default=1), "-created_at"]

    @admin.display(description=_("所涉记录或应补记事项"))
    def subject(self, obj):
        if obj.entry_id:
            text = f"{obj.entry.occurred_on} {obj.entry.rule.code} {obj.entry.title}"
        else:
            text = f"{obj.occurred_on} {obj.rule.code} {obj.title or obj.rule.name}"
        return Truncator(text).chars(28)

    @admin.display(description=_("说明"))
    def note_short(self, obj):
        return Truncator(obj.note).chars(24)

    @admin.display(description=_("提出日期"), ordering="created_at")
    def raised_on(self, obj):
        return timezone.localtime(obj.created_at).date()

    @admin.display(description=_("佐证"))
    def evidence_link(self, obj):
        if not obj.evidence:
            return ""
        url = reverse("performance:dispute_evidence", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _t("查看"))

    @admin.display(description=_("所涉记录"))
    def entry_link(self, obj):
        if not obj.entry_id:
            return "—"
        url = reverse("admin:performance_ledgerentry_change", args=[obj.entry_id])
        entry = obj.entry
        return format_html(
            '<a href="{}">{} {} {}</a>（{}）',
            url,
            entry.occurred_on,
            entry.rule.code,
            entry.title,
            entry.get_status_display(),
        )

    @admin.display(description=_("采纳后台账的更正"))
    def effect(self, obj):
        if obj.status != DisputeStatus.OPEN:
            return "—"
        if obj.kind == DisputeKind.MISSING:
            return _t("补记一条已核实的 %(r)s 记录（%(d)s）。") % {
                "r": obj.rule,
                "d": obj.occurred_on,
            }
        if obj.kind == DisputeKind.WRONG and obj.rule_id:
            return _t("所涉记录改按 %(r)s 计分并核实。") % {"r": obj.rule}
        return _t("退回所涉记录（不再计分）。")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("采纳所选异议（更正台账）"))
    def accept(self, request, queryset):
        _run(
            request,
            queryset.filter(status=DisputeStatus.OPEN),
            _t("采纳"),
            lambda d: services.dispute_resolve(dispute=d, accept=True, actor=request.user),
        )

    @admin.action(description=_("不予采纳（填写理由）"))
    def reject(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            _run(
                request,
                queryset.filter(status=DisputeStatus.OPEN),
                _t("不予采纳"),
                lambda d: services.dispute_resolve(
                    dispute=d,
                    accept=False,
                    resolution=form.cleaned_data["reason"],
                    actor=request.user,
                ),
            )
            return None
        return self._intermediate(request, queryset, form, "reject", _t("不予采纳异议"))


# --- report to voters ---------------------------------------------------------------------------


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
                n_planned=Count("reports"),
                n_held=Count("reports", filter=~Q(reports__status=ReportStatus.PLANNED)),
                n_verified=Count("reports", filter=Q(reports__status=ReportStatus.VERIFIED)),
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
        form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
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


# --- reminders ---------------------------------------------------------------------------------


class TalkListFilter(admin.SimpleListFilter):
    title = _("提醒谈话")
    parameter_name = "talk"

    def lookups(self, request, model_admin):
        return [("due", _("待谈话名单")), ("done", _("已谈话"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(pk__in=selectors.talk_list().values("pk"))
        if self.value() == "done":
            return queryset.filter(talked_on__isnull=False)
        return queryset


@admin.register(IdleReminder)
class IdleReminderAdmin(DeputyLevelColumn, ReadOnlyMixin, PerformanceAdmin):
    list_display = (
        "deputy",
        "deputy_level",
        "sequence",
        "idle_since",
        "idle_days",
        "sent_on",
        "talked_on",
        "talk_note",
    )
    list_filter = (TalkListFilter, "sequence", "deputy__level")
    search_fields = ("deputy__name", "deputy__code")
    list_select_related = ("deputy",)
    actions = ["record_talk"]

    @admin.display(description=_("未履职天数"))
    def idle_days(self, obj):
        return (timezone.localdate() - obj.idle_since).days

    @admin.action(description=_("登记提醒谈话"))
    def record_talk(self, request, queryset):
        form = TalkForm(
            request.POST if "apply" in request.POST else None,
            initial={"on": timezone.localdate()},
        )
        if form.is_valid():
            for reminder in queryset:
                reminders.talk_record(reminder=reminder, actor=request.user, **form.cleaned_data)
            self.message_user(
                request,
                _t("已登记 %(n)d 名代表的谈话。") % {"n": queryset.count()},
                messages.SUCCESS,
            )
            return None
        return self._intermediate(request, queryset, form, "record_talk", _t("登记提醒谈话"))
