"""Issuing, refreshing and revoking the app tokens (``api.models.ApiToken``), and the DRF
authentication class that reads them.

Services follow the project's convention (keyword-only, atomic, an audit row each). A token
travels only in the ``Authorization: Bearer …`` header and in the JSON body of the token
responses: never in a URL (no query-string authentication), never in a log (only the token's
row id is logged or audited).
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import authentication, exceptions

from accounts.models import User
from core import clock
from core.audit import audit_record

from .models import ApiToken, TokenKind

logger = logging.getLogger("api.tokens")

ERR_TOKEN_INVALID = gettext_noop("令牌无效、已过期或已撤销，请重新登录。")
ERR_REFRESH_INVALID = gettext_noop("刷新令牌无效、已过期或已撤销，请重新登录。")
ERR_ACCOUNT_INACTIVE = gettext_noop("该账号已停用。")
ERR_NOT_STAFF = gettext_noop("只有工委工作人员可以撤销他人的令牌。")

PREFIX = {TokenKind.ACCESS: "lvza_", TokenKind.REFRESH: "lvzr_"}
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often


class TokenError(Exception):
    """A token request refused (bad or spent refresh token, a non-staff revoker)."""


@dataclass(frozen=True)
class IssuedPair:
    """The two secrets, shown to the client once, and their rows."""

    access: str
    refresh: str
    access_token: ApiToken
    refresh_token: ApiToken


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_secret(kind: str) -> str:
    return PREFIX[kind] + secrets.token_urlsafe(32)


def _lifetime(kind: str) -> timedelta:
    if kind == TokenKind.ACCESS:
        return timedelta(hours=settings.LVZHI_API_ACCESS_HOURS)
    return timedelta(days=settings.LVZHI_API_REFRESH_DAYS)


def _create(*, user: User, kind: str, client: str, now: datetime) -> tuple[str, ApiToken]:
    raw = _new_secret(kind)
    token = ApiToken.objects.create(
        user=user,
        kind=kind,
        digest=digest(raw),
        client=client[:100],
        created_at=now,
        expires_at=now + _lifetime(kind),
        password_stamp=user.get_session_auth_hash(),
    )
    return raw, token


def still_valid_for(token: ApiToken, user: User) -> bool:
    """The account is active and its password is the one the token was issued under."""
    return user.is_active and constant_time_compare(
        token.password_stamp, user.get_session_auth_hash()
    )


@transaction.atomic
def token_pair_issue(*, user: User, client: str = "", now: datetime | None = None) -> IssuedPair:
    """A new access and refresh token for ``user`` (who has just proven their password)."""
    if not user.is_active:
        raise TokenError(_(ERR_ACCOUNT_INACTIVE))
    now = now or clock.now()
    access, access_row = _create(user=user, kind=TokenKind.ACCESS, client=client, now=now)
    refresh, refresh_row = _create(user=user, kind=TokenKind.REFRESH, client=client, now=now)
    access_row.pair = refresh_row
    access_row.save(update_fields=["pair"])
    refresh_row.pair = access_row
    refresh_row.save(update_fields=["pair"])
    audit_record(
        actor=user,
        action="api.token_issue",
        target=access_row,
        summary=client[:100],
        data={"access": access_row.pk, "refresh": refresh_row.pk},
    )
    return IssuedPair(access, refresh, access_row, refresh_row)


@transaction.atomic
def token_refresh(*, raw: str, now: datetime | None = None) -> IssuedPair:
    """Trade a live refresh token for a new pair; the old refresh token (and its access token)
    are revoked, so each refresh token works once."""
    now = now or clock.now()
    token = (
        ApiToken.objects.select_for_update()
        .select_related("user")
        .live(now)
        .filter(digest=digest(raw or ""), kind=TokenKind.REFRESH)
        .first()
    )
    if token is None or not still_valid_for(token, token.user):
        raise TokenError(_(ERR_REFRESH_INVALID))
    ApiToken.objects.filter(pk__in=[token.pk, token.pair_id]).filter(
        revoked_at__isnull=True
    ).update(revoked_at=now)
    pair = token_pair_issue(user=token.user, client=token.client, now=now)
    audit_record(
        actor=token.user,
        action="api.token_refresh",
        target=token,
        data={"access": pair.access_token.pk, "refresh": pair.refresh_token.pk},
    )
    return pair


@transaction.atomic
def token_logout(*, token: ApiToken, now: datetime | None = None) -> int:
    """Revoke the token a request came with and the other token of its pair."""
    now = now or clock.now()
    count = (
        ApiToken.objects.filter(pk__in=[token.pk, token.pair_id])
        .filter(revoked_at__isnull=True)
        .update(revoked_at=now)
    )
    audit_record(actor=token.user, action="api.logout", target=token, data={"revoked": count})
    return count


@transaction.atomic
def tokens_revoke(
    *, tokens, actor: User | None, reason: str = "", now: datetime | None = None
) -> int:
    """Staff revoke tokens (one, several, or every token of a user) from the admin."""
    from accounts.roles import Role, user_has_role

    if actor is not None and not user_has_role(actor, Role.STAFF):
        raise TokenError(_(ERR_NOT_STAFF))
    now = now or clock.now()
    rows = list(ApiToken.objects.filter(pk__in=[t.pk for t in tokens], revoked_at__isnull=True))
    ApiToken.objects.filter(pk__in=[t.pk for t in rows]).update(revoked_at=now)
    for token in rows:
        audit_record(
            actor=actor,
            action="api.token_revoke",
            target=token,
            summary=reason,
            data={"user": token.user_id},
        )
    return len(rows)


def user_tokens_revoke(*, user: User, actor: User | None, now: datetime | None = None) -> int:
    """Every live token of ``user`` (a lost phone, a deputy who left office)."""
    return tokens_revoke(
        tokens=ApiToken.objects.filter(user=user, revoked_at__isnull=True),
        actor=actor,
        reason=_("撤销该用户的全部令牌"),
        now=now,
    )


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <access token>``. Anything else in that header is not ours and
    falls through to the session; a Bearer token that is unknown, expired, revoked, a refresh
    token, of an inactive account or issued before the password changed is a 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_(ERR_TOKEN_INVALID))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_(ERR_TOKEN_INVALID)) from exc
        now = clock.now()
        token = (
            ApiToken.objects.live(now)
            .select_related("user")
            .filter(digest=digest(raw), kind=TokenKind.ACCESS)
            .first()
        )
        if token is None or not still_valid_for(token, token.user):
            raise exceptions.AuthenticationFailed(_(ERR_TOKEN_INVALID))
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The site's own session (the Swagger page, a signed-in browser), with Django's CSRF
    check on every unsafe method as DRF does."""
