"""The user admin: only superusers grant privileges or touch privileged accounts; staff reset
deputies' and units' passwords through an audited, shown-once temporary password."""

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from accounts.services import AccountError, password_reset, user_admin_change
from core.models import AuditEvent
from tests.accounts.factories import (
    PASSWORD,
    DeputyUserFactory,
    StaffUserFactory,
    UnitUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"
PRIVILEGE_FIELDS = {"is_superuser", "is_staff", "groups", "user_permissions"}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def super_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def form_data(http, user, **changes) -> dict:
    """What the browser would post back from ``user``'s change form, plus ``changes``."""
    form = http.get(f"{USERS}{user.pk}/change/").context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif name in ("date_joined", "last_login"):
            data[f"{name}_0"], data[f"{name}_1"] = (
                value.strftime("%Y-%m-%d"),
                value.strftime("%H:%M:%S"),
            )
        elif isinstance(value, list | tuple) or hasattr(value, "all"):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def escalation():
    return {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [Group.objects.get(name=Role.STAFF.value).pk],
        "user_permissions": [Permission.objects.get(codename="change_user").pk],
    }


def test_staff_see_no_privilege_field_they_could_post(staff_client, staff_user):
    response = staff_client.get(f"{USERS}{staff_user.pk}/change/")
    form = response.context["adminform"].form
    assert not PRIVILEGE_FIELDS & set(form.fields)
    body = response.content.decode()
    assert "超级用户状态" in body  # shown, read-only
    assert 'name="is_superuser"' not in body and 'name="user_permissions"' not in body


def test_staff_posting_is_superuser_on_their_own_account_changes_nothing(staff_client, staff_user):
    groups_before = set(staff_user.groups.all())
    data = form_data(staff_client, staff_user, full_name="新名字", **escalation())
    response = staff_client.post(f"{USERS}{staff_user.pk}/change/", data)
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.full_name == "新名字"  # the edit went through, the privileges did not
    assert not staff_user.is_superuser
    assert set(staff_user.groups.all()) == groups_before
    assert not staff_user.user_permissions.exists()


def test_staff_cannot_make_a_deputy_staff_or_superuser(staff_client):
    deputy = DeputyUserFactory()
    data = form_data(staff_client, deputy, phone="13800000000", **escalation())
    assert staff_client.post(f"{USERS}{deputy.pk}/change/", data).status_code == 302
    deputy.refresh_from_db()
    assert deputy.phone == "13800000000"
    assert not deputy.is_staff and not deputy.is_superuser
    assert {g.name for g in deputy.groups.all()} == {Role.DEPUTY.value}


def test_another_staff_members_account_is_view_only_for_staff(staff_client):
    colleague = StaffUserFactory()
    page = staff_client.get(f"{USERS}{colleague.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    posted = staff_client.post(
        f"{USERS}{colleague.pk}/change/", {"username": "taken", "is_active": ""}
    )
    assert posted.status_code == 403
    colleague.refresh_from_db()
    assert colleague.username != "taken" and colleague.is_active


@pytest.mark.parametrize("target", ["colleague", "superuser"])
def test_staff_can_neither_delete_nor_reset_a_privileged_account(staff_client, request, target):
    other = StaffUserFactory() if target == "colleague" else request.getfixturevalue("superuser")
    assert staff_client.post(f"{USERS}{other.pk}/delete/", {"post": "yes"}).status_code == 403
    assert staff_client.post(f"{USERS}{other.pk}/password/").status_code == 403
    staff_client.post(
        USERS, {"action": "reset_passwords", "_selected_action": [other.pk], "confirm": "1"}
    )
    other.refresh_from_db()
    assert other.check_password(PASSWORD) and not other.must_change_password
    assert not AuditEvent.objects.filter(action="accounts.password_reset").exists()


def test_the_service_refuses_a_privilege_change_that_reaches_it(staff_user):
    deputy = DeputyUserFactory()
    deputy.is_superuser = True
    with pytest.raises(AccountError, match="超级用户状态"):
        user_admin_change(user=deputy, actor=staff_user, changed=["full_name"])
    with pytest.raises(AccountError, match="组"):
        user_admin_change(user=DeputyUserFactory(), actor=staff_user, changed=["groups"])
    assert not User.objects.filter(is_superuser=True).exists()


def test_a_superuser_may_grant_staff_status_and_groups(super_client):
    deputy = DeputyUserFactory()
    data = form_data(
        super_client, deputy, is_staff="on", groups=[Group.objects.get(name=Role.STAFF.value).pk]
    )
    assert super_client.post(f"{USERS}{deputy.pk}/change/", data).status_code == 302
    deputy.refresh_from_db()
    assert deputy.is_staff and deputy.is_committee_staff


def test_staff_reset_a_deputys_password_shown_once_and_audited(staff_client, staff_user):
    deputy = DeputyUserFactory()
    assert "确认重置" in staff_client.get(f"{USERS}{deputy.pk}/password/").content.decode()
    deputy.refresh_from_db()
    assert deputy.check_password(PASSWORD)  # the GET changed nothing
    response = staff_client.post(f"{USERS}{deputy.pk}/password/")
    assert "no-store" in response["Cache-Control"]
    [(issued_to, temporary)] = response.context["issued"]
    assert issued_to == deputy
    assert temporary in response.content.decode() and len(temporary) >= 12
    deputy.refresh_from_db()
    assert deputy.check_password(temporary) and not deputy.check_password(PASSWORD)
    assert deputy.must_change_password
    event = AuditEvent.objects.get(action="accounts.password_reset")
    assert event.actor == staff_user and event.target_id == str(deputy.pk)
    assert temporary not in json.dumps(event.data) + event.summary


def test_the_reset_action_asks_first_then_resets_units_and_deputies(staff_client):
    unit, deputy = UnitUserFactory(), DeputyUserFactory()
    selected = {"action": "reset_passwords", "_selected_action": [unit.pk, deputy.pk]}
    asked = staff_client.post(USERS, selected)
    assert "确认重置" in asked.content.decode()
    unit.refresh_from_db()
    assert unit.check_password(PASSWORD)
    done = staff_client.post(USERS, {**selected, "confirm": "1"})
    issued = dict(done.context["issued"])
    assert set(issued) == {unit, deputy}
    unit.refresh_from_db()
    assert unit.check_password(issued[unit]) and unit.must_change_password
    assert AuditEvent.objects.filter(action="accounts.password_reset").count() == 2


def test_a_temporary_password_works_once_and_must_then_be_changed(staff_client):
    deputy = DeputyUserFactory()
    temporary = dict(staff_client.post(f"{USERS}{deputy.pk}/password/").context["issued"])[deputy]
    browser = Client()
    assert (
        browser.post(
            "/accounts/login/", {"username": deputy.username, "password": temporary}
        ).status_code
        == 302
    )
    assert browser.get("/deputy/").url == "/accounts/password/"


def test_a_superuser_may_reset_a_staff_members_password(superuser):
    colleague = StaffUserFactory()
    temporary = password_reset(user=colleague, actor=superuser)
    colleague.refresh_from_db()
    assert colleague.check_password(temporary) and colleague.must_change_password


def test_nobody_resets_their_own_password_in_the_admin(staff_client, staff_user):
    assert staff_client.get(f"{USERS}{staff_user.pk}/password/").url == "/accounts/password/"
    with pytest.raises(AccountError):
        password_reset(user=staff_user, actor=staff_user)


def test_a_deputy_cannot_reset_anyone(deputy):
    with pytest.raises(AccountError):
        password_reset(user=UnitUserFactory(), actor=deputy.user)
