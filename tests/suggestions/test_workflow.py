from datetime import date

import pytest

from core import clock
from core.models import AuditEvent
from core.notifications import Notification
from performance.models import LedgerEntry
from suggestions import services
from suggestions.models import (
    CheckKind,
    CommitmentStatus,
    Evaluation,
    Reply,
    Status,
    StatusChange,
    Suggestion,
)
from suggestions.workflow import (
    ERR_CLOSE_CHECKS_MISSING,
    ERR_CLOSE_OPEN_COMMITMENTS,
    ERR_CONCLUDE_UNSATISFIED,
    ERR_DATE_BEFORE_PREVIOUS,
    ERR_DATE_IN_FUTURE,
    ERR_DEADLINE_BEFORE_ASSIGNMENT,
    ERR_DEADLINE_BEYOND_LIMIT,
    ERR_LEAD_UNIT_REQUIRED,
    ERR_NOT_PERMITTED,
    ERR_REASON_REQUIRED,
    ERR_REOPEN_NOT_ALLOWED,
    ERR_TRANSITION_NOT_ALLOWED,
    TRANSITIONS,
    SuggestionError,
    add_months,
    suggestion_transition,
)
from tests.accounts.factories import StaffUserFactory, UnitUserFactory

from . import helpers
from .factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db

ALL = list(Status)
DISALLOWED = [(f, t) for f in ALL for t in ALL if (f, t) not in TRANSITIONS]


def _details(frm, to, s):
    """What an allowed move needs, prepared for ``s`` (in state ``frm``)."""
    if to == Status.NOT_REGISTERED:
        return {"comment": "不属于本级人大职权范围。"}
    if to == Status.ASSIGNED:
        # From an open state this is 改办 (services.suggestion_reassign asks for it).
        reassign = {"reassign": True} if frm != Status.REGISTERED else {}
        return {"lead_unit": HandlingUnitFactory(), "on": date(2026, 3, 5), **reassign}
    if to == Status.REPLIED:
        reply = Reply.objects.create(
            suggestion=s, unit=s.lead_unit, replied_on=date(2026, 5, 6), result_class="A"
        )
        return {"reply": reply, "on": date(2026, 5, 6)}
    if to == Status.EVALUATED:
        evaluation = Evaluation.objects.create(
            suggestion=s,
            reply=s.replies.get(),
            deputy=s.lead_deputy,
            verdict="satisfied",
            implementation_score=80,
            evaluated_on=date(2026, 5, 20),
        )
        return {"evaluation": evaluation, "on": date(2026, 5, 20)}
    if to == Status.CLOSED:
        for check in s.checks.all():
            services.check_record(check=check, findings="已核实", actor=None)
    return {}


def _in_state(frm):
    if frm == Status.EVALUATED:
        return helpers.evaluated_unsatisfied_pending()  # the only way back to handling
    return helpers.IN_STATE[frm]()


@pytest.mark.parametrize(("frm", "to"), list(TRANSITIONS), ids=lambda v: str(v))
def test_every_allowed_transition_works_and_is_recorded(frm, to):
    staff = StaffUserFactory()
    s = _in_state(frm)
    assert s.status == frm
    if (frm, to) == (Status.EVALUATED, Status.CONCLUDED):
        s = helpers.evaluated()
    before = s.history.count()
    details = _details(frm, to, s)
    details.setdefault("comment", "说明")
    suggestion_transition(suggestion=s, to=to, actor=staff, today=helpers.TODAY, **details)
    s.refresh_from_db()
    assert s.status == to
    assert s.history.count() == before + 1
    change = s.history.order_by("-id").first()
    assert (change.from_status, change.to_status, change.actor) == (frm, to, staff)
    assert change.comment == details["comment"]
    assert change.happened_on == details.get("on", helpers.TODAY)


@pytest.mark.parametrize(("frm", "to"), DISALLOWED, ids=lambda v: str(v))
def test_every_disallowed_transition_is_refused_with_the_constant_message(frm, to):
    s = helpers.IN_STATE[frm]()
    history = s.history.count()
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=to, actor=None)
    assert str(exc.value) == ERR_TRANSITION_NOT_ALLOWED % {"from": frm.label, "to": to.label}
    s.refresh_from_db()
    assert s.status == frm
    assert s.history.count() == history


