"""The suggestion state machine: the one table of allowed transitions and the one function that
moves a suggestion along it. Every other write that changes ``Suggestion.status`` calls
``suggestion_transition``."""

import calendar
import logging
from datetime import date
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role
from core import clock
from core.audit import audit_record
from core.notifications import notification_send_many
from performance.public import LedgerError, ledger_credit

from .models import (
    CHECK_ORDER,
    CommitmentStatus,
    FollowUpCheck,
    HandlingUnit,
    RegistrationCounter,
    ResultClass,
    Status,
    StatusChange,
    Suggestion,
    Verdict,
)

logger = logging.getLogger(__name__)


class SuggestionError(Exception):
    """A change to a suggestion that breaks a rule; the message is for the user."""


ERR_TRANSITION_NOT_ALLOWED = gettext_noop("不能从“%(from)s”变更为“%(to)s”。")
ERR_NOT_PERMITTED = gettext_noop("您无权将此议案建议变更为“%(to)s”。")
ERR_REASON_REQUIRED = gettext_noop("不予立案须填写理由。")
ERR_LEAD_UNIT_REQUIRED = gettext_noop("交办须指定主办单位。")
ERR_LEAD_UNIT_IN_CO_UNITS = gettext_noop("主办单位不能同时是协办单位。")
ERR_UNIT_INACTIVE = gettext_noop("承办单位“%(unit)s”已停用。")
ERR_DEADLINE_BEFORE_ASSIGNMENT = gettext_noop("答复期限必须晚于交办日期。")
ERR_DEADLINE_BEYOND_LIMIT = gettext_noop("答复期限不能超过交办后 %(months)d 个月（%(limit)s）。")
ERR_REPLY_REQUIRED = gettext_noop("须通过“答复”表单提交答复。")
ERR_EVALUATION_REQUIRED = gettext_noop("须通过“评价”表单提交代表评价。")
ERR_REOPEN_NOT_ALLOWED = gettext_noop("只有代表“不满意”的建议可以退回重办，且只能退回一次。")
ERR_CONCLUDE_UNSATISFIED = gettext_noop("代表不满意，须先退回重新办理。")
ERR_CLOSE_CHECKS_MISSING = gettext_noop("三查（查进度、查实效、查反馈）尚未全部完成，不能销号。")
ERR_CLOSE_OPEN_COMMITMENTS = gettext_noop("还有 %(n)d 项承诺事项未兑现，不能销号。")
ERR_DATE_IN_FUTURE = gettext_noop("日期不能晚于今天。")
ERR_DATE_BEFORE_PREVIOUS = gettext_noop("日期不能早于上一步（%(d)s）。")
ERR_ASSIGN_ONCE = gettext_noop("此议案建议已经交办；更换承办单位请用“改办”。")
ERR_REASSIGN_AFTER_REPLY = gettext_noop("已经答复过的议案建议不能改办。")
ERR_REASSIGN_SAME_UNIT = gettext_noop("改办须交由另一个主办单位。")


class Party(StrEnum):
    STAFF = "staff"
    LEAD_DEPUTY = "lead_deputy"
    LEAD_UNIT = "lead_unit"


S = Status
# (from, to) -> who may make the move. Anything not listed is impossible.
TRANSITIONS: dict[tuple[Status, Status], frozenset[Party]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({Party.LEAD_DEPUTY, Party.STAFF}),
    (S.SUBMITTED, S.DRAFT): frozenset({Party.STAFF}),  # returned to the deputy for revision
    (S.SUBMITTED, S.REGISTERED): frozenset({Party.STAFF}),
    (S.SUBMITTED, S.NOT_REGISTERED): frozenset({Party.STAFF}),
    (S.REGISTERED, S.ASSIGNED): frozenset({Party.STAFF}),
    (S.ASSIGNED, S.ASSIGNED): frozenset({Party.STAFF}),  # 改办 before handling starts
    (S.ASSIGNED, S.IN_HANDLING): frozenset({Party.LEAD_UNIT, Party.STAFF}),
    (S.IN_HANDLING, S.ASSIGNED): frozenset({Party.STAFF}),  # 改办 before the first reply
    (S.IN_HANDLING, S.REPLIED): frozenset({Party.LEAD_UNIT, Party.STAFF}),
    (S.REPLIED, S.EVALUATED): frozenset({Party.LEAD_DEPUTY, Party.STAFF}),
    (S.EVALUATED, S.IN_HANDLING): frozenset({Party.LEAD_DEPUTY, Party.STAFF}),  # 不满意, once
    (S.EVALUATED, S.CONCLUDED): frozenset({Party.STAFF}),
    (S.CONCLUDED, S.CLOSED): frozenset({Party.STAFF}),
}


