"""Staff decisions on the consequence lists (re-election, exit, ...)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record
from deputies.models import Deputy

from ..models import (
    DECISIONS_BY_KIND,
    ConsequenceDecision,
    ConsequenceKind,
    Decision,
)
from .errors import ERR_DECISION_KIND, LedgerError, staff_required

# --- consequences --------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    deputy: Deputy,
    year: int,
    kind: str,
    decision: str,
    note: str = "",
    actor: User | None = None,
    today: date | None = None,
) -> ConsequenceDecision:
    """Record (or change) staff's decision on a deputy of ``year``'s re-election or exit list,
    dated ``today``. Staff only."""
    staff_required(actor)
    if decision not in DECISIONS_BY_KIND.get(kind, ()):
        raise LedgerError(
            _(ERR_DECISION_KIND)
            % {
                "decision": Decision(decision).label if decision in Decision.values else decision,
                "kind": ConsequenceKind(kind).label if kind in ConsequenceKind.values else kind,
            }
        )
    record, _created = ConsequenceDecision.objects.update_or_create(
        deputy=deputy,
        year=year,
        kind=kind,
        defaults={
            "decision": decision,
            "note": note,
            "decided_by": actor,
            "decided_on": today or clock.today(),
        },
    )
    audit_record(
        actor=actor,
        action="performance.decision_record",
        target=record,
        summary=f"{deputy} {record}",
    )
    return record
