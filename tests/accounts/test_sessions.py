"""Session limits (accounts.middleware): staff idle 30 minutes, everyone 12 hours."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from accounts.middleware import SEEN_AT
from tests.accounts.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
PAGE = "/notifications/"  # a light page every signed-in user may open


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def logged_out(response) -> bool:
    return response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_staff_are_signed_out_after_thirty_idle_minutes(client, clock):
    client.force_login(StaffUserFactory())
    clock.shift(timedelta(minutes=29))
    assert client.get(PAGE).status_code == 200
    clock.shift(timedelta(minutes=29))  # 58 minutes in, but active 29 minutes ago
    assert client.get(PAGE).status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get(PAGE)
    assert logged_out(response) and "next=/notifications/" in response.url
    assert "_auth_user_id" not in client.session
    assert "30 分钟未操作" in client.get(response.url).content.decode()


def test_a_superuser_counts_as_staff(client, clock):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    clock.shift(timedelta(minutes=31))
    assert logged_out(client.get(PAGE))


def test_deputies_may_idle_but_not_past_twelve_hours(client, deputy, clock):
    client.force_login(deputy.user)
    clock.shift(timedelta(hours=3))
    assert client.get(PAGE).status_code == 200
    clock.shift(timedelta(hours=8, minutes=59))
    assert client.get(PAGE).status_code == 200
    clock.shift(timedelta(minutes=2))  # 12 h 1 min after the login
    response = client.get(PAGE)
    assert logged_out(response)
    assert "超过 12 小时" in client.get(response.url).content.decode()


def test_staff_are_signed_out_after_twelve_hours_however_active(client, clock):
    client.force_login(StaffUserFactory())
    for _ in range(49):  # a request every 15 minutes for 12 h 15 min
        clock.shift(timedelta(minutes=15))
        response = client.get(PAGE)
    assert logged_out(response)


def test_the_limits_come_from_the_settings(client, clock, settings):
    settings.LVZHI_SESSION_STAFF_IDLE_MINUTES = 5
    client.force_login(StaffUserFactory())
    clock.shift(timedelta(minutes=6))
    assert logged_out(client.get(PAGE))


def test_the_last_activity_is_written_at_most_once_a_minute(client, clock):
    client.force_login(StaffUserFactory())
    seen = client.session[SEEN_AT]
    clock.shift(timedelta(seconds=30))
    client.get(PAGE)
    assert client.session[SEEN_AT] == seen
    clock.shift(timedelta(seconds=31))
    client.get(PAGE)
    assert client.session[SEEN_AT] == seen + 61


def test_the_stored_session_outlives_the_limit_only_long_enough_to_explain():
    assert settings.SESSION_COOKIE_AGE == 13 * 3600