# What a clerk's button says for each step: the verb of the office (立案, 交办, 退回修改 …),
# not the name of the state it leads to.
VERBS: dict[tuple[Status, Status], Any] = {
    (S.DRAFT, S.SUBMITTED): gettext_lazy("代为提交"),
    (S.SUBMITTED, S.DRAFT): gettext_lazy("退回修改"),
    (S.SUBMITTED, S.REGISTERED): gettext_lazy("立案"),
    (S.SUBMITTED, S.NOT_REGISTERED): gettext_lazy("不予立案"),
    (S.REGISTERED, S.ASSIGNED): gettext_lazy("交办"),
    (S.ASSIGNED, S.ASSIGNED): gettext_lazy("改办"),
    (S.ASSIGNED, S.IN_HANDLING): gettext_lazy("代为签收"),
    (S.IN_HANDLING, S.ASSIGNED): gettext_lazy("改办"),
    (S.IN_HANDLING, S.REPLIED): gettext_lazy("代录答复"),
    (S.REPLIED, S.EVALUATED): gettext_lazy("代录评价"),
    (S.EVALUATED, S.IN_HANDLING): gettext_lazy("重新办理"),
    (S.EVALUATED, S.CONCLUDED): gettext_lazy("办结"),
    (S.CONCLUDED, S.CLOSED): gettext_lazy("销号"),
}


def transition_verb(frm: str, to: str) -> str:
    """The button's verb for the step ``frm`` → ``to`` (the target's name if none is set)."""
    return str(VERBS.get((Status(frm), Status(to)), Status(to).label))


def allowed_targets(status: str) -> list[Status]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def actor_parties(user: User | None, suggestion: Suggestion) -> set[Party]:
    """The parties ``user`` speaks for here; ``None`` is the system (imports, jobs)."""
    if user is None:
        return set(Party)
    parties = set()
    if user_has_role(user, Role.STAFF):
        parties.add(Party.STAFF)
    deputy = getattr(user, "deputy", None) if user_has_role(user, Role.DEPUTY) else None
    if deputy is not None and deputy.pk == suggestion.lead_deputy_id:
        parties.add(Party.LEAD_DEPUTY)
    if (
        suggestion.lead_unit_id
        and user_has_role(user, Role.HANDLING_UNIT)
        and user.handling_units.filter(pk=suggestion.lead_unit_id).exists()
    ):
        parties.add(Party.LEAD_UNIT)
    return parties


def staff_users():
    return User.objects.filter(groups__name=Role.STAFF.value, is_active=True).distinct()


def deputy_users(suggestion: Suggestion) -> list[User]:
    users = [suggestion.lead_deputy.user] if suggestion.lead_deputy.user_id else []
    users += [d.user for d in suggestion.co_signers.select_related("user") if d.user_id]
    return users


def unit_users(units) -> list[User]:
    return list(User.objects.filter(handling_units__in=units, is_active=True).distinct())


def deputy_url(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk])


def unit_url(suggestion: Suggestion) -> str:
    return reverse("suggestions:unit_detail", args=[suggestion.pk])


def staff_url(suggestion: Suggestion) -> str:
    return reverse("admin:suggestions_suggestion_change", args=[suggestion.pk])


