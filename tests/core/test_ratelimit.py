"""The shared limiter: counts by the client behind trusted proxies, in a cache every process
reads, atomically, with a window that ends; a broken cache lets requests through."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory

from core import ratelimit

NOON = datetime(2026, 6, 1, 12, 0, 10, tzinfo=UTC)


def request(remote="198.51.100.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/x/", **extra)


# --- the client's address -------------------------------------------------------------------


def test_no_trusted_hops_uses_remote_addr_and_ignores_forwarded(settings):
    settings.LVZHI_TRUSTED_PROXY_HOPS = 0
    assert ratelimit.client_address(request(forwarded="203.0.113.9")) == "198.51.100.7"


def test_one_hop_takes_the_rightmost_forwarded_address(settings):
    settings.LVZHI_TRUSTED_PROXY_HOPS = 1
    # The client claimed 1.2.3.4; our proxy appended what it saw: 203.0.113.9.
    r = request(remote="10.0.0.2", forwarded="1.2.3.4, 203.0.113.9")
    assert ratelimit.client_address(r) == "203.0.113.9"


def test_two_hops_take_the_second_from_the_right(settings):
    settings.LVZHI_TRUSTED_PROXY_HOPS = 2
    r = request(remote="10.0.0.2", forwarded="1.2.3.4, 203.0.113.9, 10.0.0.1")
    assert ratelimit.client_address(r) == "203.0.113.9"


@pytest.mark.parametrize("forwarded", ["", "   ", "not-an-ip", "<script>", ",,,"])
def test_missing_or_garbled_forwarded_falls_back_to_remote(settings, forwarded):
    settings.LVZHI_TRUSTED_PROXY_HOPS = 1
    assert ratelimit.client_address(request(forwarded=forwarded)) == "198.51.100.7"


def test_fewer_entries_than_hops_falls_back_to_remote(settings):
    settings.LVZHI_TRUSTED_PROXY_HOPS = 3
    r = request(forwarded="203.0.113.9, 10.0.0.1")
    assert ratelimit.client_address(r) == "198.51.100.7"


def test_ipv6_counts_per_64_and_ports_are_dropped(settings):
    settings.LVZHI_TRUSTED_PROXY_HOPS = 1
    a = ratelimit.client_address(request(forwarded="2001:db8:1:2::a"))
    b = ratelimit.client_address(request(forwarded="[2001:db8:1:2:ffff::1]:443"))
    assert a == b == "2001:db8:1:2::/64"
    assert ratelimit.client_address(request(forwarded="203.0.113.9:5555")) == "203.0.113.9"
    assert ratelimit.client_address(request(forwarded="::ffff:203.0.113.9")) == "203.0.113.9"


# --- counting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_allows_the_limit_then_refuses_with_retry_after():
    results = [ratelimit.hit(request(), "t", limit=3, now=NOON) for _ in range(5)]
    assert [r.allowed for r in results] == [True, True, True, False, False]
    assert [r.count for r in results[:3]] == [1, 2, 3]
    assert results[3].retry_after == 3600 - 10  # the hour ends at 13:00
    assert results[0].retry_after == 0


@pytest.mark.django_db
def test_scopes_and_addresses_count_apart():
    for _ in range(2):
        ratelimit.hit(request(), "a", limit=2, now=NOON)
    assert not ratelimit.hit(request(), "a", limit=2, now=NOON).allowed
    assert ratelimit.hit(request(), "b", limit=2, now=NOON).allowed
    assert ratelimit.hit(request(remote="198.51.100.8"), "a", limit=2, now=NOON).allowed


@pytest.mark.django_db
def test_a_new_window_starts_afresh():
    for _ in range(2):
        ratelimit.hit(request(), "w", limit=2, now=NOON)
    assert not ratelimit.hit(request(), "w", limit=2, now=NOON).allowed
    assert ratelimit.hit(request(), "w", limit=2, now=NOON + timedelta(hours=1)).allowed


@pytest.mark.django_db
def test_limit_zero_refuses_everything():
    assert not ratelimit.hit(request(), "z", limit=0, now=NOON).allowed


@pytest.mark.django_db
def test_limit_exceeded_helper(settings):
    assert ratelimit.limit_exceeded(request(), "h", 1) is False
    assert ratelimit.limit_exceeded(request(), "h", 1) is True


@pytest.mark.django_db
def test_large_limits_count_with_incr():
    cache = LocMemCache("rl-large", {})
    limit = ratelimit.MAX_SLOTS + 1
    for _ in range(limit):
        assert ratelimit.hit(request(), "big", limit=limit, now=NOON, cache=cache).allowed
    assert not ratelimit.hit(request(), "big", limit=limit, now=NOON, cache=cache).allowed


def test_too_many_sets_429_and_retry_after():
    from django.http import HttpResponse

    result = ratelimit.Hit(allowed=False, count=4, limit=3, retry_after=120)
    response = ratelimit.too_many(HttpResponse("x"), result)
    assert response.status_code == 429
    assert response["Retry-After"] == "120"


# --- shared between processes -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_shared_alias_is_the_database_cache_by_default():
    assert isinstance(caches["shared"], DatabaseCache)


@pytest.mark.django_db
def test_two_cache_clients_on_the_database_share_one_count():
    """Two workers each build their own cache client; the table they read is one."""
    worker_a = caches.create_connection("shared")
    worker_b = caches.create_connection("shared")
    assert worker_a is not worker_b
    seen = []
    for worker in (worker_a, worker_b, worker_a, worker_b):
        seen.append(ratelimit.hit(request(), "s", limit=3, now=NOON, cache=worker).allowed)
    assert seen == [True, True, True, False]


def test_per_process_memory_would_count_each_worker_alone():
    """Why the limiter does not use the default (LocMem) cache: each worker counts alone."""
    worker_a = LocMemCache("worker-a", {})
    worker_b = LocMemCache("worker-b", {})
    seen = [
        ratelimit.hit(request(), "m", limit=1, now=NOON, cache=worker).allowed
        for worker in (worker_a, worker_b)
    ]
    assert seen == [True, True]


@pytest.mark.django_db
def test_a_slot_taken_by_another_worker_between_read_and_add_is_skipped():
    """The race the slots exist for: another worker adds the slot this one saw free."""
    shared = caches.create_connection("shared")

    class Racing(DatabaseCache):
        def get_many(self, keys, version=None):
            found = super().get_many(keys, version=version)
            shared.add(keys[0], 1, 60)  # the other worker wins slot 1 right now
            return found

    config = caches.settings["shared"]
    racing = Racing(config["LOCATION"], {**config, "OPTIONS": config.get("OPTIONS", {})})
    result = ratelimit.hit(request(), "race", limit=2, now=NOON, cache=racing)
    assert result.allowed and result.count == 2
    assert not ratelimit.hit(request(), "race", limit=2, now=NOON, cache=racing).allowed


def redis_available() -> bool:
    try:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.2).ping()
    except Exception:
        return False
    return True


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_two_redis_clients_share_one_count():
    from django.core.cache.backends.redis import RedisCache

    params = {"KEY_PREFIX": f"lvzhi-test-{datetime.now().timestamp()}"}
    worker_a = RedisCache("redis://127.0.0.1:6379/15", params)
    worker_b = RedisCache("redis://127.0.0.1:6379/15", params)
    try:
        seen = [
            ratelimit.hit(request(), "r", limit=2, now=NOON, cache=worker).allowed
            for worker in (worker_a, worker_b, worker_a)
        ]
        assert seen == [True, True, False]
    finally:
        worker_a.clear()


# --- failure ----------------------------------------------------------------------------------


class Broken(LocMemCache):
    def get_many(self, keys, version=None):
        raise ConnectionError("cache down")


def test_a_broken_cache_lets_requests_through():
    result = ratelimit.hit(request(), "down", limit=1, now=NOON, cache=Broken("b", {}))
    assert result.allowed


@pytest.mark.django_db
def test_a_missing_cache_table_neither_fails_nor_poisons_the_transaction():
    from django.contrib.auth import get_user_model

    broken = DatabaseCache("no_such_table", {})
    assert ratelimit.hit(request(), "gone", limit=1, now=NOON, cache=broken).allowed
    assert get_user_model().objects.count() == 0  # the request's transaction still works


# --- real processes -----------------------------------------------------------------------------

WORKER = """
import os, sys, time
import django
django.setup()
from django.test import RequestFactory
from core import ratelimit
start = float(sys.argv[1])
while time.time() < start:
    time.sleep(0.005)
request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.44")
allowed = sum(ratelimit.hit(request, "processes", limit=5).allowed for _ in range(4))
print(allowed)
"""


@pytest.mark.django_db(transaction=True)
def test_separate_processes_share_one_count_on_postgresql(tmp_path):
    """Three worker processes, four hits each at the same moment, a limit of five: exactly
    five get through, whichever process they came from (the database cache on PostgreSQL)."""
    import os
    import subprocess
    import sys
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("separate processes need a server database (DATABASE_URL=postgres://...)")
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
        f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/"
        f"{settings_dict['NAME']}"
    )
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SHARED_CACHE_URL": "",
        "PYTHONPATH": os.getcwd(),
    }
    start = time.time() + 4
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        outputs = [w.communicate(timeout=60) for w in workers]
    finally:
        caches["shared"].clear()
    assert all(w.returncode == 0 for w in workers), [err for _out, err in outputs]
    assert sum(int(out.strip()) for out, _err in outputs) == 5
