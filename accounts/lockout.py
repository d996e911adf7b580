"""Login lockout (django-axes), configured for this site.

Two counters, both over the last ``LVZHI_LOGIN_LOCKOUT_MINUTES`` (30) minutes:

per account
    ``LVZHI_LOGIN_FAILURES_PER_ACCOUNT`` (5) wrong passwords for one username, from any
    addresses, lock that username everywhere: guessing one deputy's password from many
    addresses gets five tries per half hour, not five per address.
per address
    ``LVZHI_LOGIN_FAILURES_PER_ADDRESS`` (20) failures from one client address, over any
    usernames, lock that address for every account: spraying a common password over the
    predictable usernames (``d001`` … ``d060``) from one place stops. The limit is higher than
    the account's because one address is often many people (the committee's office, a
    training room's wifi, a carrier's NAT); a few typos there must not lock everyone out.

The address is the rate limiter's (``core.ratelimit.client_address`` through
``LVZHI_TRUSTED_PROXY_HOPS``, via ``accounts.hooks``), so a proxy's address is never counted
for its clients and a forged ``X-Forwarded-For`` entry is never believed.

A successful login clears that username's failures (from every address) and nothing else:
a user who mistyped and then got it right starts again, while someone who owns one account
cannot launder failures against other accounts by logging into their own.

A locked client gets the Chinese page ``accounts/locked_out.html`` (429, ``Retry-After``),
even with the right password. Attempts during a lockout do not extend it. Every failure, every
lockout and every login is logged on the ``accounts.login`` logger with the account's id (never
the typed username, which may be a phone number or a password typed in the wrong box) and the
address; axes also keeps the rows in its admin tables (``AccessAttempt``, ``AccessFailureLog``,
``AccessLog``), visible to superusers. Staff unlock early by deleting the ``AccessAttempt`` rows
there or with ``manage.py axes_reset_username <name>``.
"""

import ipaddress
import logging
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import hooks

logger = logging.getLogger("accounts.login")


def client_ip(request: HttpRequest) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the rate limiter's client address in a form axes can store
    (an IPv6 client's /64 as the network's first address; no usable address as ``None``)."""
    address = hooks.client_address(request)
    try:
        return str(ipaddress.ip_network(address, strict=False).network_address)
    except ValueError:
        return None


def cool_off() -> timedelta:
    return settings.AXES_COOLOFF_TIME


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a limit per account and another per address."""

    def get_failures(self, request, credentials=None) -> int:
        """Failures measured against axes' one limit (the per-account one): an address past
        its own limit reads as that limit, so axes locks it like an account."""
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        if not username and not address:
            return 0
        by_account = Q(username=username) if username else Q(pk__in=[])
        by_address = Q(ip_address=address) if address else Q(pk__in=[])
        totals = AccessAttempt.objects.filter(
            by_account | by_address, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(
            account=Sum("failures_since_start", filter=by_account),
            address=Sum("failures_since_start", filter=by_address),
        )
        account, address_total = totals["account"] or 0, totals["address"] or 0
        limit = settings.AXES_FAILURE_LIMIT  # LVZHI_LOGIN_FAILURES_PER_ACCOUNT
        if address_total >= settings.LVZHI_LOGIN_FAILURES_PER_ADDRESS:
            return max(account, limit)
        return account

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On success forget this username's failures only (see the module's docstring)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the locked-out page, in the user's language."""
    seconds = int(cool_off().total_seconds())
    response = render(
        request, "accounts/locked_out.html", {"minutes": max(1, seconds // 60)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


def _account(username: str | None) -> str:
    from .models import User

    if not username:
        return "-"
    pk = User.objects.filter(username=username).values_list("pk", flat=True).first()
    return f"#{pk}" if pk else "unknown"


def _address(request) -> str:
    if request is None:
        return "-"
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    return address or "unknown"


def log_login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    username = (credentials or {}).get("username")
    logger.warning("login failed: account=%s address=%s", _account(username), _address(request))


def log_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    failures = getattr(request, "axes_failures_since_start", None)
    logger.warning(
        "login locked out: account=%s address=%s failures=%s",
        _account(username),
        ip_address or _address(request),
        failures if failures is not None else "locked already",
    )


def log_logged_in(sender, request=None, user=None, **kwargs) -> None:
    logger.info("login: account=#%s address=%s", getattr(user, "pk", "-"), _address(request))
