"""How many entries of each rule a deputy has in a year: the ledger's side of the training
app's gap rules ("no reception duty this year → meeting residents")."""

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count

from deputies.facts import DeputyFacts, prepared

from .models import EntryStatus, LedgerEntry

RULE_CODE_FACTS = "performance.rule-codes"  # the deputy's facts read by ``ledger_rule_counts``


def ledger_rule_counts(
    *, deputy_ids: Iterable[int], year: int, facts: DeputyFacts | None = None
) -> dict[int, dict[str, int]]:
    """Deputy id → {rule code → entries not rejected dated in ``year``}, one grouped query.
    Pending entries count: a deputy who has reported an activity is not told to learn it.
    ``facts``: the request's deputy's facts; when they hold the codes of this deputy's
    entries of this year (``deputy_panels.rule_code_facts``), counted from them, no query."""
    ids = list(deputy_ids)
    codes = facts.values.get(RULE_CODE_FACTS) if facts is not None else None
    if codes is not None and ids == [facts.deputy.pk] and year == facts.year:
        counted = Counter(code for (code,) in codes["codes"])
        return {ids[0]: dict(counted)} if counted else {}
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
