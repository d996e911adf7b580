"""Tokens for apps: issued on the password with the login page's lockout, stored hashed,
expiring, refreshed once, revoked by logging out or by staff; never in a URL or a log."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.test import Client
from rest_framework.test import APIClient

from api.auth import digest, token_pair_issue
from api.models import ApiToken, TokenKind
from core import clock
from core.models import AuditEvent
from tests.accounts.factories import PASSWORD, DeputyUserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"


def sign_in(username, password=PASSWORD, address="203.0.113.5"):
    return APIClient().post(
        TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def with_token(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_pair_is_issued_and_only_its_digest_is_stored():
    user = DeputyUserFactory()
    response = sign_in(user.username)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    stored = ApiToken.objects.filter(user=user)
    assert {t.kind for t in stored} == {TokenKind.ACCESS, TokenKind.REFRESH}
    assert {t.digest for t in stored} == {digest(body["access"]), digest(body["refresh"])}
    assert not ApiToken.objects.filter(digest__in=[body["access"], body["refresh"]]).exists()
    access = stored.get(kind=TokenKind.ACCESS)
    assert access.expires_at - access.created_at == timedelta(hours=12)
    refresh = stored.get(kind=TokenKind.REFRESH)
    assert refresh.expires_at - refresh.created_at == timedelta(days=30)
    assert with_token(body["access"]).get(ME).json()["username"] == user.username
    assert AuditEvent.objects.filter(action="api.token_issue", actor=user).count() == 1


def test_a_wrong_password_is_a_400_in_the_one_shape():
    user = DeputyUserFactory()
    response = sign_in(user.username, "wrong-password")
    assert response.status_code == 400
    assert response.json() == {"detail": "用户名或密码不正确。", "errors": {}}
    assert not ApiToken.objects.exists()


def test_the_login_pages_lockout_applies_and_answers_json():
    user = DeputyUserFactory()
    codes = [sign_in(user.username, "wrong-password").status_code for _ in range(5)]
    assert codes == [400, 400, 400, 400, 429]
    locked = sign_in(user.username)  # the right password, locked all the same
    assert locked.status_code == 429 and locked["Retry-After"] == "1800"
    assert locked["Content-Type"].startswith("application/json")
    assert "30 分钟" in locked.json()["detail"]
    assert not ApiToken.objects.exists()
    # ... and the web's login page is locked for that account too: one counter.
    page = Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert page.status_code == 429


def test_failures_on_the_login_page_lock_the_api_too():
    user = DeputyUserFactory()
    for _ in range(5):
        Client().post(
            "/accounts/login/",
            {"username": user.username, "password": "nope"},
            REMOTE_ADDR="203.0.113.5",
        )
    assert sign_in(user.username).status_code == 429


def test_an_issued_password_must_be_changed_on_the_site_first():
    user = DeputyUserFactory(must_change_password=True)
    response = sign_in(user.username)
    assert response.status_code == 403 and "修改密码" in response.json()["detail"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer lvza_forged",
        "Bearer",
        "Bearer two parts",
        "Bearer \u4e2d\u6587",
    ],
)
def test_forged_or_malformed_tokens_are_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    response = client.get(ME)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_an_expired_access_token_is_401():
    user = DeputyUserFactory()
    pair = token_pair_issue(user=user)
    with time_machine.travel(clock.now() + timedelta(hours=12, seconds=1)):
        assert with_token(pair.access).get(ME).status_code == 401
    with time_machine.travel(clock.now() + timedelta(hours=11, minutes=59)):
        assert with_token(pair.access).get(ME).status_code == 200


def test_a_refresh_token_does_not_open_the_api():
    pair = token_pair_issue(user=DeputyUserFactory())
    assert with_token(pair.refresh).get(ME).status_code == 401


def test_refresh_rotates_and_works_once():
    user = DeputyUserFactory()
    pair = token_pair_issue(user=user)
    response = APIClient().post(REFRESH, {"refresh": pair.refresh}, format="json")
    assert response.status_code == 200
    fresh = response.json()
    assert with_token(fresh["access"]).get(ME).status_code == 200
    assert with_token(pair.access).get(ME).status_code == 401  # the old pair is revoked
    again = APIClient().post(REFRESH, {"refresh": pair.refresh}, format="json")
    assert again.status_code == 401 and again["WWW-Authenticate"] == "Bearer"
    assert AuditEvent.objects.filter(action="api.token_refresh").count() == 1


def test_an_expired_refresh_token_is_401():
    pair = token_pair_issue(user=DeputyUserFactory())
    with time_machine.travel(clock.now() + timedelta(days=30, seconds=1)):
        response = APIClient().post(REFRESH, {"refresh": pair.refresh}, format="json")
    assert response.status_code == 401


def test_logout_revokes_both_tokens():
    user = DeputyUserFactory()
    pair = token_pair_issue(user=user)
    client = with_token(pair.access)
    assert client.post(LOGOUT).status_code == 200
    assert client.get(ME).status_code == 401
    assert APIClient().post(REFRESH, {"refresh": pair.refresh}, format="json").status_code == 401
    assert AuditEvent.objects.filter(action="api.logout", actor=user).exists()


def test_an_inactive_account_loses_its_tokens_at_once():
    user = DeputyUserFactory()
    pair = token_pair_issue(user=user)
    user.is_active = False
    user.save()
    assert with_token(pair.access).get(ME).status_code == 401


def test_a_password_change_ends_every_token():
    user = DeputyUserFactory()
    pair = token_pair_issue(user=user)
    assert with_token(pair.access).get(ME).status_code == 200
    user.set_password("a-new-Passw0rd-2026")
    user.save()
    assert with_token(pair.access).get(ME).status_code == 401
    assert APIClient().post(REFRESH, {"refresh": pair.refresh}, format="json").status_code == 401
    fresh = token_pair_issue(user=user)
    assert with_token(fresh.access).get(ME).status_code == 200


def test_staff_revoke_in_the_admin(staff_client, staff_user):
    user, other = DeputyUserFactory(), DeputyUserFactory()
    first, second, kept = (token_pair_issue(user=u) for u in (user, user, other))
    url = "/admin/api/apitoken/"
    assert staff_client.get(url).status_code == 200
    one = {"action": "revoke", "_selected_action": [first.access_token.pk]}
    assert staff_client.post(url, one).status_code == 302
    assert with_token(first.access).get(ME).status_code == 401
    assert with_token(second.access).get(ME).status_code == 200
    every = {"action": "revoke_users", "_selected_action": [second.refresh_token.pk]}
    staff_client.post(url, every)
    assert with_token(second.access).get(ME).status_code == 401
    assert with_token(kept.access).get(ME).status_code == 200
    revoked = AuditEvent.objects.filter(action="api.token_revoke", actor=staff_user)
    assert revoked.count() == 4  # first's access, then second's pair and first's refresh
    assert site.is_registered(ApiToken)
    deleting = {"action": "delete_selected", "_selected_action": [kept.access_token.pk]}
    staff_client.post(url, deleting)
    assert ApiToken.objects.filter(pk=kept.access_token.pk).exists()  # revoked, never deleted


def test_tokens_never_reach_a_log_or_a_url(caplog):
    user = DeputyUserFactory()
    with caplog.at_level(logging.DEBUG):
        body = sign_in(user.username).json()
        with_token(body["access"]).get(ME)
        APIClient().post(REFRESH, {"refresh": body["refresh"]}, format="json")
        # a token in the query string is not a way in
        assert APIClient().get(ME, {"access_token": body["access"]}).status_code == 401
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert body["access"] not in logged and body["refresh"] not in logged
    summaries = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert body["access"] not in summaries


def test_session_auth_works_for_the_sites_own_pages(deputy_client):
    assert deputy_client.get(ME).status_code == 200
    # without the CSRF token a session POST is refused, as every form of the site
    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies = deputy_client.cookies
    assert csrf.post(LOGOUT).status_code == 403
