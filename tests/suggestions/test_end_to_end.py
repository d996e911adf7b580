"""One suggestion walked from draft to closed by the three roles, through the site and admin."""

import pytest
from django.test import Client

from core import clock
from core.notifications import Notification
from performance.models import LedgerEntry
from suggestions.models import Status, Suggestion

from .factories import CategoryFactory, HandlingUnitFactory
from .test_admin import _form_data

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_draft_to_closed_through_the_site_and_admin(
    deputy, other_deputy, unit_user, staff_user, ledger_rules
):
    today = clock.today().isoformat()
    unit = HandlingUnitFactory(name="区住房和城乡建设局")
    unit.users.add(unit_user)
    dep, uni, staff = _client(deputy.user), _client(unit_user), _client(staff_user)

    # deputy: draft and submit
    response = dep.post(
        "/suggestions/new/",
        {
            "kind": "suggestion",
            "title": "关于老旧小区加装电梯的建议",
            "category": CategoryFactory(name="住房和物业").pk,
            "body": "多层住宅老人上下楼难。",
            "origin": "research",
            "co_signers": [other_deputy.pk],
            "submit": "1",
        },
    )
    s = Suggestion.objects.get()
    assert response.status_code == 302 and s.status == Status.SUBMITTED

    # staff: register and assign in the admin
    admin = f"/admin/suggestions/suggestion/{s.pk}"
    assert staff.post(f"{admin}/transition/registered/", {"on": today}).status_code == 302
    response = staff.post(
        f"{admin}/transition/assigned/", {"lead_unit": unit.pk, "assigned_on": today}
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.number.startswith(f"{clock.today().year}-") and s.status == Status.ASSIGNED

    # unit: sign for it, commit to something, reply (B with a core problem)
    assert uni.post(f"/suggestions/unit/{s.pk}/accept/").status_code == 302
    uni.post(
        f"/suggestions/unit/{s.pk}/commitments/new/",
        {"content": "完成可行性评估", "due_on": today, "owner_unit": unit.pk},
    )
    commitment = s.commitments.get()
    uni.post(
        f"/suggestions/unit/commitments/{commitment.pk}/",
        {"status": "met", "completed_on": today},
    )
    response = uni.post(
        f"/suggestions/unit/{s.pk}/reply/",
        {
            "result_class": "A",
            "content": "已纳入加装电梯计划并完成施工。",
            "replied_on": today,
            "p-TOTAL_FORMS": "3",
            "p-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302

    # deputy: evaluate
    response = dep.post(
        f"/suggestions/{s.pk}/evaluate/", {"verdict": "satisfied", "implementation_score": "95"}
    )
    assert response.status_code == 302

    # staff: conclude, record the three checks in the change page, close
    assert staff.post(f"{admin}/transition/concluded/", {"on": today}).status_code == 302
    s.refresh_from_db()
    assert s.status == Status.CONCLUDED
    data = _form_data(staff.get(f"{admin}/change/").content.decode())
    for i in range(3):
        data[f"checks-{i}-findings"] = "回访群众，电梯运行良好。"
        data[f"checks-{i}-done_on"] = today
    assert staff.post(f"{admin}/change/", data).status_code == 302
    assert staff.post(f"{admin}/transition/closed/", {"on": today}).status_code == 302

    s.refresh_from_db()
    assert s.status == Status.CLOSED
    assert list(s.history.values_list("to_status", flat=True)) == [
        "submitted",
        "registered",
        "assigned",
        "in_handling",
        "replied",
        "evaluated",
        "concluded",
        "closed",
    ]
    actors = list(s.history.values_list("actor__username", flat=True))
    assert actors == [
        deputy.user.username,
        staff_user.username,
        staff_user.username,
        unit_user.username,
        unit_user.username,
        deputy.user.username,
        staff_user.username,
        staff_user.username,
    ]
    codes = sorted(LedgerEntry.objects.filter(deputy=deputy).values_list("rule__code", flat=True))
    assert codes == ["C01", "C02"]
    assert Notification.objects.filter(recipient=other_deputy.user).count() >= 7
    assert Notification.objects.filter(recipient=unit_user, kind="suggestion.assigned").exists()
