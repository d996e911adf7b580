"""Reception days and duties: scheduling, the roster, attendance with its B03 credit (once, never
doubled with the deputy's own submission), the reminder the day before (once, also when run
twice at once), and the deputy's panel."""

import datetime
import re
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client

from core.audit import AuditEvent
from core.models import Notification
from deputies.models import Status
from liaison.models import Duty, ReceptionDay, ReceptionTheme
from liaison.services.duties import (
    ERR_DAY_IN_PAST,
    ERR_DEPUTY_NOT_SERVING,
    ERR_ENDS_BEFORE_START,
    ERR_LEDGER,
    ERR_MARKED_DUTY_REMOVED,
    ERR_NOT_PERMITTED,
    ERR_NOT_YET,
    ERR_SLOT_TAKEN,
    ERR_STATION_INACTIVE,
    NOTIFY_DUTY_REMINDER,
    DutyError,
    duty_mark_attendance,
    duty_reminders_send,
    duty_set,
    reception_day_schedule,
)
from performance.models import EntryStatus, LedgerEntry, RuleSet, SourceKind
from performance.services import ERR_DAY_ALREADY_CREDITED, LedgerError, entries_reject, entry_submit
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyWithUserFactory
from tests.liaison.factories import DutyFactory, ReceptionDayFactory, StationFactory
from tests.performance.factories import rule_set

DAY = datetime.date(2026, 11, 18)
TODAY = datetime.date(2026, 11, 20)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffUserFactory()


@pytest.fixture
def rules():
    return rule_set(2026)


def refused(message, **params):
    """The service's error with exactly ``message`` (formatted with ``params``)."""
    return pytest.raises(DutyError, match=f"^{re.escape(message % params if params else message)}$")


def b03(deputy):
    return LedgerEntry.objects.filter(deputy=deputy, rule__code="B03")


# --- scheduling ------------------------------------------------------------------------------


def test_schedule_creates_day_duties_and_audit(staff):
    station = StationFactory()
    a, b = DeputyWithUserFactory(), DeputyWithUserFactory()
    day = reception_day_schedule(
        station=station,
        on=TODAY,
        starts_at=datetime.time(9),
        ends_at=datetime.time(11, 30),
        theme=ReceptionTheme.LEGISLATIVE,
        topic=" 物业条例 ",
        deputies=[a, b, a],
        actor=staff,
        today=TODAY,
    )
    assert day.topic == "物业条例"
    assert set(day.duties.values_list("deputy", flat=True)) == {a.pk, b.pk}
    assert AuditEvent.objects.filter(action="liaison.reception_day.schedule").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"on": TODAY - datetime.timedelta(days=1)}, ERR_DAY_IN_PAST),
        ({"ends_at": datetime.time(8)}, ERR_ENDS_BEFORE_START),
    ],
)
def test_schedule_refuses_bad_input(staff, kwargs, message):
    args = {"station": StationFactory(), "on": TODAY, "starts_at": datetime.time(9)}
    with refused(message):
        reception_day_schedule(**{**args, **kwargs}, actor=staff, today=TODAY)
    assert not ReceptionDay.objects.exists()


def test_schedule_refuses_taken_slot_inactive_station_and_left_deputy(staff):
    day = ReceptionDayFactory(date=TODAY)
    with refused(ERR_SLOT_TAKEN):
        reception_day_schedule(
            station=day.station, on=TODAY, starts_at=day.starts_at, actor=staff, today=TODAY
        )
    closed = StationFactory(is_active=False)
    with refused(ERR_STATION_INACTIVE, station=closed):
        reception_day_schedule(
            station=closed, on=TODAY, starts_at=datetime.time(9), actor=staff, today=TODAY
        )
    gone = DeputyWithUserFactory(
        status=Status.RESIGNED, status_date=datetime.date(2026, 1, 1), status_reason="工作调动"
    )
    with refused(ERR_DEPUTY_NOT_SERVING, deputy=gone):
        reception_day_schedule(
            station=StationFactory(),
            on=TODAY,
            starts_at=datetime.time(9),
            deputies=[gone],
            actor=staff,
            today=TODAY,
        )


