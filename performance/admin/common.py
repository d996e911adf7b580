"""Pieces the performance admin pages share: the year filters, the base admin with its
plain custom pages and intermediate action forms, and the bulk runner that reports each
refusal as a message instead of a 500."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.admin_actions import bulk_apply
from core.admin_lists import LargeListAdmin
from core.choices import choice_label
from core.compiled import rows_once

from ..models import (
    RuleSet,
)
from ..scoring import ScoringError
from ..services import LedgerError

TEMPLATES = "admin/performance/"
ERR_BAD_SELECTION = gettext_noop("所选项目无效（页面可能已过期），未作任何改动。请刷新后重新选择。")
PK_MIN, PK_MAX = -(2**63), 2**63 - 1  # what a database integer key can hold
# The years a query parameter may name; the forms that create a year use the same range.
YEAR_MIN, YEAR_MAX = 2000, 2100


def year_from(value) -> int | None:
    """The year a query parameter names, or None when it names none the ledger could hold.

    Query strings are typed by hand and bookmarked: ``year=abc`` or a thirty-digit year must
    not reach the database, where it is a ValueError or an integer overflow (a 500)."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if YEAR_MIN <= year <= YEAR_MAX else None


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=200, widget=forms.TextInput(attrs={"size": 60})
    )


def _year_choices():
    """The rule sets' years, read afresh by a statement compiled once per process."""
    years = rows_once(("performance:rule-set-years",), _rule_set_years)
    return [(year, str(year)) for (year,) in years]


def _rule_set_years():
    return RuleSet.objects.values_list("year", flat=True)


class YearFilter(admin.SimpleListFilter):
    """Filter by assessment year; ``year_path`` names the lookup on the model."""

    title = _("年度")
    parameter_name = "year"
    year_path = "rule__rule_set__year"

    def lookups(self, request, model_admin):
        return _year_choices()

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        year = year_from(self.value())
        if year is None:
            # Django's own answer to a bad lookup: the unfiltered list with a notice (?e=1).
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(**{self.year_path: year})


class AssessmentYearFilter(YearFilter):
    year_path = "rule_set__year"


class PlainYearFilter(YearFilter):
    year_path = "year"


class PlanYearFilter(YearFilter):
    year_path = "plan__year"


class TopicYearFilter(YearFilter):
    year_path = "topic__year"


def _run(request, items, label, fn) -> list:
    """Apply ``fn`` to each item; report how many worked and each refusal, never a 500."""
    return bulk_apply(request, items, label, fn, errors=(LedgerError, ScoringError))


class PerformanceAdmin(LargeListAdmin, admin.ModelAdmin):
    """Shared helpers: intermediate forms for actions and plain custom pages; lists that
    count, page and sort only as far as the rows they show (``core.admin_lists``)."""

    def get_changelist_instance(self, request):
        """Django's invalid-lookup page (a redirect to ``?e=1``) for every lookup it cannot run.

        Django validates lookups only while it builds the query; a value that fails when the
        query is compiled still ends in a 500: ``occurred_on__year=9999`` (a date hierarchy's
        next year does not exist), ``occurred_on__year=<thirty digits>`` (an overflow)."""
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as exc:
            if not request.GET:
                raise  # no lookup to blame: a real fault, let it be reported
            raise IncorrectLookupParameters(exc) from exc

    def response_action(self, request, queryset):
        """Refuse a tampered selection (``_selected_action=abc``) with a message: Django
        would filter by it and fail with a ValueError or an overflow (a 500)."""
        if not all(map(self._valid_pk, request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME))):
            self.message_user(request, _t(ERR_BAD_SELECTION), messages.ERROR)
            return None  # Django goes back to the list
        return super().response_action(request, queryset)

    def _valid_pk(self, value) -> bool:
        try:
            key = self.model._meta.pk.to_python(value)
        except ValidationError:
            return False
        return not isinstance(key, int) or PK_MIN <= key <= PK_MAX

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
        return choice_label(obj.deputy, "level") if obj.deputy_id else ""
