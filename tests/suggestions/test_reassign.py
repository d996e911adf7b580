"""退办申请 and 改办: a unit asks to return a suggestion that is not its responsibility within
the window after assignment; staff reassign it to another lead unit or refuse."""

from datetime import date, timedelta

import pytest
from django.db import connection

from core import clock
from core.models import AuditEvent, Notification
from core.workdays import add_working_days
from suggestions import selectors, services
from suggestions.models import (
    ExtensionStatus,
    ReturnRequest,
    ReturnStatus,
    Status,
    StatusChange,
    Suggestion,
)
from suggestions.statistics import suggestion_statistics
from suggestions.workflow import (
    ERR_ASSIGN_ONCE,
    ERR_REASSIGN_SAME_UNIT,
    SuggestionError,
    add_months,
    suggestion_transition,
)

from . import helpers
from .factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db


def _today() -> date:
    return clock.today()


def _fresh(unit=None, on=None, **kwargs) -> Suggestion:
    """Assigned today (inside the return window) to ``unit``."""
    return helpers.assigned(unit=unit, on=on or _today(), **kwargs)


def _ask(s: Suggestion, reason="本事项属区住建局职责，不属本单位。", actor=None):
    return services.return_request(suggestion=s, unit=s.lead_unit, reason=reason, actor=actor)


# --- services --------------------------------------------------------------------------------


def test_happy_path_request_approve_reassigns(staff_user):
    old = HandlingUnitFactory(with_user=True)
    new = HandlingUnitFactory(with_user=True)
    co = HandlingUnitFactory(with_user=True)
    s = _fresh(unit=old, on=_today() - timedelta(days=1))
    suggestion_transition(suggestion=s, to=Status.IN_HANDLING, actor=None)
    assigned_on = s.assigned_on

    request = _ask(s)
    assert request.status == ReturnStatus.PENDING
    services.return_decide(
        request=request, approve=True, lead_unit=new, co_units=[co], actor=staff_user
    )

    request.refresh_from_db()
    s.refresh_from_db()
    assert (request.status, request.new_lead_unit, request.decided_by) == (
        ReturnStatus.APPROVED,
        new,
        staff_user,
    )
    assert list(request.new_co_units.all()) == [co]
    assert request.decided_at is not None
    assert (s.status, s.lead_unit, list(s.co_units.all())) == (Status.ASSIGNED, new, [co])
    # Deadlines restart from the reassignment; the first assignment date stays for statistics.
    assert s.assigned_on == assigned_on
    assert s.reassigned_on == _today()
    assert s.reply_deadline == add_months(_today(), 3)
    assert s.deadline_limit == add_months(_today(), 6)
    # History: the move back to 已交办 names both units.
    change = s.history.order_by("-id").first()
    assert (change.from_status, change.to_status, change.actor) == (
        Status.IN_HANDLING,
        Status.ASSIGNED,
        staff_user,
    )
    assert old.name in change.comment and new.name in change.comment
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "suggestions.return_request",
        "suggestions.return_decide",
        "suggestions.reassign",
    } <= actions


def test_refusal_keeps_unit_and_tells_it_why(staff_user):
    s = _fresh()
    unit, deadline = s.lead_unit, s.reply_deadline
    request = _ask(s)
    with pytest.raises(SuggestionError, match=services.ERR_RETURN_REFUSE_REASON):
        services.return_decide(request=request, approve=False, note=" ", actor=staff_user)
    services.return_decide(
        request=request, approve=False, note="属本单位职责，请按期办理", actor=staff_user
    )
    request.refresh_from_db()
    s.refresh_from_db()
    assert (request.status, request.staff_reason) == (
        ReturnStatus.REFUSED,
        "属本单位职责，请按期办理",
    )
    assert (s.lead_unit, s.reply_deadline, s.status) == (unit, deadline, Status.ASSIGNED)
    note = Notification.objects.get(recipient__in=unit.users.all(), kind="suggestion.return")
    assert "请按期办理" in note.body
    # Refused once: the unit may not ask again.
    with pytest.raises(SuggestionError, match=services.ERR_RETURN_REFUSED):
        _ask(s)


