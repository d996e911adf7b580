"""Training reminders: a session tomorrow and a quiz deadline within the week, each event once
(twice in a row or at once), to the right deputies only, in a fixed number of queries."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse

from config.beat import BEAT_SCHEDULE
from core.models import Notification
from deputies.models import Status
from tests.deputies.factories import DeputyFactory, DeputyWithUserFactory
from tests.training.factories import (
    NOW,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    QuizFactory,
)
from training import tasks
from training.models import QuizAttempt
from training.services import reminders
from training.services.enrolment import course_enrol, course_withdraw
from training.services.reminders import (
    NOTIFY_QUIZ_DEADLINE,
    NOTIFY_SESSION,
    quiz_deadline_reminders_send,
    session_reminders_send,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def _enrolled(course, **deputy):
    return EnrollmentFactory(course=course, deputy=DeputyWithUserFactory(**deputy))


def _notes(kind):
    return Notification.objects.filter(kind=kind)


# --- a session tomorrow ------------------------------------------------------------------------


def test_each_enrolled_deputy_is_reminded_once_of_tomorrows_session():
    session = CourseSessionFactory(date=TOMORROW, starts_at=datetime.time(9), place="会议室")
    course = session.course
    first, second = _enrolled(course), _enrolled(course)
    assert session_reminders_send(today=TODAY) == 2
    assert session_reminders_send(today=TODAY) == 0
    notes = _notes(NOTIFY_SESSION)
    assert sorted(n.recipient_id for n in notes) == sorted(
        [first.deputy.user_id, second.deputy.user_id]
    )
    note = notes.get(recipient=first.deputy.user)
    assert note.url == reverse("training:course", args=[course.pk])
    assert note.dedupe_key == f"{NOTIFY_SESSION}:{session.pk}:{first.deputy_id}"
    assert course.title in note.title and "2026-06-02" in note.title
    assert "09:00 开始" in note.body and "会议室" in note.body


def test_only_reachable_deputies_of_tomorrows_courses_are_reminded():
    session = CourseSessionFactory(date=TOMORROW)
    course = session.course
    reached = _enrolled(course)
    EnrollmentFactory(course=course, deputy=DeputyFactory())  # no login
    _enrolled(
        course, status=Status.RESIGNED, status_date=datetime.date(2026, 5, 1), status_reason="辞职"
    )
    inactive = _enrolled(course)
    inactive.deputy.user.is_active = False
    inactive.deputy.user.save()
    # a withdrawn enrolment leaves no row
    leaver = DeputyWithUserFactory()
    withdrawn = course_enrol(course=course, deputy=leaver, actor=leaver.user, now=NOW)
    course_withdraw(enrollment=withdrawn, actor=leaver.user)
    # other days: today, the day after tomorrow, yesterday
    for offset in (0, 2, -1):
        other = CourseSessionFactory(date=TODAY + datetime.timedelta(days=offset))
        _enrolled(other.course)
    assert session_reminders_send(today=TODAY) == 1
    assert list(_notes(NOTIFY_SESSION).values_list("recipient_id", flat=True)) == [
        reached.deputy.user_id
    ]


def test_a_session_without_a_start_time_or_place_still_says_when_and_where():
    session = CourseSessionFactory(
        date=TOMORROW, starts_at=None, place="", link="https://example.org/live"
    )
    _enrolled(session.course)
    session_reminders_send(today=TODAY)
    body = _notes(NOTIFY_SESSION).get().body
    assert "上课时间另行通知" in body and "https://example.org/live" in body


def test_nothing_tomorrow_reads_once_and_writes_nothing(django_assert_num_queries):
    CourseSessionFactory(date=TODAY)
    with django_assert_num_queries(1):
        assert session_reminders_send(today=TODAY) == 0
    assert not Notification.objects.exists()


@pytest.mark.parametrize("deputies", [1, 6])
def test_session_reminders_read_in_two_queries_whatever_the_roster(
    deputies, monkeypatch, django_assert_num_queries
):
    sent = []
    monkeypatch.setattr(reminders, "notification_send", lambda **kw: sent.append(kw) or kw)
    for _ in range(2):
        session = CourseSessionFactory(date=TOMORROW)
        for _ in range(deputies):
            _enrolled(session.course)
    with django_assert_num_queries(2):
        assert session_reminders_send(today=TODAY) == 2 * deputies
    assert len({kw["dedupe_key"] for kw in sent}) == 2 * deputies


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_each_deputy_once():
    session = CourseSessionFactory(date=TOMORROW)
    for _ in range(4):
        _enrolled(session.course)
    results = []

    def run():
        try:
            results.append(session_reminders_send(today=TODAY))
        finally:
            connections.close_all()

    if connection.vendor == "sqlite":  # no concurrent writers: one after the other
        run()
        run()
    else:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sum(results) == 4
    assert _notes(NOTIFY_SESSION).count() == 4


# --- a quiz deadline within the week -----------------------------------------------------------


def _quiz_course(deadline, **quiz):
    course = CourseFactory(deadline=deadline)
    QuizFactory(course=course, **{"max_attempts": 3, **quiz})
    return course


def _attempt(enrollment, number, passed):
    return QuizAttempt.objects.create(
        quiz=enrollment.course.quiz,
        enrollment=enrollment,
        number=number,
        score=Decimal("100") if passed else Decimal("20"),
        passed=passed,
        submitted_at=NOW,
    )


def test_a_quiz_not_passed_a_week_before_the_deadline_is_reminded_once():
    course = _quiz_course(TODAY + datetime.timedelta(days=7))
    fresh, tried = _enrolled(course), _enrolled(course)
    _attempt(tried, 1, passed=False)
    passed = _enrolled(course)
    _attempt(passed, 1, passed=False)
    _attempt(passed, 2, passed=True)
    spent = _enrolled(course)
    for number in (1, 2, 3):
        _attempt(spent, number, passed=False)
    EnrollmentFactory(course=course, deputy=DeputyFactory())  # no login

    assert quiz_deadline_reminders_send(today=TODAY) == 2
    assert quiz_deadline_reminders_send(today=TODAY) == 0
    notes = {n.recipient_id: n for n in _notes(NOTIFY_QUIZ_DEADLINE)}
    assert set(notes) == {fresh.deputy.user_id, tried.deputy.user_id}
    note = notes[tried.deputy.user_id]
    assert note.url == reverse("training:quiz", args=[course.pk])
    assert note.dedupe_key == f"{NOTIFY_QUIZ_DEADLINE}:{tried.pk}"
    assert "2026-06-08" in note.title and "还可以作答 2 次" in note.body
    assert "还可以作答 3 次" in notes[fresh.deputy.user_id].body


def test_a_missed_day_still_reminds_within_the_week_and_only_once():
    course = _quiz_course(TODAY + datetime.timedelta(days=7))
    _enrolled(course)
    later = TODAY + datetime.timedelta(days=3)  # the job did not run on TODAY
    assert quiz_deadline_reminders_send(today=later) == 1
    assert quiz_deadline_reminders_send(today=later + datetime.timedelta(days=1)) == 0
    deadline_day = TODAY + datetime.timedelta(days=7)
    assert quiz_deadline_reminders_send(today=deadline_day) == 0
    assert _notes(NOTIFY_QUIZ_DEADLINE).count() == 1


@pytest.mark.parametrize("offset", [8, 30, -1])
def test_no_reminder_outside_the_week_before_the_deadline(offset):
    course = _quiz_course(TODAY + datetime.timedelta(days=offset))
    _enrolled(course)
    assert quiz_deadline_reminders_send(today=TODAY) == 0


def test_no_reminder_without_an_active_quiz_or_a_deadline():
    inactive = _quiz_course(TODAY + datetime.timedelta(days=7), is_active=False)
    _enrolled(inactive)
    _enrolled(CourseFactory(deadline=TODAY + datetime.timedelta(days=7)))  # no quiz
    _enrolled(_quiz_course(None))
    assert quiz_deadline_reminders_send(today=TODAY) == 0
    assert not Notification.objects.exists()


@pytest.mark.parametrize("deputies", [1, 6])
def test_quiz_reminders_read_in_one_query_whatever_the_roster(
    deputies, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(reminders, "notification_send", lambda **kw: kw)
    for _ in range(2):
        course = _quiz_course(TODAY + datetime.timedelta(days=5))
        for _ in range(deputies):
            _attempt(_enrolled(course), 1, passed=False)
    with django_assert_num_queries(1):
        assert quiz_deadline_reminders_send(today=TODAY) == 2 * deputies


# --- the Celery tasks ---------------------------------------------------------------------------


def test_both_jobs_are_scheduled_with_an_expiry():
    entries = {k: v for k, v in BEAT_SCHEDULE.items() if k.startswith("training-")}
    assert {e["task"] for e in entries.values()} == {
        "training.tasks.remind_sessions",
        "training.tasks.remind_quiz_deadlines",
    }
    assert all(e["options"]["expires"] > 0 for e in entries.values())


def test_the_tasks_take_the_day_as_it_comes_through_the_broker():
    session = CourseSessionFactory(date=TOMORROW)
    _enrolled(session.course)
    _enrolled(_quiz_course(TODAY + datetime.timedelta(days=7)))
    assert tasks.remind_sessions.delay("2026-06-01").get() == 1
    assert tasks.remind_sessions.delay("2026-06-01").get() == 0
    assert tasks.remind_quiz_deadlines.delay("2026-06-01").get() == 1
    assert tasks.remind_quiz_deadlines.delay("2026-06-01").get() == 0
    assert tasks.remind_sessions.delay("2026-07-01").get() == 0
