"""A rate limiter every process shares, for the pages anyone may post to without logging in
(the public rating page, residents' opinions and their tracking page).

Why a shared cache
    The default cache lives in each process's memory: with three gunicorn workers a flood is
    counted three times over, once per worker, and a restart forgets it. The limiter counts
    in the ``"shared"`` cache alias (``SHARED_CACHE_URL``): Redis in production, the database
    cache (table ``lvzhi_cache``, created by a ``core`` migration) on the embedded default,
    so every worker, thread and server reads the same counters.

Who is counted
    The client address is ``REMOTE_ADDR`` unless the site sits behind proxies. Then set
    ``LVZHI_TRUSTED_PROXY_HOPS`` to their number: the address is the n-th entry from the right
    of ``X-Forwarded-For`` (each trusted proxy appends the address it saw; entries further
    left are whatever the client claimed and are never believed). A header with fewer entries
    than hops, or a garbled one, falls back to ``REMOTE_ADDR``. IPv6 clients are counted per
    /64 (one household or phone gets a whole /64). Addresses are hashed in the keys.

How it counts (atomically, on any backend)
    Fixed windows (an hour by default). Within a window, hit *k* takes the *k*-th of
    ``limit`` slot keys with ``cache.add`` (Redis ``SET NX``, an ``INSERT`` on the primary key
    of the database cache), each expiring when the window ends. ``add`` is atomic on every
    backend while ``incr`` of the database cache is a read followed by a write, so two
    processes could both count 3 → 4; with slots two concurrent hits can never take the same
    one. A hit costs one ``get_many`` and (while allowed) one ``add``. Very large limits (more
    than ``MAX_SLOTS``) use ``add`` + ``incr`` instead, atomic on Redis and approximate on the
    database cache.

Failure
    A cache that is down must not take the public pages with it: the limiter logs and lets
    the request through (fail open). On the database cache its queries run in a savepoint so
    a failure never poisons the request's transaction.

Use::

    result = ratelimit.hit(request, "liaison.opinion", limit=settings.LVZHI_OPINIONS_PER_HOUR)
    if not result.allowed:
        return ratelimit.too_many(render(request, "...", {...}), result)   # 429 + Retry-After
"""

import hashlib
import ipaddress
import logging
import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import router, transaction
from django.http import HttpRequest, HttpResponse

from core import clock

logger = logging.getLogger(__name__)

SHARED_CACHE = "shared"
HOUR = 3600
MAX_SLOTS = 200


@dataclass(frozen=True)
class Hit:
    """The outcome of one counted request."""

    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends (a client may try again then)


def client_address(request: HttpRequest) -> str:
    """The client's address through ``LVZHI_TRUSTED_PROXY_HOPS`` trusted proxies."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = int(getattr(settings, "LVZHI_TRUSTED_PROXY_HOPS", 0) or 0)
    candidate = remote
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    return _normalise(candidate) or _normalise(remote) or "unknown"


def _normalise(value: str) -> str:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.5:443"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def shared_cache() -> BaseCache:
    """The cache every process sees (Redis in production, the database cache by default)."""
    return caches[SHARED_CACHE] if SHARED_CACHE in settings.CACHES else caches["default"]


def hit(
    request: HttpRequest,
    scope: str,
    *,
    limit: int,
    window: int = HOUR,
    now: datetime | None = None,
    cache: BaseCache | None = None,
) -> Hit:
    """Count one request of ``scope`` from this client; ``allowed`` is False past ``limit``
    hits in the current window (a limit of 0 refuses everything)."""
    return hit_key(client_address(request), scope, limit=limit, window=window, now=now, cache=cache)


def hit_key(
    key: str,
    scope: str,
    *,
    limit: int,
    window: int = HOUR,
    now: datetime | None = None,
    cache: BaseCache | None = None,
) -> Hit:
    """``hit`` for any identity (an address, an account, a token)."""
    cache = cache if cache is not None else shared_cache()
    moment = (now or clock.now()).timestamp()
    index = int(moment // window)
    ends = (index + 1) * window
    retry_after = max(1, math.ceil(ends - moment))
    if limit <= 0:
        return Hit(allowed=False, count=1, limit=limit, retry_after=retry_after)
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    base = f"rl:{scope}:{digest}:{window}:{index}"
    timeout = retry_after + 5
    try:
        if isinstance(cache, BaseDatabaseCache):
            with transaction.atomic(using=router.db_for_write(cache.cache_model_class)):
                count = _take(cache, base, limit, timeout)
        else:
            count = _take(cache, base, limit, timeout)
    except Exception:  # the cache is down: never refuse (or 500) because of it
        logger.warning("rate limiter cache unavailable; letting %s through", scope, exc_info=True)
        return Hit(allowed=True, count=0, limit=limit, retry_after=0)
    allowed = count <= limit
    return Hit(allowed=allowed, count=count, limit=limit, retry_after=0 if allowed else retry_after)


def _take(cache: BaseCache, base: str, limit: int, timeout: int) -> int:
    """This hit's number in the window (``limit + 1`` once the window is full)."""
    if limit > MAX_SLOTS:
        if cache.add(base, 1, timeout):
            return 1
        try:
            return cache.incr(base)
        except ValueError:  # expired between add and incr
            cache.add(base, 1, timeout)
            return 1
    keys = [f"{base}:{slot}" for slot in range(1, limit + 1)]
    taken = cache.get_many(keys)
    for slot, key in enumerate(keys, start=1):
        if key not in taken and cache.add(key, 1, timeout):
            return slot
    return limit + 1


def limit_exceeded(request: HttpRequest, scope: str, per_hour: int) -> bool:
    """Count this request and say whether it is one too many this hour."""
    return not hit(request, scope, limit=per_hour).allowed


def too_many(response: HttpResponse, result: Hit) -> HttpResponse:
    """Turn a rendered page into the 429 answer, with ``Retry-After`` in seconds."""
    response.status_code = 429
    response["Retry-After"] = str(max(1, result.retry_after))
    return response
