"""A second beat cannot run: real beat processes, on the broker's Redis (CI) and on the
embedded default (filesystem broker, the lock in the shared database cache)."""

import os
import socket
import subprocess
import sys
import uuid

import pytest
import redis
from django.core.cache import caches

from core.beat import CacheBeatLock, RedisBeatLock

from .processes import CELERY, ROOT, environment, log_says, redis_broker_url, start, stop, wait_for

HOLDING = "holding the beat lock"
REFUSED = "Another Celery beat is already running"


def _beat(tmp_path, name: str) -> list[str]:
    return [CELERY, "-A", "config", "beat", "--loglevel=INFO", f"--schedule={tmp_path / name}"]


def _second_beat_is_refused(tmp_path, env: dict) -> None:
    first_log = tmp_path / "first.log"
    first = start(_beat(tmp_path, "first"), first_log, env)
    try:
        wait_for(log_says(first_log, HOLDING), 90, "the first beat to take the lock")
        second = subprocess.run(
            _beat(tmp_path, "second"),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert second.returncode != 0
        assert REFUSED in second.stdout + second.stderr
        assert first.poll() is None, "the first beat must keep running"
    finally:
        stop(first)
    assert first.returncode == 0


@pytest.mark.celery_worker
def test_second_beat_exits_on_redis(tmp_path):
    url = redis_broker_url()
    key = f"lvzhi:test-beat-lock:{uuid.uuid4()}"
    _second_beat_is_refused(tmp_path, environment(CELERY_BROKER_URL=url, LVZHI_BEAT_LOCK_KEY=key))
    # Released on shutdown, not left to expire.
    assert not redis.Redis.from_url(url).exists(key)


@pytest.mark.celery_worker
def test_second_beat_exits_on_embedded_default(tmp_path):
    """No broker server: the lock is in the database cache of a SQLite file both beats open."""
    env = environment(
        CELERY_BROKER_URL="",
        CELERY_FILESYSTEM_DIR=str(tmp_path / "celery"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SHARED_CACHE_URL="",
        LVZHI_BEAT_LOCK_KEY=f"lvzhi:test-beat-lock:{uuid.uuid4()}",
    )
    manage = [sys.executable, "manage.py", "createcachetable"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True, timeout=120)
    _second_beat_is_refused(tmp_path, env)


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


@pytest.mark.django_db
def test_cache_lock_is_exclusive_refreshed_and_released(monkeypatch):
    """The embedded default's lock, in process: one holder; only the holder refreshes or
    releases it; released, it can be taken again."""
    with monkeypatch.context() as m:
        m.setattr("core.beat.os.getpid", os.getppid)  # the first holder: another live process
        first = CacheBeatLock("t-lock", 60)
        assert first.acquire()
        assert first.refresh()
    second = CacheBeatLock("t-lock", 60)
    assert not second.acquire()
    assert not second.refresh()
    second.release()  # not the holder: nothing happens
    assert not second.acquire()
    with monkeypatch.context() as m:
        m.setattr("core.beat.os.getpid", os.getppid)
        first.release()
    assert second.acquire()


@pytest.mark.django_db
def test_cache_lock_left_by_a_dead_beat_of_this_host_is_taken_over():
    caches["shared"].set("t-lock", f"{socket.gethostname()}:{_dead_pid()}:x", 60)
    assert CacheBeatLock("t-lock", 60).acquire()
    caches["shared"].set("t-lock", f"elsewhere:{_dead_pid()}:x", 60)  # another host: wait
    assert not CacheBeatLock("t-lock", 60).acquire()


def test_redis_lock_left_by_a_dead_beat_of_this_host_is_taken_over():
    url = redis_broker_url()
    key = f"lvzhi:test-beat-lock:{uuid.uuid4()}"
    client = redis.Redis.from_url(url)
    try:
        client.set(key, f"{socket.gethostname()}:{_dead_pid()}:x", px=60_000)
        lock = RedisBeatLock(url, key, 60)
        assert lock.acquire()
        assert lock.refresh()
        lock.release()
        assert not client.exists(key)
    finally:
        client.delete(key)