def test_full_walk_leaves_a_history_row_for_every_step():
    s = helpers.closed()
    steps = list(s.history.values_list("from_status", "to_status"))
    assert steps == [
        ("draft", "submitted"),
        ("submitted", "registered"),
        ("registered", "assigned"),
        ("assigned", "in_handling"),
        ("in_handling", "replied"),
        ("replied", "evaluated"),
        ("evaluated", "concluded"),
        ("concluded", "closed"),
    ]
    assert all(c.happened_on for c in s.history.all())


def test_wrong_party_is_refused(deputy, other_deputy):
    s = helpers.submitted(lead_deputy=deputy)
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=Status.REGISTERED, actor=deputy.user)
    assert str(exc.value) == ERR_NOT_PERMITTED % {"to": Status.REGISTERED.label}
    draft = helpers.IN_STATE[Status.DRAFT]()
    with pytest.raises(SuggestionError):
        suggestion_transition(suggestion=draft, to=Status.SUBMITTED, actor=other_deputy.user)
    s2 = helpers.assigned()
    stranger = UnitUserFactory()
    HandlingUnitFactory().users.add(stranger)
    with pytest.raises(SuggestionError):
        suggestion_transition(suggestion=s2, to=Status.IN_HANDLING, actor=stranger)
    assert Suggestion.objects.get(pk=s2.pk).status == Status.ASSIGNED


def test_lead_unit_user_may_accept():
    s = helpers.assigned()
    user = s.lead_unit.users.get()
    services.suggestion_accept(suggestion=s, actor=user)
    assert s.status == Status.IN_HANDLING
    assert s.history.last().actor == user


def test_not_registered_needs_a_reason():
    s = helpers.submitted()
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=Status.NOT_REGISTERED, actor=None, comment="  ")
    assert str(exc.value) == ERR_REASON_REQUIRED
    assert Suggestion.objects.get(pk=s.pk).status == Status.SUBMITTED


def test_assignment_needs_a_unit_and_a_sane_deadline():
    s = helpers.registered()
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=Status.ASSIGNED, actor=None)
    assert str(exc.value) == ERR_LEAD_UNIT_REQUIRED
    unit = HandlingUnitFactory()
    on = date(2026, 3, 2)
    with pytest.raises(SuggestionError) as exc:
        services.suggestion_assign(
            suggestion=s, lead_unit=unit, on=on, reply_deadline=date(2026, 3, 1), actor=None
        )
    assert str(exc.value) == ERR_DEADLINE_BEFORE_ASSIGNMENT
    with pytest.raises(SuggestionError) as exc:
        services.suggestion_assign(
            suggestion=s, lead_unit=unit, on=on, reply_deadline=date(2026, 9, 3), actor=None
        )
    assert str(exc.value) == ERR_DEADLINE_BEYOND_LIMIT % {"months": 6, "limit": "2026-09-02"}
    s.refresh_from_db()
    assert (s.status, s.lead_unit, s.history.count()) == (Status.REGISTERED, None, 2)


def test_default_deadline_is_three_calendar_months_and_limit_six():
    s = helpers.assigned(on=date(2025, 11, 30))
    assert s.reply_deadline == date(2026, 2, 28)
    assert s.deadline_limit == date(2026, 5, 30)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)


def test_dates_in_future_or_before_previous_step_refused():
    s = helpers.submitted(on=date(2026, 3, 2))
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=Status.REGISTERED, actor=None, on=date(2099, 1, 1))
    assert str(exc.value) == ERR_DATE_IN_FUTURE
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=Status.REGISTERED, actor=None, on=date(2026, 3, 1))
    assert str(exc.value) == ERR_DATE_BEFORE_PREVIOUS % {"d": "2026-03-02"}


# --- numbering ----------------------------------------------------------------------------


def test_registration_numbers_are_yearly_and_formatted():
    a = helpers.registered(on=date(2025, 12, 30))
    b = helpers.registered(on=date(2026, 1, 4))
    c = helpers.registered(on=date(2026, 1, 5))
    assert (a.number, b.number, c.number) == ("2025-001", "2026-001", "2026-002")
    assert (c.year, c.sequence, c.registered_on) == (2026, 2, date(2026, 1, 5))


