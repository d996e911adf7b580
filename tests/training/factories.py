"""Factories of the training app's rows, shared by every training test module. Dates sit in
2026, inside the test term (2022–2026); tests pass ``today``/``now`` explicitly."""

import datetime
from decimal import Decimal

import factory

from tests.deputies.factories import DeputyFactory
from training.models import (
    Attendance,
    Choice,
    Course,
    CourseSession,
    Enrollment,
    Format,
    GapRule,
    Question,
    QuestionKind,
    Quiz,
    Source,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyQuestionKind,
    Topic,
    Track,
)

YEAR = 2026
NOW = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"培训专题{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"测试课程{n}")
    year = YEAR
    track = Track.BASICS
    format = Format.LECTURE
    is_published = True


class CourseSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSession

    course = factory.SubFactory(CourseFactory)
    date = factory.Sequence(lambda n: datetime.date(2026, 5, 1) + datetime.timedelta(days=n))
    hours = Decimal("3")
    place = "街道人大工委会议室"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """Enrolled directly (no seat counted): use ``course_enrol`` where capacity matters."""

    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    deputy = factory.SubFactory(DeputyFactory)
    source = Source.STAFF
    enrolled_at = NOW


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    enrollment = factory.SubFactory(EnrollmentFactory)
    session = factory.SubFactory(
        CourseSessionFactory, course=factory.SelfAttribute("..enrollment.course")
    )
    hours = factory.LazyAttribute(lambda o: o.session.hours)
    source = Source.STAFF
    recorded_at = NOW


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    course = factory.SubFactory(CourseFactory)
    pass_mark = 60
    max_attempts = 2


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    quiz = factory.SubFactory(QuizFactory)
    text = factory.Sequence(lambda n: f"测试题{n}")
    kind = QuestionKind.SINGLE


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"选项{n}")
    is_correct = False


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"培训需求调查{n}")
    opens_on = datetime.date(2026, 3, 1)
    closes_on = datetime.date(2026, 12, 31)
    is_published = True


class SurveyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory(SurveyFactory)
    text = factory.Sequence(lambda n: f"调查问题{n}")
    kind = SurveyQuestionKind.SINGLE


class SurveyOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyOption

    question = factory.SubFactory(SurveyQuestionFactory)
    text = factory.Sequence(lambda n: f"调查选项{n}")


class GapRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GapRule

    topic = factory.SubFactory(TopicFactory)
    rule_code = "B03"
    min_count = 1
    reason = "今年还没有进站接待选民"
