"""Committee staff's steps outside the bare state change: 交办, supervision plans, tough
projects, follow-up checks (三查), and the handling units' logins."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, user_has_role
from core import clock
from core.audit import audit_record
from core.notifications import notification_send_many

from ..models import (
    CONCLUDED_STATES,
    PRE_REGISTRATION,
    UNDER_HANDLING,
    FollowUpCheck,
    HandlingUnit,
    Milestone,
    Status,
    Suggestion,
    SupervisionPlan,
    ToughProject,
)
from ..workflow import (
    SuggestionError,
    suggestion_transition,
    unit_url,
    unit_users,
)
from .common import (
    ERR_CHECK_FINDINGS,
    ERR_CHECK_NOT_CONCLUDED,
    ERR_PLAN_STATE,
    ERR_RESPONSIBLE_NOT_STAFF,
    ERR_TOUGH_EXISTS,
    ERR_TOUGH_GRADE,
    ERR_TOUGH_STATE,
    _require_staff,
    _require_today_or_past,
)

# --- staff steps ----------------------------------------------------------------------------


def suggestion_assign(
    *,
    suggestion: Suggestion,
    lead_unit: HandlingUnit,
    co_units: Iterable[HandlingUnit] = (),
    reply_deadline: date | None = None,
    on: date | None = None,
    actor: User | None,
    comment: str = "",
    today: date | None = None,
) -> Suggestion:
    """交办: registered suggestions only; a submitted one is registered first."""
    with transaction.atomic():
        if suggestion.status == Status.SUBMITTED:
            suggestion_transition(
                suggestion=suggestion, to=Status.REGISTERED, actor=actor, on=on, today=today
            )
        return suggestion_transition(
            suggestion=suggestion,
            to=Status.ASSIGNED,
            actor=actor,
            on=on,
            today=today,
            comment=comment,
            lead_unit=lead_unit,
            co_units=list(co_units),
            reply_deadline=reply_deadline,
        )


def supervision_plan_check(*, suggestion: Suggestion, responsible: User) -> None:
    """A plan belongs to a registered suggestion and names a member of staff (also the admin's
    form rule)."""
    if not user_has_role(responsible, Role.STAFF):
        raise SuggestionError(_(ERR_RESPONSIBLE_NOT_STAFF))
    if suggestion.status in PRE_REGISTRATION:
        raise SuggestionError(_(ERR_PLAN_STATE))


@transaction.atomic
def supervision_plan_set(
    *,
    suggestion: Suggestion,
    responsible: User,
    note: str = "",
    milestones: Iterable[tuple[str, date]] = (),
    actor: User | None,
) -> SupervisionPlan:
    _require_staff(actor)
    supervision_plan_check(suggestion=suggestion, responsible=responsible)
    plan, _created = SupervisionPlan.objects.update_or_create(
        suggestion=suggestion, defaults={"responsible": responsible, "note": note}
    )
    for title, due_on in milestones:
        Milestone.objects.create(plan=plan, title=title, due_on=due_on)
    audit_record(
        actor=actor, action="suggestions.plan_set", target=suggestion, summary=str(responsible)
    )
    return plan


@transaction.atomic
def tough_project_mark(
    *,
    suggestion: Suggestion,
    difficulty: int,
    team: str,
    reason: str = "",
    actor: User | None,
    on: date | None = None,
    today: date | None = None,
) -> ToughProject:
    _require_staff(actor)
    if difficulty not in (1, 2, 3):
        raise SuggestionError(_(ERR_TOUGH_GRADE))
    # Locked so two clerks marking the same suggestion get a message, not an IntegrityError.
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status not in UNDER_HANDLING:
        raise SuggestionError(_(ERR_TOUGH_STATE))
    if ToughProject.objects.filter(suggestion=suggestion).exists():
        raise SuggestionError(_(ERR_TOUGH_EXISTS))
    project = ToughProject.objects.create(
        suggestion=suggestion,
        difficulty=difficulty,
        team=team,
        reason=reason,
        started_on=on or today or clock.today(),
    )
    audit_record(
        actor=actor,
        action="suggestions.tough_mark",
        target=suggestion,
        summary=f"{suggestion} 难度 {difficulty}",
    )
    notification_send_many(
        recipients=unit_users([suggestion.lead_unit]),
        kind="suggestion.tough",
        title=_("列入攻坚项目库：%(s)s") % {"s": suggestion},
        body=_("请每季度提交述职报告。"),
        url=unit_url(suggestion),
        dedupe_key=f"suggestion:{suggestion.pk}:tough",
    )
    return project


@transaction.atomic
def check_record(
    *,
    check: FollowUpCheck,
    findings: str,
    done_on: date | None = None,
    actor: User | None,
    today: date | None = None,
) -> FollowUpCheck:
    _require_staff(actor)
    today = today or clock.today()
    check = FollowUpCheck.objects.select_for_update().select_related("suggestion").get(pk=check.pk)
    if check.suggestion.status not in CONCLUDED_STATES:
        raise SuggestionError(_(ERR_CHECK_NOT_CONCLUDED))
    if not findings.strip():
        raise SuggestionError(_(ERR_CHECK_FINDINGS))
    done_on = done_on or today
    _require_today_or_past(done_on, today)
    check.findings, check.done_on = findings.strip(), done_on
    check.done_by = actor
    check.save()
    audit_record(
        actor=actor,
        action="suggestions.check_record",
        target=check.suggestion,
        summary=check.get_kind_display(),
    )
    return check


# --- reference data --------------------------------------------------------------------------


@transaction.atomic
def unit_logins_grant_role(*, unit: HandlingUnit, actor: User | None) -> int:
    """Give every login of ``unit`` the handling-unit role (the portal refuses users without
    it); returns how many had to get it."""
    from django.contrib.auth.models import Group

    _require_staff(actor)
    role = Group.objects.get(name=Role.HANDLING_UNIT.value)
    missing = list(unit.users.exclude(groups=role))
    role.user_set.add(*missing)
    if missing:
        audit_record(
            actor=actor,
            action="suggestions.unit_role_grant",
            target=unit,
            summary="、".join(str(u) for u in missing)[:200],
        )
    return len(missing)