def test_failed_registration_gives_its_number_back():
    from django.db import transaction

    s = helpers.submitted()
    with pytest.raises(RuntimeError), transaction.atomic():
        suggestion_transition(
            suggestion=s, to=Status.REGISTERED, actor=None, on=helpers.ASSIGNED_ON
        )
        raise RuntimeError
    t = helpers.registered(on=helpers.ASSIGNED_ON)
    assert (t.number, t.sequence) == ("2026-001", 1)


# --- extensions -----------------------------------------------------------------------------


def _request(s, deadline, reason="需要跨部门协调，申请延期。"):
    return services.extension_request(
        suggestion=s,
        unit=s.lead_unit,
        requested_deadline=deadline,
        reason=reason,
        actor=s.lead_unit.users.get(),
    )


def test_one_extension_up_to_six_months_with_reason():
    s = helpers.in_handling()  # assigned 2026-03-02, deadline 06-02, limit 09-02
    with pytest.raises(SuggestionError) as exc:
        _request(s, date(2026, 8, 1), reason=" ")
    assert str(exc.value) == services.ERR_REASON_REQUIRED
    with pytest.raises(SuggestionError) as exc:
        _request(s, date(2026, 9, 3))
    assert str(exc.value) == ERR_DEADLINE_BEYOND_LIMIT % {"months": 6, "limit": "2026-09-02"}
    with pytest.raises(SuggestionError) as exc:
        _request(s, date(2026, 6, 1))
    assert str(exc.value) == services.ERR_EXTENSION_NOT_LATER % {"d": "2026-06-02"}
    request = _request(s, date(2026, 9, 2))
    with pytest.raises(SuggestionError) as exc:
        _request(s, date(2026, 8, 2))
    assert str(exc.value) == services.ERR_EXTENSION_PENDING
    staff = StaffUserFactory()
    services.extension_decide(request=request, approve=True, actor=staff)
    s.refresh_from_db()
    assert (s.reply_deadline, s.extension_count) == (date(2026, 9, 2), 1)
    request.refresh_from_db()
    assert request.status == "approved" and request.reason.startswith("需要")
    with pytest.raises(SuggestionError) as exc:
        _request(s, date(2026, 9, 2))
    assert str(exc.value) == services.ERR_EXTENSION_USED
    with pytest.raises(SuggestionError) as exc:
        services.extension_decide(request=request, approve=True, actor=staff)
    assert str(exc.value) == services.ERR_EXTENSION_DECIDED


def test_rejected_extension_leaves_deadline_and_allows_another_request():
    s = helpers.in_handling()
    request = _request(s, date(2026, 8, 1))
    services.extension_decide(request=request, approve=False, note="理由不充分", actor=None)
    s.refresh_from_db()
    assert (s.reply_deadline, s.extension_count) == (date(2026, 6, 2), 0)
    assert _request(s, date(2026, 7, 1)).status == "pending"


def test_other_unit_cannot_request_extension():
    s = helpers.in_handling()
    other = HandlingUnitFactory(with_user=True)
    with pytest.raises(SuggestionError) as exc:
        services.extension_request(
            suggestion=s,
            unit=other,
            requested_deadline=date(2026, 8, 1),
            reason="x",
            actor=other.users.get(),
        )
    assert str(exc.value) == services.ERR_NOT_LEAD_UNIT
    # the user's own unit, but claiming the lead unit's id
    with pytest.raises(SuggestionError):
        services.extension_request(
            suggestion=s,
            unit=s.lead_unit,
            requested_deadline=date(2026, 8, 1),
            reason="x",
            actor=other.users.get(),
        )
    assert not s.extension_requests.exists()


# --- replies and evaluations --------------------------------------------------------------


def test_non_a_reply_needs_core_problems():
    s = helpers.in_handling()
    for result_class in ("B", "C"):
        with pytest.raises(SuggestionError) as exc:
            services.reply_submit(
                suggestion=s,
                unit=s.lead_unit,
                result_class=result_class,
                content="列入明年计划。",
                problems=[("policy", "  ")],
                actor=None,
            )
        assert str(exc.value) == services.ERR_PROBLEMS_REQUIRED
    assert not s.replies.exists()
    reply = services.reply_submit(
        suggestion=s,
        unit=s.lead_unit,
        result_class="C",
        content="暂不能解决。",
        problems=[("policy", "规划调整需市里批准"), ("funding", "缺 300 万")],
        replied_on=date(2026, 5, 6),
        actor=None,
    )
    assert list(reply.problems.values_list("kind", flat=True)) == ["policy", "funding"]
    s.refresh_from_db()
    assert (s.status, s.first_replied_on) == (Status.REPLIED, date(2026, 5, 6))


