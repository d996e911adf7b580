"""Login lockout (accounts.lockout): per account from any address, per address over any
accounts, a success clearing the account's failures, a Chinese page, and a log line for each."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

from tests.accounts.factories import PASSWORD, DeputyUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
HOME = "203.0.113.5"
ELSEWHERE = "198.51.100.7"
T0 = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def attempt(username, password, address=HOME, url=LOGIN, **headers):
    """One login from a fresh browser: 302 logged in, 200 refused, 429 locked out."""
    return Client().post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(username, times, address=HOME):
    return [attempt(username, "wrong-password", address).status_code for _ in range(times)]


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one():
    user = DeputyUserFactory()
    assert fail(user.username, 4) == [200] * 4
    assert attempt(user.username, "wrong-password").status_code == 429
    refused = attempt(user.username, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_the_locked_page_is_chinese_and_says_how_long():
    user = DeputyUserFactory()
    fail(user.username, 5)
    response = attempt(user.username, PASSWORD)
    body = response.content.decode()
    assert "登录已暂时锁定" in body and "30 分钟" in body
    assert response["Retry-After"] == "1800"


def test_the_account_stays_locked_from_another_address():
    user = DeputyUserFactory()
    fail(user.username, 5, address=HOME)
    assert attempt(user.username, PASSWORD, address=ELSEWHERE).status_code == 429


def test_another_user_at_the_same_address_still_logs_in_after_an_account_lock():
    locked, neighbour = DeputyUserFactory(), DeputyUserFactory()
    fail(locked.username, 5)
    assert attempt(neighbour.username, PASSWORD).status_code == 302


def test_twenty_failures_over_many_usernames_lock_the_address_for_everyone():
    user = DeputyUserFactory()
    for number in range(20):  # spraying one password over predictable usernames
        assert attempt(f"d{number:03d}", "lvzhi2026").status_code in (200, 429)
    assert attempt(user.username, PASSWORD).status_code == 429
    assert attempt(user.username, PASSWORD, address=ELSEWHERE).status_code == 302


def test_nineteen_failures_at_an_address_lock_nobody_else():
    user = DeputyUserFactory()
    for number in range(19):
        assert attempt(f"d{number:03d}", "lvzhi2026").status_code == 200
    assert attempt(user.username, PASSWORD).status_code == 302


def test_a_success_clears_the_account_failures():
    user = DeputyUserFactory()
    assert fail(user.username, 4) == [200] * 4
    assert attempt(user.username, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert fail(user.username, 4) == [200] * 4
    assert attempt(user.username, PASSWORD).status_code == 302


def test_logging_into_ones_own_account_does_not_clear_the_address_failures():
    """Someone with one account cannot launder failures against other accounts."""
    own, target = DeputyUserFactory(), DeputyUserFactory()
    for number in range(19):
        attempt(f"x{number:03d}", "wrong-password")
    assert attempt(own.username, PASSWORD).status_code == 302
    assert attempt(target.username, "wrong-password").status_code == 429
    assert attempt(target.username, PASSWORD).status_code == 429


def test_a_lockout_ends_after_thirty_minutes_and_retries_do_not_extend_it():
    user = DeputyUserFactory()
    with time_machine.travel(T0, tick=False) as traveller:
        fail(user.username, 5)
        traveller.shift(timedelta(minutes=20))
        assert attempt(user.username, PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=11))
        assert attempt(user.username, PASSWORD).status_code == 302


def test_the_limits_come_from_the_settings(settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = DeputyUserFactory()
    assert fail(user.username, 2) == [200, 429]


def test_the_admin_has_no_second_login_to_guess_at():
    """``/admin/login/`` takes no password: it sends everyone to the one sign-in page, whose
    lockout is tested above, so there is no second door without it."""
    staff = StaffUserFactory()
    for password in ("wrong-password", PASSWORD):
        response = attempt(staff.username, password, url="/admin/login/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert attempt(staff.username, PASSWORD).status_code == 302  # the real page still works


def test_the_address_is_the_rate_limiters_through_trusted_proxies(settings):
    settings.LVZHI_TRUSTED_PROXY_HOPS = 1
    user = DeputyUserFactory()
    # the proxy (10.0.0.2) appends the client's address; the entry left of it is the client's
    # own claim and is never believed
    attempt(user.username, "x", address="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {HOME}")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [HOME]


@pytest.mark.parametrize(
    ("remote", "stored"),
    [("2001:db8:1:2:aaaa::1", "2001:db8:1:2::"), ("", None), ("not-an-address", None)],
)
def test_an_ipv6_client_counts_per_64_and_no_address_does_not_break_the_login(remote, stored):
    user = DeputyUserFactory()
    assert attempt(user.username, "x", address=remote).status_code == 200
    assert AccessAttempt.objects.get().ip_address == stored
    assert attempt(user.username, PASSWORD, address=remote).status_code == 302


def test_failures_and_lockouts_are_logged_without_the_typed_username(caplog):
    user = DeputyUserFactory()
    with caplog.at_level(logging.INFO, logger="accounts.login"):
        fail(user.username, 5)
        attempt("13812345678", "wrong-password")  # a phone number typed as the username
    lines = [r.getMessage() for r in caplog.records if r.name == "accounts.login"]
    assert f"login failed: account=#{user.pk} address={HOME}" in lines
    assert any(
        line.startswith(f"login locked out: account=#{user.pk} address={HOME}") for line in lines
    )
    assert f"login failed: account=unknown address={HOME}" in lines
    assert "13812345678" not in caplog.text
    assert AccessFailureLog.objects.filter(username=user.username).count() == 5


def test_a_login_is_logged(caplog):
    user = DeputyUserFactory()
    with caplog.at_level(logging.INFO, logger="accounts.login"):
        attempt(user.username, PASSWORD)
    assert f"login: account=#{user.pk} address={HOME}" in caplog.text
