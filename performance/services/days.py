"""Rules earned at most once per deputy per day, and who wins when two paths claim the day.

进站接待选民 (B03) is earned by being at a station on a reception day. It can reach the ledger
two ways: automatically, when staff mark the deputy's duty attended (liaison, through
:func:`performance.public.ledger_credit`), or by the deputy's own submission. Both must never
count for the same day, so the rule is **first wins**:

* an automatic credit is skipped when the deputy already has a non-rejected entry of the rule
  dated that day (their own submission, pending or verified, or another duty's credit);
* the deputy's own submission for a day already credited automatically is refused with
  :data:`ERR_DAY_ALREADY_CREDITED`.

Both paths lock the deputy's row first, so a submission and a credit racing for the same day
are serialised and the second one sees the first. A rejected entry does not hold the day: once
staff reject the deputy's own entry, marking the duty again (idempotent) credits it.
"""

from datetime import date

from django.utils.translation import gettext_noop

from deputies.models import Deputy

from ..models import EntryStatus, LedgerEntry, Rule, SourceKind

ONCE_PER_DAY_RULES = frozenset({"B03"})

ERR_DAY_ALREADY_CREDITED = gettext_noop(
    "%(date)s 的“%(rule)s”已按接待日到岗自动记分，同一天不能再申报。"
)


def once_per_day(rule: Rule) -> bool:
    return rule.code in ONCE_PER_DAY_RULES


def day_lock(deputy: Deputy) -> None:
    """Serialise writes of a once-per-day rule for one deputy (inside the caller's
    transaction; SQLite serialises writers anyway)."""
    list(Deputy.objects.select_for_update().filter(pk=deputy.pk).values_list("pk"))


def day_entry(
    *, deputy: Deputy, rule: Rule, occurred_on: date, automatic_only: bool = False
) -> LedgerEntry | None:
    """The deputy's non-rejected entry of ``rule`` dated ``occurred_on``, if any."""
    entries = LedgerEntry.objects.filter(deputy=deputy, rule=rule, occurred_on=occurred_on).exclude(
        status=EntryStatus.REJECTED
    )
    if automatic_only:
        entries = entries.filter(source_kind=SourceKind.AUTOMATIC)
    return entries.order_by("id").first()