def test_reply_by_a_unit_it_is_not_assigned_to_is_refused():
    s = helpers.in_handling()
    other = HandlingUnitFactory(with_user=True)
    with pytest.raises(SuggestionError) as exc:
        services.reply_submit(
            suggestion=s, unit=other, result_class="A", content="x", actor=other.users.get()
        )
    assert str(exc.value) == services.ERR_NOT_LEAD_UNIT
    s.refresh_from_db()
    assert s.status == Status.IN_HANDLING and not s.replies.exists()


def test_reply_to_assigned_suggestion_accepts_it_first():
    s = helpers.assigned()
    services.reply_submit(
        suggestion=s, unit=s.lead_unit, result_class="A", content="已解决", actor=None
    )
    assert list(s.history.values_list("to_status", flat=True))[-2:] == ["in_handling", "replied"]


def test_unsatisfied_sends_back_once_with_a_new_deadline():
    s = helpers.evaluated(verdict="unsatisfied", score=30, evaluated_on=date(2026, 5, 20))
    assert s.status == Status.IN_HANDLING
    assert s.reopen_count == 1
    assert s.reply_deadline == date(2026, 8, 20)
    assert s.deadline_limit == date(2026, 11, 20)
    assert list(s.history.values_list("to_status", flat=True))[-2:] == ["evaluated", "in_handling"]
    services.reply_submit(
        suggestion=s,
        unit=s.lead_unit,
        result_class="B",
        content="第二次答复",
        problems=[("other", "征地未完成")],
        replied_on=date(2026, 7, 1),
        actor=None,
    )
    services.evaluation_submit(
        suggestion=s,
        deputy=s.lead_deputy,
        verdict="unsatisfied",
        implementation_score=40,
        evaluated_on=date(2026, 7, 5),
        actor=None,
    )
    s.refresh_from_db()
    assert s.status == Status.EVALUATED  # the second 不满意 stands
    assert s.first_replied_on == date(2026, 5, 6)
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=Status.IN_HANDLING, actor=None)
    assert str(exc.value) == ERR_REOPEN_NOT_ALLOWED
    suggestion_transition(suggestion=s, to=Status.CONCLUDED, actor=None, on=date(2026, 7, 10))
    assert Suggestion.objects.get(pk=s.pk).status == Status.CONCLUDED


def test_unsatisfied_cannot_be_concluded_before_reopen():
    s = helpers.evaluated_unsatisfied_pending()
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=Status.CONCLUDED, actor=None)
    assert str(exc.value) == ERR_CONCLUDE_UNSATISFIED


def test_satisfied_cannot_be_reopened():
    s = helpers.evaluated()
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=Status.IN_HANDLING, actor=None)
    assert str(exc.value) == ERR_REOPEN_NOT_ALLOWED


def test_deputy_cannot_evaluate_someone_elses_suggestion(other_deputy):
    s = helpers.replied()
    with pytest.raises(SuggestionError) as exc:
        services.evaluation_submit(
            suggestion=s,
            deputy=other_deputy,
            verdict="satisfied",
            implementation_score=90,
            actor=other_deputy.user,
        )
    assert str(exc.value) == services.ERR_NOT_LEAD_DEPUTY
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("score", [-1, 101, "80"])
def test_evaluation_score_out_of_range(score):
    s = helpers.replied()
    with pytest.raises(SuggestionError) as exc:
        services.evaluation_submit(
            suggestion=s,
            deputy=s.lead_deputy,
            verdict="basic",
            implementation_score=score,
            actor=None,
        )
    assert str(exc.value) == services.ERR_SCORE_RANGE
    assert Suggestion.objects.get(pk=s.pk).status == Status.REPLIED


# --- conclusion, checks, closing -----------------------------------------------------------


def test_three_checks_scheduled_after_conclusion(settings):
    s = helpers.concluded(on=date(2026, 6, 10))
    assert list(s.checks.values_list("kind", "due_on")) == [
        (CheckKind.PROGRESS, date(2026, 7, 10)),
        (CheckKind.EFFECT, date(2026, 9, 10)),
        (CheckKind.FEEDBACK, date(2026, 12, 10)),
    ]
    settings.LVZHI_SUGGESTIONS_CHECK_MONTHS = [2, 4, 12]
    t = helpers.concluded(on=date(2026, 6, 10))
    assert list(t.checks.values_list("due_on", flat=True)) == [
        date(2026, 8, 10),
        date(2026, 10, 10),
        date(2027, 6, 10),
    ]


