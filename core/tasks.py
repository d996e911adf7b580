"""Celery tasks of core, and :func:`periodic_task`, the one definition of how a beat job behaves.

Why one base for every periodic job
    A nightly job meets a database restarting, a failover, Redis briefly away. Each job must
    then try again later rather than fail for the day, and a worker killed mid-job (deploy,
    OOM) must not lose the run. Every task in ``config.beat`` is declared with
    :func:`periodic_task` so that none can forget it (``tests/core/test_jobs_safety.py`` walks
    the schedule):

    * ``autoretry_for`` the errors of a database or broker/cache that is away
      (:data:`TRANSIENT_ERRORS`), with exponential backoff, full jitter (two workers retrying
      do not retry in step), a ceiling per wait and a bounded number of attempts; each retry
      logs one warning line.
    * ``acks_late`` + ``reject_on_worker_lost``: the message is acknowledged only when the job
      has finished, so a killed worker's job is delivered again (on Redis after
      ``CELERY_VISIBILITY_TIMEOUT``). A job may therefore run twice: every job is idempotent
      (unique constraints, notification dedupe keys, conditional claims, upserts that skip
      unchanged rows), and one that changes nothing writes nothing, audit rows included.
"""

import logging
from datetime import datetime

from celery import Task, shared_task
from django.core.management import call_command
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .notifications import notification_email
from .retention import access_logs_prune

logger = logging.getLogger(__name__)

# A database that is down, restarting or locked (SQLite "database is locked"), a broker or a
# Redis cache that cannot be reached, a socket that broke. Programming errors are not here:
# retrying them would only repeat them.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    DatabaseOperationalError,
    InterfaceError,
    BrokerOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
)


class PeriodicTask(Task):
    """The behaviour every beat job shares (see the module docstring)."""

    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 30  # seconds before the first retry, doubling each time
    retry_backoff_max = 15 * 60  # well under the broker's visibility timeout
    retry_jitter = True
    max_retries = 6  # about an hour of waiting in all before the run is given up
    acks_late = True
    reject_on_worker_lost = True

    def on_retry(self, exc, task_id, args, kwargs, einfo) -> None:
        logger.warning(
            "periodic job %s[%s] failed with %s: %s; retry %d of %d",
            self.name,
            task_id,
            type(exc).__name__,
            exc,
            self.request.retries + 1,
            self.max_retries,
        )


def periodic_task(func=None, **options):
    """``@periodic_task`` declares a beat job: a shared task on :class:`PeriodicTask`."""
    decorate = shared_task(base=PeriodicTask, **options)
    return decorate(func) if func is not None else decorate


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    return notification_email(notification_id=notification_id)


@periodic_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@periodic_task
def prune_access_logs(now: str | None = None) -> int:
    """The weekly clean-up of sign-in logs older than a year. ``now`` (ISO) pins the clock."""
    return access_logs_prune(now=datetime.fromisoformat(now) if now else None)


@shared_task
def ping(token: str) -> str:
    """Leave a trace that a worker really ran a task (used by health checks and tests)."""
    from .audit import audit_record

    audit_record(actor=None, action="celery.ping", summary=token)
    return token