def deadline_check(*, assigned_on: date, deadline: date, base: date | None = None) -> None:
    """A reply deadline must fall after assignment and within the statutory maximum."""
    months = settings.LVZHI_SUGGESTIONS_MAX_MONTHS
    limit = add_months(base or assigned_on, months)
    if deadline <= assigned_on:
        raise SuggestionError(_(ERR_DEADLINE_BEFORE_ASSIGNMENT))
    if deadline > limit:
        raise SuggestionError(
            _(ERR_DEADLINE_BEYOND_LIMIT) % {"months": months, "limit": limit.isoformat()}
        )


def registration_number_next(year: int) -> tuple[int, str]:
    """Take the next registration number of ``year``: the counter row is locked until commit,
    so concurrent registrations queue and a rolled-back one gives its number back."""
    RegistrationCounter.objects.get_or_create(year=year)
    counter = RegistrationCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{year}-{counter.last_number:03d}"


@transaction.atomic
def suggestion_transition(
    *,
    suggestion: Suggestion,
    to: Status | str,
    actor: User | None,
    comment: str = "",
    on: date | None = None,
    today: date | None = None,
    **details: Any,
) -> Suggestion:
    """Move ``suggestion`` to ``to`` if the table allows it and ``actor`` may; record and notify.

    ``details`` carries what a target needs: ``lead_unit``/``co_units``/``reply_deadline`` for
    交办, ``reply``/``evaluation`` from those services, ``reply_deadline`` for a reopen.
    ``on`` is the business date of the move (default ``today``); it may not lie after ``today``.
    """
    to = Status(to)
    today = today or clock.today()
    on = on or today
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    frm = Status(locked.status)
    allowed = TRANSITIONS.get((frm, to))
    if allowed is None:
        raise SuggestionError(_(ERR_TRANSITION_NOT_ALLOWED) % {"from": frm.label, "to": to.label})
    if not allowed & actor_parties(actor, locked):
        raise SuggestionError(_(ERR_NOT_PERMITTED) % {"to": to.label})
    if on > today:
        raise SuggestionError(_(ERR_DATE_IN_FUTURE))
    previous = locked.history.order_by("-happened_on").values_list("happened_on", flat=True).first()
    if previous is not None and on < previous:
        raise SuggestionError(_(ERR_DATE_BEFORE_PREVIOUS) % {"d": previous.isoformat()})

    handler = _ENTER.get(to)
    after = handler(locked, frm, on, comment, details) if handler else None
    locked.status = to
    locked.save()
    StatusChange.objects.create(
        suggestion=locked,
        from_status=frm,
        to_status=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        comment=comment,
        happened_on=on,
    )
    audit_record(
        actor=actor,
        action=f"suggestions.transition.{to}",
        target=locked,
        summary=f"{locked} {frm.label} → {to.label}",
        data={"from": frm, "to": to, "comment": comment, "on": on.isoformat()},
    )
    if after:
        after()
    # The lead deputy's duty-ledger points earned by this very move, credited in plain sight
    # (not from the state-entry table) so a reader of the transition sees every side effect.
    if to == S.REGISTERED:
        _credit(locked, "C01", on, _("提出建议并立案：%(title)s") % {"title": locked.title})
    elif to == S.CONCLUDED and _solved(locked):
        _credit(locked, "C02", on, _("建议办结并解决（A 类）：%(title)s") % {"title": locked.title})
    _notify_state_change(locked, frm, to, actor, comment)
    # Keep the caller's instance in step with the row.
    suggestion.refresh_from_db()
    return suggestion


# --- what entering a state does (runs on the locked row before it is saved) ----------------


def _enter_submitted(s: Suggestion, frm, on, comment, details):
    s.submitted_on = on


def _enter_draft(s: Suggestion, frm, on, comment, details):
    s.submitted_on = None


