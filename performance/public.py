"""The duty ledger's door for other apps: how suggestions, liaison and training earn points.

Other apps import ``performance`` only through this module (import-linter enforces it). What
it offers is small on purpose:

``Credit``
    One automatic credit: the deputy, the rule code (e.g. ``"C02"``), the source object that
    earned it (a suggestion, a visit, a course), the day it happened, a title and a note.

``ledger_credit(*, deputy, rule_code, source, occurred_on, title, description="", actor=None)``
    Credit one source. The entry is verified at once (automatic entries need no review) and
    the year's score is recomputed after the commit. Idempotent per (deputy, rule, source):
    calling it again returns the existing entry and writes nothing, so an app may credit
    whenever its transition happens without remembering whether it did before.
    Returns the entry, or ``None`` when the year has no rule set (see below).

``ledger_credit_many(*, credits, actor=None)``
    The same for many sources at once, in a fixed number of queries. Returns how many entries
    it wrote: already-credited sources and credits in a year without rules count nothing.

``supervision_topic_propose(*, year, title, description="", actor=None)``
    Put a candidate topic (unpublished) on the year's menu of supervision (菜单式监督), or
    return the topic of that title the year already has. Staff (or the system) only.

``ledger_withdraw(*, deputy, rule_code, source, reason, actor=None)``
    Take back the automatic credit a source earned (its transition was undone). The entry
    is deleted, so the source can be credited again later; a frozen year is refused with
    ``LedgerError``. Returns whether an entry was withdrawn.

Once per day (B03, ``ONCE_PER_DAY_RULES``)
    进站接待选民 counts once per deputy per day, whichever path claims the day first: an
    automatic credit is skipped (``None``) when the deputy already has a non-rejected entry
    of the rule that day; a deputy's own submission for a day already credited automatically
    is refused (``ERR_DAY_ALREADY_CREDITED``). ``ledger_credit_many`` refuses these rules.

``published_achievements(*, deputies, year)``
    Deputy id → their row (rank, total, duty days) in ``year``'s latest published quarterly
    table (季度亮分), one query; for public faces such as a station's poster.

``ledger_rule_counts(*, deputy_ids, year, facts=None)``
    Deputy id → {rule code → entries not rejected in ``year``}, one grouped query; what the
    training app reads to find a deputy's gaps. A deputy's own page passes the request's
    ``deputies.facts`` read with the sources ``RULE_CODE_FACTS``: then no query.

``LedgerError``
    A credit the ledger refuses, with a message for the user: an unknown rule code, a year
    already frozen (closed), a date after the deputy left office or outside the rule's year,
    an implausible year, or an actor who may not credit. Nothing has been written.

A year without rules
    Looking a rule up never creates a year's rule set; staff set a year up explicitly (copy
    the previous year in the admin, or ``load_default_rules``). Until then a credit for that
    year is *not an error*: ``ledger_credit`` writes nothing, logs a warning and returns
    ``None``; ``ledger_credit_many`` skips those credits. The calling app's transition goes
    on. Because crediting is idempotent, the app (or a re-run) can credit again once the year
    is set up.

Who may credit
    ``actor`` is the user on whose behalf the credit is given, recorded in the audit trail.
    Pass ``None`` (the system) when the credit follows from your own app's transition that
    your service has already authorised (a deputy's or a unit's action); pass a committee
    staff user when staff act. Any other user is refused with ``LedgerError``
    (``ERR_NOT_PERMITTED``): a deputy never credits themself.
"""

from .access import ERR_NOT_PERMITTED
from .published import PublishedAchievement, published_achievements
from .rule_counts import RULE_CODE_FACTS, ledger_rule_counts
from .services import (
    ERR_DAY_ALREADY_CREDITED,
    ONCE_PER_DAY_RULES,
    Credit,
    LedgerError,
    ledger_credit,
    ledger_credit_many,
    ledger_withdraw,
)
from .services.activities import supervision_topic_propose

__all__ = [
    "ERR_DAY_ALREADY_CREDITED",
    "ERR_NOT_PERMITTED",
    "ONCE_PER_DAY_RULES",
    "RULE_CODE_FACTS",
    "Credit",
    "LedgerError",
    "PublishedAchievement",
    "ledger_credit",
    "ledger_credit_many",
    "ledger_rule_counts",
    "ledger_withdraw",
    "published_achievements",
    "supervision_topic_propose",
]
