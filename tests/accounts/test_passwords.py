"""Passwords: the validators (12 characters and Django's usual checks, messages in Chinese),
and issued passwords changed at the first login."""

import json

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.forms import ERR_SAME_PASSWORD
from accounts.validators import ERR_TOO_SHORT
from core.models import AuditEvent
from tests.accounts.factories import (
    PASSWORD,
    DeputyUserFactory,
    StaffUserFactory,
    UnitUserFactory,
)

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/password/"
NEW = "Qiu-feng-luo-ye-2026"


def codes(password, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def test_eleven_characters_are_too_short_and_twelve_are_enough():
    assert codes("Xk7#pq2Lm9w") == {"password_too_short"}
    assert codes("Xk7#pq2Lm9wZ") == set()


def test_the_usual_checks_apply():
    user = DeputyUserFactory(username="zhangweiming")
    assert "password_too_common" in codes("qwertyuiop123")
    assert "password_entirely_numeric" in codes("138123456789")
    assert "password_too_similar" in codes("zhangweiming1", user)


def test_the_length_message_is_chinese():
    with pytest.raises(ValidationError) as excinfo:
        validate_password("short")
    assert excinfo.value.messages == [ERR_TOO_SHORT % {"min_length": 12}]


def change(client, old, new, new2=None):
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new, "new_password2": new2 or new}
    )


@pytest.fixture
def issued(client):
    """A deputy whose password staff set: flagged, and logged in."""
    user = DeputyUserFactory(must_change_password=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("path", ["/deputy/", "/", "/suggestions/", "/notifications/", "/admin/"])
def test_an_issued_password_leads_every_page_to_the_change_page(client, issued, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url == CHANGE


def test_the_change_page_logout_language_and_static_stay_open(client, issued):
    page = client.get(CHANGE)
    assert page.status_code == 200 and "请先设置自己的新密码" in page.content.decode()
    assert client.post("/i18n/setlang/", {"language": "zh-hans"}).url != CHANGE
    assert client.get("/static/css/lvzhi.css").get("Location") != CHANGE
    assert client.post("/accounts/logout/").url == "/accounts/login/"


def test_a_staff_member_with_an_issued_password_is_kept_out_of_the_admin(client):
    staff = StaffUserFactory(must_change_password=True)
    client.force_login(staff)
    assert client.get("/admin/accounts/user/").url == CHANGE


def test_choosing_a_password_clears_the_flag_and_opens_the_site(client, issued):
    response = change(client, PASSWORD, NEW)
    assert response.status_code == 302
    issued.refresh_from_db()
    assert not issued.must_change_password and issued.check_password(NEW)
    assert client.get("/notifications/").status_code == 200  # still logged in


def test_the_change_is_audited_without_the_password(client, issued):
    change(client, PASSWORD, NEW)
    event = AuditEvent.objects.get(action="accounts.password_change")
    assert event.actor == issued and event.data["replaced_issued_password"] is True
    assert NEW not in json.dumps(event.data) + event.summary


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Short-1", "至少需要 12 个字符"),
        ("123456789012", "密码只包含数字"),
        ("qwertyuiop123", "太常见"),
    ],
)
def test_a_weak_new_password_is_refused_in_chinese_and_the_flag_stays(client, issued, new, message):
    response = change(client, PASSWORD, new)
    assert response.status_code == 200 and message in response.content.decode()
    issued.refresh_from_db()
    assert issued.must_change_password and issued.check_password(PASSWORD)


def test_the_issued_password_cannot_be_kept(client):
    user = UnitUserFactory(must_change_password=True, password=NEW)
    client.force_login(user)
    response = change(client, NEW, NEW)
    assert ERR_SAME_PASSWORD in response.content.decode()
    user.refresh_from_db()
    assert user.must_change_password


def test_a_user_without_an_issued_password_is_not_redirected(deputy_client):
    assert deputy_client.get("/deputy/").status_code == 200


def test_staff_creating_an_account_issue_its_password(staff_client, staff_user):
    response = staff_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "unit99",
            "usable_password": "true",
            "password1": NEW,
            "password2": NEW,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    from accounts.models import User

    user = User.objects.get(username="unit99")
    assert user.must_change_password and user.check_password(NEW)
    event = AuditEvent.objects.get(action="accounts.user_create")
    assert event.actor == staff_user and NEW not in json.dumps(event.data)


def test_the_add_form_applies_the_validators(staff_client):
    response = staff_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "unit98",
            "usable_password": "true",
            "password1": "lvzhi2026",
            "password2": "lvzhi2026",
        },
    )
    assert response.status_code == 200 and "至少需要 12 个字符" in response.content.decode()
