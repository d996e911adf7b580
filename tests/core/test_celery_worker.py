"""A real Celery worker, against the configured broker (Redis in CI, the filesystem transport
on a laptop), runs a task that writes to the database."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from core.models import AuditEvent
from core.tasks import ping


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_a_task(settings):
    app.conf.task_always_eager = False
    token = f"ci-{uuid.uuid4()}"
    # A queue of its own: another test run on the same broker must not take this task.
    queue = f"test-{token}"
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", queues=[queue]
        ):
            ping.apply_async(args=[token], queue=queue)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if AuditEvent.objects.filter(action="celery.ping", summary=token).exists():
                    break
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    assert AuditEvent.objects.filter(action="celery.ping", summary=token).count() == 1


def test_acks_late_and_reject_on_lost_worker():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True


def test_beat_schedule_entries_have_expiry_and_existing_tasks():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name
        assert entry.get("options", {}).get("expires"), name