def test_outside_the_window_refused():
    on = _today() - timedelta(days=30)
    s = _fresh(on=on)
    last = add_working_days(on, 5)
    with pytest.raises(SuggestionError) as exc:
        _ask(s)
    assert str(exc.value) == services.ERR_RETURN_WINDOW % {"n": 5, "d": last.isoformat()}
    assert not ReturnRequest.objects.exists()


def test_window_is_a_setting(settings):
    settings.LVZHI_SUGGESTIONS_RETURN_WORKDAYS = 40
    s = _fresh(on=_today() - timedelta(days=30))
    assert _ask(s).status == ReturnStatus.PENDING


def test_after_a_reply_refused(staff_user):
    s = helpers.replied()
    with pytest.raises(SuggestionError, match=services.ERR_RETURN_STATE):
        _ask(s)
    with pytest.raises(SuggestionError, match=services.ERR_RETURN_STATE):
        services.suggestion_reassign(
            suggestion=s, lead_unit=HandlingUnitFactory(), actor=staff_user
        )
    # Back in handling after 不满意: still replied once, so no reassignment.
    reopened = helpers.evaluated(verdict="unsatisfied", score=20)
    assert reopened.status == Status.IN_HANDLING
    with pytest.raises(SuggestionError, match=services.ERR_RETURN_STATE):
        services.suggestion_reassign(
            suggestion=reopened, lead_unit=HandlingUnitFactory(), actor=staff_user
        )


def test_only_one_pending_request_and_constraint():
    s = _fresh()
    _ask(s)
    with pytest.raises(SuggestionError, match=services.ERR_RETURN_PENDING):
        _ask(s)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnRequest.objects.create(suggestion=s, unit=s.lead_unit, reason="x")


def test_other_unit_and_non_staff_refused(unit_user):
    s = _fresh()
    stranger = HandlingUnitFactory(with_user=True)
    with pytest.raises(SuggestionError, match=services.ERR_NOT_LEAD_UNIT):
        services.return_request(suggestion=s, unit=stranger, reason="x", actor=None)
    request = _ask(s)
    with pytest.raises(SuggestionError, match=services.ERR_NOT_STAFF):
        services.return_decide(request=request, approve=False, note="x", actor=unit_user)
    with pytest.raises(SuggestionError, match=services.ERR_NOT_STAFF):
        services.suggestion_reassign(suggestion=s, lead_unit=stranger, actor=unit_user)


def test_decided_twice_refused(staff_user):
    s = _fresh()
    request = _ask(s)
    services.return_decide(request=request, approve=False, note="不同意", actor=staff_user)
    with pytest.raises(SuggestionError, match=services.ERR_RETURN_DECIDED):
        services.return_decide(
            request=request, approve=True, lead_unit=HandlingUnitFactory(), actor=staff_user
        )


def test_approve_needs_a_unit_and_another_one(staff_user):
    s = _fresh()
    request = _ask(s)
    with pytest.raises(SuggestionError, match="交办须指定主办单位"):
        services.return_decide(request=request, approve=True, actor=staff_user)
    with pytest.raises(SuggestionError, match=ERR_REASSIGN_SAME_UNIT):
        services.return_decide(
            request=request, approve=True, lead_unit=s.lead_unit, actor=staff_user
        )
    request.refresh_from_db()
    assert request.status == ReturnStatus.PENDING


def test_staff_reassign_on_own_initiative_settles_pending_request(staff_user):
    s = _fresh()
    request = _ask(s)
    extension = services.extension_request(
        suggestion=s,
        unit=s.lead_unit,
        requested_deadline=s.reply_deadline + timedelta(days=30),
        reason="需协调",
        actor=None,
    )
    new = HandlingUnitFactory()
    services.suggestion_reassign(suggestion=s, lead_unit=new, comment="职责调整", actor=staff_user)
    request.refresh_from_db()
    extension.refresh_from_db()
    assert (request.status, request.new_lead_unit) == (ReturnStatus.APPROVED, new)
    assert extension.status == ExtensionStatus.REJECTED


def test_bare_assign_cannot_reassign():
    s = _fresh()
    with pytest.raises(SuggestionError, match=ERR_ASSIGN_ONCE):
        services.suggestion_assign(suggestion=s, lead_unit=HandlingUnitFactory(), actor=None)


