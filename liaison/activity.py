"""The residents a deputy received in a year (visits they attended), as an activity other
apps may read (the training app's gap rule "no visit this year → meeting residents")."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Visit

LABEL = _("接待选民（接待记录）")


def visit_counts(*, deputy_ids: list[int], year: int) -> dict[int, int]:
    """Deputy id → visits in ``year`` they attended; one grouped query."""
    rows = (
        Visit.deputies.through.objects.filter(
            deputy_id__in=deputy_ids, visit__occurred_on__year=year
        )
        .values_list("deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)