def test_closing_needs_all_checks_and_no_open_commitments():
    s = helpers.in_handling()
    commitment = services.commitment_add(
        suggestion=s,
        owner_unit=s.lead_unit,
        content="年底前完成路灯更换",
        due_on=date(2026, 12, 31),
        actor=None,
    )
    services.reply_submit(
        suggestion=s,
        unit=s.lead_unit,
        result_class="A",
        content="x",
        replied_on=date(2026, 5, 6),
        actor=None,
    )
    services.evaluation_submit(
        suggestion=s,
        deputy=s.lead_deputy,
        verdict="satisfied",
        implementation_score=90,
        evaluated_on=date(2026, 5, 20),
        actor=None,
    )
    suggestion_transition(suggestion=s, to=Status.CONCLUDED, actor=None, on=date(2026, 6, 10))
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=Status.CLOSED, actor=None)
    assert str(exc.value) == ERR_CLOSE_CHECKS_MISSING
    staff = StaffUserFactory()
    for check in s.checks.all():
        with pytest.raises(SuggestionError):
            services.check_record(check=check, findings=" ", actor=staff)
        services.check_record(check=check, findings="群众反映良好", actor=staff)
    assert s.checks.filter(done_by=staff).count() == 3
    with pytest.raises(SuggestionError) as exc:
        suggestion_transition(suggestion=s, to=Status.CLOSED, actor=None)
    assert str(exc.value) == ERR_CLOSE_OPEN_COMMITMENTS % {"n": 1}
    services.commitment_update(
        commitment=commitment, status="met", completed_on=date(2026, 11, 1), actor=None
    )
    suggestion_transition(suggestion=s, to=Status.CLOSED, actor=staff, today=helpers.TODAY)
    s.refresh_from_db()
    assert (s.status, s.closed_on) == (Status.CLOSED, helpers.TODAY)


def test_commitment_rules():
    s = helpers.in_handling()
    c = services.commitment_add(
        suggestion=s,
        owner_unit=s.lead_unit,
        content="增设公交站",
        due_on=date(2026, 9, 1),
        actor=s.lead_unit.users.get(),
    )
    with pytest.raises(SuggestionError) as exc:
        services.commitment_update(commitment=c, status="missed", note="", actor=None)
    assert str(exc.value) == services.ERR_REASON_REQUIRED
    with pytest.raises(SuggestionError) as exc:
        services.commitment_update(commitment=c, status="met", actor=None)
    assert str(exc.value) == services.ERR_COMMITMENT_DATE
    other = HandlingUnitFactory(with_user=True)
    with pytest.raises(SuggestionError):
        services.commitment_update(
            commitment=c, status="met", completed_on=date(2026, 9, 1), actor=other.users.get()
        )
    with pytest.raises(SuggestionError):
        services.commitment_add(
            suggestion=s, owner_unit=other, content="x", due_on=date(2026, 9, 1), actor=None
        )
    services.commitment_update(commitment=c, status="missed", note="资金未到位", actor=None)
    c.refresh_from_db()
    assert c.status == CommitmentStatus.MISSED
    with pytest.raises(SuggestionError) as exc:
        services.commitment_update(
            commitment=c, status="met", completed_on=date(2026, 9, 1), actor=None
        )
    assert str(exc.value) == services.ERR_COMMITMENT_CLOSED


# --- ledger credit and notifications -----------------------------------------------------


def test_ledger_credit_c01_and_c02_once(ledger_rules):
    s = helpers.concluded(result_class="A")
    entries = LedgerEntry.objects.filter(deputy=s.lead_deputy)
    assert sorted(entries.values_list("rule__code", flat=True)) == ["C01", "C02"]
    from suggestions.workflow import _credit

    _credit(s, "C01", s.registered_on, "again")
    _credit(s, "C02", s.concluded_on, "again")
    assert entries.count() == 2
    assert entries.get(rule__code="C01").occurred_on == s.registered_on


