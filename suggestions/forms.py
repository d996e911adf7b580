from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock
from core.uploads import upload_budget_check
from deputies.models import Community, Deputy

from .models import (
    Category,
    CommitmentStatus,
    HandlingUnit,
    ProblemKind,
    ResultClass,
    Suggestion,
    ToughProject,
    Verdict,
)

DATE_WIDGET = {"type": "date"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data]
        else:
            files = [single(data, initial)] if data else []
        upload_budget_check(files)  # the submission's total (each file has its own cap)
        return files


class DraftForm(forms.ModelForm):
    co_signers = forms.ModelMultipleChoiceField(
        label=_("附议代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("按住 Ctrl（手机上直接点选）可选择多名代表。"),
    )
    origin_url = forms.URLField(label=_("来源链接"), required=False, assume_scheme="https")
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("可选多个文件：PDF、Word、Excel 或图片。"),
    )

    class Meta:
        model = Suggestion
        fields = [
            "kind",
            "title",
            "category",
            "community",
            "body",
            "origin",
            "origin_reference",
            "origin_url",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, deputy: Deputy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].required = True
        self.fields["community"].queryset = Community.objects.filter(is_active=True)
        self.fields["co_signers"].queryset = (
            Deputy.objects.serving().exclude(pk=deputy.pk).order_by("code")
        )
        if self.instance.pk:
            self.fields["co_signers"].initial = list(
                self.instance.co_signers.values_list("pk", flat=True)
            )


class EvaluationForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("满意度"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    implementation_score = forms.IntegerField(
        label=_("落实度（0–100）"),
        min_value=0,
        max_value=100,
        help_text=_("答复中的措施落实到什么程度，100 为完全落实。"),
    )
    comment = forms.CharField(
        label=_("评价意见"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class StaffEvaluationForm(EvaluationForm):
    """Staff enter an evaluation the lead deputy handed in on paper (代录)."""

    evaluated_on = forms.DateField(label=_("评价日期"), widget=DateInput(), initial=clock.today)


class ReplyForm(forms.Form):
    result_class = forms.ChoiceField(
        label=_("办理结果"), choices=ResultClass.choices, widget=forms.RadioSelect
    )
    content = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 8}))
    replied_on = forms.DateField(label=_("答复日期"), widget=DateInput(), initial=clock.today)

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()

    def clean_replied_on(self):
        value = self.cleaned_data["replied_on"]
        if value > self.today:
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return value


class ProblemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("问题类型"), choices=[("", "---------"), *ProblemKind.choices], required=False
    )
    description = forms.CharField(label=_("问题描述"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("kind")) != bool(data.get("description")):
            raise forms.ValidationError(_("请同时填写问题类型和描述。"))
        return data


ProblemFormSet = forms.formset_factory(ProblemForm, extra=3, max_num=10)


def _unit_field(units) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("责任单位"), queryset=units, empty_label=None)


class CommitmentForm(forms.Form):
    content = forms.CharField(label=_("承诺事项"), max_length=200)
    due_on = forms.DateField(label=_("承诺完成日期"), widget=DateInput())

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"] = _unit_field(units)


class CommitmentUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("结果"),
        choices=[(CommitmentStatus.MET, _("已兑现")), (CommitmentStatus.MISSED, _("未兑现"))],
    )
    completed_on = forms.DateField(label=_("兑现日期"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(label=_("申请延至"), widget=DateInput())
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 4}))


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退办理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("说明为什么此事项不属于本单位职责，建议由哪个单位办理。"),
    )


class ReassignForm(forms.Form):
    """The admin's 改办 page."""

    lead_unit = forms.ModelChoiceField(
        label=_("改由主办单位"), queryset=HandlingUnit.objects.filter(is_active=True)
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=HandlingUnit.objects.filter(is_active=True), required=False
    )
    comment = forms.CharField(
        label=_("改办说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    from_unit = forms.IntegerField(widget=forms.HiddenInput)


class FeasibilityForm(forms.Form):
    note = forms.CharField(
        label=_("可行性说明"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        required=False,
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("面商日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    participants = forms.CharField(label=_("参加人员"), max_length=200)
    summary = forms.CharField(label=_("面商情况"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units)
        self.fields["unit"].label = _("承办单位")


class QuarterlyReportForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        coerce=int,
        choices=[(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))],
    )
    content = forms.CharField(label=_("述职内容"), widget=forms.Textarea(attrs={"rows": 6}))


class RatingForm(forms.Form):
    score = forms.IntegerField(
        label=_("受益度（0–100）"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("这件事办好后您受益多少？100 为非常受益。"),
    )
    phone = forms.RegexField(
        label=_("手机号（选填）"),
        regex=r"^1[3-9][0-9]{9}$",  # ASCII digits only: \d takes 全角 and other scripts
        required=False,
        error_messages={"invalid": _("请输入 11 位手机号码。")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("仅用于防止重复评价，不会公开。"),
    )
    comment = forms.CharField(label=_("意见（选填）"), max_length=300, required=False)


class StatsForm(forms.Form):
    year = forms.IntegerField(label=_("立案年度"), min_value=2000, max_value=2100)
    as_of = forms.DateField(label=_("统计截至"), widget=DateInput(), required=False)


class ScoresForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class AssignForm(forms.Form):
    """The admin's bulk 交办 page."""

    lead_unit = forms.ModelChoiceField(
        label=_("主办单位"), queryset=HandlingUnit.objects.filter(is_active=True)
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=HandlingUnit.objects.filter(is_active=True), required=False
    )
    assigned_on = forms.DateField(label=_("交办日期"), widget=DateInput(), initial=clock.today)
    reply_deadline = forms.DateField(
        label=_("答复期限"),
        widget=DateInput(),
        required=False,
        help_text=_("留空为交办后 3 个月。"),
    )
    comment = forms.CharField(label=_("交办意见"), required=False)


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    on = forms.DateField(label=_("日期"), widget=DateInput(), initial=clock.today)


class ToughForm(forms.Form):
    difficulty = forms.TypedChoiceField(
        label=_("难度等级"),
        coerce=int,
        choices=ToughProject._meta.get_field("difficulty").choices,
    )
    team = forms.CharField(label=_("专班组成"), max_length=300)
    reason = forms.CharField(label=_("列入理由"), max_length=300, required=False)
