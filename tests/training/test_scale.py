"""generate_scale_data's training hook: a small run fills every training table with rows the
services could have written (seats, attendance, attempts and completion consistent), no B05
of its own, and the same data for the same seed."""

import datetime
from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Count, Min

from performance.models import LedgerEntry
from tests.core.scale_pages import grow
from training.models import (
    Attendance,
    Course,
    CourseSession,
    Enrollment,
    Format,
    QuestionKind,
    Quiz,
    QuizAttempt,
    Survey,
    SurveyAnswer,
    SurveyQuestionKind,
    SurveyResponse,
    Track,
)
from training.services.completion import _completion_days
from training.services.quizzes import quiz_questions, score_of

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


def _run(today=TODAY, seed=7):
    return grow(deputies=12, entries_per_deputy=2, suggestions=12, today=today, seed=seed)


def _in_office(window, day):
    first, last = window
    return first <= day and (last is None or last >= day)


def test_every_year_has_every_track_and_format_and_consistent_seats():
    context = _run()
    for year in context.years:
        courses = Course.objects.filter(year=year)
        assert courses.count() >= 8
        assert set(courses.values_list("track", flat=True)) == set(Track.values)
        assert set(courses.values_list("format", flat=True)) == set(Format.values)
        assert any(c.is_full for c in courses), year  # one course a year exactly full
    for course in Course.objects.annotate(n=Count("enrollments")):
        assert course.enrolled_count == course.n
        assert course.capacity is None or course.n <= course.capacity
        assert course.is_published or course.n == 0
        days = list(course.sessions.values_list("date", flat=True))
        assert days and all(day.year == course.year for day in days)
    assert Quiz.objects.exists() and Enrollment.objects.exists()
    # the pages have past and coming sessions of the current year to show
    this_year = CourseSession.objects.filter(course__year=TODAY.year)
    assert this_year.filter(date__lt=TODAY).exists() and this_year.filter(date__gt=TODAY).exists()


def test_enrolment_and_attendance_hold_while_the_deputy_was_in_office():
    context = _run()
    windows = context.data["deputy_windows"]
    first_days = {
        row["course_id"]: row["first"]
        for row in CourseSession.objects.values("course_id").annotate(first=Min("date"))
    }
    for e in Enrollment.objects.all():
        assert _in_office(windows[e.deputy_id], first_days[e.course_id])
    attendance = Attendance.objects.select_related("session", "enrollment")
    assert attendance.exists()
    for a in attendance:
        assert a.session.course_id == a.enrollment.course_id
        assert a.session.date < TODAY
        assert a.hours == a.session.hours
        assert _in_office(windows[a.enrollment.deputy_id], a.session.date)


def test_attempts_and_completion_follow_the_services_rules():
    _run()
    attempts = defaultdict(list)
    for attempt in QuizAttempt.objects.select_related("quiz__course").order_by("number"):
        attempts[attempt.enrollment_id].append(attempt)
    assert attempts
    questions = {q.pk: quiz_questions(q) for q in Quiz.objects.all()}
    for tries in attempts.values():
        quiz = tries[0].quiz
        assert [t.number for t in tries] == list(range(1, len(tries) + 1))
        assert len(tries) <= quiz.max_attempts
        assert all(not t.passed for t in tries[:-1])  # nobody tries again after a pass
        for t in tries:
            picked = {int(k): set(v) for k, v in t.answers.items()}
            assert t.score == score_of(questions=questions[quiz.pk], picked=picked)
            assert t.passed == (t.score >= quiz.pass_mark)
            assert t.submitted_at.date() <= quiz.course.deadline
    for question in (q for qs in questions.values() for q in qs):
        right = sum(c.is_correct for c in question.choices.all())
        assert right == (1 if question.kind == QuestionKind.SINGLE else 2)
    # completed_on is what the completion service would decide, day included
    enrollments = list(Enrollment.objects.all())
    assert _completion_days(enrollments) == {e.pk: e.completed_on for e in enrollments}
    assert any(e.completed_on for e in enrollments)
    # the hook credits nothing: the performance hook's draws hold the scale ledger's B05
    assert not LedgerEntry.objects.filter(source_type__app_label="training").exists()


def test_one_survey_a_year_answered_by_deputies_then_in_office():
    context = _run()
    windows = context.data["deputy_windows"]
    surveys = Survey.objects.order_by("opens_on")
    assert [s.opens_on.year for s in surveys] == context.years
    assert surveys.last().is_open(TODAY)
    responses = SurveyResponse.objects.select_related("survey")
    assert responses.exists()
    for r in responses:
        day = r.submitted_at.date()
        assert r.survey.opens_on <= day <= min(r.survey.closes_on, TODAY)
        assert _in_office(windows[r.deputy_id], day)
    answers = SurveyAnswer.objects.select_related("question").annotate(n=Count("options"))
    for answer in answers:
        if answer.question.kind == SurveyQuestionKind.SINGLE:
            assert answer.n == 1
        elif answer.question.kind == SurveyQuestionKind.MULTIPLE:
            assert 1 <= answer.n <= 3
        else:
            assert answer.n == 0 and answer.text
    assert answers.filter(question__kind=SurveyQuestionKind.TEXT).exists()


def test_early_january_keeps_every_row_inside_the_year():
    today = datetime.date(2026, 1, 2)
    _run(today=today)
    assert not Attendance.objects.filter(session__date__gte=today).exists()
    assert not Course.objects.filter(year__gt=2026).exists()
    assert Survey.objects.get(opens_on__year=2026).opens_on == datetime.date(2026, 1, 1)


class _Rollback(Exception):
    pass


def _snapshot(seed):
    try:
        with transaction.atomic():
            _run(seed=seed)
            data = {
                "courses": sorted(
                    Course.objects.values_list("year", "title", "capacity", "enrolled_count")
                ),
                "sessions": sorted(CourseSession.objects.values_list("course__title", "date")),
                # Course titles repeat from year to year: the year makes the order total.
                "enrolled": list(
                    Enrollment.objects.order_by(
                        "course__year", "course__title", "deputy__code"
                    ).values_list("course__year", "course__title", "deputy__code", "completed_on")
                ),
                "attended": Attendance.objects.count(),
                "attempts": sorted(
                    QuizAttempt.objects.values_list("enrollment__deputy__code", "number", "score")
                ),
                "responses": sorted(
                    SurveyResponse.objects.values_list("deputy__code", "survey__title")
                ),
            }
            raise _Rollback
    except _Rollback:
        pass
    assert not Course.objects.exists()
    return data


def test_the_same_seed_gives_the_same_data():
    first, second = _snapshot(5), _snapshot(5)
    assert first["enrolled"] and first["attempts"]
    assert first == second
    assert _snapshot(6)["enrolled"] != first["enrolled"]
