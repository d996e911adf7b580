"""The residents' opinion form (public, no login), the tracking-code form, and the staff
triage forms used by the admin's intermediate action pages."""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from core.compiled import rows_once
from deputies.models import Community, Deputy
from deputies.models import Status as DeputyStatus
from suggestions.public import Category

from .models import Opinion, OpinionStatus, Station
from .services.opinions import REPLY_MAX, normalise_code
from .services.visits import VisitError, normalise_phone

HONEYPOT = "website"


class NamedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices as ``(id, name)`` pairs from a statement compiled once per process (the
    field's ``kept_key``) and read afresh on every form, instead of a model per choice: the
    public form lists every active community and category. Their ``__str__`` is their name."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        yield from rows_once(self.field.kept_key, lambda: queryset.values_list("pk", "name"))


class NamedChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose choices are read by ``NamedChoiceIterator``; a submitted
    value is still looked up in the queryset."""

    iterator = NamedChoiceIterator

    def __init__(self, *args, kept_key: tuple, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_key = kept_key


class OpinionForm(forms.Form):
    category = NamedChoiceField(
        label=_("问题类别"),
        queryset=Category.objects.none(),
        kept_key=("liaison.OpinionForm", "category"),
        empty_label=_("请选择"),
        error_messages={"invalid_choice": _("请选择有效的类别。")},
    )
    community = NamedChoiceField(
        label=_("所在社区"),
        queryset=Community.objects.none(),
        kept_key=("liaison.OpinionForm", "community"),
        empty_label=_("请选择"),
        error_messages={"invalid_choice": _("请选择有效的社区。")},
    )
    description = forms.CharField(
        label=_("您的意见或建议"),
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=True,
    )
    contact_name = forms.CharField(label=_("称呼（选填）"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话（选填）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("仅工作人员可见，用于回访；不会公开。"),
    )
    consent = forms.BooleanField(
        label=_("我已阅读并同意隐私说明"),
        error_messages={"required": _("须同意隐私说明后才能提交。")},
    )
    # A field people never see (hidden by CSS and from screen readers); bots fill it in.
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["community"].queryset = Community.objects.filter(is_active=True)
        limit = settings.LVZHI_OPINION_MAX_CHARS
        self.fields["description"].max_length = limit
        self.fields["description"].validators.append(MaxLengthValidator(limit))
        self.fields["description"].widget.attrs["maxlength"] = str(limit)
        self.fields["description"].help_text = _("请具体说明时间、地点和问题，最多 %(n)d 字。") % {
            "n": limit
        }

    def clean_contact_phone(self):
        try:
            return normalise_phone(self.cleaned_data.get("contact_phone", ""))
        except VisitError as exc:
            raise forms.ValidationError(str(exc)) from exc

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("查询码应为 10 位字母和数字，请核对后重新输入。"))
        return code


class AssignForm(forms.Form):
    deputy = forms.ModelChoiceField(
        label=_("分办代表"),
        queryset=Deputy.objects.filter(status=DeputyStatus.SERVING).order_by("code"),
        required=False,
    )
    station = forms.ModelChoiceField(
        label=_("分办站点"), queryset=Station.objects.filter(is_active=True), required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("deputy") and not data.get("station"):
            raise forms.ValidationError(_("请选择分办的代表或站点。"))
        return data


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("答复（居民凭查询码可见）"),
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("保留哪一条"),
        queryset=Opinion.objects.none(),
        required=False,
        empty_label=_("最早提交的一条"),
    )

    def __init__(self, *args, opinions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if opinions is not None:
            self.fields["into"].queryset = opinions.exclude(status=OpinionStatus.MERGED)
