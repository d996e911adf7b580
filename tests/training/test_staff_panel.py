"""The staff desk's training cards and the course list filters they link to."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.deputies.factories import DeputyFactory
from tests.training.factories import (
    AttendanceFactory,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    SurveyFactory,
)
from training.models import Course

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 10)


@pytest.fixture(autouse=True)
def _pinned():
    moment = datetime.datetime(2026, 6, 10, 2, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        yield


def _enrolled(course):
    EnrollmentFactory(course=course, deputy=DeputyFactory())
    Course.objects.filter(pk=course.pk).update(enrolled_count=1)


def _items(client):
    panels = client.get(reverse("admin:index")).context["panels"]
    return {
        item.label: item
        for _template, context in panels
        if "items" in context
        for item in context["items"]
    }


def test_unmarked_and_coming_sessions_count_and_link_to_their_courses(staff_client):
    unmarked_a = CourseFactory(title="待登记甲")
    unmarked_b = CourseFactory(title="待登记乙")
    marked = CourseFactory(title="已登记")
    coming = CourseFactory(title="下周开课")
    for course in (unmarked_a, unmarked_b, marked):
        _enrolled(course)
        CourseSessionFactory(course=course, date=TODAY - datetime.timedelta(days=3))
    AttendanceFactory(enrollment=marked.enrollments.get(), session=marked.sessions.get())
    CourseSessionFactory(course=coming, date=TODAY + datetime.timedelta(days=5))
    CourseSessionFactory(course=CourseFactory(title="太久以前"), date=datetime.date(2026, 1, 5))

    items = _items(staff_client)
    unmarked_card, coming_card = items["课次待登记出勤"], items["未来 7 天课次"]
    assert (unmarked_card.count, coming_card.count) == (2, 1)
    listed = staff_client.get(unmarked_card.url).context["cl"].queryset
    assert {c.title for c in listed} == {"待登记甲", "待登记乙"}
    listed = staff_client.get(coming_card.url).context["cl"].queryset
    assert {c.title for c in listed} == {"下周开课"}


def test_one_unmarked_session_links_straight_to_its_sheet(staff_client):
    course = CourseFactory()
    _enrolled(course)
    session = CourseSessionFactory(course=course, date=TODAY)
    card = _items(staff_client)["课次待登记出勤"]
    assert card.url == reverse("training:attendance", args=[session.pk])


def test_an_open_survey_shows_its_answers_over_serving_deputies(staff_client):
    DeputyFactory()
    DeputyFactory()
    survey = SurveyFactory(title="年度培训需求")
    card = _items(staff_client)["需求调查已答"]
    assert card.text == "0/2" and card.hint == "年度培训需求"
    assert card.url == reverse("training:survey_summary", args=[survey.pk])


def test_an_unknown_sessions_filter_value_lists_everything(staff_client):
    CourseFactory()
    url = reverse("admin:training_course_changelist")
    assert staff_client.get(url, {"sessions": "nonsense"}).status_code == 200
