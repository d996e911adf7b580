from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.models import CalendarDay
from core.notifications import Notification
from suggestions import services
from suggestions.reminders import reminders_send
from suggestions.selectors import detail_context, missing_quarterly_reports
from suggestions.selectors_staff import staff_overview
from suggestions.tasks import send_reminders
from tests.accounts.factories import StaffUserFactory

from . import helpers

pytestmark = pytest.mark.django_db


def test_each_reminder_fires_once_per_event():
    staff = StaffUserFactory()
    soon = helpers.in_handling(on=date(2026, 9, 1))  # deadline 2026-12-01
    late = helpers.in_handling(on=date(2026, 3, 2))  # deadline 2026-06-02
    services.commitment_add(
        suggestion=late,
        owner_unit=late.lead_unit,
        content="修复路灯",
        due_on=date(2026, 10, 1),
        actor=None,
    )
    done = helpers.concluded(on=date(2026, 6, 10))  # 查进度 due 07-10, 查实效 09-10
    today = date(2026, 11, 25)
    first = reminders_send(today=today)
    assert first.sent == {
        "deadline_soon": 2,  # unit user + staff
        "reply_overdue": 2,
        "commitment_overdue": 3,  # unit user + staff + the lead deputy
        "check_due": 4,  # two checks due: unit user + staff each
    }
    second = reminders_send(today=today)
    assert second.total == 0
    unit_user = soon.lead_unit.users.get()
    assert (
        Notification.objects.filter(
            recipient=unit_user, kind="suggestion.reminder.deadline_soon"
        ).count()
        == 1
    )
    assert Notification.objects.filter(recipient=staff).count() >= 4
    deputy_note = Notification.objects.get(
        recipient=late.lead_deputy.user, kind="suggestion.commitment"
    )
    assert "修复路灯" in deputy_note.title and deputy_note.url == f"/suggestions/{late.pk}/"
    assert done.checks.filter(done_on__isnull=True).count() == 3
    # a later day brings the third check, and only it
    third = reminders_send(today=date(2026, 12, 11))
    assert third.sent.get("check_due") == 2


def test_task_wraps_the_service():
    StaffUserFactory()
    helpers.in_handling(on=date(2026, 3, 2))  # deadline 2026-06-02
    assert send_reminders(today=date(2026, 6, 2)) == {"deadline_soon": 2}  # due today
    assert send_reminders(today="2026-06-03")["reply_overdue"] == 2  # as the broker sends it
    assert send_reminders(today=date(2026, 6, 4)).get("reply_overdue", 0) == 0


