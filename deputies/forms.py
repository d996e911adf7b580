from django import forms
from django.utils.translation import gettext_lazy as _

MAX_IMPORT_BYTES = 10 * 1024 * 1024


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("名册文件"),
        help_text=_("支持 .xlsx 或 .csv；有任何一行出错时整份文件都不会导入。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件。"))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件不能超过 10 MB。"))
        return upload


class StatusChangeForm(forms.Form):
    """The intermediate page of the admin's 'mark as left office' action."""

    status = forms.ChoiceField(label=_("新状态"))
    status_date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args, **kwargs):
        from .models import Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (Status.RESIGNED, Status.RESIGNED.label),
            (Status.TERMINATED, Status.TERMINATED.label),
        ]
