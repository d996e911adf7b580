"""The beat scheduler of every deployment: a second beat cannot run.

Why a lock
    Two beats would send every periodic job twice. The jobs are idempotent, so nothing would be
    counted twice, but reminders would race and the scoring would run twice for nothing; and a
    comment "run one beat" is not a guarantee (a scaled compose service, a forgotten terminal).

How
    :class:`SingleBeatScheduler` takes a lock before it opens its schedule and gives up with an
    error (exit status 1) when another beat holds it. The lock lives where every beat of the
    deployment looks: on the broker's Redis (``SET NX PX`` through redis-py's lock, refreshed
    and released with compare-and-set scripts) or, on the embedded default without a broker
    server, in the ``"shared"`` cache (the database cache: ``cache.add`` is an INSERT on its
    primary key). It expires ``LVZHI_BEAT_LOCK_SECONDS`` after its last refresh, so a beat that
    died without cleaning up (SIGKILL, power cut) blocks its successor at most that long (not at
    all on the same host, where a dead holder process is recognised and its lock taken); the
    running beat refreshes it every tick and wakes at least four times per period to do so,
    and releases it when it stops (Ctrl-C, SIGTERM).

    If the lock cannot be refreshed (Redis away) the beat keeps going until the lock would have
    expired, then stops with an error rather than risk running beside a new beat.
"""

import contextlib
import logging
import os
import socket
import time
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

ERR_ANOTHER_BEAT = (
    "Another Celery beat is already running (lock %s is held): exactly one beat may run per "
    "deployment. Stop the other one, or wait up to %d seconds if it died."
)
ERR_LOCK_LOST = "The beat lock %s was lost (another beat may have taken it): stopping."


class BeatLockLost(RuntimeError):
    """This beat no longer holds the lock: it must stop (with a non-zero status)."""


def _token() -> str:
    """Who holds the lock: host, process id, and a nonce for this run."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"


def _left_by_dead_beat(holder: str | None) -> bool:
    """A lock this host's beat left behind when it was killed: its process is gone, or its
    process id is ours (a container restarted: beat is process 1 again). Such a lock need not
    be waited out. A lock of another host, or of a live process, is never taken."""
    host, _sep, rest = (holder or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's
        return False
    return False


class RedisBeatLock:
    """The lock on the broker's Redis: only the holder's token can refresh or release it."""

    def __init__(self, url: str, key: str, seconds: int) -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)
        self._key = key
        self._lock = self._client.lock(key, timeout=seconds, blocking=False, thread_local=False)

    def acquire(self) -> bool:
        if self._lock.acquire(blocking=False, token=_token()):
            return True
        holder = self._client.get(self._key)
        if not _left_by_dead_beat(holder.decode() if holder else None):
            return False
        logger.warning("beat: taking over the lock %s left by a dead beat", self._key)
        with self._client.pipeline() as pipe:  # delete it only if it is still that one
            try:
                pipe.watch(self._key)
                if pipe.get(self._key) == holder:
                    pipe.multi()
                    pipe.delete(self._key)
                    pipe.execute()
            except redis.exceptions.WatchError:
                return False
        return bool(self._lock.acquire(blocking=False, token=_token()))

    def refresh(self) -> bool:
        try:
            return bool(self._lock.reacquire())
        except redis.exceptions.LockError:
            return False

    def release(self) -> None:
        with contextlib.suppress(redis.exceptions.RedisError):  # expired or Redis away
            self._lock.release()


class CacheBeatLock:
    """The lock in the shared cache (embedded default). ``add`` is atomic on every backend; the
    refresh reads then writes, which is safe while the holder refreshes well before expiry."""

    def __init__(self, key: str, seconds: int) -> None:
        self._cache = caches["shared"]
        self._key, self._seconds = key, seconds
        self._token = _token()

    def acquire(self) -> bool:
        if self._cache.add(self._key, self._token, self._seconds):
            return True
        holder = self._cache.get(self._key)
        if not _left_by_dead_beat(holder):
            return False
        logger.warning("beat: taking over the lock %s left by a dead beat", self._key)
        self._cache.delete(self._key)
        return self._cache.add(self._key, self._token, self._seconds)

    def refresh(self) -> bool:
        if self._cache.get(self._key) != self._token:
            return False
        return self._cache.touch(self._key, self._seconds)

    def release(self) -> None:
        if self._cache.get(self._key) == self._token:
            self._cache.delete(self._key)


def beat_lock(broker_url: str) -> RedisBeatLock | CacheBeatLock:
    """The lock for this deployment: on the broker when it is Redis, else in the shared cache."""
    key, seconds = settings.LVZHI_BEAT_LOCK_KEY, settings.LVZHI_BEAT_LOCK_SECONDS
    if broker_url.startswith(("redis://", "rediss://")):
        return RedisBeatLock(broker_url, key, seconds)
    return CacheBeatLock(key, seconds)


class SingleBeatScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, run only while this beat holds the beat lock."""

    lock = None

    def setup_schedule(self) -> None:
        seconds = settings.LVZHI_BEAT_LOCK_SECONDS
        self.lock = beat_lock(self.app.conf.broker_url)
        if not self.lock.acquire():
            logger.error(ERR_ANOTHER_BEAT, settings.LVZHI_BEAT_LOCK_KEY, seconds)
            raise SystemExit(1)
        self._held_until = time.monotonic() + seconds
        logger.info("beat: holding the beat lock %s", settings.LVZHI_BEAT_LOCK_KEY)
        # Wake often enough to refresh the lock well before it expires.
        self.max_interval = min(self.max_interval, seconds / 4)
        super().setup_schedule()

    def tick(self, *args, **kwargs) -> float:
        self._refresh_lock()
        return super().tick(*args, **kwargs)

    def _refresh_lock(self) -> None:
        seconds = settings.LVZHI_BEAT_LOCK_SECONDS
        try:
            held = self.lock.refresh()
        except Exception as exc:  # Redis or the database away: the lock may still be ours.
            if time.monotonic() < self._held_until:
                logger.warning("beat: could not refresh the beat lock (%s); will retry", exc)
                return
            held = False
        if not held:
            logger.error(ERR_LOCK_LOST, settings.LVZHI_BEAT_LOCK_KEY)
            raise BeatLockLost(ERR_LOCK_LOST % settings.LVZHI_BEAT_LOCK_KEY)
        self._held_until = time.monotonic() + seconds

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.lock is not None:
                try:
                    self.lock.release()
                except Exception as exc:  # the lock expires on its own
                    logger.warning("beat: could not release the beat lock (%s)", exc)
                self.lock = None