def test_stale_from_unit_refused(staff_user):
    s = _fresh()
    old = s.lead_unit
    services.suggestion_reassign(suggestion=s, lead_unit=HandlingUnitFactory(), actor=staff_user)
    with pytest.raises(SuggestionError, match=services.ERR_REASSIGN_STALE):
        services.suggestion_reassign(
            suggestion=s, lead_unit=HandlingUnitFactory(), from_unit=old, actor=staff_user
        )


def test_new_unit_gets_its_own_window():
    s = _fresh(on=_today() - timedelta(days=30))
    services.suggestion_reassign(suggestion=s, lead_unit=HandlingUnitFactory(), actor=None)
    s.refresh_from_db()
    assert _ask(s).unit == s.lead_unit


def test_notifications_sent_once(staff_user):
    old = HandlingUnitFactory(with_user=True)
    new = HandlingUnitFactory(with_user=True)
    s = _fresh(unit=old)
    Notification.objects.all().delete()
    request = _ask(s)
    assert Notification.objects.filter(recipient=staff_user, kind="suggestion.return").count() == 1
    services.return_decide(request=request, approve=True, lead_unit=new, actor=staff_user)
    with pytest.raises(SuggestionError):
        services.return_decide(request=request, approve=True, lead_unit=new, actor=staff_user)
    new_user, old_user = new.users.get(), old.users.get()
    deputy_user = s.lead_deputy.user
    assert list(Notification.objects.filter(recipient=new_user).values_list("kind", flat=True)) == [
        "suggestion.assigned"
    ]
    assert list(Notification.objects.filter(recipient=old_user).values_list("kind", flat=True)) == [
        "suggestion.reassigned"
    ]
    assert list(
        Notification.objects.filter(recipient=deputy_user).values_list("kind", flat=True)
    ) == ["suggestion.reassigned"]
    assert new.name in Notification.objects.get(recipient=deputy_user).body


def test_statistics_count_the_new_lead_unit(staff_user):
    old = HandlingUnitFactory(name="区甲局")
    new = HandlingUnitFactory(name="区乙局")
    s = _fresh(unit=old)
    year = s.year
    before = {
        (r.scope, r.name): r.registered for r in suggestion_statistics(year=year, as_of=_today())
    }
    services.suggestion_reassign(suggestion=s, lead_unit=new, actor=staff_user)
    after = {
        (r.scope, r.name): r.registered for r in suggestion_statistics(year=year, as_of=_today())
    }
    assert before[("unit", "区甲局")] == 1 and ("unit", "区乙局") not in before
    assert after[("unit", "区乙局")] == 1 and ("unit", "区甲局") not in after
    assert before[("total", "全部")] == after[("total", "全部")] == 1


# --- unit portal ------------------------------------------------------------------------------


@pytest.fixture
def mine(unit_user):
    unit = HandlingUnitFactory(name="区交通运输局")
    unit.users.add(unit_user)
    return _fresh(unit=unit)


def test_portal_button_and_form(unit_client, mine):
    page = unit_client.get(f"/suggestions/unit/{mine.pk}/").content.decode()
    assert f"/suggestions/unit/{mine.pk}/return/" in page
    url = f"/suggestions/unit/{mine.pk}/return/"
    form_page = unit_client.get(url)
    assert form_page.status_code == 200
    last_day = add_working_days(mine.assigned_on, 5).isoformat()
    assert f"申请截止：{last_day}" in form_page.content.decode()
    response = unit_client.post(url, {"reason": ""})
    assert response.status_code == 200 and not ReturnRequest.objects.exists()
    response = unit_client.post(url, {"reason": "不属本单位职责"})
    assert response.status_code == 302
    request = ReturnRequest.objects.get()
    assert (request.suggestion, request.reason) == (mine, "不属本单位职责")
    page = unit_client.get(f"/suggestions/unit/{mine.pk}/").content.decode()
    assert f"/suggestions/unit/{mine.pk}/return/" not in page  # one pending at a time
    assert "待审核" in page
    # The form page now shows the pending request instead of a blank form (#7); a second post
    # changes nothing.
    state = selectors.STATE_RETURN_PENDING % {"on": clock.today().isoformat()}
    for response in (unit_client.get(url), unit_client.post(url, {"reason": "再申请"})):
        page = response.content.decode()
        assert response.status_code == 200 and state in page
        assert 'name="reason"' not in page
    assert ReturnRequest.objects.count() == 1


