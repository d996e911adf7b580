"""The deputy's 我的培训 page and a course's page: who may see what, enrolment from the page,
the dashboard card and the menu entry, and a cost that stays flat as courses grow."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import StaffUserFactory, UnitUserFactory
from tests.deputies.factories import DeputyWithUserFactory
from tests.training.factories import (
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    QuizFactory,
)
from training.models import Enrollment
from training.services.enrolment import course_enrol

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)
FUTURE = datetime.date(2026, 6, 20)


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _login(client, user):
    client.force_login(user)
    return client


def test_anonymous_users_go_to_login_and_other_roles_are_refused(client):
    course = CourseFactory()
    for name, args in (("training:home", []), ("training:course", [course.pk])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/login" in response["Location"]
    for user in (StaffUserFactory(), UnitUserFactory()):
        _login(client, user)
        assert client.get(reverse("training:home")).status_code == 403
        assert client.post(reverse("training:enrol", args=[course.pk])).status_code == 403
    assert not Enrollment.objects.exists()


def test_home_lists_my_courses_and_open_ones(client):
    deputy = DeputyWithUserFactory()
    mine = CourseFactory(title="我在学的课")
    CourseSessionFactory(course=mine, date=FUTURE)
    EnrollmentFactory(course=mine, deputy=deputy)
    open_course = CourseFactory(title="可以报名的课")
    CourseSessionFactory(course=open_course, date=FUTURE)
    CourseFactory(title="还没发布的课", is_published=False)
    past = CourseFactory(title="已经结束的课")
    CourseSessionFactory(course=past, date=datetime.date(2026, 3, 1))
    html = _login(client, deputy.user).get(reverse("training:home")).content.decode()
    assert "我在学的课" in html and "可以报名的课" in html
    assert "还没发布的课" not in html and "已经结束的课" not in html


@pytest.mark.parametrize("page", ["abc", "999", "-1", "0"])
def test_odd_page_numbers_show_a_normal_page(client, page):
    deputy = DeputyWithUserFactory()
    response = _login(client, deputy.user).get(reverse("training:home"), {"page": page})
    assert response.status_code == 200


def test_a_deputy_enrols_from_the_course_page_and_may_withdraw(client):
    deputy = DeputyWithUserFactory()
    course = CourseFactory(capacity=3)
    CourseSessionFactory(course=course, date=FUTURE)
    _login(client, deputy.user)
    page = client.get(reverse("training:course", args=[course.pk])).content.decode()
    assert reverse("training:enrol", args=[course.pk]) in page
    response = client.post(reverse("training:enrol", args=[course.pk]), follow=True)
    assert "已报名" in response.content.decode()
    assert Enrollment.objects.filter(course=course, deputy=deputy).count() == 1
    client.post(reverse("training:withdraw", args=[course.pk]))
    assert not Enrollment.objects.filter(course=course, deputy=deputy).exists()
    course.refresh_from_db()
    assert course.enrolled_count == 0


def test_a_full_course_says_so_and_enrols_nobody(client):
    course = CourseFactory(capacity=1)
    first, second = DeputyWithUserFactory(), DeputyWithUserFactory()
    course_enrol(course=course, deputy=first, actor=first.user)
    _login(client, second.user)
    assert "名额已满" in client.get(reverse("training:course", args=[course.pk])).content.decode()
    response = client.post(reverse("training:enrol", args=[course.pk]), follow=True)
    assert "名额已满" in response.content.decode()
    assert not Enrollment.objects.filter(deputy=second).exists()


def test_unpublished_courses_are_hidden_unless_enrolled(client):
    deputy, other = DeputyWithUserFactory(), DeputyWithUserFactory()
    hidden = CourseFactory(is_published=False)
    EnrollmentFactory(course=hidden, deputy=other)
    _login(client, deputy.user)
    assert client.get(reverse("training:course", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("training:enrol", args=[hidden.pk])).status_code == 404
    _login(client, other.user)
    assert client.get(reverse("training:course", args=[hidden.pk])).status_code == 200


def test_withdrawing_someone_elses_enrolment_is_a_404(client):
    deputy, other = DeputyWithUserFactory(), DeputyWithUserFactory()
    theirs = EnrollmentFactory(deputy=other)
    _login(client, deputy.user)
    assert client.post(reverse("training:withdraw", args=[theirs.course_id])).status_code == 404
    assert client.get(reverse("training:enrol", args=[theirs.course_id])).status_code == 405
    assert Enrollment.objects.filter(pk=theirs.pk).exists()


def test_the_course_page_offers_the_quiz_to_an_enrolled_deputy(client):
    deputy = DeputyWithUserFactory()
    course = CourseFactory()
    QuizFactory(course=course)
    EnrollmentFactory(course=course, deputy=deputy)
    page = _login(client, deputy.user).get(reverse("training:course", args=[course.pk]))
    assert reverse("training:quiz", args=[course.pk]) in page.content.decode()


def test_the_dashboard_card_and_the_menu_entry(client):
    deputy = DeputyWithUserFactory()
    course = CourseFactory(title="下周的课")
    CourseSessionFactory(course=course, date=FUTURE)
    EnrollmentFactory(course=course, deputy=deputy)
    html = _login(client, deputy.user).get(reverse("deputies:dashboard")).content.decode()
    assert 'id="panel-training"' in html and "下周的课" in html
    assert reverse("training:home") in html


def _home_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("training:home")).status_code == 200
    return len(ctx)


def test_the_home_page_costs_the_same_with_more_courses(client):
    deputy = DeputyWithUserFactory()
    _login(client, deputy.user)

    def grow(n):
        for _ in range(n):
            course = CourseFactory(for_new=True)
            CourseSessionFactory(course=course, date=FUTURE)
            mine = CourseFactory()
            CourseSessionFactory(course=mine, date=FUTURE)
            EnrollmentFactory(course=mine, deputy=deputy)

    grow(7)  # more than the recommendations shown, so the open list has rows at both sizes
    _home_queries(client)  # warm per-process caches
    small = _home_queries(client)
    grow(12)
    assert _home_queries(client) == small
