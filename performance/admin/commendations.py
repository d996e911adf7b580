"""Commendations (表彰决定): the decision page lists the year's 优秀 deputies as candidates,
all ticked; a decision's page shows whom it commends and on which assessment; withdrawing a
decision and taking one deputy off it (更正) ask for a reason. Every write goes through
``performance.services``."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import clock
from deputies.models import Deputy

from .. import services
from ..models import Commendation, CommendedDeputy
from ..services import LedgerError
from .common import (
    TEMPLATES,
    YEAR_MAX,
    YEAR_MIN,
    PerformanceAdmin,
    PlainYearFilter,
    ReasonForm,
    _run,
    year_from,
)


class DecideForm(forms.Form):
    title = forms.CharField(label=_("表彰名称"), max_length=100)
    document_no = forms.CharField(label=_("文号"), max_length=60)
    deciding_body = forms.CharField(label=_("决定机关"), max_length=100)
    decided_on = forms.DateField(
        label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deputies = forms.TypedMultipleChoiceField(
        label=_("受表彰代表（本年度考核“优秀”等次）"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].choices = [
            (
                a.deputy_id,
                _t("第 %(rank)d 名 %(deputy)s（%(total)s 分）")
                % {"rank": a.rank, "deputy": a.deputy, "total": a.total},
            )
            for a in candidates
        ]


class CorrectForm(ReasonForm):
    deputy = forms.TypedChoiceField(label=_("移除的代表"), coerce=int)


class CommendedDeputyInline(admin.TabularInline):
    model = CommendedDeputy
    extra = 0
    can_delete = False
    fields = ("deputy", "rank", "total", "grade", "ledger_link")
    readonly_fields = fields

    def get_queryset(self, request):
        # The row's title names its decision: read with the rows, not once per row.
        return (
            super()
            .get_queryset(request)
            .select_related("commendation", "deputy", "assessment__rule_set")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("名次"))
    def rank(self, row):
        return row.assessment.rank

    @admin.display(description=_("总分"))
    def total(self, row):
        return row.assessment.total

    @admin.display(description=_("等次（当前）"))
    def grade(self, row):
        return row.assessment.get_grade_display()

    @admin.display(description=_("履职记录"))
    def ledger_link(self, row):
        url = reverse("admin:performance_ledgerentry_changelist")
        return format_html(
            '<a href="{}?q={}&amp;year={}">{}</a>',
            url,
            row.deputy.code,
            row.assessment.rule_set.year,
            _t("查看"),
        )


@admin.register(Commendation)
class CommendationAdmin(PerformanceAdmin):
    change_list_template = TEMPLATES + "commendation/change_list.html"
    list_display = (
        "year",
        "title",
        "document_no",
        "decided_on",
        "deciding_body",
        "commended_count",
        "state",
    )
    list_filter = (PlainYearFilter,)
    search_fields = ("title", "document_no", "deputies__name")
    sortable_by = ("year", "decided_on")
    fields = (
        "year",
        "title",
        "document_no",
        "deciding_body",
        "decided_on",
        "note",
        "decided_by",
        "withdrawn_on",
        "withdraw_reason",
    )
    readonly_fields = fields
    inlines = [CommendedDeputyInline]
    actions = ["withdraw"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_commended=Count("commended"))

    @admin.display(description=_("受表彰人数"))
    def commended_count(self, obj):
        return obj.n_commended

    @admin.display(description=_("状态"))
    def state(self, obj):
        return _t("已撤销") if obj.withdrawn else _t("有效")

    def has_change_permission(self, request, obj=None):
        # The page is the decision's record; changes go through the actions and 更正.
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("decide/", view(self.decide_view), name="performance_commendation_decide"),
            path(
                "<int:pk>/correct/",
                view(self.correct_view),
                name="performance_commendation_correct",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:performance_commendation_decide")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"correct_url": None}
        if (obj := self.get_object(request, object_id)) is not None and not obj.withdrawn:
            extra["correct_url"] = reverse("admin:performance_commendation_correct", args=[obj.pk])
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    change_form_template = TEMPLATES + "commendation/change_form.html"

    def decide_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:performance_commendation_changelist")
        today = clock.today()
        year = year_from(request.GET.get("year"))
        if year is None or year >= today.year:
            year = today.year - 1
        candidates = list(services.commendation_candidates(year))
        initial = {
            "title": _t("%(y)s年度优秀人大代表") % {"y": year},
            "deciding_body": settings.LVZHI_COMMITTEE_NAME,
            "decided_on": today,
            "deputies": [a.deputy_id for a in candidates],
        }
        form = DecideForm(request.POST or None, initial=initial, candidates=candidates)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                commendation = services.commendation_decide(
                    actor=request.user,
                    year=year,
                    title=data["title"],
                    decided_on=data["decided_on"],
                    document_no=data["document_no"],
                    deciding_body=data["deciding_body"],
                    note=data["note"],
                    deputy_ids=data["deputies"],
                )
            except LedgerError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _t("已登记表彰决定 %(c)s。") % {"c": commendation},
                    messages.SUCCESS,
                )
                return redirect("admin:performance_commendation_change", commendation.pk)
        return self._page(
            request,
            "commendation/decide.html",
            _t("%(y)s 年度评先创优：登记表彰决定") % {"y": year},
            form=form,
            year=year,
            years=range(today.year - 1, max(YEAR_MIN, today.year - 6), -1),
            candidates=candidates,
            year_max=YEAR_MAX,
        )

    def correct_view(self, request, pk: int):
        commendation = get_object_or_404(Commendation, pk=pk)
        back = reverse("admin:performance_commendation_change", args=[pk])
        if not self.has_view_permission(request) or not request.user.has_perm(
            "performance.change_commendation"
        ):
            return HttpResponseRedirect(back)
        rows = list(commendation.commended.select_related("deputy"))
        form = CorrectForm(request.POST or None)
        form.fields["deputy"].choices = [(r.deputy_id, str(r.deputy)) for r in rows]
        if request.method == "POST" and form.is_valid():
            try:
                services.commendation_deputy_remove(
                    actor=request.user,
                    commendation=commendation,
                    deputy=get_object_or_404(Deputy, pk=form.cleaned_data["deputy"]),
                    reason=form.cleaned_data["reason"],
                )
            except LedgerError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, _t("已更正表彰决定。"), messages.SUCCESS)
                return HttpResponseRedirect(back)
        return self._page(
            request,
            "simple_form.html",
            _t("更正表彰决定：%(c)s") % {"c": commendation},
            form=form,
            note=_t("从该决定中移除一名误列的代表，其因此获得的履职积分一并撤回。"),
            submit=_t("移除"),
        )

    @admin.action(description=_("撤销所选表彰决定"), permissions=["change"])
    def withdraw(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            _run(
                request,
                list(queryset),
                _t("撤销"),
                lambda c: services.commendation_withdraw(
                    actor=request.user, commendation=c, reason=reason
                ),
            )
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            "withdraw",
            _t("撤销表彰决定"),
            note=_t("决定记录保留并注明撤销日期和理由，受表彰代表因此获得的履职积分一并撤回。"),
        )
