"""The year's rule sets and their rules: edit, copy forward, recompute, freeze, unfreeze."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core import clock
from core.admin_history import HistoryAdminMixin
from core.admin_lists import subquery_count
from core.audit import audit_record

from .. import scoring, services
from ..models import (
    Assessment,
    Rule,
    RuleSet,
)
from ..services import LedgerError
from .common import (
    YEAR_MAX,
    YEAR_MIN,
    LockableInline,
    PerformanceAdmin,
    _run,
    count_column,
)

ERR_ENDED_NOT_FROZEN = gettext_noop(
    "%(year)s 年度已经结束但尚未封存：在这里修改规则会改写该年度的考核结果。"
    "确认结果后请在列表中选择“封存年度”。"
)


class UnfreezeForm(forms.Form):
    reason = forms.CharField(
        label=_("解除封存的理由"), max_length=200, widget=forms.TextInput(attrs={"size": 60})
    )


class CopyForwardForm(forms.Form):
    year = forms.IntegerField(label=_("新的考核年度"), min_value=YEAR_MIN, max_value=YEAR_MAX)


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
class RuleSetAdmin(HistoryAdminMixin, PerformanceAdmin):
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
                n_rules=subquery_count(Rule, "rule_set"),
                n_assessed=subquery_count(Assessment, "rule_set"),
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
            # get_object, not a filter on the raw id: /ruleset/abc/change/ is Django's
            # "does not exist" message, not a ValueError.
            rule_set = self.get_object(request, object_id)
            if self._ended_open(rule_set):
                self.message_user(
                    request,
                    _t(ERR_ENDED_NOT_FROZEN) % {"year": rule_set.year},
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _ended_open(rule_set) -> bool:
        return rule_set is not None and not rule_set.frozen and rule_set.year < clock.today().year

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
