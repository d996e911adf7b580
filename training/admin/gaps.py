"""Admin: training topics and the gap rules (履职数据建模) that point a thin record to them.

A rule reads one signal, a ledger rule's code or an activity another app counts. The activity
is offered as a list of the counters registered in ``core.activity`` (a typo would silently
count nothing); the rule code is checked for its shape (B01…, I01…, C01…), since the training
app may not read the ledger's rule tables. Every save and delete leaves an audit row.
"""

import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.activity import activity_choices
from core.admin_lists import subquery_count
from core.audit import audit_record

from ..models import Course, GapRule, Topic

RULE_CODE_RE = re.compile(r"^[BIC]\d{2}$")

ERR_RULE_CODE_FORMAT = gettext_noop(
    "“履职规则代码”应为 B、I 或 C 加两位数字（例如 B03、C01），请检查。"
)
ERR_SIGNAL_BOTH = gettext_noop("“履职规则代码”和“履职活动”只能填写其中一项。")
ERR_SIGNAL_NONE = gettext_noop("请填写“履职规则代码”或选择“履职活动”（二选一）。")
ERR_MIN_COUNT = gettext_noop("“最低次数”至少为 1。")
ERR_ACTIVITY_UNKNOWN = gettext_noop("“履职活动”中没有“%(value)s”，请从列表中选择。")
UNKNOWN_ACTIVITY = gettext_noop("%(key)s（未登记的活动）")


class AuditedAdmin(admin.ModelAdmin):
    """Leaves an audit row for each save (after its inlines) and each delete, under
    ``audit_action`` ("training.topic" → training.topic.create/update/delete)."""

    audit_action = ""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = [*form.changed_data]
        changed += [str(f.model._meta.verbose_name) for f in formsets if f.has_changed()]
        audit_record(
            actor=request.user,
            action=f"{self.audit_action}.{'update' if change else 'create'}",
            target=form.instance,
            summary=str(form.instance),
            data={"changed": changed},
        )

    def delete_model(self, request, obj):
        summary, pk = str(obj), obj.pk
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action=f"{self.audit_action}.delete",
            summary=summary,
            data={"pk": pk},
        )

    def delete_queryset(self, request, queryset):
        rows = [(obj.pk, str(obj)) for obj in queryset]
        super().delete_queryset(request, queryset)
        for pk, summary in rows:
            audit_record(
                actor=request.user,
                action=f"{self.audit_action}.delete",
                summary=summary,
                data={"pk": pk},
            )


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    audit_action = "training.topic"
    list_display = ("name", "description", "order", "course_count")
    list_editable = ("order",)
    search_fields = ("name", "description")
    sortable_by = ("name", "order", "course_count")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_courses=subquery_count(Course, "topic"))

    @admin.display(description=_("课程数"), ordering="n_courses")
    def course_count(self, obj):
        return obj.n_courses


class GapRuleForm(forms.ModelForm):
    activity = forms.ChoiceField(
        label=_("履职活动"),
        required=False,
        help_text=_("按其他模块统计的本年度活动数判断。与“履职规则代码”二选一。"),
    )
    min_count = forms.IntegerField(
        label=_("最低次数"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("本年度少于此次数即视为短板。"),
    )

    class Meta:
        model = GapRule
        fields = ("topic", "rule_code", "activity", "min_count", "reason", "is_active", "order")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read the registry now, not at import: the apps register their counters in ready().
        choices = [("", "—"), *activity_choices()]
        current = self.instance.activity if self.instance else ""
        if current and current not in {key for key, _label in choices}:
            choices.append((current, _t(UNKNOWN_ACTIVITY) % {"key": current}))
        self.fields["activity"].choices = choices
        self.fields["activity"].error_messages["invalid_choice"] = _t(ERR_ACTIVITY_UNKNOWN)
        self.fields["min_count"].error_messages["min_value"] = _t(ERR_MIN_COUNT)

    def clean_rule_code(self):
        code = (self.cleaned_data.get("rule_code") or "").strip().upper()
        if code and not RULE_CODE_RE.match(code):
            raise forms.ValidationError(_t(ERR_RULE_CODE_FORMAT))
        return code

    def clean(self):
        data = super().clean()
        code, activity = data.get("rule_code"), data.get("activity")
        if "rule_code" in self.errors:
            return data
        if code and activity:
            raise forms.ValidationError(_t(ERR_SIGNAL_BOTH))
        if not code and not activity:
            raise forms.ValidationError(_t(ERR_SIGNAL_NONE))
        return data


@admin.register(GapRule)
class GapRuleAdmin(AuditedAdmin):
    audit_action = "training.gap_rule"
    form = GapRuleForm
    list_display = ("topic", "signal", "min_count", "reason", "is_active", "order")
    list_display_links = ("topic", "signal")
    list_editable = ("is_active", "order")
    list_filter = ("is_active", "topic")
    list_select_related = ("topic",)
    search_fields = ("rule_code", "activity", "reason", "topic__name")
    sortable_by = ("order", "min_count")
    autocomplete_fields = ("topic",)

    @admin.display(description=_("依据"))
    def signal(self, obj):
        if obj.rule_code:
            return _t("履职规则 %(code)s") % {"code": obj.rule_code}
        labels = dict(activity_choices())
        return labels.get(obj.activity, obj.activity)
