"""The session's attendance sheet (training:attendance): staff only, every enrolled deputy with
a box, saved through ``attendance_set`` (completion and B05 once per course), the service's
refusal shown, a fixed number of queries whatever the roster, odd input never a 500."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from performance.models import LedgerEntry
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import rule_set
from tests.training.factories import (
    NOW,
    AttendanceFactory,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
)
from training.models import Attendance, Enrollment
from training.services.enrolment import ERR_SESSION_NOT_YET, course_enrol
from training.views.attendance import MSG_SAVED, MSG_UNCHANGED

pytestmark = pytest.mark.django_db
PAST = datetime.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def pinned():
    """The view asks ``clock.today()`` whether the session has come: 2026-06-01 here."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rules():
    return rule_set(2026)


def _url(session) -> str:
    return reverse("training:attendance", args=[session.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _b05(deputy):
    return LedgerEntry.objects.filter(deputy=deputy, rule__code="B05")


def _enrolled(course, n):
    staff = StaffUserFactory()
    return [
        course_enrol(course=course, deputy=d, actor=staff, now=NOW).deputy
        for d in DeputyFactory.create_batch(n)
    ]


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(_url(CourseSessionFactory(date=PAST)))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("who", ["deputy_client", "unit_user", "plain_user"])
def test_other_roles_get_a_403(client, request, who):
    session = CourseSessionFactory(date=PAST)
    if who == "deputy_client":
        user_client = request.getfixturevalue(who)
        EnrollmentFactory(course=session.course, deputy=request.getfixturevalue("deputy"))
    else:
        client.force_login(request.getfixturevalue(who))
        user_client = client
    assert user_client.get(_url(session)).status_code == 403
    assert user_client.post(_url(session), {"everyone": "1"}).status_code == 403
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999"])
def test_an_unknown_session_is_a_404(staff_client, pk):
    assert staff_client.get(f"/training/sessions/{pk}/attendance/").status_code == 404


def test_the_sheet_lists_the_courses_enrolled_deputies_ticked_when_present(staff_client):
    session = CourseSessionFactory(date=PAST, hours=Decimal("2.5"), place="街道党群服务中心")
    present, absent = EnrollmentFactory.create_batch(2, course=session.course)
    AttendanceFactory(enrollment=present, session=session)
    elsewhere = EnrollmentFactory()  # another course's deputy
    page = staff_client.get(_url(session)).content.decode()
    assert f'value="{present.deputy_id}" checked' in page
    assert f'value="{absent.deputy_id}">' in page
    assert elsewhere.deputy.name not in page
    assert "2.5 学时" in page and "街道党群服务中心" in page
    assert "出勤 1 / 报名 2 人" in page


def test_the_sheet_reads_a_fixed_number_of_queries(
    staff_client, django_assert_num_queries, django_assert_max_num_queries
):
    course = CourseFactory()
    session = CourseSessionFactory(course=course, date=PAST)
    CourseSessionFactory(course=course, date=datetime.date(2026, 5, 27))

    def grow(n):
        for e in EnrollmentFactory.create_batch(n, course=course):
            AttendanceFactory(enrollment=e, session=session)

    grow(1)
    staff_client.get(_url(session))  # warm the role cache and the session
    with django_assert_max_num_queries(8) as small:
        staff_client.get(_url(session))
    grow(9)
    with django_assert_num_queries(len(small.captured_queries)):
        page = staff_client.get(_url(session)).content.decode()
    assert page.count('name="deputies"') == 10


def test_marking_completes_the_course_and_credits_b05_once(staff_client, rules):
    course = CourseFactory(title="代表履职基础")
    session = CourseSessionFactory(course=course, date=PAST)
    first, second = _enrolled(course, 2)
    response = staff_client.post(_url(session), {"deputies": [first.pk, second.pk]})
    assert response.status_code == 302 and response["Location"] == _url(session)
    assert MSG_SAVED % {"date": "2026-05-20", "added": 2, "removed": 0} in _messages(response)
    assert Enrollment.objects.filter(course=course, completed_on=PAST).count() == 2
    assert _b05(first).count() == 1 and _b05(second).count() == 1
    again = staff_client.post(_url(session), {"deputies": [first.pk, second.pk]})
    assert MSG_UNCHANGED in _messages(again)
    assert _b05(first).count() == 1
    taken_back = staff_client.post(_url(session), {"deputies": [first.pk]})
    assert MSG_SAVED % {"date": "2026-05-20", "added": 0, "removed": 1} in _messages(taken_back)
    assert not _b05(second).exists() and _b05(first).count() == 1
    assert set(session.attendances.values_list("enrollment__deputy", flat=True)) == {first.pk}


def test_everyone_marks_the_whole_roster(staff_client, rules):
    session = CourseSessionFactory(date=PAST, hours=Decimal("4"))
    deputies = _enrolled(session.course, 3)
    staff_client.post(_url(session), {"everyone": "1"})
    assert session.attendances.count() == 3
    assert set(session.attendances.values_list("hours", flat=True)) == {Decimal("4")}
    assert "4 学时" in staff_client.get(_url(session)).content.decode()
    assert all(_b05(d).count() == 1 for d in deputies)


def test_a_future_session_shows_the_services_refusal_and_writes_nothing(staff_client):
    session = CourseSessionFactory(date=datetime.date(2026, 6, 8))
    (deputy,) = _enrolled(session.course, 1)
    page = staff_client.get(_url(session)).content.decode()
    assert "还没到" in page and "disabled" in page
    response = staff_client.post(_url(session), {"deputies": [deputy.pk]})
    assert response.status_code == 200
    body = response.content.decode()
    assert ERR_SESSION_NOT_YET % {"date": session.date} in body
    assert f'value="{deputy.pk}" checked' in body  # kept as ticked
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"deputies": ["abc"]},
        {"deputies": ["99999999999999999999"]},
        {"deputies": ["-1"]},
        {"deputies": ["{stranger}"]},
        {"deputies": ["{enrolled}", "{stranger}"]},
        {"deputies": [""]},
        {"everyone": "maybe", "deputies": ["x"]},
    ],
)
def test_odd_posts_are_a_message_never_a_500(staff_client, data):
    session = CourseSessionFactory(date=PAST)
    (enrolled,) = _enrolled(session.course, 1)
    stranger = DeputyFactory()
    ids = {"enrolled": enrolled.pk, "stranger": stranger.pk}
    data = {k: [v.format(**ids) for v in vs] if isinstance(vs, list) else vs
            for k, vs in data.items()}  # fmt: skip
    response = staff_client.post(_url(session), data)
    assert response.status_code == 200
    assert "不在本课程的报名名单中" in response.content.decode()
    assert not Attendance.objects.exists()


def test_odd_get_parameters_are_ignored(staff_client):
    session = CourseSessionFactory(date=PAST)
    assert staff_client.get(f"{_url(session)}?deputies=abc&page=-1&everyone=1").status_code == 200
    assert not Attendance.objects.exists()


def test_the_sheet_links_the_courses_other_sessions(staff_client):
    course = CourseFactory()
    first = CourseSessionFactory(course=course, date=PAST)
    second = CourseSessionFactory(course=course, date=datetime.date(2026, 5, 27))
    page = staff_client.get(_url(first)).content.decode()
    assert _url(second) in page and 'aria-current="page"' in page
    assert reverse("admin:training_course_change", args=[course.pk]) in page
