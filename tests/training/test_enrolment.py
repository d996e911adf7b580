"""Enrolment, capacity, attendance and completion: B05 once per course through the ledger."""

import datetime
from decimal import Decimal

import pytest

from core.models import AuditEvent
from performance.models import LedgerEntry, SourceKind
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyWithUserFactory
from tests.performance.factories import rule_set
from tests.training.factories import (
    NOW,
    CourseFactory,
    CourseSessionFactory,
    QuizFactory,
)
from training.models import Course, Enrollment, QuizAttempt
from training.services import TrainingError
from training.services.common import ERR_NOT_YOURS, ERR_STAFF_ONLY
from training.services.completion import completion_refresh
from training.services.enrolment import (
    ERR_ALREADY_ENROLLED,
    ERR_ENROLMENT_CLOSED,
    ERR_FULL,
    ERR_HAS_ATTENDANCE,
    ERR_NOT_ENROLLED,
    ERR_NOT_PUBLISHED,
    ERR_SESSION_NOT_YET,
    attendance_set,
    course_enrol,
    course_withdraw,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def staff():
    return StaffUserFactory()


@pytest.fixture
def rules():
    return rule_set(2026)


def _b05(deputy):
    return LedgerEntry.objects.filter(deputy=deputy, rule__code="B05")


def test_a_deputy_enrols_themself_and_takes_a_seat():
    deputy = DeputyWithUserFactory()
    course = CourseFactory(capacity=2)
    enrollment = course_enrol(course=course, deputy=deputy, actor=deputy.user, now=NOW)
    course.refresh_from_db()
    assert course.enrolled_count == 1
    assert enrollment.source == "self"
    assert AuditEvent.objects.filter(action="training.enrol").count() == 1


def test_twice_is_refused_and_the_seat_count_stays():
    deputy = DeputyWithUserFactory()
    course = CourseFactory(capacity=5)
    course_enrol(course=course, deputy=deputy, actor=deputy.user, now=NOW)
    with pytest.raises(TrainingError) as exc:
        course_enrol(course=course, deputy=deputy, actor=deputy.user, now=NOW)
    assert str(exc.value) == ERR_ALREADY_ENROLLED % {"deputy": deputy, "course": course.title}
    course.refresh_from_db()
    assert course.enrolled_count == 1


def test_a_full_course_refuses_the_next_deputy():
    course = CourseFactory(capacity=1)
    first, second = DeputyWithUserFactory(), DeputyWithUserFactory()
    course_enrol(course=course, deputy=first, actor=first.user, now=NOW)
    with pytest.raises(TrainingError, match="名额已满"):
        course_enrol(course=course, deputy=second, actor=second.user, now=NOW)
    assert ERR_FULL.startswith("“")
    assert Enrollment.objects.filter(course=course).count() == 1


def test_the_database_refuses_a_counter_past_capacity():
    from django.db import IntegrityError

    course = CourseFactory(capacity=1)
    Course.objects.filter(pk=course.pk).update(enrolled_count=1)
    with pytest.raises(IntegrityError):
        Course.objects.filter(pk=course.pk).update(enrolled_count=2)


def test_unpublished_and_closed_courses_refuse_the_deputy_but_not_staff(staff):
    deputy = DeputyWithUserFactory()
    hidden = CourseFactory(is_published=False)
    closed = CourseFactory(enrol_until=datetime.date(2026, 5, 1))
    with pytest.raises(TrainingError, match="尚未发布"):
        course_enrol(course=hidden, deputy=deputy, actor=deputy.user, now=NOW)
    with pytest.raises(TrainingError, match="报名已于"):
        course_enrol(course=closed, deputy=deputy, actor=deputy.user, now=NOW)
    assert "%(date)s" in ERR_ENROLMENT_CLOSED and "%(course)s" in ERR_NOT_PUBLISHED
    assert course_enrol(course=hidden, deputy=deputy, actor=staff, now=NOW).source == "staff"


def test_a_deputy_cannot_enrol_another():
    deputy, other = DeputyWithUserFactory(), DeputyWithUserFactory()
    with pytest.raises(TrainingError) as exc:
        course_enrol(course=CourseFactory(), deputy=other, actor=deputy.user, now=NOW)
    assert str(exc.value) == ERR_NOT_YOURS
    assert not Enrollment.objects.exists()


def test_withdrawing_frees_the_seat_until_a_session_is_attended(staff, rules):
    deputy = DeputyWithUserFactory()
    course = CourseFactory(capacity=3)
    session = CourseSessionFactory(course=course, date=datetime.date(2026, 5, 20))
    enrollment = course_enrol(course=course, deputy=deputy, actor=deputy.user, now=NOW)
    course_withdraw(enrollment=enrollment, actor=deputy.user)
    course.refresh_from_db()
    assert course.enrolled_count == 0
    enrollment = course_enrol(course=course, deputy=deputy, actor=deputy.user, now=NOW)
    attendance_set(session=session, deputies=[deputy], actor=staff, today=TODAY, now=NOW)
    with pytest.raises(TrainingError) as exc:
        course_withdraw(enrollment=enrollment, actor=deputy.user)
    assert str(exc.value) == ERR_HAS_ATTENDANCE
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


def test_attending_every_session_completes_and_credits_b05_once(staff, rules):
    deputy = DeputyWithUserFactory()
    course = CourseFactory()
    first = CourseSessionFactory(course=course, date=datetime.date(2026, 5, 10))
    second = CourseSessionFactory(
        course=course, date=datetime.date(2026, 5, 17), hours=Decimal("2.5")
    )
    enrollment = course_enrol(course=course, deputy=deputy, actor=staff, now=NOW)
    attendance_set(session=first, deputies=[deputy], actor=staff, today=TODAY, now=NOW)
    enrollment.refresh_from_db()
    assert enrollment.completed_on is None
    assert not _b05(deputy).exists()
    attendance_set(session=second, deputies=[deputy], actor=staff, today=TODAY, now=NOW)
    enrollment.refresh_from_db()
    assert enrollment.completed_on == datetime.date(2026, 5, 17)
    entry = _b05(deputy).get()
    assert (
        entry.source_kind == SourceKind.AUTOMATIC and entry.occurred_on == enrollment.completed_on
    )
    assert course.title in entry.title
    # Marking the same again, or refreshing, never credits twice.
    attendance_set(session=second, deputies=[deputy], actor=staff, today=TODAY, now=NOW)
    completion_refresh(enrollments=[enrollment], today=TODAY)
    assert _b05(deputy).count() == 1


def test_taking_an_attendance_back_withdraws_the_credit(staff, rules):
    deputy = DeputyWithUserFactory()
    session = CourseSessionFactory(date=datetime.date(2026, 5, 10))
    enrollment = course_enrol(course=session.course, deputy=deputy, actor=staff, now=NOW)
    attendance_set(session=session, deputies=[deputy], actor=staff, today=TODAY, now=NOW)
    assert _b05(deputy).count() == 1
    attendance_set(session=session, deputies=[], actor=staff, today=TODAY, now=NOW)
    enrollment.refresh_from_db()
    assert enrollment.completed_on is None
    assert not _b05(deputy).exists()


def test_a_course_with_a_quiz_completes_only_once_it_is_passed(staff, rules):
    deputy = DeputyWithUserFactory()
    session = CourseSessionFactory(date=datetime.date(2026, 5, 10))
    quiz = QuizFactory(course=session.course)
    enrollment = course_enrol(course=session.course, deputy=deputy, actor=staff, now=NOW)
    attendance_set(session=session, deputies=[deputy], actor=staff, today=TODAY, now=NOW)
    assert not _b05(deputy).exists()
    QuizAttempt.objects.create(
        quiz=quiz, enrollment=enrollment, number=1, score=80, passed=True, submitted_at=NOW
    )
    completion_refresh(enrollments=[enrollment], today=TODAY)
    enrollment.refresh_from_db()
    assert enrollment.completed_on == datetime.date(2026, 6, 1)
    assert _b05(deputy).get().occurred_on == datetime.date(2026, 6, 1)


def test_attendance_is_staff_work_on_or_after_the_day_for_enrolled_deputies(staff, rules):
    deputy = DeputyWithUserFactory()
    stranger = DeputyWithUserFactory()
    session = CourseSessionFactory(date=datetime.date(2026, 6, 5))
    course_enrol(course=session.course, deputy=deputy, actor=staff, now=NOW)
    with pytest.raises(TrainingError) as exc:
        attendance_set(session=session, deputies=[deputy], actor=deputy.user, today=TODAY)
    assert str(exc.value) == ERR_STAFF_ONLY
    with pytest.raises(TrainingError, match="还没到"):
        attendance_set(session=session, deputies=[deputy], actor=staff, today=TODAY)
    assert "%(date)s" in ERR_SESSION_NOT_YET
    later = datetime.date(2026, 6, 5)
    with pytest.raises(TrainingError, match="未报名"):
        attendance_set(session=session, deputies=[deputy, stranger], actor=staff, today=later)
    assert "%(deputy)s" in ERR_NOT_ENROLLED
    assert not session.attendances.exists()
