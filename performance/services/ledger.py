"""Ledger entries: the checks every entry passes, deputies' submissions, staff entries, and
staff review (verify, reject)."""

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.notifications import notification_send
from deputies.models import Deputy, Status

from ..models import (
    EVIDENCE_VALIDATORS,
    EntryEvidence,
    EntryStatus,
    LedgerEntry,
    Rule,
    SourceKind,
)
from .errors import (
    ERR_DATE_IN_FUTURE,
    ERR_DATE_OUTSIDE_YEAR,
    ERR_DEPUTY_LEFT,
    ERR_EVIDENCE_REQUIRED,
    ERR_REJECT_NEEDS_REASON,
    ERR_RULE_NOT_SELF_SERVICE,
    ERR_YEAR_FROZEN,
    NOTIFY_REJECTED,
    LedgerError,
)
from .recompute import recompute_on_commit
from .rules import rule_by_code


def entry_check(*, deputy: Deputy, rule: Rule, occurred_on: date, future_ok: bool) -> None:
    year = rule.rule_set.year
    if occurred_on.year != year:
        raise LedgerError(
            _(ERR_DATE_OUTSIDE_YEAR) % {"date": occurred_on.isoformat(), "year": year}
        )
    if rule.rule_set.frozen:
        raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": year})
    if not future_ok and occurred_on > timezone.localdate():
        raise LedgerError(_(ERR_DATE_IN_FUTURE))
    if (
        deputy.status != Status.SERVING
        and deputy.status_date is not None
        and occurred_on > deputy.status_date
    ):
        raise LedgerError(
            _(ERR_DEPUTY_LEFT) % {"deputy": deputy, "date": deputy.status_date.isoformat()}
        )


def evidence_validate(files: Sequence[UploadedFile]) -> None:
    for upload in files:
        try:
            for validator in EVIDENCE_VALIDATORS:
                validator(upload)
        except ValidationError as exc:
            raise LedgerError(f"{upload.name}：{' '.join(exc.messages)}") from exc


def _attach(entry: LedgerEntry, files: Sequence[UploadedFile]) -> None:
    for upload in files:
        EntryEvidence.objects.create(entry=entry, file=upload, name=upload.name[:200])


@transaction.atomic
def entry_submit(
    *,
    deputy: Deputy,
    rule_code: str,
    occurred_on: date,
    title: str,
    description: str = "",
    place: str = "",
    files: Sequence[UploadedFile] = (),
    actor: User | None = None,
) -> LedgerEntry:
    """A deputy reports something they did; it waits for staff to verify it."""
    rule = rule_by_code(occurred_on.year, rule_code)
    entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=False)
    if not rule.deputy_can_submit:
        raise LedgerError(_(ERR_RULE_NOT_SELF_SERVICE) % {"rule": rule})
    if rule.evidence_required and not files:
        raise LedgerError(_(ERR_EVIDENCE_REQUIRED) % {"rule": rule})
    evidence_validate(files)
    entry = LedgerEntry.objects.create(
        deputy=deputy,
        rule=rule,
        occurred_on=occurred_on,
        title=title[:200],
        description=description,
        place=place[:100],
        source_kind=SourceKind.DEPUTY,
        status=EntryStatus.PENDING,
        created_by=actor,
    )
    _attach(entry, files)
    audit_record(actor=actor, action="performance.entry_submit", target=entry, summary=title)
    return entry


@transaction.atomic
def entry_create(
    *,
    deputy: Deputy,
    rule_code: str,
    occurred_on: date,
    title: str,
    description: str = "",
    place: str = "",
    files: Sequence[UploadedFile] = (),
    verified: bool = True,
    actor: User | None = None,
) -> LedgerEntry:
    """Staff record an entry (verified unless they say otherwise)."""
    rule = rule_by_code(occurred_on.year, rule_code)
    entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=False)
    evidence_validate(files)
    entry = LedgerEntry.objects.create(
        deputy=deputy,
        rule=rule,
        occurred_on=occurred_on,
        title=title[:200],
        description=description,
        place=place[:100],
        source_kind=SourceKind.STAFF,
        status=EntryStatus.VERIFIED if verified else EntryStatus.PENDING,
        reviewed_by=actor if verified else None,
        reviewed_at=timezone.now() if verified else None,
        created_by=actor,
    )
    _attach(entry, files)
    audit_record(actor=actor, action="performance.entry_create", target=entry, summary=title)
    if verified:
        recompute_on_commit([occurred_on.year])
    return entry


def _open_entries(entries: QuerySet[LedgerEntry] | Iterable[LedgerEntry]) -> QuerySet:
    ids = entries.values("pk") if isinstance(entries, QuerySet) else [e.pk for e in entries]
    return LedgerEntry.objects.filter(pk__in=ids, rule__rule_set__frozen=False)


@transaction.atomic
def entries_verify(*, entries, actor: User | None = None) -> int:
    """Verify the pending entries among ``entries`` (entries of frozen years are skipped)."""
    qs = _open_entries(entries).filter(status=EntryStatus.PENDING)
    ids = list(qs.values_list("pk", flat=True))
    years = set(qs.values_list("rule__rule_set__year", flat=True))
    done = LedgerEntry.objects.filter(pk__in=ids).update(
        status=EntryStatus.VERIFIED, reviewed_by=actor, reviewed_at=timezone.now(), review_reason=""
    )
    if done:
        audit_record(
            actor=actor,
            action="performance.entries_verify",
            summary=_("核实履职记录 %(n)d 条") % {"n": done},
            data={"ids": ids},
        )
        recompute_on_commit(years)
    return done


@transaction.atomic
def entries_reject(*, entries, reason: str, actor: User | None = None) -> int:
    """Reject (or withdraw the verification of) entries, with a reason the deputy sees."""
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError(_(ERR_REJECT_NEEDS_REASON))
    qs = _open_entries(entries).exclude(status=EntryStatus.REJECTED)
    ids = list(qs.values_list("pk", flat=True))
    years = set(qs.values_list("rule__rule_set__year", flat=True))
    done = LedgerEntry.objects.filter(pk__in=ids).update(
        status=EntryStatus.REJECTED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        review_reason=reason[:200],
    )
    if done:
        _notify_rejected(ids, reason)
        audit_record(
            actor=actor,
            action="performance.entries_reject",
            summary=_("退回履职记录 %(n)d 条：%(r)s") % {"n": done, "r": reason},
            data={"ids": ids, "reason": reason},
        )
        recompute_on_commit(years)
    return done


def _notify_rejected(ids: list[int], reason: str) -> None:
    """One notification per deputy with a login: which entries came back, and why."""
    by_deputy: dict[int, list[LedgerEntry]] = {}
    for entry in LedgerEntry.objects.filter(pk__in=ids, deputy__user__isnull=False).select_related(
        "deputy__user"
    ):
        by_deputy.setdefault(entry.deputy_id, []).append(entry)
    for entries in by_deputy.values():
        first = entries[0]
        url = (
            reverse("performance:entry_detail", args=[first.pk])
            if len(entries) == 1
            else reverse("performance:my_ledger")
        )
        notification_send(
            recipient=first.deputy.user,
            kind=NOTIFY_REJECTED,
            title=_("%(n)d 条履职记录未通过审核") % {"n": len(entries)},
            body=_("退回理由：%(r)s。涉及：%(t)s。如有异议，可在履职档案中提出。")
            % {"r": reason, "t": "；".join(f"{e.occurred_on} {e.title}" for e in entries[:5])},
            url=url,
        )
