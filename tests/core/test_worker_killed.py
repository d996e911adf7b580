"""A worker killed in the middle of a periodic job loses nothing and doubles nothing: the job's
message is acknowledged only at the end (acks_late), so Redis hands it to the next worker after
the visibility timeout, and the job (idempotent) finishes what the dead worker left.

Real processes: a Celery worker on the run's Redis broker and PostgreSQL test database. The job
is the duty reminder run; the test holds a row lock on the second duty so the first worker
stops mid-job (first duty reminded and committed, second claim waiting), and SIGKILLs it there.
"""

import datetime
import signal
import uuid

import pytest
from django.db import transaction

from config.celery import app
from core.models import Notification
from liaison.models import Duty
from liaison.services.duties import NOTIFY_DUTY_REMINDER
from liaison.tasks import remind_duties
from tests.deputies.factories import DeputyWithUserFactory
from tests.liaison.factories import DutyFactory, ReceptionDayFactory

from .processes import (
    CELERY,
    environment,
    redis_broker_url,
    shared_database_url,
    start,
    stop,
    wait_for,
)

TODAY = datetime.date(2026, 11, 20)
NOW = datetime.datetime(2026, 11, 20, 17, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
# The new worker takes the dead worker's job back after this many seconds (production: hours).
VISIBILITY_TIMEOUT = 3


def _worker(queue: str, name: str) -> list[str]:
    return [
        CELERY,
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--queues={queue}",
        f"--hostname={name}@%h",
    ]


def _reminders() -> int:
    return Notification.objects.filter(kind=NOTIFY_DUTY_REMINDER).count()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_job_of_a_killed_worker_completes_once_after_restart(tmp_path):
    broker = redis_broker_url()
    env = environment(
        DATABASE_URL=shared_database_url(),
        CELERY_BROKER_URL=broker,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    day = ReceptionDayFactory(date=TODAY + datetime.timedelta(days=1))
    duties = [
        DutyFactory(reception_day=day, deputy=DeputyWithUserFactory(user__email=""))
        for _ in range(3)
    ]
    # The order the job takes them in (the same query as the service).
    order = list(
        Duty.objects.filter(reception_day=day, reminded_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    queue = f"test-kill-{uuid.uuid4()}"
    workers = []
    try:
        with transaction.atomic():
            Duty.objects.select_for_update().get(pk=order[1])  # the job will wait here
            workers.append(start(_worker(queue, "first"), tmp_path / "first.log", env))
            app.conf.task_always_eager = False
            try:
                remind_duties.apply_async(kwargs={"now": NOW.isoformat()}, queue=queue)
            finally:
                app.conf.task_always_eager = True
            wait_for(lambda: _reminders() == 1, 120, "the first duty to be reminded")
            assert Duty.objects.filter(pk=order[0], reminded_at__isnull=False).exists()
            stop(workers[0], signal.SIGKILL)  # mid-job: the second claim is waiting
            assert workers[0].returncode == -signal.SIGKILL
        # The lock is released; the dead worker's transaction was never committed.
        assert _reminders() == 1
        workers.append(start(_worker(queue, "second"), tmp_path / "second.log", env))
        wait_for(lambda: _reminders() == 3, 120, "the new worker to finish the job")
        stop(workers[1])  # a warm shutdown: it acknowledges what it finished
    finally:
        for worker in workers:
            stop(worker, signal.SIGKILL)
    notes = Notification.objects.filter(kind=NOTIFY_DUTY_REMINDER)
    assert sorted(n.recipient_id for n in notes) == sorted(d.deputy.user_id for d in duties)
    assert not Duty.objects.filter(pk__in=order, reminded_at__isnull=True).exists()
    assert "succeeded" in (tmp_path / "second.log").read_text()
