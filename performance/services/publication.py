"""Quarterly publication of the score table to deputies (季度亮分)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record

from ..models import (
    Publication,
    RuleSet,
)
from ..scoring import assessment_compute
from ..selectors import standings
from .errors import (
    ERR_BAD_QUARTER,
    ERR_NO_RULE_SET,
    ERR_QUARTER_NOT_STARTED,
    LedgerError,
    staff_required,
)

# --- publication ---------------------------------------------------------------------------


@transaction.atomic
def publication_publish(
    *, year: int, quarter: int, actor: User | None = None, today: date | None = None
) -> Publication:
    """Publish the current score table to deputies (季度亮分); publishing a quarter again
    replaces its table. Staff only."""
    staff_required(actor)
    if quarter not in (1, 2, 3, 4):
        raise LedgerError(_(ERR_BAD_QUARTER))
    today = today or clock.today()
    if (year, quarter) > (today.year, (today.month - 1) // 3 + 1):
        raise LedgerError(_(ERR_QUARTER_NOT_STARTED) % {"year": year, "quarter": quarter})
    rule_set = RuleSet.objects.filter(year=year).first()
    if rule_set is None:  # publishing must not invent a year's rules
        raise LedgerError(_(ERR_NO_RULE_SET) % {"year": year})
    if not rule_set.frozen:
        assessment_compute(year=year, actor=actor, today=today)
    rows = [
        {
            "rank": a.rank,
            "code": a.deputy.code,
            "name": a.deputy.name,
            "level": a.deputy.get_level_display(),
            "base": str(a.base),
            "innovation": str(a.innovation),
            "contribution": str(a.contribution),
            "total": str(a.total),
            "duty_days": a.duty_days,
        }
        for a in standings(year)
    ]
    publication, _created = Publication.objects.update_or_create(
        year=year, quarter=quarter, defaults={"rows": rows, "published_by": actor}
    )
    audit_record(
        actor=actor,
        action="performance.publication_publish",
        target=publication,
        summary=str(publication),
        data={"rows": len(rows)},
    )
    return publication