def test_only_staff_schedule_set_and_mark(deputy):
    day = ReceptionDayFactory(date=DAY)
    duty = DutyFactory(reception_day=day, deputy=deputy)
    with refused(ERR_NOT_PERMITTED):
        reception_day_schedule(
            station=day.station, on=TODAY, starts_at=datetime.time(9), actor=deputy.user
        )
    with refused(ERR_NOT_PERMITTED):
        duty_set(reception_day=day, deputies=[], actor=deputy.user)
    with refused(ERR_NOT_PERMITTED):
        duty_mark_attendance(duty=duty, attended=True, actor=deputy.user, today=TODAY)
    duty.refresh_from_db()
    assert duty.attended is None


def test_duty_set_adds_removes_and_keeps_marked(staff, rules):
    day = ReceptionDayFactory(date=DAY)
    keep, drop, new = DeputyWithUserFactory(), DeputyWithUserFactory(), DeputyWithUserFactory()
    DutyFactory(reception_day=day, deputy=keep)
    DutyFactory(reception_day=day, deputy=drop)
    assert duty_set(reception_day=day, deputies=[keep, new], actor=staff) == (1, 1)
    assert set(day.duties.values_list("deputy", flat=True)) == {keep.pk, new.pk}
    duty_mark_attendance(duty=day.duties.get(deputy=keep), attended=True, actor=staff, today=TODAY)
    with refused(ERR_MARKED_DUTY_REMOVED, deputy=keep):
        duty_set(reception_day=day, deputies=[new], actor=staff)
    assert day.duties.count() == 2


# --- attendance and B03 ----------------------------------------------------------------------


def test_attended_credits_b03_once(staff, rules):
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=DAY))
    for _ in range(3):
        duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    entry = b03(duty.deputy).get()
    assert (entry.occurred_on, entry.status, entry.source_kind) == (
        DAY,
        EntryStatus.VERIFIED,
        SourceKind.AUTOMATIC,
    )
    assert entry.source_id == duty.pk
    assert AuditEvent.objects.filter(action="liaison.duty.attendance").count() == 1


def test_two_duties_the_same_day_credit_once(staff, rules):
    deputy = DeputyWithUserFactory()
    first = DutyFactory(reception_day=ReceptionDayFactory(date=DAY), deputy=deputy)
    second = DutyFactory(
        reception_day=ReceptionDayFactory(date=DAY, starts_at=datetime.time(14), ends_at=None),
        deputy=deputy,
    )
    duty_mark_attendance(duty=first, attended=True, actor=staff, today=TODAY)
    duty_mark_attendance(duty=second, attended=True, actor=staff, today=TODAY)
    assert b03(deputy).count() == 1
    # un-marking the credited one hands the day over to the other attended duty
    duty_mark_attendance(duty=first, attended=False, actor=staff, today=TODAY)
    assert list(b03(deputy).values_list("source_id", flat=True)) == [second.pk]


def test_absent_credits_nothing_and_unmarking_withdraws(staff, rules):
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=DAY))
    duty_mark_attendance(duty=duty, attended=False, actor=staff, today=TODAY)
    assert not b03(duty.deputy).exists()
    duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    assert b03(duty.deputy).count() == 1
    duty_mark_attendance(duty=duty, attended=False, actor=staff, today=TODAY)
    assert not b03(duty.deputy).exists()
    assert AuditEvent.objects.filter(action="performance.ledger_withdraw").count() == 1
    duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    assert b03(duty.deputy).count() == 1


def test_future_day_cannot_be_marked(staff, rules):
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=TODAY + datetime.timedelta(days=1)))
    with refused(ERR_NOT_YET, date=(TODAY + datetime.timedelta(days=1)).isoformat()):
        duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    duty.refresh_from_db()
    assert duty.attended is None and not b03(duty.deputy).exists()


