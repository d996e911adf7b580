"""Request limits per account and per client address, counted in the shared cache
(``core.ratelimit``) so every worker process sees one count; a refusal is a 429 with
``Retry-After`` (DRF sets the header from :meth:`wait`).

Per account: ``LVZHI_API_REQUESTS_PER_USER_HOUR`` for a signed-in caller. Per address:
``LVZHI_API_REQUESTS_PER_ADDRESS_HOUR`` for everyone (an office or a carrier's NAT is many
people, so it is the larger one). The token endpoints and the public ones have their own
tighter limits on top (the login lockout, ``core.ratelimit`` scopes of liaison).
"""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from core import ratelimit


class _SharedThrottle(BaseThrottle):
    scope = ""

    def limit(self) -> int:
        raise NotImplementedError

    def identity(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        key = self.identity(request)
        if key is None:
            return True
        self.result = ratelimit.hit_key(key, self.scope, limit=self.limit())
        return self.result.allowed

    def wait(self) -> float | None:
        result = getattr(self, "result", None)
        return max(1, result.retry_after) if result is not None else None


class UserThrottle(_SharedThrottle):
    scope = "api.user"

    def limit(self) -> int:
        return settings.LVZHI_API_REQUESTS_PER_USER_HOUR

    def identity(self, request) -> str | None:
        user = request.user
        return f"user:{user.pk}" if user and user.is_authenticated else None


class AddressThrottle(_SharedThrottle):
    scope = "api.address"

    def limit(self) -> int:
        return settings.LVZHI_API_REQUESTS_PER_ADDRESS_HOUR

    def identity(self, request) -> str | None:
        return ratelimit.client_address(request._request)
