"""Automatic credits: other apps (and the ledger's own activities, disputes and voter
reports) credit a deputy for a source object, idempotently."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from deputies.models import Deputy

from ..models import (
    EntryStatus,
    LedgerEntry,
    Rule,
    SourceKind,
)
from .ledger import entry_check
from .recompute import recompute_on_commit
from .rules import rule_by_code


def ledger_credit(
    *,
    deputy: Deputy,
    rule_code: str,
    source: models.Model,
    occurred_on: date,
    title: str,
    description: str = "",
    actor: User | None = None,
) -> LedgerEntry:
    """Credit a deputy automatically for ``source`` (another app's object), verified at once.

    Idempotent per (deputy, rule, source object) through the unique constraint
    ``ledger_entry_once_per_source``: a repeated call returns the existing entry and writes
    nothing, also when two calls race (the loser's insert fails inside a savepoint).
    """
    rule = rule_by_code(occurred_on.year, rule_code)
    source_type = ContentType.objects.get_for_model(source)
    lookup = {"deputy": deputy, "rule": rule, "source_type": source_type, "source_id": source.pk}
    existing = LedgerEntry.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=True)
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                **lookup,
                occurred_on=occurred_on,
                title=title[:200],
                description=description,
                source_kind=SourceKind.AUTOMATIC,
                status=EntryStatus.VERIFIED,
                reviewed_at=timezone.now(),
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
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
def ledger_credit_many(*, credits: Sequence[Credit], actor: User | None = None) -> int:
    """:func:`ledger_credit` for many sources at once, in a fixed number of queries (a closed
    roll of any size). The same unique constraint keeps it idempotent: a credit that already
    exists is skipped by the database (ON CONFLICT DO NOTHING). Returns how many were new."""
    rules: dict[tuple[int, str], Rule] = {}
    entries = []
    now = timezone.now()
    for credit in credits:
        key = (credit.occurred_on.year, credit.rule_code)
        if key not in rules:
            rules[key] = rule_by_code(*key)
        entry_check(
            deputy=credit.deputy, rule=rules[key], occurred_on=credit.occurred_on, future_ok=True
        )
        entries.append(
            LedgerEntry(
                deputy=credit.deputy,
                rule=rules[key],
                source_type=ContentType.objects.get_for_model(credit.source),
                source_id=credit.source.pk,
                occurred_on=credit.occurred_on,
                title=credit.title[:200],
                description=credit.description,
                source_kind=SourceKind.AUTOMATIC,
                status=EntryStatus.VERIFIED,
                reviewed_at=now,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        )
    if not entries:
        return 0
    by_type: dict[int, list[int]] = {}
    for entry in entries:
        by_type.setdefault(entry.source_type.pk, []).append(entry.source_id)
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
            data={
                "sources": sorted({f"{c.source._meta.label_lower}:{c.source.pk}" for c in credits})
            },
        )
        recompute_on_commit({c.occurred_on.year for c in credits})
    return created
