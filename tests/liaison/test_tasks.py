"""The liaison jobs are scheduled, expire, and call their services (run eagerly here)."""

import datetime

import pytest

from config.beat import BEAT_SCHEDULE
from liaison import tasks
from liaison.models import Duty
from tests.liaison.factories import DutyFactory, ReceptionDayFactory


def test_every_liaison_job_is_scheduled_with_an_expiry():
    entries = {k: v for k, v in BEAT_SCHEDULE.items() if k.startswith("liaison-")}
    assert {e["task"] for e in entries.values()} == {
        "liaison.tasks.remind_duties",
        "liaison.tasks.remind_untriaged_opinions",
        "liaison.tasks.compute_opinion_index",
    }
    assert all(e["options"]["expires"] > 0 for e in entries.values())


@pytest.mark.django_db
def test_duty_reminder_task_reminds_once_through_the_broker_format():
    day = ReceptionDayFactory(date=datetime.date(2026, 11, 19))
    duty = DutyFactory(reception_day=day)
    now = "2026-11-18T10:00:00+08:00"
    assert tasks.remind_duties.delay(now).get() == 1
    assert tasks.remind_duties.delay(now).get() == 0
    assert Duty.objects.get(pk=duty.pk).reminded_at is not None


@pytest.mark.django_db
def test_untriaged_and_index_tasks_run_on_an_empty_database():
    assert tasks.remind_untriaged_opinions.delay("2026-11-18T10:00:00+08:00").get() == 0
    assert tasks.compute_opinion_index.delay("2026-11-18").get() == 0