def test_frozen_year_refuses_unmarking_and_keeps_both(staff, rules):
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=DAY))
    duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    RuleSet.objects.filter(year=2026).update(frozen=True, frozen_at=_at(TODAY))
    with refused(ERR_LEDGER, reason="2026 年度考核已封存，不能再增改履职记录。"):
        duty_mark_attendance(duty=duty, attended=False, actor=staff, today=TODAY)
    duty.refresh_from_db()
    assert duty.attended is True and b03(duty.deputy).count() == 1


def test_year_without_rules_marks_without_credit(staff):
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=DAY))
    duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    duty.refresh_from_db()
    assert duty.attended is True and not LedgerEntry.objects.exists()


def test_own_submission_first_wins_over_attendance(staff, rules):
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=DAY))
    deputy = duty.deputy
    own = entry_submit(
        deputy=deputy, rule_code="B03", occurred_on=DAY, title="进站接待", actor=deputy.user,
        today=TODAY,
    )  # fmt: skip
    duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    assert list(b03(deputy)) == [own]
    # once staff reject the deputy's entry, marking the duty again credits the day
    entries_reject(entries=[own], reason="与接待日重复", actor=staff)
    duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    assert b03(deputy).exclude(status=EntryStatus.REJECTED).get().source_id == duty.pk


def test_attendance_first_refuses_own_submission(staff, rules):
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=DAY))
    duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    with pytest.raises(LedgerError) as refused:
        entry_submit(
            deputy=duty.deputy, rule_code="B03", occurred_on=DAY, title="进站接待",
            actor=duty.deputy.user, today=TODAY,
        )  # fmt: skip
    assert str(refused.value) == ERR_DAY_ALREADY_CREDITED % {
        "date": "2026-11-18",
        "rule": "进站接待选民",
    }
    assert b03(duty.deputy).count() == 1
    # another day is still the deputy's to submit
    entry_submit(
        deputy=duty.deputy, rule_code="B03", occurred_on=DAY - datetime.timedelta(days=1),
        title="进站接待", actor=duty.deputy.user, today=TODAY,
    )  # fmt: skip
    assert b03(duty.deputy).count() == 2


def test_submission_form_shows_the_refusal(rules, client):
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=DAY))
    duty_mark_attendance(duty=duty, attended=True, actor=None, today=TODAY)
    client.force_login(duty.deputy.user)
    with time_machine.travel(_at(TODAY), tick=False):
        response = client.post(
            "/ledger/submit/",
            {"rule": rules.rules.get(code="B03").pk, "occurred_on": "2026-11-18", "title": "接待"},
        )
    assert response.status_code == 200
    assert "已按接待日到岗自动记分" in response.content.decode()
    assert b03(duty.deputy).count() == 1


# --- reminders -------------------------------------------------------------------------------


def _at(day: datetime.date, hour: int = 18) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def test_reminder_goes_to_tomorrows_duties_once():
    tomorrow = ReceptionDayFactory(date=TODAY + datetime.timedelta(days=1))
    on_duty = DutyFactory(reception_day=tomorrow)
    excused = DutyFactory(reception_day=tomorrow, attended=False)
    DutyFactory(reception_day=ReceptionDayFactory(date=TODAY + datetime.timedelta(days=2)))
    DutyFactory(reception_day=ReceptionDayFactory(date=TODAY))
    assert duty_reminders_send(now=_at(TODAY)) == 1
    assert duty_reminders_send(now=_at(TODAY, 20)) == 0
    note = Notification.objects.get()
    assert note.recipient == on_duty.deputy.user and note.kind == NOTIFY_DUTY_REMINDER
    assert tomorrow.station.name in note.title and note.url == "/liaison/my/duties/"
    on_duty.refresh_from_db()
    excused.refresh_from_db()
    assert on_duty.reminded_at is not None and excused.reminded_at is None


def test_reminder_uses_shanghai_day():
    """00:30 in Shanghai is still the previous day in UTC: tomorrow is Shanghai's."""
    DutyFactory(reception_day=ReceptionDayFactory(date=TODAY + datetime.timedelta(days=1)))
    early = datetime.datetime.combine(TODAY, datetime.time(0, 30), tzinfo=SHANGHAI)
    assert duty_reminders_send(now=early.astimezone(datetime.UTC)) == 1


