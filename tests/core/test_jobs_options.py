"""Every job in the beat schedule is declared with ``core.tasks.periodic_task``: retried with
backoff on database and broker errors, acknowledged late, delivered again when its worker dies.
A new entry in ``config/beat.py`` whose task forgets this fails here."""

import logging
from contextlib import contextmanager

import pytest
from django.db import OperationalError

from config.beat import BEAT_SCHEDULE
from config.celery import app
from core.tasks import TRANSIENT_ERRORS, PeriodicTask, periodic_task

EXPECTED_ERRORS = {
    "django.db.utils.OperationalError",
    "django.db.utils.InterfaceError",
    "kombu.exceptions.OperationalError",
    "redis.exceptions.ConnectionError",
    "redis.exceptions.TimeoutError",
}


@contextmanager
def _not_propagating():
    """Eager retries apply the task again with the app's propagation setting: turn it off so
    the final failure is returned as a result."""
    app.conf.task_eager_propagates = False
    try:
        yield
    finally:
        app.conf.task_eager_propagates = True


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@pytest.mark.parametrize("entry", sorted(BEAT_SCHEDULE))
def test_scheduled_task_is_a_safe_periodic_job(entry):
    app.loader.import_default_modules()
    task = app.tasks[BEAT_SCHEDULE[entry]["task"]]
    assert isinstance(task, PeriodicTask), f"{entry}: declare the task with @periodic_task"
    assert {_name(e) for e in task.autoretry_for} >= EXPECTED_ERRORS, entry
    assert task.retry_backoff and task.retry_jitter, entry
    assert 0 < task.retry_backoff_max <= 30 * 60, entry
    assert 0 < task.max_retries <= 10, entry
    assert task.acks_late is True and task.reject_on_worker_lost is True, entry
    assert BEAT_SCHEDULE[entry].get("options", {}).get("expires"), entry


def test_longest_retry_wait_is_under_the_visibility_timeout(settings):
    """A job waiting for its retry (an ETA message the worker holds unacknowledged) must not be
    handed to a second worker meanwhile."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    if timeout is None:
        pytest.skip("the filesystem transport has no visibility timeout")
    assert timeout > PeriodicTask.retry_backoff_max
    assert timeout > settings.CELERY_TASK_TIME_LIMIT


def test_transient_error_is_retried_with_a_log_line(caplog):
    """A database error makes the job retry (here: eagerly, until the attempts run out), and
    each retry leaves a warning naming the job and the attempt."""
    calls = []

    @periodic_task(name="tests.flaky_job", retry_backoff=False)
    def flaky_job():
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    assert OperationalError in TRANSIENT_ERRORS
    with caplog.at_level(logging.WARNING, logger="core.tasks"), _not_propagating():
        result = flaky_job.apply()
    assert result.failed() and isinstance(result.result, OperationalError)
    assert len(calls) == flaky_job.max_retries + 1
    retries = [r.getMessage() for r in caplog.records if r.name == "core.tasks"]
    assert len(retries) == flaky_job.max_retries
    assert "OperationalError" in retries[0] and f"retry 1 of {flaky_job.max_retries}" in retries[0]


def test_programming_error_is_not_retried():
    calls = []

    @periodic_task(name="tests.broken_job")
    def broken_job():
        calls.append(1)
        raise ValueError("a bug")

    with _not_propagating():
        result = broken_job.apply()
    assert result.failed() and isinstance(result.result, ValueError)
    assert calls == [1]
