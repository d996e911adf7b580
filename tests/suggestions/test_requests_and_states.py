"""Issue #7, point 4: a reply settles the requests still waiting for staff, every message names
a suggestion by its number, and forms that no longer apply show the current state."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from suggestions import panels, selectors, services
from suggestions.models import (
    Commitment,
    ExtensionRequest,
    ExtensionStatus,
    ReturnStatus,
    Status,
    Suggestion,
)
from suggestions.workflow import ERR_TRANSITION_NOT_ALLOWED
from tests.accounts.factories import StaffUserFactory

from . import helpers

pytestmark = pytest.mark.django_db

WITHDRAWN_NOTE = services.NOTE_WITHDRAWN_BY_REPLY % {"d": helpers.REPLIED_ON.isoformat()}


def _ask_extension(s, deadline=date(2026, 8, 1)) -> ExtensionRequest:
    return services.extension_request(
        suggestion=s, unit=s.lead_unit, requested_deadline=deadline, reason="需协调", actor=None
    )


def _reply(s, on=helpers.REPLIED_ON):
    return services.reply_submit(
        suggestion=s,
        unit=s.lead_unit,
        result_class="A",
        content="已解决。",
        replied_on=on,
        actor=None,
    )


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- a reply settles pending requests ---------------------------------------------------------


def test_a_reply_withdraws_the_pending_extension_request_and_staff_are_told_why():
    s = helpers.in_handling()
    request = _ask_extension(s)
    assert panels.pending_requests()["extension"] == 1
    _reply(s)
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (ExtensionStatus.WITHDRAWN, WITHDRAWN_NOTE)
    assert request.decided_at is not None and request.decided_by is None
    assert panels.pending_requests()["extension"] == 0  # the to-do card stops counting it
    event = AuditEvent.objects.get(action="suggestions.requests_withdrawn")
    assert event.data == {"extension": [request.pk], "return": []}
    # staff's 同意延期 on the page they had open: a clear message naming the number
    with pytest.raises(services.SuggestionError) as exc:
        services.extension_decide(request=request, approve=True, actor=StaffUserFactory())
    assert str(exc.value) == services.ERR_EXTENSION_WITHDRAWN % {"s": s}
    assert s.number in str(exc.value)
    s.refresh_from_db()
    assert (s.status, s.extension_count) == (Status.REPLIED, 0)


def test_a_reply_withdraws_the_pending_return_request():
    s = helpers.assigned(on=helpers.TODAY, today=helpers.TODAY)
    request = services.return_request(
        suggestion=s, unit=s.lead_unit, reason="不属本单位职责", actor=None, today=helpers.TODAY
    )
    assert panels.pending_requests()["return"] == 1
    _reply(s, on=helpers.TODAY)
    request.refresh_from_db()
    note = services.NOTE_WITHDRAWN_BY_REPLY % {"d": helpers.TODAY.isoformat()}
    assert (request.status, request.staff_reason) == (ReturnStatus.WITHDRAWN, note)
    assert panels.pending_requests()["return"] == 0
    with pytest.raises(services.SuggestionError) as exc:
        services.return_decide(request=request, approve=False, note="不同意", actor=None)
    assert str(exc.value) == services.ERR_RETURN_WITHDRAWN % {"s": s}


def test_decided_requests_are_left_alone_by_a_reply():
    s = helpers.in_handling()
    request = _ask_extension(s)
    services.extension_decide(request=request, approve=False, note="理由不足", actor=None)
    _reply(s)
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (ExtensionStatus.REJECTED, "理由不足")
    assert not AuditEvent.objects.filter(action="suggestions.requests_withdrawn").exists()


def test_admin_decision_on_a_withdrawn_request_names_the_suggestion_by_its_number(staff_client):
    s = helpers.in_handling()
    request = _ask_extension(s)
    _reply(s)
    response = staff_client.post(
        "/admin/suggestions/extensionrequest/",
        {"action": "approve", "_selected_action": [request.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert services.ERR_EXTENSION_WITHDRAWN % {"s": s} in page
    assert f"{s.number} {s.title} 申请延期至 2026-08-01：" in page
    assert f"{request.suggestion_id} → " not in page  # never the database id
    # the button on the request's own page, pressed after the reply
    url = f"/admin/suggestions/extensionrequest/{request.pk}/change/"
    response = staff_client.post(url, {"decision_note": "", "_approve": "1"}, follow=True)
    assert services.ERR_EXTENSION_WITHDRAWN % {"s": s} in response.content.decode()
    assert 'name="_approve"' not in response.content.decode()
    request.refresh_from_db()
    assert request.status == ExtensionStatus.WITHDRAWN
    # a plain save of the settled request's page keeps the note it was withdrawn with
    staff_client.post(url, {"decision_note": "改写", "_save": "1"})
    request.refresh_from_db()
    assert request.decision_note == WITHDRAWN_NOTE


def test_requests_and_changes_are_named_by_the_suggestion():
    s = helpers.in_handling()
    request = _ask_extension(s)
    assert str(request) == f"{s.number} {s.title} 申请延期至 2026-08-01"
    assert str(s.history.last()).startswith(f"{s.number} {s.title}: ")
    draft = helpers.SuggestionFactory(title="关于增设路灯的建议")
    assert str(draft) == "关于增设路灯的建议"


def test_the_migration_withdraws_requests_a_reply_left_waiting():
    """Before #7 a reply left requests pending for ever; 0006 settles those already stuck."""
    migration = importlib.import_module("suggestions.migrations.0006_requests_withdrawn_on_reply")
    stuck = helpers.in_handling()
    old = _ask_extension(stuck)
    _reply(stuck)
    ExtensionRequest.objects.filter(pk=old.pk).update(
        status=ExtensionStatus.PENDING, decision_note="", decided_at=None
    )
    open_one = helpers.in_handling()
    waiting = _ask_extension(open_one)
    migration.withdraw_stale_requests(apps, None)
    old.refresh_from_db()
    waiting.refresh_from_db()
    assert (old.status, old.decision_note) == (ExtensionStatus.WITHDRAWN, migration.NOTE)
    assert waiting.status == ExtensionStatus.PENDING