def _enter_not_registered(s: Suggestion, frm, on, comment, details):
    reason = (details.get("reason") or comment).strip()
    if not reason:
        raise SuggestionError(_(ERR_REASON_REQUIRED))
    s.not_registered_reason = reason


def _enter_registered(s: Suggestion, frm, on, comment, details):
    s.year = on.year
    s.sequence, s.number = registration_number_next(on.year)
    s.registered_on = on


def _enter_assigned(s: Suggestion, frm, on, comment, details):
    lead_unit: HandlingUnit | None = details.get("lead_unit")
    co_units = list(details.get("co_units") or [])
    if frm != S.REGISTERED:
        return _reassign(s, on, lead_unit, co_units, details)
    _check_units(lead_unit, co_units)
    deadline = details.get("reply_deadline") or add_months(
        on, settings.LVZHI_SUGGESTIONS_REPLY_MONTHS
    )
    deadline_check(assigned_on=on, deadline=deadline)
    s.lead_unit = lead_unit
    s.assigned_on = on
    s.reply_deadline = deadline
    s.deadline_limit = add_months(on, settings.LVZHI_SUGGESTIONS_MAX_MONTHS)
    s.extension_count = 0

    def after():
        s.co_units.set(co_units)
        title = _("新交办：%(s)s") % {"s": s}
        body = _("请于 %(d)s 前答复。") % {"d": deadline.isoformat()}
        notification_send_many(
            recipients=unit_users([lead_unit, *co_units]),
            kind="suggestion.assigned",
            title=title,
            body=body,
            url=unit_url(s),
            dedupe_key=f"suggestion:{s.pk}:assigned:{on.isoformat()}",
        )

    return after


def _check_units(lead_unit: HandlingUnit | None, co_units: list[HandlingUnit]) -> None:
    if lead_unit is None:
        raise SuggestionError(_(ERR_LEAD_UNIT_REQUIRED))
    if any(u.pk == lead_unit.pk for u in co_units):
        raise SuggestionError(_(ERR_LEAD_UNIT_IN_CO_UNITS))
    for unit in [lead_unit, *co_units]:
        if not unit.is_active:
            raise SuggestionError(_(ERR_UNIT_INACTIVE) % {"unit": unit})


def _reassign(s: Suggestion, on, lead_unit, co_units, details):
    """改办: another lead unit (and co-units) before the first reply. The reply deadline and the
    6-month limit restart from ``on``; ``assigned_on`` stays, so statistics keep counting from
    the first assignment. Only ``services.suggestion_reassign`` asks for this."""
    if not details.get("reassign"):
        raise SuggestionError(_(ERR_ASSIGN_ONCE))
    if s.first_replied_on is not None or s.replies.exists():
        raise SuggestionError(_(ERR_REASSIGN_AFTER_REPLY))
    _check_units(lead_unit, co_units)
    if lead_unit.pk == s.lead_unit_id:
        raise SuggestionError(_(ERR_REASSIGN_SAME_UNIT))
    deadline = add_months(on, settings.LVZHI_SUGGESTIONS_REPLY_MONTHS)
    old_units = [s.lead_unit, *s.co_units.all()]
    s.lead_unit = lead_unit
    s.reassigned_on = on
    s.reply_deadline = deadline
    s.deadline_limit = add_months(on, settings.LVZHI_SUGGESTIONS_MAX_MONTHS)
    s.extension_count = 0

    def after():
        s.co_units.set(co_units)
        key = f"suggestion:{s.pk}:reassigned:{s.history.count()}"
        new_ids = {u.pk for u in [lead_unit, *co_units]}
        notification_send_many(
            recipients=unit_users([lead_unit, *co_units]),
            kind="suggestion.assigned",
            title=_("改办交由本单位：%(s)s") % {"s": s},
            body=_("请于 %(d)s 前答复。") % {"d": deadline.isoformat()},
            url=unit_url(s),
            dedupe_key=key,
        )
        gone = [u for u in old_units if u.pk not in new_ids]
        if gone:
            notification_send_many(
                recipients=unit_users(gone),
                kind="suggestion.reassigned",
                title=_("已改办，不再由本单位办理：%(s)s") % {"s": s},
                body=_("改由%(u)s主办。") % {"u": lead_unit},
                url=reverse("suggestions:unit_home"),
                dedupe_key=key,
            )

    return after


