"""Two checks on every signed-in request (OWASP ASVS L2, V3.3 and V2.1).

``SessionLimitsMiddleware``
    A session ends ``LVZHI_SESSION_ABSOLUTE_HOURS`` (12) after the login, for everyone, and a
    staff session (``is_staff``, a superuser or the committee-staff role) also ends after
    ``LVZHI_SESSION_STAFF_IDLE_MINUTES`` (30) without a request: the admin holds every deputy's
    record, a deputy's phone page does not. The login time and the last activity are kept in
    the session (set by ``stamp_login`` on ``user_logged_in``); the last activity is written
    at most once a minute, so a page does not cost a session write. An expired session is
    logged out and sent to the login page with a message saying why.

``PasswordChangeRequiredMiddleware``
    A user whose password was issued by someone else (``User.must_change_password``: set when
    staff create an account or reset a password) reaches nothing but the password-change page,
    logout, the language switch and static files until they choose their own.

The clock is ``django.utils.timezone.now`` (``core.clock`` is a layer above accounts; it reads
the same clock, and time_machine moves both).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .roles import Role, user_has_role

LOGIN_AT = "lvzhi.login_at"
SEEN_AT = "lvzhi.seen_at"
ACTIVITY_RESOLUTION = 60  # seconds between two writes of the last activity

MSG_IDLE = gettext_noop("您已超过 %(minutes)d 分钟未操作，为保护数据安全已自动退出，请重新登录。")
MSG_ABSOLUTE = gettext_noop("本次登录已超过 %(hours)d 小时，请重新登录。")


def _now() -> float:
    return timezone.now().timestamp()


def stamp_login(sender, request=None, user=None, **kwargs) -> None:
    """``user_logged_in`` receiver: the session's clocks start at the login."""
    session = getattr(request, "session", None)
    if session is not None:
        now = _now()
        session[LOGIN_AT] = now
        session[SEEN_AT] = now


def is_staff_session(user) -> bool:
    return user.is_staff or user.is_superuser or user_has_role(user, Role.STAFF)


def session_expiry(session, user, *, now: float) -> str | None:
    """Why this session is over (the message's msgid), or ``None`` while it is good."""
    login_at = session.get(LOGIN_AT)
    if login_at is None:  # a session from before these limits: its clock starts now
        session[LOGIN_AT] = session[SEEN_AT] = now
        return None
    if now - login_at > settings.LVZHI_SESSION_ABSOLUTE_HOURS * 3600:
        return MSG_ABSOLUTE
    if is_staff_session(user):
        seen_at = session.get(SEEN_AT, login_at)
        if now - seen_at > settings.LVZHI_SESSION_STAFF_IDLE_MINUTES * 60:
            return MSG_IDLE
        if now - seen_at >= ACTIVITY_RESOLUTION:
            session[SEEN_AT] = now
    return None


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            reason = session_expiry(request.session, user, now=_now())
            if reason is not None:
                logout(request)
                messages.warning(
                    request,
                    _(reason)
                    % {
                        "minutes": settings.LVZHI_SESSION_STAFF_IDLE_MINUTES,
                        "hours": settings.LVZHI_SESSION_ABSOLUTE_HOURS,
                    },
                )
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not self._exempt(request.path_info)
        ):
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        exempt = (
            reverse("accounts:password_change"),
            reverse("accounts:logout"),
            reverse("set_language"),
            "/" + settings.STATIC_URL.lstrip("/"),
        )
        return path.startswith(exempt)
