"""Ledger entries with their evidence: add, edit, verify, reject, export."""

import functools
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin_history import HistoryAdminMixin
from core.admin_lists import built_once_a_day, subquery_count
from core.admin_search import IndexedSearch, IndexedSearchAdmin
from core.admin_sidebar import sidebar_rows
from core.audit import audit_record
from core.choices import choice_label, value_label
from core.compiled import rows_once
from core.privacy import export_record
from core.tabular import STREAM_CHUNK, dated_filename, table_stream_response
from deputies.models import Deputy

from .. import services
from ..importer import LEDGER_COLUMNS
from ..models import (
    EntryEvidence,
    LedgerEntry,
    Rule,
    SourceKind,
)
from ..services import LedgerError
from .common import (
    TEMPLATES,
    DeputyLevelColumn,
    LockableInline,
    PerformanceAdmin,
    ReasonForm,
    YearFilter,
    _rule_set_years,
    year_from,
)
from .imports import LedgerImportMixin


class RuleCodeFilter(admin.SimpleListFilter):
    """The same rule code across years (B01 of 2025 and of 2026 are two rows)."""

    title = _("积分规则")
    parameter_name = "rule_code"

    @classmethod
    def sidebar_part(cls, request, model_admin, path):
        """Read with the years in one statement (``core.admin_sidebar``)."""
        return ("rule-code-names",), _rule_code_names

    def lookups(self, request, model_admin):
        # Read afresh by a statement compiled once per process; the latest year's name wins.
        rows = sidebar_rows(request, model_admin, ("rule-code-names",))
        if rows is NotImplemented:
            rows = rows_once(("performance:rule-code-names",), _rule_code_names)
        names = dict(rows)
        return [(code, f"{code} {names[code]}") for code in sorted(names)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(rule__code=self.value())
        return queryset


def _rule_code_names():
    return Rule.objects.order_by("rule_set__year").values_list("code", "name")


class LedgerYearFilter(YearFilter):
    """The year of the entries' rule set, also said as a date range: an entry's date lies in its
    rule set's year (``services.entry_check``), and the range lets the list read its page from
    the date index instead of walking through every later year's entries to find the year's.
    The years are read with the rule codes in one statement (``core.admin_sidebar``)."""

    @classmethod
    def sidebar_part(cls, request, model_admin, path):
        return ("rule-set-years",), _rule_set_years

    def lookups(self, request, model_admin):
        rows = sidebar_rows(request, model_admin, ("rule-set-years",))
        if rows is NotImplemented:
            return super().lookups(request, model_admin)
        return [(year, str(year)) for (year,) in rows]

    def queryset(self, request, queryset):
        queryset = super().queryset(request, queryset)
        year = year_from(self.value())
        if year is None:
            return queryset
        return queryset.filter(occurred_on__range=(date(year, 1, 1), date(year, 12, 31)))


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


# A list's cells repeat the same rules and statuses row after row: their HTML depends on the
# strings alone, so it is written once per process for them.
STATUS_COLOURS = {"pending": "#b7791f", "verified": "#2f855a", "rejected": "#c53030"}


@functools.lru_cache(maxsize=1024)
def _titled(text: str, title: str) -> str:
    return format_html('<span title="{}">{}</span>', title, text)


@functools.lru_cache(maxsize=1024)
def _status_badge(status: str, reason: str, label: str) -> str:
    return format_html(
        '<span style="color:{}" title="{}">{}</span>', STATUS_COLOURS[status], reason, label
    )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(
    IndexedSearchAdmin, HistoryAdminMixin, LedgerImportMixin, DeputyLevelColumn, PerformanceAdmin
):
    """The biggest list of the admin: its page reads the 50 rows it shows (evidence counted
    per shown row), sorts on the indexed date only, and offers years through ``YearFilter``
    rather than a date hierarchy (which read every row's date)."""

    form = LedgerEntryAdminForm
    change_list_template = TEMPLATES + "ledgerentry/change_list.html"
    list_display = (
        "occurred_on",
        "deputy_name",
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
        LedgerYearFilter,
        "status",
        ("rule__dimension", admin.ChoicesFieldListFilter),
        RuleCodeFilter,
        "source_kind",
        "deputy__level",
    )
    search_fields = ("deputy__name", "deputy__code", "title")
    indexed_search = IndexedSearch(text=("title",), related={"deputy": ("name", "code")})
    list_select_related = ("deputy", "rule", "rule__rule_set", "reviewed_by")
    sortable_by = ("occurred_on",)  # index performance_entry_date_id_idx
    autocomplete_fields = ("deputy",)
    inlines = [EvidenceInline]
    actions = ["verify", "reject", "export_xlsx"]

    def get_urls(self):
        return [
            path(
                "<int:pk>/verify/",
                self.admin_site.admin_view(self.verify_view),
                name="performance_ledgerentry_verify",
            ),
            path(
                "<int:pk>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="performance_ledgerentry_reject",
            ),
            *super().get_urls(),
        ]

    def _entry_or_back(self, request, pk: int):
        entry = (
            LedgerEntry.objects.select_related("deputy", "rule", "rule__rule_set")
            .filter(pk=pk)
            .first()
        )
        if entry is None or not self.has_change_permission(request, entry):
            return None
        return entry

    def verify_view(self, request, pk: int):
        """核实 from the entry's own page: the entry and its evidence, then one button."""
        entry = self._entry_or_back(request, pk)
        if entry is None:
            return redirect("admin:performance_ledgerentry_changelist")
        if request.method == "POST":
            try:
                done = services.entries_verify(
                    entries=LedgerEntry.objects.filter(pk=entry.pk), actor=request.user
                )
            except LedgerError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                if done:
                    self.message_user(request, _t("已核实。"), messages.SUCCESS)
                else:
                    self._report_skipped(request, LedgerEntry.objects.filter(pk=entry.pk), 0)
            return redirect("admin:performance_ledgerentry_change", entry.pk)
        return self._page(
            request,
            "entry_verb.html",
            _t("核实履职记录：%(t)s") % {"t": entry.title},
            entry=entry,
            evidence=list(entry.evidence.all()),
            form=None,
            verb=_t("核实"),
        )

    def reject_view(self, request, pk: int):
        """退回 from the entry's own page, with the reason the deputy will read."""
        entry = self._entry_or_back(request, pk)
        if entry is None:
            return redirect("admin:performance_ledgerentry_changelist")
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.entries_reject(
                    entries=LedgerEntry.objects.filter(pk=entry.pk),
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except LedgerError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, _t("已退回，代表会看到退回理由。"), messages.SUCCESS)
                return redirect("admin:performance_ledgerentry_change", entry.pk)
        return self._page(
            request,
            "entry_verb.html",
            _t("退回履职记录：%(t)s") % {"t": entry.title},
            entry=entry,
            evidence=list(entry.evidence.all()),
            form=form,
            verb=_t("退回"),
        )

    @built_once_a_day
    def get_queryset(self, request):
        # A subquery, not Count("evidence"): a join with GROUP BY counted every entry's
        # evidence before the 50 shown were picked.
        evidence = subquery_count(EntryEvidence, "entry")
        return super().get_queryset(request).annotate(n_evidence=evidence)

    def list_rows(self, queryset):
        """The columns the cells and the rows' names show: not the descriptions, the rule
        set or the reviewer's password hash."""
        return (
            queryset.select_related(None)
            .select_related("reviewed_by")
            .annotate(
                deputy_name_text=F("deputy__name"),
                deputy_code_text=F("deputy__code"),
                deputy_level_value=F("deputy__level"),
                rule_code_text=F("rule__code"),
                rule_name_text=F("rule__name"),
                rule_points_value=F("rule__points"),
            )
            .only(
                "occurred_on",
                "title",
                "status",
                "review_reason",
                "source_kind",
                "deputy",
                "rule",
                "reviewed_by__username",
                "reviewed_by__first_name",
                "reviewed_by__last_name",
                "reviewed_by__full_name",
            )
        )

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

    # The deputy and the rule are read as columns of the list's joins (``list_rows``), not as
    # a hundred related models on a page of fifty (issue #8); the reviewer stays a model.
    @admin.display(description=_("代表"))
    def deputy_name(self, obj):
        return Deputy.label_of(obj.deputy_name_text, obj.deputy_code_text)

    @admin.display(description=_("层级"), ordering="deputy__level")
    def deputy_level(self, obj):
        return value_label(Deputy, "level", obj.deputy_level_value)

    @admin.display(description=_("规则"), ordering="rule__code")
    def rule_code(self, obj):
        return _titled(obj.rule_code_text, obj.rule_name_text)

    @admin.display(description=_("分值"))
    def points(self, obj):
        return obj.rule_points_value

    @admin.display(description=_("状态"), ordering="status")
    def status_badge(self, obj):
        return _status_badge(obj.status, obj.review_reason, choice_label(obj, "status"))

    @admin.display(description=_("佐证"))
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
        export_record(
            actor=request.user,
            export="performance.ledger_export",
            count=queryset.count(),
            filters={k: v[:100] for k, v in list(request.GET.items())[:20]},
            summary=_t("导出履职记录"),
        )
        headers = [c.aliases[0] for c in LEDGER_COLUMNS] + [_t("状态"), _t("来源")]
        rows = (
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
            for e in queryset.select_related("deputy", "rule").iterator(chunk_size=STREAM_CHUNK)
        )
        return table_stream_response(
            "xlsx", headers, rows, filename=dated_filename("ledger", "xlsx"), title=_t("履职记录")
        )
