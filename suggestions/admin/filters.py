"""List filters of the suggestions admin that say what needs chasing (督办事项)."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core import clock

from ..models import (
    OPEN_HANDLING,
    Commitment,
    CommitmentStatus,
    FollowUpCheck,
)


class AttentionFilter(admin.SimpleListFilter):
    """The staff overview's cards, as filters: each card's "all N" link opens this list.

    Each option is an ``EXISTS`` on an indexed column or an indexed range, never a count."""

    title = _("督办事项")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("超期未答复")),
            ("checks", _("三查到期")),
            ("commitments", _("承诺逾期")),
        ]

    def queryset(self, request, queryset):
        today = clock.today()
        if self.value() == "overdue":
            return queryset.filter(status__in=OPEN_HANDLING, reply_deadline__lt=today)
        if self.value() == "checks":
            due = FollowUpCheck.objects.filter(
                suggestion=OuterRef("pk"), done_on__isnull=True, due_on__lte=today
            )
            return queryset.filter(Exists(due))
        if self.value() == "commitments":
            late = Commitment.objects.filter(
                suggestion=OuterRef("pk"), status=CommitmentStatus.OPEN, due_on__lt=today
            )
            return queryset.filter(Exists(late))
        return queryset
