"""A course's page for the deputy (issue #8): the course, the deputy's enrolment, the sessions
with what they attended, the groups it is meant for and why it is recommended, in the same
queries whatever else the district holds; a course they may not open is a 404."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.deputies.factories import DeputyWithUserFactory, ProfessionalGroupFactory
from tests.training.factories import (
    AttendanceFactory,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    GapRuleFactory,
    QuizFactory,
    TopicFactory,
)
from training.selectors_courses import course_page

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _grow(n):
    for _ in range(n):
        other = DeputyWithUserFactory()
        course = CourseFactory()
        session = CourseSessionFactory(course=course, date=TODAY + datetime.timedelta(days=9))
        enrolment = EnrollmentFactory(course=course, deputy=other)
        AttendanceFactory(enrollment=enrolment, session=session)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len([q for q in ctx if "SAVEPOINT" not in q["sql"]])


def test_the_course_page_shows_its_rows_in_the_same_queries_at_two_sizes(client):
    group = ProfessionalGroupFactory(name="法治专业代表小组")
    deputy = DeputyWithUserFactory(group=group)
    writing = TopicFactory(name="建议撰写")
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason="今年还没有提出建议")
    course = CourseFactory(title="建议撰写实务", topic=writing)
    course.groups.add(group)
    first = CourseSessionFactory(course=course, date=TODAY - datetime.timedelta(days=2))
    CourseSessionFactory(course=course, date=TODAY + datetime.timedelta(days=5))
    QuizFactory(course=course, is_active=True)
    client.force_login(deputy.user)
    url = reverse("training:course", args=[course.pk])
    client.get(url)  # the per-process memos filled
    html, small = _queries(client, url)
    assert "建议撰写实务" in html and "法治专业代表小组" in html
    assert "今年还没有提出建议" in html  # why it is recommended
    _grow(6)
    enrolment = EnrollmentFactory(course=course, deputy=deputy)
    AttendanceFactory(enrollment=enrolment, session=first)
    html, large = _queries(client, url)
    assert large == small
    assert "今年还没有提出建议" not in html  # enrolled: no longer recommended
    page = course_page(deputy, course.pk, today=TODAY)
    assert page.enrollment.pk == enrolment.pk and page.enrollment.sessions_attended == 1
    assert [s.attended for s in page.sessions] == [True, False]
    assert [g.pk for g in page.groups] == [group.pk]
    assert page.course.topic.name == "建议撰写" and page.course.quiz.is_active


def test_a_course_the_deputy_may_not_open_is_none():
    deputy = DeputyWithUserFactory()
    hidden = CourseFactory(is_published=False)
    assert course_page(deputy, hidden.pk, today=TODAY) is None
    assert course_page(deputy, hidden.pk + 1000, today=TODAY) is None
    EnrollmentFactory(course=hidden, deputy=deputy)
    assert course_page(deputy, hidden.pk, today=TODAY).course.pk == hidden.pk
    assert not hasattr(CourseFactory(), "quiz")