def test_reminder_skips_deputy_without_login():
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=TODAY + datetime.timedelta(days=1)))
    duty.deputy.user = None
    duty.deputy.save()
    assert duty_reminders_send(now=_at(TODAY)) == 0
    duty.refresh_from_db()
    assert duty.reminded_at is not None


@pytest.mark.django_db(transaction=True)
def test_reminders_run_twice_at_once_send_each_once():
    day = ReceptionDayFactory(date=TODAY + datetime.timedelta(days=1))
    duties = [DutyFactory(reception_day=day) for _ in range(4)]
    results = []

    def run():
        try:
            results.append(duty_reminders_send(now=_at(TODAY)))
        finally:
            connections.close_all()

    if connection.vendor == "sqlite":
        run()
        run()
    else:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sum(results) == 4
    assert Notification.objects.count() == 4
    assert Duty.objects.filter(pk__in=[d.pk for d in duties], reminded_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_attendance_and_own_submission_racing_count_the_day_once():
    """PostgreSQL: both paths lock the deputy's row, so the second sees the first (SQLite runs
    them one after the other)."""
    rule_set(2026)
    staff = StaffUserFactory()
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=DAY))
    deputy = duty.deputy
    outcomes = []

    def mark():
        try:
            duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
            outcomes.append("marked")
        finally:
            connections.close_all()

    def submit():
        try:
            entry_submit(
                deputy=deputy, rule_code="B03", occurred_on=DAY, title="进站接待",
                actor=deputy.user, today=TODAY,
            )  # fmt: skip
            outcomes.append("submitted")
        except LedgerError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    if connection.vendor == "sqlite":
        mark()
        submit()
    else:
        threads = [threading.Thread(target=mark), threading.Thread(target=submit)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert "marked" in outcomes
    assert b03(deputy).exclude(status=EntryStatus.REJECTED).count() == 1


def test_ledger_credit_many_refuses_once_per_day_rules(rules):
    from performance.public import Credit, ledger_credit_many

    duty = DutyFactory(reception_day=ReceptionDayFactory(date=DAY))
    with pytest.raises(ValueError, match="B03"):
        ledger_credit_many(
            credits=[Credit(deputy=duty.deputy, rule_code="B03", source=duty, occurred_on=DAY,
                            title="x")]
        )  # fmt: skip
    assert not LedgerEntry.objects.exists()


def test_published_achievements_one_query(django_assert_num_queries):
    from performance.models import Publication
    from performance.public import published_achievements

    a, b = DeputyWithUserFactory(), DeputyWithUserFactory()
    Publication.objects.create(year=2026, quarter=1, rows=[{"code": a.code, "total": "1"}])
    Publication.objects.create(
        year=2026, quarter=2, rows=[{"code": a.code, "rank": 1, "total": "70.5", "duty_days": 9}]
    )
    with django_assert_num_queries(1):
        found = published_achievements(deputies=[a, b], year=2026)
    assert list(found) == [a.pk]
    assert (found[a.pk].quarter, found[a.pk].total, found[a.pk].duty_days) == (2, "70.5", 9)
    assert published_achievements(deputies=[a], year=2025) == {}


def test_attended_duty_shows_once_in_the_deputys_ledger(staff, rules):
    station = StationFactory(name="西园社区代表联络站")
    duty = DutyFactory(reception_day=ReceptionDayFactory(date=DAY, station=station))
    duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    duty_mark_attendance(duty=duty, attended=True, actor=staff, today=TODAY)
    client = Client()
    client.force_login(duty.deputy.user)
    with time_machine.travel(_at(TODAY), tick=False):
        page = client.get("/ledger/?year=2026").content.decode()
    # one row in the entry list (the rule's breakdown links the same entry)
    assert page.count('lv-entry-title text-break">西园社区代表联络站接待日值班<') == 1