def test_portal_other_units_suggestion_404(unit_client, mine):
    theirs = _fresh()
    url = f"/suggestions/unit/{theirs.pk}/return/"
    assert unit_client.get(url).status_code == 404
    assert unit_client.post(url, {"reason": "x"}).status_code == 404
    co = _fresh()
    co.co_units.add(mine.lead_unit)
    assert unit_client.get(f"/suggestions/unit/{co.pk}/return/").status_code == 404


def test_portal_roles(plain_user, deputy, mine):
    from django.test import Client

    url = f"/suggestions/unit/{mine.pk}/return/"
    response = Client().get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    for user in (plain_user, deputy.user):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_old_unit_loses_access_new_unit_gains(client, unit_client, mine, staff_user):
    new = HandlingUnitFactory(with_user=True)
    new_client = client.__class__()
    new_client.force_login(new.users.get())
    assert new_client.get(f"/suggestions/unit/{mine.pk}/").status_code == 404
    services.suggestion_reassign(suggestion=mine, lead_unit=new, actor=staff_user)
    assert unit_client.get(f"/suggestions/unit/{mine.pk}/").status_code == 404
    assert str(mine.title) not in unit_client.get("/suggestions/unit/?tab=all").content.decode()
    assert new_client.get(f"/suggestions/unit/{mine.pk}/").status_code == 200
    assert new_client.get(f"/suggestions/unit/{mine.pk}/return/").status_code == 200


def test_no_button_after_window(unit_user, unit_client):
    unit = HandlingUnitFactory()
    unit.users.add(unit_user)
    s = _fresh(unit=unit, on=_today() - timedelta(days=30))
    page = unit_client.get(f"/suggestions/unit/{s.pk}/").content.decode()
    assert f"/suggestions/unit/{s.pk}/return/" not in page


# --- admin ------------------------------------------------------------------------------------


