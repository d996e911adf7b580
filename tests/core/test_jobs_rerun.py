"""Every beat job run a second time on the same day changes nothing, so it writes nothing: no
audit row, no notification (a nightly job must never double-count, and an audit trail full of
"recomputed, nothing changed" rows hides the ones that matter). A job that fails here saves
unchanged rows or audits every run: fix the job, not this test."""

import inspect
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from config.beat import BEAT_SCHEDULE
from config.celery import app
from core.models import AuditEvent, Notification
from performance.models import Assessment
from suggestions.models import UnitYearScore
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyWithUserFactory
from tests.liaison.factories import DutyFactory, OpinionFactory, ReceptionDayFactory
from tests.performance.factories import LedgerEntryFactory
from tests.suggestions import helpers

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _small_world() -> None:
    StaffUserFactory()
    # performance: this year's scoring, and a deputy idle long enough to be reminded
    for deputy in DeputyWithUserFactory.create_batch(3):
        LedgerEntryFactory(deputy=deputy, code="B02", year=2026)
    DeputyWithUserFactory()
    # suggestions: a deadline next week, one long overdue, one concluded (checks, unit scores)
    helpers.in_handling(on=date(2026, 9, 1))
    helpers.in_handling(on=date(2026, 3, 2))
    helpers.concluded(on=date(2026, 6, 10))
    # liaison: a duty tomorrow, an opinion untriaged for a week
    DutyFactory(reception_day=ReceptionDayFactory(date=TODAY + timedelta(days=1)))
    OpinionFactory(submitted_at=NOW - timedelta(days=7), submitted_on=TODAY - timedelta(days=7))


def _run(task) -> None:
    """Run a scheduled job as a catch-up run would: its day or moment pinned."""
    parameters = inspect.signature(task.run).parameters
    kwargs = {}
    if "today" in parameters:
        kwargs["today"] = TODAY.isoformat()
    if "now" in parameters:
        kwargs["now"] = NOW.isoformat()
    task.apply(kwargs=kwargs).get()


@time_machine.travel(NOW, tick=False)
def test_second_run_of_every_job_writes_nothing():
    _small_world()
    app.loader.import_default_modules()
    tasks = [app.tasks[entry["task"]] for entry in BEAT_SCHEDULE.values()]
    audits, notes = AuditEvent.objects.count(), Notification.objects.count()
    for task in tasks:
        _run(task)
    # The first run did work (or the second run proves nothing).
    assert Notification.objects.count() > notes
    assert AuditEvent.objects.count() > audits
    assert Assessment.objects.exists() and UnitYearScore.objects.exists()

    audits, notes = AuditEvent.objects.count(), Notification.objects.count()
    for task in tasks:
        _run(task)
        written = list(AuditEvent.objects.order_by("pk")[audits:].values_list("action", flat=True))
        assert written == [], f"{task.name} wrote audit rows on a run that changed nothing"
        assert Notification.objects.count() == notes, f"{task.name} notified twice"
