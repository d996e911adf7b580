"""Deputies' disputes over their ledger (错、重、漏) and staff resolving them."""

from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record
from core.notifications import notification_send
from deputies.models import Deputy

from ..models import (
    Dispute,
    DisputeKind,
    DisputeStatus,
    EntryStatus,
    LedgerEntry,
)
from .credits import ledger_credit
from .errors import (
    ERR_DISPUTE_MISSING_NEEDS_RULE,
    ERR_DISPUTE_NEEDS_ENTRY,
    ERR_DISPUTE_OPEN,
    ERR_DISPUTE_RESOLVED,
    ERR_DISPUTE_WOULD_DUPLICATE,
    ERR_NOT_OWN_ENTRY,
    ERR_REJECT_NEEDS_REASON,
    ERR_YEAR_FROZEN,
    NOTIFY_DISPUTE,
    LedgerError,
    deputy_self_required,
    staff_required,
)
from .ledger import entries_reject, entry_check, evidence_validate
from .recompute import recompute_on_commit
from .rules import rule_by_code

# --- disputes ------------------------------------------------------------------------------


@transaction.atomic
def dispute_open(
    *,
    deputy: Deputy,
    kind: str,
    note: str,
    entry: LedgerEntry | None = None,
    rule_code: str = "",
    occurred_on: date | None = None,
    title: str = "",
    evidence: UploadedFile | None = None,
    actor: User | None = None,
    today: date | None = None,
) -> Dispute:
    """A deputy says an entry is wrong or duplicated, or that one is missing (错、重、漏).
    Only the deputy themself (or the system) may dispute, and only their own entries."""
    deputy_self_required(actor, deputy)
    rule = None
    if kind == DisputeKind.MISSING:
        if not rule_code or occurred_on is None:
            raise LedgerError(_(ERR_DISPUTE_MISSING_NEEDS_RULE))
        rule = rule_by_code(occurred_on.year, rule_code, today=today)
        entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=False, today=today)
        entry = None
    else:
        if entry is None:
            raise LedgerError(_(ERR_DISPUTE_NEEDS_ENTRY))
        if entry.deputy_id != deputy.pk:
            raise LedgerError(_(ERR_NOT_OWN_ENTRY))
        if entry.rule.rule_set.frozen:
            raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": entry.rule.rule_set.year})
        if kind == DisputeKind.WRONG and rule_code:
            rule = rule_by_code(entry.occurred_on.year, rule_code, today=today)
        if Dispute.objects.filter(entry=entry, status=DisputeStatus.OPEN).exists():
            raise LedgerError(_(ERR_DISPUTE_OPEN))
    if evidence is not None:
        evidence_validate([evidence])
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                deputy=deputy,
                kind=kind,
                entry=entry,
                rule=rule,
                occurred_on=occurred_on if kind == DisputeKind.MISSING else None,
                title=title[:200],
                note=note,
                evidence=evidence or "",
            )
    except IntegrityError as exc:  # the same entry disputed twice at once
        raise LedgerError(_(ERR_DISPUTE_OPEN)) from exc
    audit_record(
        actor=actor, action="performance.dispute_open", target=dispute, summary=str(dispute)
    )
    return dispute


@transaction.atomic
def dispute_resolve(
    *,
    dispute: Dispute,
    accept: bool,
    resolution: str = "",
    actor: User | None = None,
    now: datetime | None = None,
) -> Dispute:
    """Accepting corrects the ledger: a wrong entry is re-ruled (or withdrawn), a duplicate is
    withdrawn, a missing one is added verified. Rejecting needs a reason."""
    staff_required(actor)
    now = now or clock.now()
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("entry__rule__rule_set", "rule__rule_set", "deputy__user")
        .get(pk=dispute.pk)
    )
    if dispute.status != DisputeStatus.OPEN:
        raise LedgerError(_(ERR_DISPUTE_RESOLVED))
    resolution = (resolution or "").strip()
    if not accept and not resolution:
        raise LedgerError(_(ERR_REJECT_NEEDS_REASON))
    if accept:
        # The year may have been frozen since the dispute was raised; accepting would then
        # leave the ledger as it was while telling the deputy it was corrected.
        rule_set = (dispute.entry.rule if dispute.entry_id else dispute.rule).rule_set
        if rule_set.frozen:
            raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": rule_set.year})
        reason = resolution or _("经核查采纳代表异议")
        if dispute.kind == DisputeKind.MISSING:
            ledger_credit(
                deputy=dispute.deputy,
                rule_code=dispute.rule.code,
                source=dispute,
                occurred_on=dispute.occurred_on,
                title=dispute.title or dispute.rule.name,
                description=dispute.note,
                actor=actor,
                now=now,
            )
            recompute_on_commit([dispute.occurred_on.year])
        elif dispute.kind == DisputeKind.WRONG and dispute.rule_id:
            entry = dispute.entry
            entry_check(
                deputy=entry.deputy,
                rule=dispute.rule,
                occurred_on=entry.occurred_on,
                future_ok=True,
            )
            entry.rule = dispute.rule
            entry.status = EntryStatus.VERIFIED
            entry.reviewed_by, entry.reviewed_at, entry.review_reason = (
                actor,
                now,
                reason,
            )
            try:
                with transaction.atomic():
                    entry.save(
                        update_fields=[
                            "rule",
                            "status",
                            "reviewed_by",
                            "reviewed_at",
                            "review_reason",
                        ]
                    )
            except IntegrityError as exc:  # the same source already earned that rule
                raise LedgerError(_(ERR_DISPUTE_WOULD_DUPLICATE) % {"rule": dispute.rule}) from exc
            recompute_on_commit([entry.occurred_on.year])
        else:
            entries_reject(entries=[dispute.entry], reason=reason, actor=actor, now=now)
    dispute.status = DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED
    dispute.resolution = resolution[:200]
    dispute.resolved_by = actor
    dispute.resolved_at = now
    dispute.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    user = dispute.deputy.user
    if user is not None:
        notification_send(
            recipient=user,
            kind=NOTIFY_DISPUTE,
            title=_("您的积分异议已处理：%(s)s") % {"s": dispute.get_status_display()},
            body=resolution or dispute.get_kind_display(),
            url=reverse("performance:my_ledger"),
            dedupe_key=f"performance:dispute:{dispute.pk}:resolved",
        )
    audit_record(
        actor=actor,
        action="performance.dispute_resolve",
        target=dispute,
        summary=f"{dispute} → {dispute.get_status_display()}",
        data={"resolution": resolution},
    )
    return dispute
