from django import forms
from django.utils.translation import gettext_lazy as _

from core.privacy import mask_phone


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


class MaskedPhoneInput(forms.TextInput):
    """Shows the stored number masked; any other value (one staff typed) as it is."""

    def __init__(self, *args, stored: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = stored

    def format_value(self, value):
        if self.stored and value == self.stored:
            return mask_phone(value)
        return super().format_value(value)


class DeputyAdminForm(forms.ModelForm):
    """The admin's deputy form. The phone field shows the stored number masked; posted back
    unchanged (still masked) it keeps the stored number, so saving the page never needs the
    full value. Staff type a new number to change it, or press 显示完整号码 (recorded) to read
    it. (The admin supplies the model and fields.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.mobile if self.instance.pk else ""
        if "mobile" not in self.fields or not stored:
            return
        field = self.fields["mobile"]
        field.widget = MaskedPhoneInput(attrs=field.widget.attrs, stored=stored)
        name = self.add_prefix("mobile")
        if self.is_bound and self.data.get(name) == mask_phone(stored):
            self.data = self.data.copy()
            self.data[name] = stored