# --- forms that no longer apply show the state ------------------------------------------------


def _unit_client(s) -> Client:
    return _login(s.lead_unit.users.get())


def test_extension_page_shows_the_pending_request_the_used_extension_or_the_reply():
    s = helpers.in_handling()
    client = _unit_client(s)
    url = f"/suggestions/unit/{s.pk}/extension/"
    assert 'name="requested_deadline"' in client.get(url).content.decode()
    request = _ask_extension(s)
    pending = selectors.STATE_EXTENSION_PENDING % {
        "on": timezone.localtime(request.requested_at).date().isoformat(),
        "d": "2026-08-01",
    }
    for response in (
        client.get(url),
        client.post(url, {"requested_deadline": "2026-08-15", "reason": "再申请"}),
    ):
        page = response.content.decode()
        assert response.status_code == 200 and pending in page
        assert 'name="requested_deadline"' not in page
    assert ExtensionRequest.objects.count() == 1
    services.extension_decide(request=request, approve=True, actor=None)
    used = selectors.STATE_EXTENSION_USED % {"d": "2026-08-01"}
    assert used in client.get(url).content.decode()
    _reply(s)
    s.refresh_from_db()
    state = selectors.STATE_NOT_OPEN % {"st": Status.REPLIED.label}
    assert state in client.get(url).content.decode()


def test_reply_page_after_the_reply_shows_it():
    s = helpers.in_handling()
    client = _unit_client(s)
    url = f"/suggestions/unit/{s.pk}/reply/"
    assert 'name="result_class"' in client.get(url).content.decode()
    _reply(s)
    state = selectors.STATE_REPLIED % {
        "d": helpers.REPLIED_ON.isoformat(),
        "c": "A 已解决或采纳",
        "st": Status.REPLIED.label,
    }
    response = client.post(
        url, {"result_class": "B", "content": "again", "replied_on": "2026-05-07"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and state in page and 'name="result_class"' not in page
    assert s.replies.count() == 1


def test_return_page_after_the_window_shows_the_last_day():
    s = helpers.in_handling()  # assigned 2026-03-02: the window closed long ago
    client = _unit_client(s)
    last_day = services.return_deadline(s)
    page = client.get(f"/suggestions/unit/{s.pk}/return/").content.decode()
    assert selectors.STATE_RETURN_WINDOW % {"n": 5, "d": last_day.isoformat()} in page
    assert 'name="reason"' not in page


def test_settled_commitment_page_shows_how_it_was_settled():
    s = helpers.in_handling()
    client = _unit_client(s)
    commitment = services.commitment_add(
        suggestion=s, owner_unit=s.lead_unit, content="修路灯", due_on=date(2026, 9, 1), actor=None
    )
    url = f"/suggestions/unit/commitments/{commitment.pk}/"
    assert 'name="status"' in client.get(url).content.decode()
    services.commitment_update(
        commitment=commitment, status="met", completed_on=date(2026, 9, 1), actor=None
    )
    response = client.post(url, {"status": "missed", "note": "x"})
    page = response.content.decode()
    assert selectors.STATE_COMMITMENT_SETTLED % {"st": "已兑现"} in page
    assert Commitment.objects.get().status == "met"


def test_evaluation_page_before_a_reply_says_so(deputy_client, deputy):
    s = helpers.in_handling(lead_deputy=deputy)
    page = deputy_client.get(f"/suggestions/{s.pk}/evaluate/").content.decode()
    assert selectors.STATE_NOT_REPLIED % {"st": Status.IN_HANDLING.label} in page
    assert 'name="verdict"' not in page


def test_admin_transition_page_for_a_move_already_made_redirects_with_the_state(staff_client):
    s = helpers.evaluated()
    response = staff_client.get(
        f"/admin/suggestions/suggestion/{s.pk}/transition/evaluated/", follow=True
    )
    assert response.redirect_chain[-1][0] == f"/admin/suggestions/suggestion/{s.pk}/change/"
    message = ERR_TRANSITION_NOT_ALLOWED % {
        "from": Status.EVALUATED.label,
        "to": Status.EVALUATED.label,
    }
    assert message in response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_reply_and_extension_decision_at_once_leave_nothing_pending():
    """Whichever takes the suggestion's lock first, the request ends settled: approved before
    the reply, or withdrawn by it (and the decision then says so)."""
    s = helpers.in_handling()
    request = _ask_extension(s)

    def act(i):
        if i == 0:
            return _reply(Suggestion.objects.get(pk=s.pk))
        return services.extension_decide(
            request=ExtensionRequest.objects.get(pk=request.pk), approve=True, actor=None
        )

    results = helpers.race(2, act)
    assert not isinstance(results[0], Exception), results
    request.refresh_from_db()
    if isinstance(results[1], Exception):
        assert str(results[1]) == services.ERR_EXTENSION_WITHDRAWN % {"s": s}
        assert request.status == ExtensionStatus.WITHDRAWN
    else:
        assert request.status == ExtensionStatus.APPROVED
    assert not ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).exists()