def test_admin_approve_on_request_page(staff_client, staff_user):
    s = _fresh()
    request = _ask(s)
    new, co = HandlingUnitFactory(), HandlingUnitFactory()
    url = f"/admin/suggestions/returnrequest/{request.pk}/change/"
    assert 'name="_approve"' in staff_client.get(url).content.decode()
    response = staff_client.post(
        url,
        {"new_lead_unit": new.pk, "new_co_units": [co.pk], "staff_reason": "", "_approve": "1"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    s.refresh_from_db()
    assert (request.status, request.decided_by) == (ReturnStatus.APPROVED, staff_user)
    assert (s.lead_unit, list(s.co_units.all())) == (new, [co])
    assert 'name="_approve"' not in staff_client.get(url).content.decode()


def test_admin_refuse_needs_reason(staff_client):
    s = _fresh()
    request = _ask(s)
    url = f"/admin/suggestions/returnrequest/{request.pk}/change/"
    response = staff_client.post(url, {"staff_reason": "", "_refuse": "1"}, follow=True)
    assert services.ERR_RETURN_REFUSE_REASON in response.content.decode()
    request.refresh_from_db()
    assert request.status == ReturnStatus.PENDING
    staff_client.post(url, {"staff_reason": "属本单位职责", "_refuse": "1"})
    request.refresh_from_db()
    assert (request.status, request.staff_reason) == (ReturnStatus.REFUSED, "属本单位职责")


def test_admin_list_filtered_and_desk_card(staff_client):
    _ask(_fresh())
    page = staff_client.get("/admin/").content.decode()
    assert "退办申请待审核" in page
    assert "/admin/suggestions/returnrequest/?status__exact=pending" in page
    response = staff_client.get("/admin/suggestions/returnrequest/?status__exact=pending")
    assert response.status_code == 200


def test_admin_reassign_page(staff_client, staff_user):
    s = _fresh()
    old = s.lead_unit
    change = staff_client.get(f"/admin/suggestions/suggestion/{s.pk}/change/").content.decode()
    url = f"/admin/suggestions/suggestion/{s.pk}/reassign/"
    assert url in change
    assert f"/admin/suggestions/suggestion/{s.pk}/transition/assigned/" not in change
    assert staff_client.get(url).status_code == 200
    new = HandlingUnitFactory()
    response = staff_client.post(
        url, {"lead_unit": new.pk, "comment": "按职责调整", "from_unit": old.pk}
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.lead_unit == new
    # The same form posted again (stale page) shows the message instead of reassigning twice.
    response = staff_client.post(
        url, {"lead_unit": HandlingUnitFactory().pk, "comment": "", "from_unit": old.pk}
    )
    assert response.status_code == 200
    assert services.ERR_REASSIGN_STALE in response.content.decode()
    s.refresh_from_db()
    assert s.lead_unit == new


def test_admin_no_reassign_after_reply(staff_client):
    s = helpers.replied()
    change = staff_client.get(f"/admin/suggestions/suggestion/{s.pk}/change/").content.decode()
    assert f"/admin/suggestions/suggestion/{s.pk}/reassign/" not in change


def test_admin_pages_need_staff(unit_client, mine):
    request = _ask(mine)
    for url in (
        f"/admin/suggestions/suggestion/{mine.pk}/reassign/",
        f"/admin/suggestions/returnrequest/{request.pk}/change/",
    ):
        response = unit_client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


# --- races on PostgreSQL ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_double_decision_exactly_one_wins(staff_user):
    s = _fresh()
    request = _ask(s)
    units = [HandlingUnitFactory(), HandlingUnitFactory()]

    def decide(i):
        return services.return_decide(
            request=ReturnRequest.objects.get(pk=request.pk),
            approve=True,
            lead_unit=units[i],
            actor=staff_user,
        )

    results = helpers.race(2, decide)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], SuggestionError), results
    assert str(errors[0]) == services.ERR_RETURN_DECIDED
    s.refresh_from_db()
    assert s.lead_unit in units
    assert StatusChange.objects.filter(suggestion=s, to_status=Status.ASSIGNED).count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_direct_reassign_exactly_one_wins(staff_user):
    s = _fresh()
    old = s.lead_unit
    units = [HandlingUnitFactory(), HandlingUnitFactory()]

    def reassign(i):
        return services.suggestion_reassign(
            suggestion=Suggestion.objects.get(pk=s.pk),
            lead_unit=units[i],
            from_unit=old,
            actor=staff_user,
        )

    results = helpers.race(2, reassign)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and str(errors[0]) == services.ERR_REASSIGN_STALE, results
    assert StatusChange.objects.filter(suggestion=s, to_status=Status.ASSIGNED).count() == 2


def test_open_commitments_of_the_old_unit_move_to_the_new_one(staff_user):
    s = _fresh()
    old, new, co = s.lead_unit, HandlingUnitFactory(), HandlingUnitFactory()
    s.co_units.add(co)
    open_one = services.commitment_add(
        suggestion=s, owner_unit=old, content="先行排查", due_on=_today(), actor=None
    )
    co_one = services.commitment_add(
        suggestion=s, owner_unit=co, content="配合", due_on=_today(), actor=None
    )
    services.suggestion_reassign(suggestion=s, lead_unit=new, co_units=[co], actor=staff_user)
    open_one.refresh_from_db()
    co_one.refresh_from_db()
    assert (open_one.owner_unit, co_one.owner_unit) == (new, co)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_decision_racing_direct_reassign_one_wins_no_deadlock(staff_user):
    s = _fresh()
    old = s.lead_unit
    request = _ask(s)
    units = [HandlingUnitFactory(), HandlingUnitFactory()]

    def work(i):
        if i == 0:
            return services.return_decide(
                request=ReturnRequest.objects.get(pk=request.pk),
                approve=True,
                lead_unit=units[0],
                actor=staff_user,
            )
        return services.suggestion_reassign(
            suggestion=Suggestion.objects.get(pk=s.pk),
            lead_unit=units[1],
            from_unit=old,
            actor=staff_user,
        )

    results = helpers.race(2, work)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], SuggestionError), results
    request.refresh_from_db()
    assert request.status == ReturnStatus.APPROVED
    assert StatusChange.objects.filter(suggestion=s, to_status=Status.ASSIGNED).count() == 2
