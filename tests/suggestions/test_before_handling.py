"""面办前: the supervision plan with milestones and a responsible member of staff, and the
face-to-face meeting record; both refused for the wrong people and states."""

from datetime import date

import pytest

from suggestions import services
from suggestions.models import Meeting, Status, Suggestion, SupervisionPlan
from suggestions.services import (
    ERR_MEETING_STATE,
    ERR_NOT_HANDLING_UNIT,
    ERR_NOT_STAFF,
    ERR_PLAN_STATE,
    ERR_RESPONSIBLE_NOT_STAFF,
    SuggestionError,
)
from tests.accounts.factories import StaffUserFactory, UnitUserFactory

from . import helpers
from .factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db


def test_supervision_plan_with_milestones_and_responsible_staff(staff_user):
    s = helpers.assigned()
    plan = services.supervision_plan_set(
        suggestion=s,
        responsible=staff_user,
        note="一个月内面商",
        milestones=[("面商", date(2026, 4, 1)), ("中期督办", date(2026, 5, 1))],
        actor=staff_user,
    )
    assert plan.responsible == staff_user
    assert [m.title for m in plan.milestones.all()] == ["面商", "中期督办"]
    assert s.plan == plan


def test_supervision_plan_refuses_non_staff_and_unregistered(staff_user, unit_user):
    s = helpers.assigned()
    with pytest.raises(SuggestionError, match=ERR_RESPONSIBLE_NOT_STAFF):
        services.supervision_plan_set(suggestion=s, responsible=unit_user, actor=staff_user)
    with pytest.raises(SuggestionError, match=ERR_NOT_STAFF):
        services.supervision_plan_set(suggestion=s, responsible=staff_user, actor=unit_user)
    with pytest.raises(SuggestionError, match=ERR_PLAN_STATE):
        services.supervision_plan_set(
            suggestion=helpers.submitted(), responsible=staff_user, actor=staff_user
        )
    assert not SupervisionPlan.objects.exists()


def test_admin_plan_offers_only_staff_and_checks_the_rule(staff_client, staff_user, unit_user):
    s = helpers.assigned()
    response = staff_client.get(f"/admin/suggestions/supervisionplan/add/?suggestion={s.pk}")
    assert response.status_code == 200
    options = response.context["adminform"].form.fields["responsible"].queryset
    assert staff_user in options and unit_user not in options
    data = {
        "suggestion": s.pk,
        "responsible": staff_user.pk,
        "note": "按节点督办",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-title": "面商",
        "milestones-0-due_on": "2026-04-01",
    }
    draft = helpers.submitted()
    response = staff_client.post(
        "/admin/suggestions/supervisionplan/add/", {**data, "suggestion": draft.pk}
    )
    assert response.status_code == 200 and ERR_PLAN_STATE in response.content.decode()
    response = staff_client.post("/admin/suggestions/supervisionplan/add/", data)
    assert response.status_code == 302
    plan = SupervisionPlan.objects.get(suggestion=s)
    assert plan.milestones.get().title == "面商"
    change = staff_client.get(f"/admin/suggestions/suggestion/{s.pk}/change/").content.decode()
    assert f"/admin/suggestions/supervisionplan/{plan.pk}/change/" in change


def test_meeting_recorded_by_a_handling_unit_while_handling():
    unit = HandlingUnitFactory()
    clerk = UnitUserFactory()
    unit.users.add(clerk)
    s = helpers.assigned(unit=unit)
    meeting = services.meeting_record(
        suggestion=s,
        unit=unit,
        held_on=date(2026, 3, 10),
        participants="张代表、局分管负责人",
        summary="商定分两步推进。",
        actor=clerk,
    )
    assert meeting.recorded_by == clerk and s.meetings.get() == meeting
    stranger = HandlingUnitFactory(with_user=True)
    with pytest.raises(SuggestionError, match=ERR_NOT_HANDLING_UNIT):
        services.meeting_record(
            suggestion=s,
            unit=stranger,
            held_on=date(2026, 3, 10),
            participants="x",
            summary="x",
            actor=stranger.users.get(),
        )
    done = helpers.concluded()
    with pytest.raises(SuggestionError, match=ERR_MEETING_STATE):
        services.meeting_record(
            suggestion=done,
            unit=done.lead_unit,
            held_on=date(2026, 3, 10),
            participants="x",
            summary="x",
            actor=StaffUserFactory(),
        )
    assert Meeting.objects.count() == 1


def test_registered_suggestions_cannot_be_deleted_in_the_admin(staff_client):
    s = helpers.registered()
    draft = helpers.IN_STATE[Status.DRAFT]()
    assert staff_client.get(f"/admin/suggestions/suggestion/{s.pk}/delete/").status_code == 403
    staff_client.post(
        "/admin/suggestions/suggestion/",
        {"action": "delete_selected", "_selected_action": [s.pk, draft.pk], "post": "yes"},
    )
    assert Suggestion.objects.filter(pk=s.pk).exists()
    response = staff_client.post(
        f"/admin/suggestions/suggestion/{draft.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302 and not Suggestion.objects.filter(pk=draft.pk).exists()