def _enter_in_handling(s: Suggestion, frm, on, comment, details):
    if frm != S.EVALUATED:
        return None
    latest = s.evaluations.order_by("-evaluated_on", "-id").first()
    if s.reopen_count >= 1 or latest is None or latest.verdict != Verdict.UNSATISFIED:
        raise SuggestionError(_(ERR_REOPEN_NOT_ALLOWED))
    deadline = details.get("reply_deadline") or add_months(
        on, settings.LVZHI_SUGGESTIONS_REPLY_MONTHS
    )
    if deadline <= on:
        raise SuggestionError(_(ERR_DEADLINE_BEFORE_ASSIGNMENT))
    s.deadline_limit = add_months(on, settings.LVZHI_SUGGESTIONS_MAX_MONTHS)
    if deadline > s.deadline_limit:
        raise SuggestionError(
            _(ERR_DEADLINE_BEYOND_LIMIT)
            % {"months": settings.LVZHI_SUGGESTIONS_MAX_MONTHS, "limit": s.deadline_limit}
        )
    s.reply_deadline = deadline
    s.reopen_count += 1

    def after():
        notification_send_many(
            recipients=unit_users([s.lead_unit]),
            kind="suggestion.reopened",
            title=_("代表不满意，退回重办：%(s)s") % {"s": s},
            body=_("请于 %(d)s 前重新答复。") % {"d": deadline.isoformat()},
            url=unit_url(s),
            dedupe_key=f"suggestion:{s.pk}:reopened",
        )

    return after


def _enter_replied(s: Suggestion, frm, on, comment, details):
    if details.get("reply") is None:
        raise SuggestionError(_(ERR_REPLY_REQUIRED))
    if s.first_replied_on is None:
        # Facts the statistics read on every row; set once, here, by the first reply.
        s.first_replied_on = details["reply"].replied_on
        s.first_reply_deadline = s.reply_deadline
        s.first_reply_days = (s.first_replied_on - s.assigned_on).days


def _enter_evaluated(s: Suggestion, frm, on, comment, details):
    evaluation = details.get("evaluation")
    if evaluation is None:
        raise SuggestionError(_(ERR_EVALUATION_REQUIRED))
    evaluation_facts_set(s, evaluation)


def evaluation_facts_set(s: Suggestion, evaluation) -> None:
    """Keep the latest evaluation on the row (statistics and unit scores read it there).

    An earlier-dated evaluation recorded after a later one does not displace it, matching
    "latest" as ordered by (evaluated_on, id).
    """
    if s.latest_evaluated_on is not None and evaluation.evaluated_on < s.latest_evaluated_on:
        return
    s.latest_verdict = evaluation.verdict
    s.latest_evaluated_on = evaluation.evaluated_on
    s.latest_implementation_score = evaluation.implementation_score


def _enter_concluded(s: Suggestion, frm, on, comment, details):
    latest = s.evaluations.order_by("-evaluated_on", "-id").first()
    if latest is not None and latest.verdict == Verdict.UNSATISFIED and s.reopen_count == 0:
        raise SuggestionError(_(ERR_CONCLUDE_UNSATISFIED))
    s.concluded_on = on
    months = settings.LVZHI_SUGGESTIONS_CHECK_MONTHS
    for kind, offset in zip(CHECK_ORDER, months, strict=False):
        FollowUpCheck.objects.update_or_create(
            suggestion=s, kind=kind, defaults={"due_on": add_months(on, offset)}
        )


