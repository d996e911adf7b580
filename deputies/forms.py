from django import forms
from django.utils.translation import gettext_lazy as _


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
