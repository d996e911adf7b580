"""The suggestions a deputy put forward in a year, as an activity other apps may read (the
training app's gap rule "no suggestion this year → writing suggestions")."""

from collections import Counter

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Suggestion

LABEL = _("提出建议（领衔或附议）")


def suggestion_counts(*, deputy_ids: list[int], year: int) -> dict[int, int]:
    """Deputy id → suggestions submitted in ``year`` that they led or co-signed; two grouped
    queries (led, co-signed), whatever the number of deputies."""
    counts: Counter[int] = Counter()
    led = (
        Suggestion.objects.filter(lead_deputy_id__in=deputy_ids, submitted_on__year=year)
        .values_list("lead_deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cosigned = (
        Suggestion.co_signers.through.objects.filter(
            deputy_id__in=deputy_ids, suggestion__submitted_on__year=year
        )
        .values_list("deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for deputy_id, n in [*led, *cosigned]:
        counts[deputy_id] += n
    return dict(counts)
