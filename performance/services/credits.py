"""Automatic credits: other apps (and the ledger's own activities, disputes and voter
reports) credit a deputy for a source object, idempotently."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record
from deputies.models import Deputy

from ..models import (
    LedgerEntry,
    Rule,
    SourceKind,
)
from .days import day_entry, day_lock, once_per_day
from .errors import ERR_YEAR_FROZEN, LedgerError, NoRuleSetError, staff_required
from .ledger import entry_build, entry_check
from .recompute import recompute_on_commit
from .rules import rule_by_code

logger = logging.getLogger(__name__)


def ledger_credit(
    *,
    deputy: Deputy,
    rule_code: str,
    source: models.Model,
    occurred_on: date,
    title: str,
    description: str = "",
    actor: User | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> LedgerEntry | None:
    """Credit a deputy automatically for ``source`` (another app's object), verified at once.

    Idempotent per (deputy, rule, source object) through the unique constraint
    ``ledger_entry_once_per_source``: a repeated call returns the existing entry and writes
    nothing, also when two calls race (the loser's insert fails inside a savepoint).

    A year without a rule set is not an error here: nothing is written, a warning is logged
    and ``None`` is returned, so the other app's transition (a suggestion concluded, a visit
    recorded) goes on; the credit can be given again once staff have set the year up (the
    call is idempotent). Any other broken rule raises :class:`LedgerError`. Staff or the
    system (``actor=None``) may credit.

    A rule earned once per day (B03, see :mod:`.days`) is skipped, returning ``None``, when
    the deputy already has a non-rejected entry of it dated ``occurred_on`` (first wins).
    """
    staff_required(actor)
    today = today or clock.day_of(now)
    try:
        rule = rule_by_code(occurred_on.year, rule_code, today=today)
    except NoRuleSetError:
        logger.warning(
            "performance: %s has no rule set; %s for %s:%s not credited",
            occurred_on.year,
            rule_code,
            source._meta.label_lower,
            source.pk,
        )
        return None
    source_type = ContentType.objects.get_for_model(source)
    lookup = {"deputy": deputy, "rule": rule, "source_type": source_type, "source_id": source.pk}
    existing = LedgerEntry.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=True)
    entry = entry_build(
        deputy=deputy,
        rule=rule,
        occurred_on=occurred_on,
        title=title,
        description=description,
        source=source,
        source_kind=SourceKind.AUTOMATIC,
        verified=True,
        actor=actor,
        now=now,
    )
    try:
        with transaction.atomic():
            if once_per_day(rule) and _day_taken(deputy, rule, occurred_on, source):
                return None
            entry.save()
            audit_record(
                actor=actor,
                action="performance.ledger_credit",
                target=entry,
                summary=f"{deputy} {rule.code} {title}",
                data={"source": f"{source._meta.label_lower}:{source.pk}"},
            )
    except IntegrityError:
        return LedgerEntry.objects.get(**lookup)
    recompute_on_commit([occurred_on.year])
    return entry


def _day_taken(deputy: Deputy, rule: Rule, occurred_on: date, source: models.Model) -> bool:
    """First wins for a once-per-day rule (see :mod:`.days`), under the deputy's row lock."""
    day_lock(deputy)
    if day_entry(deputy=deputy, rule=rule, occurred_on=occurred_on) is None:
        return False
    logger.info(
        "performance: %s %s on %s already counted; %s:%s not credited",
        deputy.code,
        rule.code,
        occurred_on,
        source._meta.label_lower,
        source.pk,
    )
    return True


@dataclass(frozen=True)
class Credit:
    """One automatic credit for :func:`ledger_credit_many`."""

    deputy: Deputy
    rule_code: str
    source: models.Model
    occurred_on: date
    title: str
    description: str = ""


@transaction.atomic
def ledger_credit_many(
    *,
    credits: Sequence[Credit],
    actor: User | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> int:
    """:func:`ledger_credit` for many sources at once, in a fixed number of queries (a closed
    roll of any size). The same unique constraint keeps it idempotent: a credit that already
    exists is skipped by the database (ON CONFLICT DO NOTHING). Credits in a year without a
    rule set are skipped (a warning is logged per year), as :func:`ledger_credit` does.
    Returns how many entries were written. Once-per-day rules (B03, see :mod:`.days`) are
    refused: credit them with :func:`ledger_credit`, which decides who wins the day."""
    staff_required(actor)
    rules: dict[tuple[int, str], Rule | None] = {}
    entries, kept = [], []
    today = today or clock.day_of(now)
    now = now or clock.now()
    for credit in credits:
        key = (credit.occurred_on.year, credit.rule_code)
        if key not in rules:
            try:
                rules[key] = rule_by_code(*key, today=today)
            except NoRuleSetError:
                logger.warning("performance: %s has no rule set; %s credits skipped", *key)
                rules[key] = None
        rule = rules[key]
        if rule is None:
            continue
        if once_per_day(rule):  # a programming error: who wins the day is decided one by one
            raise ValueError(f"{rule.code} is credited once per day: use ledger_credit")
        entry_check(deputy=credit.deputy, rule=rule, occurred_on=credit.occurred_on, future_ok=True)
        kept.append(credit)
        entries.append(
            entry_build(
                deputy=credit.deputy,
                rule=rule,
                occurred_on=credit.occurred_on,
                title=credit.title,
                description=credit.description,
                source=credit.source,
                source_kind=SourceKind.AUTOMATIC,
                verified=True,
                actor=actor,
                now=now,
            )
        )
    if not entries:
        return 0
    by_type: dict[int, list[int]] = {}
    for entry in entries:
        by_type.setdefault(entry.source_type_id, []).append(entry.source_id)
    sources = Q()
    for type_id, ids in by_type.items():
        sources |= Q(source_type_id=type_id, source_id__in=ids)
    existing = LedgerEntry.objects.filter(sources)
    counted = existing.count()
    LedgerEntry.objects.bulk_create(entries, ignore_conflicts=True)
    created = existing.count() - counted
    if created:
        audit_record(
            actor=actor,
            action="performance.ledger_credit_many",
            summary=_("自动记入履职记录 %(n)d 条") % {"n": created},
            data={"sources": sorted({f"{c.source._meta.label_lower}:{c.source.pk}" for c in kept})},
        )
        recompute_on_commit({e.occurred_on.year for e in entries})
    return created


def ledger_withdraw(
    *,
    deputy: Deputy,
    rule_code: str,
    source: models.Model,
    reason: str,
    actor: User | None = None,
) -> bool:
    """Take back the automatic credit ``source`` earned (the transition that earned it was
    undone, e.g. a duty marked attended by mistake). The entry is deleted, not rejected, so
    crediting the source again later works. A frozen year is refused (:class:`LedgerError`,
    the year's scores are final). Returns whether an entry was withdrawn. Staff or the
    system may withdraw."""
    staff_required(actor)
    with transaction.atomic():
        entry = (
            LedgerEntry.objects.select_for_update()
            .select_related("rule__rule_set")
            .filter(
                deputy=deputy,
                rule__code=rule_code,
                source_kind=SourceKind.AUTOMATIC,
                source_type=ContentType.objects.get_for_model(source),
                source_id=source.pk,
            )
            .first()
        )
        if entry is None:
            return False
        year = entry.rule.rule_set.year
        if entry.rule.rule_set.frozen:
            raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": year})
        audit_record(
            actor=actor,
            action="performance.ledger_withdraw",
            target=entry,
            summary=f"{deputy} {rule_code} {entry.title}",
            data={
                "source": f"{source._meta.label_lower}:{source.pk}",
                "occurred_on": entry.occurred_on.isoformat(),
                "reason": reason,
            },
        )
        entry.delete()
        recompute_on_commit([year])
    return True
