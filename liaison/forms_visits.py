"""The deputy's phone-first form to log a visit, and the staff export options."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import clock
from deputies.models import Community, Deputy
from deputies.models import Status as DeputyStatus
from suggestions.public import Category

from .models import Satisfaction, VisitStatus
from .selectors_visits import deputy_stations
from .services.visits import VisitError, normalise_phone


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class VisitForm(forms.Form):
    occurred_on = forms.DateField(label=_("接待日期"), widget=DateInput())
    station = forms.ModelChoiceField(label=_("站点"), queryset=None)
    deputies = forms.ModelMultipleChoiceField(
        label=_("同场接待代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("您本人自动计入。"),
    )
    visitor_name = forms.CharField(label=_("来访人（选填）"), max_length=50, required=False)
    visitor_phone = forms.CharField(
        label=_("联系电话（选填）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    category = forms.ModelChoiceField(label=_("类别"), queryset=None)
    community = forms.ModelChoiceField(label=_("所属社区"), queryset=None)
    problem = forms.CharField(
        label=_("反映问题"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    answer = forms.CharField(
        label=_("现场答复"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up = forms.CharField(
        label=_("后续跟进"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    status = forms.ChoiceField(label=_("状态"), choices=VisitStatus.choices)
    referred_to = forms.CharField(label=_("转办部门"), max_length=100, required=False)
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=[("", "—"), *Satisfaction.choices], required=False
    )

    def __init__(self, *args, deputy: Deputy, **kwargs):
        super().__init__(*args, **kwargs)
        self.deputy = deputy
        stations = deputy_stations(deputy)
        self.fields["station"].queryset = stations
        # Colleagues who could have been there: assigned to or on duty at those stations (a
        # short list on a phone, not the whole roster).
        station_ids = list(stations.values_list("pk", flat=True))
        self.fields["deputies"].queryset = (
            Deputy.objects.filter(status=DeputyStatus.SERVING)
            .filter(
                Q(liaison_stations__in=station_ids)
                | Q(reception_duties__reception_day__station__in=station_ids)
            )
            .exclude(pk=deputy.pk)
            .distinct()
            .order_by("code")
        )
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["community"].queryset = Community.objects.filter(is_active=True)
        self.fields["occurred_on"].initial = clock.today()

    def clean_visitor_phone(self):
        try:
            return normalise_phone(self.cleaned_data.get("visitor_phone", ""))
        except VisitError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ExportForm(forms.Form):
    full_phone = forms.BooleanField(
        label=_("含完整电话"),
        required=False,
        help_text=_("勾选后导出来访人完整电话；导出会记入审计日志。"),
    )
