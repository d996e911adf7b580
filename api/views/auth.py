"""Tokens: sign in (with the login page's lockout), refresh (rotation), log out (revoke)."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.lockout import cool_off

from ..auth import IssuedPair, TokenError, token_logout, token_pair_issue, token_refresh
from ..errors import error_response
from ..serializers.auth import (
    DetailSerializer,
    ErrorSerializer,
    RefreshRequestSerializer,
    TokenPairSerializer,
    TokenRequestSerializer,
)
from ..throttling import AddressThrottle

ERR_CREDENTIALS = gettext_noop("用户名或密码不正确。")
ERR_LOCKED_OUT = gettext_noop("登录失败次数过多，请 %(minutes)d 分钟后再试。")
ERR_PASSWORD_CHANGE = gettext_noop("您的密码由他人设置，请先登录网站修改密码后再使用客户端。")
MSG_LOGGED_OUT = gettext_noop("已退出，令牌已撤销。")

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 429: ErrorSerializer}


def _pair(pair: IssuedPair) -> Response:
    body = {
        "access": pair.access,
        "refresh": pair.refresh,
        "token_type": "Bearer",
        "access_expires_at": pair.access_token.expires_at,
        "refresh_expires_at": pair.refresh_token.expires_at,
    }
    response = Response(TokenPairSerializer(body).data)
    response["Cache-Control"] = "no-store"
    return response


class TokenView(APIView):
    """Sign in with a username and password; answers an access and a refresh token.

    The password goes through Django's ``authenticate`` with the request, so django-axes counts
    failures and locks exactly as on the login page (``accounts.lockout``: per account and per
    address). A locked client gets a JSON 429 with ``Retry-After`` instead of the page."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AddressThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenPairSerializer, **ERRORS},
        summary="登录，获取令牌",
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        django_request = request._request
        user = authenticate(django_request, username=data["username"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            # Answered here as JSON; the flag would make axes' middleware swap in the page.
            django_request.axes_locked_out = False
            seconds = int(cool_off().total_seconds())
            message = _(ERR_LOCKED_OUT) % {"minutes": max(1, seconds // 60)}
            return error_response(message, code=429, headers={"Retry-After": str(seconds)})
        if user is None:
            return error_response(_(ERR_CREDENTIALS))
        if getattr(user, "must_change_password", False):
            return error_response(_(ERR_PASSWORD_CHANGE), code=403)
        AxesProxyHandler.user_logged_in(sender=type(self), request=django_request, user=user)
        return _pair(token_pair_issue(user=user, client=data["client"]))


class RefreshView(APIView):
    """Trade the refresh token for a new pair (the old refresh token stops working)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AddressThrottle]

    @extend_schema(
        request=RefreshRequestSerializer,
        responses={200: TokenPairSerializer, **ERRORS},
        summary="刷新令牌",
        tags=["auth"],
    )
    def post(self, request):
        serializer = RefreshRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pair = token_refresh(raw=serializer.validated_data["refresh"])
        except TokenError as exc:
            return error_response(str(exc), code=401, headers={"WWW-Authenticate": "Bearer"})
        return _pair(pair)


class LogoutView(APIView):
    """Revoke the access token of this request and its refresh token."""

    @extend_schema(
        request=None, responses={200: DetailSerializer, **ERRORS}, summary="退出", tags=["auth"]
    )
    def post(self, request):
        from django.contrib.auth import logout

        if request.auth is not None:
            token_logout(token=request.auth)
        else:  # the site's session
            logout(request._request)
        return Response({"detail": _(MSG_LOGGED_OUT)})
