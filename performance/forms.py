from datetime import date

from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core import clock
from core.uploads import upload_budget_check

from .models import EVIDENCE_EXTENSIONS, EVIDENCE_VALIDATORS, DisputeKind, Rule
from .services import ERR_DATE_IN_FUTURE, ERR_DATE_OUTSIDE_YEAR, ERR_EVIDENCE_REQUIRED

ACCEPT = ",".join(f".{ext}" for ext in EVIDENCE_EXTENSIONS)
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
ERR_PHOTO_TYPE = gettext_noop("现场照片只支持 jpg、png、webp 图片；其他文件请在“佐证材料”中上传。")


def _clean_date(value, year: int, today: date):
    """The service checks these too; here they become errors on the date field."""
    if value is None:
        return value
    if value > today:
        raise forms.ValidationError(_(ERR_DATE_IN_FUTURE), code="future")
    if value.year != year:
        raise forms.ValidationError(
            _(ERR_DATE_OUTSIDE_YEAR) % {"date": value.isoformat(), "year": year},
            code="outside_year",
        )
    return value


def _evidence_field(**kwargs) -> forms.FileField:
    return forms.FileField(
        label=_("佐证材料"),
        required=False,
        validators=EVIDENCE_VALIDATORS,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        **kwargs,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        """Every file is checked (type, size); the errors name the file."""
        items = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        if not items:
            super().clean(None, initial)  # raises "required" when it is
            return []
        cleaned, errors = [], []
        for item in items:
            try:
                upload = forms.FileField.clean(self, item, initial)
                for validator in EVIDENCE_VALIDATORS:
                    validator(upload)
            except forms.ValidationError as exc:
                name = getattr(item, "name", "")
                errors.extend(f"{name}：{m}" if name else m for m in exc.messages)
            else:
                cleaned.append(upload)
        if errors:
            raise forms.ValidationError(errors)
        upload_budget_check(cleaned)  # the submission's total (each file has its own cap)
        return cleaned

    def run_validators(self, value):
        """Done per file in :meth:`clean`."""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Rule) -> str:
        sign = "+" if obj.points > 0 else ""
        points = f"{sign}{obj.points.normalize():f} 分"
        if obj.evidence_required:
            return _("%(code)s %(name)s（%(points)s，须附佐证）") % {
                "code": obj.code,
                "name": obj.name,
                "points": points,
            }
        return f"{obj.code} {obj.name}（{points}）"


def _rules(year: int, self_service: bool = True):
    qs = Rule.objects.filter(rule_set__year=year).select_related("rule_set").in_table_order()
    return qs.filter(deputy_can_submit=True) if self_service else qs


class EntrySubmitForm(forms.Form):
    rule = RuleChoiceField(
        label=_("履职事项"), queryset=Rule.objects.none(), empty_label=_("请选择履职事项")
    )
    occurred_on = forms.DateField(label=_("履职日期"), widget=DateInput)
    title = forms.CharField(
        label=_("主题"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("例如：走访东湖社区独居老人")}),
    )
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    description = forms.CharField(
        label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_(
            "照片、签到表、新闻报道等，可多选；图片、PDF、Word、Excel，每个不超过 %(mb)d MB。"
        ),
    )

    # On a phone this opens the camera (capture): the photo of the activity is the evidence
    # most deputies have. Documents (sign-in sheets, PDFs) still go through ``files``.
    photo = forms.FileField(
        label=_("现场照片"),
        required=False,
        validators=[
            FileExtensionValidator(list(IMAGE_EXTENSIONS), message=_(ERR_PHOTO_TYPE)),
            *EVIDENCE_VALIDATORS,
        ],
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("用手机可直接拍照。"),
    )

    field_order = ["rule", "occurred_on", "title", "place", "description", "photo", "files"]

    def __init__(self, *args, year: int, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year, self.today = year, today or clock.today()
        self.fields["rule"].queryset = _rules(year)
        today = self.today
        self.fields["occurred_on"].initial = today
        self.fields["occurred_on"].widget.attrs.update(min=f"{year}-01-01", max=today.isoformat())
        self.fields["files"].help_text = self.fields["files"].help_text % {
            "mb": settings.LVZHI_LEDGER_EVIDENCE_MAX_MB
        }

    def clean_occurred_on(self):
        return _clean_date(self.cleaned_data.get("occurred_on"), self.year, self.today)

    def clean(self):
        data = super().clean()
        if data.get("photo") and "files" not in self.errors:
            # The photo joins the other files: one list for the service and the upload budget.
            data["files"] = [data["photo"], *(data.get("files") or [])]
            try:
                upload_budget_check(data["files"])
            except forms.ValidationError as exc:
                self.add_error("files", exc)
        rule = data.get("rule")
        missing = rule is not None and rule.evidence_required and not data.get("files")
        if missing and "files" not in self.errors and "photo" not in self.errors:
            self.add_error("files", _(ERR_EVIDENCE_REQUIRED) % {"rule": rule})
        return data


class DisputeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("异议类型"),
        choices=[
            (DisputeKind.WRONG, DisputeKind.WRONG.label),
            (DisputeKind.DUPLICATE, DisputeKind.DUPLICATE.label),
        ],
        widget=forms.RadioSelect,
    )
    rule = RuleChoiceField(
        label=_("应更正为"),
        queryset=Rule.objects.none(),
        required=False,
        empty_label=_("不选（申请撤销该记录）"),
        help_text=_("记录有误时可选；不选则申请撤销该记录。"),
    )
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = _evidence_field()

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = _rules(year, self_service=False)


class MissingForm(forms.Form):
    rule = RuleChoiceField(
        label=_("遗漏的事项"), queryset=Rule.objects.none(), empty_label=_("请选择遗漏的事项")
    )
    occurred_on = forms.DateField(label=_("履职日期"), widget=DateInput)
    title = forms.CharField(label=_("主题"), max_length=200)
    note = forms.CharField(
        label=_("说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：参加了 5 月 12 日的集中视察，但签到表漏记。"),
    )
    evidence = _evidence_field()

    def __init__(self, *args, year: int, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year, self.today = year, today or clock.today()
        self.fields["rule"].queryset = _rules(year, self_service=False)
        self.fields["occurred_on"].widget.attrs.update(
            min=f"{year}-01-01", max=self.today.isoformat()
        )

    def clean_occurred_on(self):
        return _clean_date(self.cleaned_data.get("occurred_on"), self.year, self.today)
