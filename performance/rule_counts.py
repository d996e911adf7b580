"""How many entries of each rule a deputy has in a year: the ledger's side of the training
app's gap rules ("no reception duty this year → meeting residents")."""

from collections.abc import Iterable

from django.db.models import Count

from deputies.facts import prepared

from .models import EntryStatus, LedgerEntry


def ledger_rule_counts(*, deputy_ids: Iterable[int], year: int) -> dict[int, dict[str, int]]:
    """Deputy id → {rule code → entries not rejected dated in ``year``}, one grouped query.
    Pending entries count: a deputy who has reported an activity is not told to learn it."""
    ids = list(deputy_ids)
    if len(ids) == 1:  # a deputy's own page: compiled once, run with the id
        rows = prepared(
            ("performance:rule-counts", year),
            lambda deputies: _counted(deputies, year=year),
            deputies=(ids[0],),
        )
    else:
        rows = _counted(ids, year=year)
    counts: dict[int, dict[str, int]] = {}
    for deputy_id, code, n in rows:
        counts.setdefault(deputy_id, {})[code] = n
    return counts


def _counted(deputies, *, year: int):
    return (
        LedgerEntry.objects.filter(deputy_id__in=list(deputies), occurred_on__year=year)
        .exclude(status=EntryStatus.REJECTED)
        .values_list("deputy_id", "rule__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
