"""django-filter filter sets of the lists (``?status=``, ``?year=`` …). A value outside a
field's choices is a 400 naming the parameter, never a 500."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.models import Notification
from performance.models import EntryStatus, LedgerEntry, Rule
from suggestions.models import Status, Suggestion


class EntryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices, label=_("状态"))
    year = django_filters.NumberFilter(
        field_name="rule__rule_set__year", label=_("年度"), min_value=2000, max_value=2100
    )

    class Meta:
        model = LedgerEntry
        fields = ["status", "year"]


class SuggestionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("状态"))

    class Meta:
        model = Suggestion
        fields = ["status", "kind"]


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("仅未读")
    )

    class Meta:
        model = Notification
        fields = ["unread"]


class RuleFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        field_name="rule_set__year", label=_("年度"), min_value=2000, max_value=2100
    )
    self_service = django_filters.BooleanFilter(
        field_name="deputy_can_submit", label=_("仅代表可自行申报的")
    )

    class Meta:
        model = Rule
        fields = ["year", "self_service"]
