from django import forms
from django.utils.translation import gettext_lazy as _

from core.admin_privacy import mask_stored_phones


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


class DeputyAdminForm(forms.ModelForm):
    """The admin's deputy form: the phone shows masked (``core.admin_privacy``); staff type a
    new number to change it, or press 显示完整号码 (recorded) to read it. (The admin supplies
    the model and fields.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mask_stored_phones(self, ("mobile",))
