"""The admin of terms (届次): the change-over page (换届) and the term history of a deputy."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from .models import Deputy, Term, TermMembership
from .terms import (
    ERR_NO_TERM,
    TermChangeOverError,
    change_over_roster,
    term_change_over,
    term_current_or_last,
    term_next_window,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TermChangeOverForm(forms.Form):
    """The new term and who continues; the service checks the rules and names what is wrong."""

    number = forms.IntegerField(label=_("新一届届次"), min_value=1)
    start_date = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE_INPUT)
    continuing = forms.ModelMultipleChoiceField(
        label=_("连任代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, roster: list[tuple[Deputy, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["continuing"].queryset = Deputy.objects.filter(
            pk__in=[deputy.pk for deputy, _recommended in roster]
        )


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    change_list_template = "admin/deputies/term/change_list.html"
    list_display = ("__str__", "number", "start_date", "end_date")
    ordering = ("-number",)

    def get_urls(self):
        return [
            path(
                "change-over/",
                self.admin_site.admin_view(self.change_over_view),
                name="deputies_term_change_over",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "change_over_url": reverse("admin:deputies_term_change_over"),
        }
        return super().changelist_view(request, extra_context)

    def change_over_view(self, request):
        """开启新一届: the form pre-filled with the next term, the serving deputies as
        checkboxes, those the duty ledger recommends for re-election first and checked."""
        if not self.has_add_permission(request):
            return redirect("admin:deputies_term_changelist")
        previous = term_current_or_last()
        if previous is None:
            self.message_user(request, _t(ERR_NO_TERM), messages.ERROR)
            return redirect("admin:deputies_term_changelist")
        roster = change_over_roster(previous)
        number, start_date, end_date = term_next_window(previous)
        form = TermChangeOverForm(
            request.POST or None,
            roster=roster,
            initial={
                "number": number,
                "start_date": start_date,
                "end_date": end_date,
                "continuing": [deputy.pk for deputy, recommended in roster if recommended],
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                result = term_change_over(
                    new_term_number=form.cleaned_data["number"],
                    start_date=form.cleaned_data["start_date"],
                    end_date=form.cleaned_data["end_date"],
                    continuing=form.cleaned_data["continuing"],
                    actor=request.user,
                )
            except TermChangeOverError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _t("已开启%(term)s：连任 %(c)d 名，届满离任 %(e)d 名。")
                    % {"term": result.term, "c": result.continued, "e": result.ended},
                    messages.SUCCESS,
                )
                return redirect("admin:deputies_term_changelist")
        selected = {str(value) for value in form["continuing"].value() or []}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("开启新一届（换届）"),
            "form": form,
            "previous": previous,
            "rows": [(d, recommended, str(d.pk) in selected) for d, recommended in roster],
            "recommended_count": sum(1 for _d, recommended in roster if recommended),
        }
        return TemplateResponse(request, "admin/deputies/term/change_over.html", context)


class TermMembershipInline(admin.TabularInline):
    """A deputy's terms, newest first; written by the change-over and status changes only."""

    model = TermMembership
    fields = ("term", "joined_on", "left_on", "end_reason")
    readonly_fields = fields
    ordering = ("-term__number",)
    extra = 0
    can_delete = False
    verbose_name_plural = _("历届任职")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("term")
