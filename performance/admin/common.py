"""Pieces the performance admin pages share: the year filters, the base admin with its
plain custom pages and intermediate action forms, and the bulk runner that reports each
refusal as a message instead of a 500."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from ..models import (
    RuleSet,
)
from ..scoring import ScoringError
from ..services import LedgerError

TEMPLATES = "admin/performance/"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=200, widget=forms.TextInput(attrs={"size": 60})
    )


def _year_choices():
    return [(y, str(y)) for y in RuleSet.objects.values_list("year", flat=True)]


class YearFilter(admin.SimpleListFilter):
    """Filter by assessment year; ``year_path`` names the lookup on the model."""

    title = _("年度")
    parameter_name = "year"
    year_path = "rule__rule_set__year"

    def lookups(self, request, model_admin):
        return _year_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.year_path: self.value()})
        return queryset


class AssessmentYearFilter(YearFilter):
    year_path = "rule_set__year"


class PlainYearFilter(YearFilter):
    year_path = "year"


class PlanYearFilter(YearFilter):
    year_path = "plan__year"


class TopicYearFilter(YearFilter):
    year_path = "topic__year"


def _run(request, items, label, fn) -> list:
    """Apply ``fn`` to each item; report how many worked and each refusal, never a 500.
    Returns what ``fn`` returned for the items that worked."""
    results, failed = [], []
    for item in items:
        try:
            results.append(fn(item))
        except (LedgerError, ScoringError) as exc:
            failed.append(f"{item}：{exc}")
    if results:
        messages.success(
            request, _t("%(label)s：%(n)d 项完成。") % {"label": label, "n": len(results)}
        )
    for message in failed:
        messages.error(request, message)
    return results


class PerformanceAdmin(admin.ModelAdmin):
    """Shared helpers: intermediate forms for actions and plain custom pages."""

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

    def _intermediate(self, request, queryset, form, action, title, note=""):
        if isinstance(self.list_select_related, list | tuple):
            queryset = queryset.select_related(*self.list_select_related)
        return self._page(
            request,
            "action_form.html",
            title,
            form=form,
            queryset=queryset[:200],
            count=queryset.count(),
            action=action,
            note=note,
            action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
        )


def count_column(annotation: str, description):
    """A changelist column showing (and sorting by) a count annotated in get_queryset."""

    @admin.display(description=description, ordering=annotation)
    def column(self, obj):
        return getattr(obj, annotation)

    return column


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LockableInline:
    """An inline that turns read-only once its parent is locked (a frozen year, a closed
    roll); subclasses say when with ``locked(parent)``."""

    def locked(self, parent) -> bool:
        raise NotImplementedError

    def _open(self, parent) -> bool:
        return parent is None or not self.locked(parent)

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class DeputyLevelColumn:
    @admin.display(description=_("层级"), ordering="deputy__level")
    def deputy_level(self, obj):
        return obj.deputy.get_level_display() if obj.deputy_id else ""
