"""What accounts needs from the layers above it, named by the settings.

``accounts`` is the lowest layer (``lint-imports``): it may not import ``core``. Two things it
needs live there: the audit row (``core.audit.audit_record``) and the client address exactly
as the public rate limiter reads it through ``LVZHI_TRUSTED_PROXY_HOPS``
(``core.ratelimit.client_address``), so the login lockout and the limiter can never disagree
about who a client is. The settings (the ``config`` layer, which sits above everything) name
both by dotted path: ``LVZHI_ACCOUNTS_AUDIT`` and ``LVZHI_CLIENT_ADDRESS``.
"""

from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string


@cache
def _load(path: str):
    return import_string(path)


def audit(
    *, actor, action: str, target=None, summary: str = "", data: dict[str, Any] | None = None
):
    """Write one audit row through the project's audit service (inside the caller's
    transaction)."""
    record = _load(settings.LVZHI_ACCOUNTS_AUDIT)
    return record(actor=actor, action=action, target=target, summary=summary, data=data)


def client_address(request: HttpRequest) -> str:
    """The client's address as the rate limiter sees it (an IPv6 client as its /64)."""
    return _load(settings.LVZHI_CLIENT_ADDRESS)(request)
