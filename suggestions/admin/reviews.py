"""专题检讨 in the admin: the flagged units (below 60 two years running, by stored score) with
the verb 登记专题检讨, and each recorded review as a read-only page. Recording goes through
``suggestions.reviews.unit_review_record``, which closes the flag."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import clock
from core.admin_lists import LargeListAdmin

from ..models import HandlingUnit, UnitReview, UnitYearScore
from ..reviews import flagged_scores, unit_review_record
from ..workflow import SuggestionError

TEMPLATES = "admin/suggestions/unitreview/"
YEAR_MIN, YEAR_MAX = 2000, 2100
FLAGGED_SHOWN = 200  # the list is a handful of units a year; a cap keeps it a fixed size


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("检讨日期"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.CharField(
        label=_("参加人员"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    findings = forms.CharField(
        label=_("查找的问题"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    measures = forms.CharField(
        label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


@admin.register(UnitReview)
class UnitReviewAdmin(LargeListAdmin, admin.ModelAdmin):
    change_list_template = TEMPLATES + "change_list.html"
    list_display = ("unit", "years", "held_on", "recorded_by", "recorded_at")
    list_filter = ("year",)
    list_select_related = ("unit", "recorded_by")
    search_fields = ("unit__name",)
    sortable_by = ("held_on",)
    fields = (
        "unit",
        "year",
        "held_on",
        "attendees",
        "findings",
        "measures",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = fields

    @admin.display(description=_("检讨年度"), ordering="year")
    def years(self, obj):
        return obj.years_label

    def has_change_permission(self, request, obj=None):
        return False  # the record of a meeting held: read only

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("flagged/", view(self.flagged_view), name="suggestions_unitreview_flagged"),
            path(
                "record/<int:unit>/<int:year>/",
                view(self.record_view),
                name="suggestions_unitreview_record",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:suggestions_unitreview_flagged")

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            TEMPLATES + template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    def flagged_view(self, request):
        if not self.has_view_permission(request):
            raise Http404
        rows = list(flagged_scores(open_only=False)[:FLAGGED_SHOWN])
        return self._page(
            request,
            "flagged.html",
            _t("连续两年低于 60 分的承办单位（专题检讨）"),
            rows=rows,
            can_add=self.has_add_permission(request),
        )

    def record_view(self, request, unit: int, year: int):
        if not self.has_add_permission(request) or not YEAR_MIN <= year <= YEAR_MAX:
            raise Http404
        unit_obj = get_object_or_404(HandlingUnit, pk=unit)
        score = get_object_or_404(flagged_scores(open_only=False).filter(unit=unit_obj, year=year))
        form = ReviewForm(request.POST or None, initial={"held_on": clock.today()})
        if request.method == "POST" and form.is_valid():
            try:
                review = unit_review_record(
                    actor=request.user, unit=unit_obj, year=year, **form.cleaned_data
                )
            except SuggestionError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, _t("已登记%(r)s。") % {"r": review}, messages.SUCCESS)
                return redirect("admin:suggestions_unitreview_change", review.pk)
        return self._page(
            request,
            "record.html",
            _t("登记专题检讨：%(u)s（%(a)s–%(b)s 年度）")
            % {"u": unit_obj, "a": year - 1, "b": year},
            form=form,
            score=score,
            flagged_url=reverse("admin:suggestions_unitreview_flagged"),
        )


def unit_score_years() -> list[int]:
    return list(UnitYearScore.objects.order_by("-year").values_list("year", flat=True).distinct())
