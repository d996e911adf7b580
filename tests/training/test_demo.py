"""The training demo: courses of every track, format and target tier around any day, a full
small course, a course on the year's supervision menu, attendance, quizzes and attempts through
the services, an open needs survey with answers, and the demo deputy d001's state (a course
recommended, one in progress with a quiz to take, one completed with B05 once); a second run
adds nothing."""

import datetime

import pytest
import time_machine

from core.demo import DemoContext, run_demo_seeders
from core.models import AuditEvent
from deputies import demo as deputies_demo
from deputies.models import Deputy
from performance.models import LedgerEntry
from tests.performance.factories import SupervisionTopicFactory, rule_set
from training import demo as training_demo
from training.models import (
    Attendance,
    Course,
    CourseSession,
    Enrollment,
    Format,
    GapRule,
    Question,
    QuestionKind,
    QuizAttempt,
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestionKind,
    SurveyResponse,
    Topic,
    Track,
)
from training.selectors_recommend import recommended_courses

pytestmark = pytest.mark.django_db
MODELS = [
    Topic, GapRule, Course, CourseSession, Enrollment, Attendance, Question, QuizAttempt,
    Survey, SurveyOption, SurveyResponse, SurveyAnswer,
]  # fmt: skip


def _at_noon(today):
    return time_machine.travel(
        datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC), tick=False
    )


def _snapshot():
    return (
        {m.__name__: m.objects.count() for m in MODELS},
        sorted(Course.objects.values_list("title", "enrolled_count")),
        sorted(Enrollment.objects.values_list("course__title", "deputy__code", "completed_on")),
        LedgerEntry.objects.filter(rule__code="B05", source_type__app_label="training").count(),
        AuditEvent.objects.filter(action__startswith="training.").count(),
    )


def _b05(deputy=None):
    entries = LedgerEntry.objects.filter(rule__code="B05", source_type__app_label="training")
    return entries.filter(deputy=deputy) if deputy else entries


def _check_catalogue(today):
    courses = Course.objects.filter(year=today.year)
    assert set(courses.values_list("track", flat=True)) == set(Track.values)
    assert set(courses.values_list("format", flat=True)) == set(Format.values)
    assert courses.filter(for_new=True).exists() and courses.filter(for_reelected=True).exists()
    assert courses.filter(groups__isnull=False).exists()
    assert courses.exclude(specialty_keywords="").exists()
    full = [c for c in courses if c.capacity and c.capacity <= 10]
    assert full and all(c.is_full for c in full)
    for course in courses:
        assert course.enrolled_count == course.enrollments.count()
    sessions = CourseSession.objects.filter(course__year=today.year)
    # held ones (on 1 January: that day) and coming ones (on 31 December: that day)
    assert sessions.filter(date__lt=today).exists() or today == datetime.date(today.year, 1, 1)
    assert sessions.filter(date__gt=today).exists() or today == datetime.date(today.year, 12, 31)
    assert not sessions.filter(date__lt=datetime.date(today.year, 1, 1)).exists()
    assert not sessions.filter(date__gt=datetime.date(today.year, 12, 31)).exists()
    # attendance only for sessions held, and completion (B05) followed it
    assert Attendance.objects.exists()
    assert not Attendance.objects.filter(session__date__gt=today).exists()
    completed = Enrollment.objects.filter(completed_on__isnull=False)
    assert completed.count() == _b05().count() > 0
    # quizzes of both kinds, attempts passed and failed
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == {QuestionKind.SINGLE, QuestionKind.MULTIPLE}
    assert QuizAttempt.objects.filter(passed=True).exists()
    assert QuizAttempt.objects.filter(passed=False).exists()


def _check_survey(today, d001):
    survey = Survey.objects.get()
    assert survey.is_open(today)
    kinds = set(survey.questions.values_list("kind", flat=True))
    assert kinds == set(SurveyQuestionKind.values)
    assert SurveyOption.objects.filter(question__survey=survey, topic__isnull=False).exists()
    assert survey.responses.count() >= 10
    assert survey.responses.filter(deputy=d001).exists()
    single = SurveyAnswer.objects.filter(question__kind=SurveyQuestionKind.SINGLE)
    assert all(a.options.count() == 1 for a in single)


def _check_d001(today):
    d001 = Deputy.objects.get(code="D001")
    assert d001.is_new
    enrollments = {e.course.title: e for e in Enrollment.objects.filter(deputy=d001)}
    assert len(enrollments) == 2
    done = [e for e in enrollments.values() if e.completed_on]
    going = [e for e in enrollments.values() if not e.completed_on]
    assert len(done) == 1 and len(going) == 1
    # completed: B05 once, for that course, dated the day it was completed
    [entry] = _b05(d001)
    assert entry.source_id == done[0].course_id and entry.occurred_on == done[0].completed_on
    # in progress: a quiz still to take (active, not passed, attempts left)
    quiz = going[0].course.quiz
    assert quiz.is_active and quiz.questions.exists()
    assert not going[0].attempts.filter(passed=True).exists()
    assert going[0].attempts.count() < quiz.max_attempts
    assert going[0].course.deadline >= today
    # recommended: the basics course for new deputies, open and not enrolled
    basics = Course.objects.get(year=today.year, title="新任代表履职基础必修课")
    assert basics.is_published and not basics.enrollments.filter(deputy=d001).exists()
    assert basics.sessions.filter(date__gte=today).exists()
    recommended = recommended_courses(d001, today=today)
    assert basics.pk in {r.course.pk for r in recommended}
    return d001


def test_the_whole_demo_seeds_training_after_the_ledger_and_twice_adds_nothing():
    """Apps seed in INSTALLED_APPS order: the year's rules and supervision menu exist when the
    training hook runs, so B05 is credited and the seminar is on the menu."""
    today = datetime.date(2026, 6, 15)
    with _at_noon(today):
        context = DemoContext(today=today)
        run_demo_seeders(context)
        first = _snapshot()
        training_demo.seed(context)
    assert _snapshot() == first
    _check_catalogue(today)
    d001 = _check_d001(today)
    _check_survey(today, d001)
    seminar = Course.objects.get(format=Format.SEMINAR)
    assert seminar.supervision_topic is not None and seminar.supervision_topic.year == 2026
    assert "预算" in seminar.supervision_topic.title


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 1, 1), datetime.date(2026, 3, 10), datetime.date(2026, 12, 31)],
)
def test_the_training_demo_on_any_day_and_twice(today):
    with _at_noon(today):
        context = DemoContext(today=today)
        deputies_demo.seed(context)
        rule_set(today.year)
        SupervisionTopicFactory(year=today.year, title="街道财政预算执行监督")
        training_demo.seed(context)
        first = _snapshot()
        training_demo.seed(context)
        assert _snapshot() == first
    _check_catalogue(today)
    d001 = _check_d001(today)
    _check_survey(today, d001)
    assert Course.objects.get(format=Format.SEMINAR).supervision_topic is not None


def test_without_the_years_rules_the_demo_still_runs_and_credits_nothing():
    today = datetime.date(2026, 6, 15)
    with _at_noon(today):
        context = DemoContext(today=today)
        deputies_demo.seed(context)
        training_demo.seed(context)
    assert Enrollment.objects.filter(completed_on__isnull=False).exists()
    assert not _b05().exists()
    assert Course.objects.get(format=Format.SEMINAR).supervision_topic is None


def test_no_deputies_no_courses_but_the_defaults():
    training_demo.seed(DemoContext(today=datetime.date(2026, 6, 15)))
    assert Topic.objects.exists() and GapRule.objects.exists()
    assert not Course.objects.exists() and not Survey.objects.exists()
