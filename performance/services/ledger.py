"""Ledger entries: the checks every entry passes, deputies' submissions, staff entries, and
staff review (verify, reject); and :func:`entry_build`, the one constructor of an entry."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
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
from .days import ERR_DAY_ALREADY_CREDITED, day_entry, day_lock, once_per_day
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
    deputy_self_required,
    staff_required,
)
from .recompute import recompute_on_commit
from .rules import rule_by_code


def entry_check(
    *,
    deputy: Deputy,
    rule: Rule,
    occurred_on: date,
    future_ok: bool,
    today: date | None = None,
) -> None:
    """What every entry must satisfy, however it arrives (submitted, recorded, credited,
    imported): a date in the rule's year (and not in the future unless ``future_ok``), an
    open year, and a deputy still in office on that date."""
    year = rule.rule_set.year
    if occurred_on.year != year:
        raise LedgerError(
            _(ERR_DATE_OUTSIDE_YEAR) % {"date": occurred_on.isoformat(), "year": year}
        )
    if rule.rule_set.frozen:
        raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": year})
    if not future_ok and occurred_on > (today or clock.today()):
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


def entry_build(
    *,
    deputy: Deputy,
    rule: Rule,
    occurred_on: date,
    title: str,
    source_kind: str,
    verified: bool,
    description: str = "",
    place: str = "",
    source: models.Model | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> LedgerEntry:
    """The one way a ledger entry is put together (unsaved; the caller saves or bulk-creates).

    Keeps in one place what every entry shares: the title and place cut to their columns, the
    creator only when a person acted (the system leaves it empty), and the review fields: a
    verified entry is reviewed ``now``, by the acting person unless the entry is automatic (a
    credit is verified by the rule that grants it, not by a reviewer); a pending entry has no
    review yet. ``source`` links an automatic credit to the object that earned it."""
    person = actor if getattr(actor, "is_authenticated", False) else None
    entry = LedgerEntry(
        deputy=deputy,
        rule=rule,
        occurred_on=occurred_on,
        title=title[:200],
        description=description,
        place=place[:100],
        source_kind=source_kind,
        status=EntryStatus.VERIFIED if verified else EntryStatus.PENDING,
        reviewed_by=person if verified and source_kind != SourceKind.AUTOMATIC else None,
        reviewed_at=(now or clock.now()) if verified else None,
        created_by=person,
    )
    if source is not None:
        entry.source_type = ContentType.objects.get_for_model(source)
        entry.source_id = source.pk
    return entry


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
    today: date | None = None,
) -> LedgerEntry:
    """A deputy reports something they did; it waits for staff to verify it. Only the deputy
    themself (or the system) may submit: staff record with :func:`entry_create`."""
    deputy_self_required(actor, deputy)
    rule = rule_by_code(occurred_on.year, rule_code, today=today)
    entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=False, today=today)
    if not rule.deputy_can_submit:
        raise LedgerError(_(ERR_RULE_NOT_SELF_SERVICE) % {"rule": rule})
    if rule.evidence_required and not files:
        raise LedgerError(_(ERR_EVIDENCE_REQUIRED) % {"rule": rule})
    if once_per_day(rule):  # first wins: a day already credited from a duty (see .days)
        day_lock(deputy)
        if day_entry(deputy=deputy, rule=rule, occurred_on=occurred_on, automatic_only=True):
            raise LedgerError(
                _(ERR_DAY_ALREADY_CREDITED) % {"date": occurred_on.isoformat(), "rule": rule.name}
            )
    evidence_validate(files)
    entry = entry_build(
        deputy=deputy,
        rule=rule,
        occurred_on=occurred_on,
        title=title,
        description=description,
        place=place,
        source_kind=SourceKind.DEPUTY,
        verified=False,
        actor=actor,
    )
    entry.save()
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
    today: date | None = None,
    now: datetime | None = None,
) -> LedgerEntry:
    """Staff record an entry (verified unless they say otherwise)."""
    staff_required(actor)
    rule = rule_by_code(occurred_on.year, rule_code, today=today)
    entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=False, today=today)
    evidence_validate(files)
    entry = entry_build(
        deputy=deputy,
        rule=rule,
        occurred_on=occurred_on,
        title=title,
        description=description,
        place=place,
        source_kind=SourceKind.STAFF,
        verified=verified,
        actor=actor,
        now=now,
    )
    entry.save()
    _attach(entry, files)
    audit_record(actor=actor, action="performance.entry_create", target=entry, summary=title)
    if verified:
        recompute_on_commit([occurred_on.year])
    return entry


def _open_entries(entries: QuerySet[LedgerEntry] | Iterable[LedgerEntry]) -> QuerySet:
    ids = entries.values("pk") if isinstance(entries, QuerySet) else [e.pk for e in entries]
    return LedgerEntry.objects.filter(pk__in=ids, rule__rule_set__frozen=False)


@transaction.atomic
def entries_verify(*, entries, actor: User | None = None, now: datetime | None = None) -> int:
    """Verify the pending entries among ``entries`` (entries of frozen years are skipped)."""
    staff_required(actor)
    qs = _open_entries(entries).filter(status=EntryStatus.PENDING)
    ids = list(qs.values_list("pk", flat=True))
    years = set(qs.values_list("rule__rule_set__year", flat=True))
    done = LedgerEntry.objects.filter(pk__in=ids).update(
        status=EntryStatus.VERIFIED,
        reviewed_by=actor,
        reviewed_at=now or clock.now(),
        review_reason="",
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
def entries_reject(
    *, entries, reason: str, actor: User | None = None, now: datetime | None = None
) -> int:
    """Reject (or withdraw the verification of) entries, with a reason the deputy sees."""
    staff_required(actor)
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError(_(ERR_REJECT_NEEDS_REASON))
    qs = _open_entries(entries).exclude(status=EntryStatus.REJECTED)
    ids = list(qs.values_list("pk", flat=True))
    years = set(qs.values_list("rule__rule_set__year", flat=True))
    done = LedgerEntry.objects.filter(pk__in=ids).update(
        status=EntryStatus.REJECTED,
        reviewed_by=actor,
        reviewed_at=now or clock.now(),
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
