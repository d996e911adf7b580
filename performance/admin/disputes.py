"""Disputes deputies raise about their ledger: accept (correcting the ledger) or reject."""

from django.contrib import admin
from django.db.models import Case, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import texts
from core.admin_history import HistoryAdminMixin

from .. import services
from ..models import (
    Dispute,
    DisputeKind,
    DisputeStatus,
)
from .common import (
    PerformanceAdmin,
    ReasonForm,
    _run,
)


@admin.register(Dispute)
class DisputeAdmin(HistoryAdminMixin, PerformanceAdmin):
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
    sortable_by = ("status", "raised_on")
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
        return texts.chars(text, 28)

    @admin.display(description=_("说明"))
    def note_short(self, obj):
        return texts.chars(obj.note, 24)

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