def _enter_closed(s: Suggestion, frm, on, comment, details):
    done = s.checks.filter(done_on__isnull=False).values_list("kind", flat=True)
    if not set(CHECK_ORDER) <= set(done):
        raise SuggestionError(_(ERR_CLOSE_CHECKS_MISSING))
    open_count = s.commitments.filter(status=CommitmentStatus.OPEN).count()
    if open_count:
        raise SuggestionError(_(ERR_CLOSE_OPEN_COMMITMENTS) % {"n": open_count})
    s.closed_on = on


def _solved(s: Suggestion) -> bool:
    """Whether the latest reply says the matter is solved (A): what a C02 credit rewards."""
    last_reply = s.replies.order_by("-replied_on", "-id").first()
    return last_reply is not None and last_reply.result_class == ResultClass.A


def _credit(s: Suggestion, rule_code: str, on: date, title: str) -> None:
    """Credit the lead deputy's duty ledger through the ledger's door (idempotent per deputy,
    rule and suggestion). A refused credit or a year without rules never stops the suggestion:
    it is logged and audited so staff can see why no points came."""
    try:
        entry = ledger_credit(
            deputy=s.lead_deputy,
            rule_code=rule_code,
            source=s,
            occurred_on=on,
            title=title,
            description=s.number or "",
        )
    except LedgerError as exc:
        # A frozen year or a deputy who has left: the suggestion still moves on; staff see why.
        _credit_skipped(s, rule_code, str(exc))
        return
    if entry is None:  # the year has no rule set: nothing to credit against
        _credit_skipped(s, rule_code, _("%(y)d 年度尚未设置积分规则。") % {"y": on.year})


def _credit_skipped(s: Suggestion, rule_code: str, why: str) -> None:
    logger.warning("suggestion %s: %s not credited: %s", s.number or s.title, rule_code, why)
    audit_record(
        actor=None,
        action="suggestions.credit_skipped",
        target=s,
        summary=f"{rule_code}: {why}"[:200],
    )


_ENTER = {
    S.SUBMITTED: _enter_submitted,
    S.DRAFT: _enter_draft,
    S.NOT_REGISTERED: _enter_not_registered,
    S.REGISTERED: _enter_registered,
    S.ASSIGNED: _enter_assigned,
    S.IN_HANDLING: _enter_in_handling,
    S.REPLIED: _enter_replied,
    S.EVALUATED: _enter_evaluated,
    S.CONCLUDED: _enter_concluded,
    S.CLOSED: _enter_closed,
}


def _notify_state_change(s: Suggestion, frm: Status, to: Status, actor, comment: str) -> None:
    recipients = [u for u in deputy_users(s) if actor is None or u.pk != actor.pk]
    if to == S.REPLIED:
        reply = s.replies.order_by("-id").first()
        title = _("您的建议收到答复：%(s)s") % {"s": s}
        body = _("办理结果：%(c)s。请登录评价。") % {"c": reply.get_result_class_display()}
        kind = "suggestion.replied"
    elif to == S.ASSIGNED and frm != S.REGISTERED:
        title = _("您的建议已改办：%(s)s") % {"s": s}
        body = _("改由%(u)s主办，答复期限 %(d)s。") % {
            "u": s.lead_unit,
            "d": s.reply_deadline.isoformat(),
        }
        if comment:
            body += f"\n{comment}"
        kind = "suggestion.reassigned"
    else:
        title = _("建议状态更新：%(s)s") % {"s": s}
        body = _("%(from)s → %(to)s") % {"from": frm.label, "to": to.label}
        if comment:
            body += f"\n{comment}"
        kind = "suggestion.status"
    notification_send_many(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        url=deputy_url(s),
        dedupe_key=f"suggestion:{s.pk}:status:{s.history.count()}",
    )
    if to == S.SUBMITTED:
        notification_send_many(
            recipients=staff_users(),
            kind="suggestion.submitted",
            title=_("新提交待立案：%(t)s") % {"t": s.title},
            url=staff_url(s),
            dedupe_key=f"suggestion:{s.pk}:status:{s.history.count()}",
        )