def test_non_a_conclusion_gives_no_c02(ledger_rules):
    s = helpers.concluded(result_class="B")
    codes = list(
        LedgerEntry.objects.filter(deputy=s.lead_deputy).values_list("rule__code", flat=True)
    )
    assert codes == ["C01"]


def test_frozen_ledger_year_does_not_block_registration(ledger_rules):
    rule_set = ledger_rules[2026]
    rule_set.frozen, rule_set.frozen_at = True, clock.now()
    rule_set.save()
    s = helpers.registered()
    assert s.status == Status.REGISTERED and s.number
    assert not LedgerEntry.objects.exists()
    skipped = AuditEvent.objects.get(action="suggestions.credit_skipped")
    assert skipped.summary.startswith("C01: ")


def test_a_year_without_rules_credits_nothing_and_says_so():
    """No rule set for 2026: the suggestion still registers and concludes; staff see why no
    points came (the ledger's door answers ``None``)."""
    s = helpers.concluded(result_class="A")
    assert s.status == Status.CONCLUDED
    assert not LedgerEntry.objects.exists()
    summaries = sorted(
        AuditEvent.objects.filter(action="suggestions.credit_skipped").values_list(
            "summary", flat=True
        )
    )
    assert summaries == ["C01: 2026 年度尚未设置积分规则。", "C02: 2026 年度尚未设置积分规则。"]


def test_conclusion_credits_c02_where_the_transition_happens(ledger_rules, monkeypatch):
    """C02 is credited by suggestion_transition itself, once the suggestion is concluded, not
    by a closure the state-entry table hands back."""
    from suggestions import workflow

    s = helpers.evaluated(result_class="A")
    calls = []

    def spy(**kwargs):
        calls.append((kwargs["rule_code"], Suggestion.objects.get(pk=s.pk).status))

    monkeypatch.setattr(workflow, "ledger_credit", spy)
    assert workflow._enter_concluded(s, Status.EVALUATED, helpers.CONCLUDED_ON, "", {}) is None
    suggestion_transition(suggestion=s, to=Status.CONCLUDED, actor=None, on=helpers.CONCLUDED_ON)
    assert calls == [("C02", Status.CONCLUDED)]


def test_notifications_to_deputies_and_units(deputy, other_deputy):
    s = helpers.SuggestionFactory(lead_deputy=deputy)
    s.co_signers.add(other_deputy)
    staff = StaffUserFactory()
    suggestion_transition(suggestion=s, to=Status.SUBMITTED, actor=deputy.user, on=date(2026, 3, 2))
    assert Notification.objects.filter(recipient=staff, kind="suggestion.submitted").count() == 1
    # the lead deputy acted; only the co-signer hears about it
    assert not Notification.objects.filter(recipient=deputy.user).exists()
    assert Notification.objects.filter(recipient=other_deputy.user).count() == 1
    suggestion_transition(suggestion=s, to=Status.REGISTERED, actor=staff, on=date(2026, 3, 2))
    unit = HandlingUnitFactory(with_user=True)
    co_unit = HandlingUnitFactory(with_user=True)
    services.suggestion_assign(
        suggestion=s, lead_unit=unit, co_units=[co_unit], on=date(2026, 3, 3), actor=staff
    )
    for u in (unit, co_unit):
        assert (
            Notification.objects.filter(recipient=u.users.get(), kind="suggestion.assigned").count()
            == 1
        )
    services.reply_submit(
        suggestion=s,
        unit=unit,
        result_class="A",
        content="x",
        replied_on=date(2026, 4, 1),
        actor=unit.users.get(),
    )
    for d in (deputy, other_deputy):
        assert Notification.objects.filter(recipient=d.user, kind="suggestion.replied").count() == 1
    c = services.commitment_add(
        suggestion=s, owner_unit=unit, content="修路", due_on=date(2026, 9, 1), actor=None
    )
    services.commitment_update(
        commitment=c, status="met", completed_on=date(2026, 9, 1), actor=None
    )
    c2 = services.commitment_add(
        suggestion=s, owner_unit=unit, content="补灯", due_on=date(2026, 9, 1), actor=None
    )
    services.commitment_update(commitment=c2, status="missed", note="资金未到位", actor=None)
    for d in (deputy, other_deputy):
        kinds = Notification.objects.filter(recipient=d.user, kind="suggestion.commitment")
        assert kinds.count() == 2
    assert StatusChange.objects.filter(suggestion=s).count() == 5
