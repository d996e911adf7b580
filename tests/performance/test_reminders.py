"""Idle reminders (履职提醒), the talk list (提醒谈话), the beat entries and tasks."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery import current_app
from django.test import override_settings

from config.beat import BEAT_SCHEDULE
from core.models import Notification
from performance import tasks
from performance.access import ERR_NOT_PERMITTED
from performance.models import Assessment, EntryStatus, IdleReminder
from performance.reminders import REMINDER_KIND, reminders_send, talk_record
from performance.selectors import talk_list
from performance.services import LedgerError
from tests.deputies.factories import DeputyFactory, DeputyWithUserFactory
from tests.performance.factories import LedgerEntryFactory, rule_set

pytestmark = pytest.mark.django_db

LAST = date(2026, 1, 10)


@pytest.fixture
def idle(db):
    deputy = DeputyWithUserFactory()
    LedgerEntryFactory(deputy=deputy, year=2026, occurred_on=LAST)
    return deputy


def notes(deputy):
    return Notification.objects.filter(recipient=deputy.user, kind=REMINDER_KIND)


def test_no_reminder_before_the_idle_period(idle):
    assert reminders_send(today=LAST + timedelta(days=59)) == 0
    assert not IdleReminder.objects.exists()


def test_first_reminder_after_60_days_and_a_rerun_sends_nothing(idle):
    day = LAST + timedelta(days=60)
    assert reminders_send(today=day) == 1
    assert reminders_send(today=day) == 0
    assert notes(idle).count() == 1
    reminder = IdleReminder.objects.get()
    assert (reminder.sequence, reminder.idle_since, reminder.sent_on) == (1, LAST, day)
    assert "60 天" in notes(idle).get().title
    assert list(talk_list()) == []


def test_second_unanswered_reminder_puts_the_deputy_on_the_talk_list(idle):
    first = LAST + timedelta(days=60)
    reminders_send(today=first)
    assert reminders_send(today=first + timedelta(days=29)) == 0  # repeat period not over
    second = first + timedelta(days=30)
    assert reminders_send(today=second) == 1
    assert reminders_send(today=second) == 0
    assert notes(idle).count() == 2
    assert [r.deputy for r in talk_list()] == [idle]
    assert reminders_send(today=second + timedelta(days=90)) == 0  # two is the most
    assert notes(idle).count() == 2


def test_an_entry_after_the_reminder_answers_it(idle):
    reminders_send(today=LAST + timedelta(days=60))
    reminders_send(today=LAST + timedelta(days=90))
    LedgerEntryFactory(deputy=idle, year=2026, occurred_on=LAST + timedelta(days=91),
                       status=EntryStatus.PENDING, reviewed_at=None)  # fmt: skip
    assert list(talk_list()) == []


def test_a_rejected_entry_does_not_answer_a_reminder(idle):
    reminders_send(today=LAST + timedelta(days=60))
    reminders_send(today=LAST + timedelta(days=90))
    LedgerEntryFactory(deputy=idle, year=2026, occurred_on=LAST + timedelta(days=91),
                       status=EntryStatus.REJECTED, review_reason="不实")  # fmt: skip
    assert [r.deputy for r in talk_list()] == [idle]


def test_recorded_talk_leaves_the_list(idle, staff_user):
    reminders_send(today=LAST + timedelta(days=60))
    reminders_send(today=LAST + timedelta(days=90))
    reminder = talk_list().get()
    talk_record(reminder=reminder, on=LAST + timedelta(days=95), note="面谈", actor=staff_user)
    assert list(talk_list()) == []


@override_settings(LVZHI_LEDGER_IDLE_DAYS=10)
def test_idle_days_are_configurable(idle):
    assert reminders_send(today=LAST + timedelta(days=10)) == 1


def test_deputy_without_login_is_still_tracked(db):
    deputy = DeputyFactory()
    LedgerEntryFactory(deputy=deputy, year=2026, occurred_on=LAST)
    assert reminders_send(today=LAST + timedelta(days=60)) == 1
    assert IdleReminder.objects.get().deputy == deputy
    assert not Notification.objects.exists()


def test_resigned_deputies_are_not_reminded(db):
    DeputyWithUserFactory(status="resigned", status_date=date(2025, 12, 1), status_reason="迁出")
    assert reminders_send(today=LAST + timedelta(days=60)) == 0


def test_reminder_query_count_does_not_grow(db, django_assert_max_num_queries):
    for _i in range(3):
        LedgerEntryFactory(deputy=DeputyWithUserFactory(), year=2026, occurred_on=LAST)
    with django_assert_max_num_queries(40) as small:
        reminders_send(today=LAST + timedelta(days=60))
    per_deputy_small = len(small.captured_queries)
    for _i in range(3):
        LedgerEntryFactory(deputy=DeputyWithUserFactory(), year=2026, occurred_on=LAST)
    with django_assert_max_num_queries(80) as big:
        reminders_send(today=LAST + timedelta(days=120))
    # A few writes per reminder are inherent (row, notification); reads stay constant.
    assert len(big.captured_queries) <= 2 * per_deputy_small + 4


# --- beat and tasks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["performance-recompute-current-year", "performance-idle-reminders"]
)
def test_beat_entries_exist_with_expiry(name):
    entry = BEAT_SCHEDULE[name]
    assert entry["options"]["expires"] > 0
    current_app.loader.import_default_modules()
    assert entry["task"] in current_app.tasks


def test_recompute_task_is_idempotent_and_skips_frozen_years(db):
    rule_set(2025)
    LedgerEntryFactory(code="B02")
    assert tasks.recompute_assessment(2025) == 1
    assert tasks.recompute_assessment(2025) == 0
    assert Assessment.objects.count() == 1
    from performance.scoring import rule_set_freeze

    rule_set_freeze(year=2025)
    assert tasks.recompute_assessment(2025) == 0


def test_reminder_task_runs_the_service(idle):
    day = (LAST + timedelta(days=61)).isoformat()
    assert tasks.send_idle_reminders(today=day) == 1
    assert tasks.send_idle_reminders(today=day) == 0


@time_machine.travel(datetime(2026, 3, 12, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_reminder_task_reads_the_clock_when_not_told(idle):
    assert tasks.send_idle_reminders() == 1
    assert IdleReminder.objects.get().sent_on == date(2026, 3, 12)


def test_talks_are_recorded_by_staff_only(idle, deputy):
    reminders_send(today=LAST + timedelta(days=61))
    reminder = IdleReminder.objects.get(deputy=idle)
    with pytest.raises(LedgerError) as exc:
        talk_record(reminder=reminder, on=LAST + timedelta(days=70), actor=deputy.user)
    assert str(exc.value) == ERR_NOT_PERMITTED
    reminder.refresh_from_db()
    assert reminder.talked_on is None


def test_reminder_is_emailed_where_the_deputy_has_an_address(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    with_mail = DeputyWithUserFactory(user__email="dep@example.org")
    without = DeputyWithUserFactory(user__email="")
    for deputy in (with_mail, without):
        LedgerEntryFactory(deputy=deputy, year=2026, occurred_on=LAST)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=LAST + timedelta(days=60)) == 2
    assert [m.to for m in mailoutbox] == [["dep@example.org"]]
    assert "履职提醒" in mailoutbox[0].subject
    assert notes(without).count() == 1  # stored and on the dashboard all the same
