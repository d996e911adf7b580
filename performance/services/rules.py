"""The year's rule set: starting a year (a copy of the previous one, or the defaults), loading
the defaults, checking a rule, and looking a rule up by code (a lookup never creates)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record

from ..defaults import DEFAULT_CAPS, DEFAULT_RULES, DEFAULT_THRESHOLDS
from ..models import (
    Rule,
    RuleSet,
)
from .errors import (
    ERR_NEGATIVE_CAP,
    ERR_NO_RULE_SET,
    ERR_RULE_SET_EXISTS,
    ERR_UNKNOWN_RULE,
    ERR_YEAR_FROZEN,
    ERR_YEAR_IMPLAUSIBLE,
    LedgerError,
    NoRuleSetError,
    staff_required,
)

# --- rule sets -----------------------------------------------------------------------------


@transaction.atomic
def rule_set_load_defaults(*, year: int, actor: User | None = None) -> RuleSet:
    """The year's rule set, created from the default table when missing (missing rules are
    added to an existing year; rules staff already edited are left as they are)."""
    staff_required(actor)
    rule_set, created = RuleSet.objects.get_or_create(
        year=year, defaults={**DEFAULT_CAPS, **DEFAULT_THRESHOLDS}
    )
    existing = set(rule_set.rules.values_list("code", flat=True))
    added = [
        Rule(
            rule_set=rule_set,
            code=code,
            name=name,
            dimension=dimension,
            points=points,
            yearly_cap=cap,
            evidence_required=evidence,
            deputy_can_submit=self_service,
        )
        for code, name, dimension, points, cap, evidence, self_service in DEFAULT_RULES
        if code not in existing
    ]
    if added and rule_set.frozen:
        raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": year})
    Rule.objects.bulk_create(added)
    if created or added:
        audit_record(
            actor=actor,
            action="performance.rule_set_load_defaults",
            target=rule_set,
            summary=_("载入 %(year)s 年度默认积分规则（%(n)d 条）")
            % {"year": year, "n": len(added)},
        )
    return rule_set


@transaction.atomic
def rule_set_start(*, year: int, actor: User | None = None) -> RuleSet:
    """Set a new year up explicitly: a copy of the latest earlier year (so the committee's own
    changes carry over), or the default table when there is none. Staff only: a year's rules
    are never created as a side effect of looking a rule up (see :func:`rule_by_code`)."""
    staff_required(actor)
    if RuleSet.objects.filter(year=year).exists():
        raise LedgerError(_(ERR_RULE_SET_EXISTS) % {"year": year})
    previous = RuleSet.objects.filter(year__lt=year).order_by("-year").first()
    if previous is None:
        return rule_set_load_defaults(year=year, actor=actor)
    return rule_set_copy_forward(source=previous, year=year, actor=actor)


@transaction.atomic
def rule_set_copy_forward(*, source: RuleSet, year: int, actor: User | None = None) -> RuleSet:
    """Start ``year`` with the caps, thresholds and rules of ``source`` (not frozen)."""
    staff_required(actor)
    if RuleSet.objects.filter(year=year).exists():
        raise LedgerError(_(ERR_RULE_SET_EXISTS) % {"year": year})
    try:
        with transaction.atomic():
            target = RuleSet.objects.create(
                year=year,
                **{name: getattr(source, name) for name in (*DEFAULT_CAPS, *DEFAULT_THRESHOLDS)},
            )
    except IntegrityError as exc:  # created meanwhile by another request
        raise LedgerError(_(ERR_RULE_SET_EXISTS) % {"year": year}) from exc
    Rule.objects.bulk_create(
        Rule(
            rule_set=target,
            code=r.code,
            name=r.name,
            dimension=r.dimension,
            points=r.points,
            yearly_cap=r.yearly_cap,
            evidence_required=r.evidence_required,
            deputy_can_submit=r.deputy_can_submit,
        )
        for r in source.rules.all()
    )
    audit_record(
        actor=actor,
        action="performance.rule_set_copy_forward",
        target=target,
        summary=_("由 %(src)s 年度复制 %(year)s 年度积分规则") % {"src": source.year, "year": year},
    )
    return target


def rule_validate(rule: Rule) -> None:
    """Checks the admin form also runs; the database refuses the same things."""
    if rule.yearly_cap is not None and rule.yearly_cap < 0:
        raise LedgerError(_(ERR_NEGATIVE_CAP))
    if rule.rule_set_id and rule.rule_set.frozen:
        raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": rule.rule_set.year})


def rule_by_code(year: int, code: str, *, today: date | None = None) -> Rule:
    """The rule ``code`` of ``year``. A lookup only: a year without rules raises
    :class:`NoRuleSetError` and creates nothing (staff set a year up explicitly)."""
    today = today or clock.today()
    if not 2000 <= year <= today.year + 1:
        raise LedgerError(_(ERR_YEAR_IMPLAUSIBLE) % {"year": year})
    rule_set = RuleSet.objects.filter(year=year).first()
    if rule_set is None:
        raise NoRuleSetError(_(ERR_NO_RULE_SET) % {"year": year})
    rule = rule_set.rules.filter(code=str(code).strip().upper()).select_related("rule_set").first()
    if rule is None:
        raise LedgerError(_(ERR_UNKNOWN_RULE) % {"year": year, "code": code})
    return rule