@time_machine.travel(datetime(2026, 6, 3, 8, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_beat_calls_the_task_without_a_day_and_it_uses_the_committees_today():
    StaffUserFactory()
    helpers.in_handling(on=date(2026, 3, 2))  # deadline 2026-06-02: overdue on the pinned day
    assert send_reminders()["reply_overdue"] == 2


def test_tough_project_missing_quarterly_report():
    s = helpers.in_handling(on=date(2026, 3, 2))
    staff = StaffUserFactory()
    with pytest.raises(services.SuggestionError):
        services.tough_project_mark(suggestion=s, difficulty=4, team="专班", actor=staff)
    project = services.tough_project_mark(
        suggestion=s, difficulty=3, team="住建、规划、街道", actor=staff, on=date(2026, 4, 1)
    )
    with pytest.raises(services.SuggestionError) as exc:
        services.tough_project_mark(suggestion=s, difficulty=2, team="x", actor=staff)
    assert str(exc.value) == services.ERR_TOUGH_EXISTS
    today = date(2026, 11, 25)
    assert missing_quarterly_reports(today) == [(project, 2026, 3)]
    assert staff_overview(today)["missing_reports"] == [(project, 2026, 3)]
    assert reminders_send(today=today).sent["report_missing"] == 2
    unit = s.lead_unit
    report = {"project": project, "unit": unit, "actor": None, "today": today}
    with pytest.raises(services.SuggestionError) as exc:
        services.quarterly_report_submit(**report, year=2027, quarter=1, content="x")
    assert str(exc.value) == services.ERR_QUARTER_FUTURE
    services.quarterly_report_submit(**report, year=2026, quarter=3, content="完成立项")
    with pytest.raises(services.SuggestionError) as exc:
        services.quarterly_report_submit(**report, year=2026, quarter=3, content="again")
    assert str(exc.value) == services.ERR_REPORT_EXISTS
    with pytest.raises(services.SuggestionError) as exc:  # ended before the project began
        services.quarterly_report_submit(**report, year=2026, quarter=1, content="x")
    assert str(exc.value) == services.ERR_QUARTER_BEFORE_PROJECT % {"d": "2026-04-01"}
    assert project.reports.count() == 1
    assert missing_quarterly_reports(today) == []
    assert reminders_send(today=today).total == 0


def test_overdue_counted_in_working_days_with_holidays_and_make_up_days():
    CalendarDay.objects.filter(date__range=(date(2026, 9, 25), date(2026, 10, 15))).delete()
    for day in range(1, 8):
        d = date(2026, 10, day)
        if d.weekday() < 5:
            CalendarDay.objects.create(date=d, kind="holiday", name="国庆节")
    CalendarDay.objects.create(date=date(2026, 10, 10), kind="workday", name="国庆节调休")
    s = helpers.in_handling(on=date(2026, 6, 30))  # deadline 2026-09-30
    context = detail_context(s, today=date(2026, 10, 12))
    # 10-01..07 off, 10-08 Thu, 10-09 Fri, 10-10 Sat (调休), 10-11 Sun off, 10-12 Mon
    assert context["overdue_workdays"] == 4
    reminders_send(today=date(2026, 10, 12))
    note = Notification.objects.filter(kind="suggestion.reminder.reply_overdue").first()
    assert "4 个工作日" in note.body


def test_split_tasks_each_send_their_kind_once():
    from suggestions import tasks

    StaffUserFactory()
    helpers.in_handling(on=date(2026, 3, 2))  # overdue
    helpers.in_handling(on=date(2026, 8, 28))  # deadline 11-28, within 7 days
    helpers.concluded(on=date(2026, 6, 10))  # 查进度 due 07-10, 查实效 09-10
    today = date(2026, 11, 25)
    assert tasks.remind_deadlines(today=today) == {"deadline_soon": 2}
    assert tasks.flag_overdue(today=today) == {"reply_overdue": 2}
    assert tasks.remind_checks(today=today) == {"check_due": 4}
    assert tasks.remind_quarterly_reports(today=today) == {}
    for task in (tasks.remind_deadlines, tasks.flag_overdue, tasks.remind_checks):
        assert sum(task(today=today).values()) == 0
    assert tasks.refresh_unit_scores(today=today) == {2025: 0, 2026: 1}
    # the year turns: last year's conclusions are still refreshed
    assert tasks.refresh_unit_scores(today="2027-01-05") == {2026: 1, 2027: 0}


def test_beat_schedule_has_the_suggestion_jobs():
    from celery import current_app

    from config.beat import BEAT_SCHEDULE

    names = {
        "suggestions.tasks.remind_deadlines",
        "suggestions.tasks.flag_overdue",
        "suggestions.tasks.remind_checks",
        "suggestions.tasks.remind_quarterly_reports",
        "suggestions.tasks.refresh_unit_scores",
    }
    entries = {e["task"]: e for e in BEAT_SCHEDULE.values() if e["task"] in names}
    assert set(entries) == names
    assert all(e["options"]["expires"] > 0 for e in entries.values())
    current_app.loader.import_default_modules()
    assert names <= set(current_app.tasks)


def test_checks_already_due_when_imported_are_not_reminded(tmp_path):
    from django.core.management import call_command

    from suggestions.models import FollowUpCheck
    from tests.deputies.factories import DeputyFactory

    from .factories import CategoryFactory, HandlingUnitFactory

    StaffUserFactory()
    DeputyFactory(code="D001")
    HandlingUnitFactory(name="区教育局", with_user=True)
    CategoryFactory(name="教育")
    path = tmp_path / "old.csv"
    path.write_text(
        "编号,标题,类型,类别,领衔代表编号,主办单位,立案日期,交办日期,答复期限,答复日期,办理结果,评价,办结日期\n"
        ",旧建议,建议,教育,D001,区教育局,2024-01-10,2024-01-12,,2024-03-01,A,满意,2024-04-01\n",
        encoding="utf-8",
    )
    call_command("import_suggestions", str(path))
    assert FollowUpCheck.objects.filter(due_on__lt=date(2025, 1, 1)).count() == 3
    assert reminders_send(kinds=("check_due",)).total == 0
    # a check that falls due after the import is reminded as usual
    FollowUpCheck.objects.filter(kind="feedback").update(due_on=date(2099, 1, 1))
    assert reminders_send(today=date(2099, 1, 2), kinds=("check_due",)).sent == {"check_due": 2}
