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


# The home page's course lines as its template wrote them before they were written in Python.
RECOMMENDED_LINE_TEMPLATE = """{% load i18n %}{% for item in recommended %}
    {% with course=item.course reasons=item.reasons %}<a class="list-group-item list-group-item-action" href="{{ course_prefix }}{{ course.pk }}/">
  <div class="d-flex justify-content-between align-items-start gap-2">
    <strong>{{ course.title }}</strong>
    <span class="badge text-bg-light border flex-shrink-0">{{ course.get_track_display }}</span>
  </div>
  <div class="small text-muted">
    {% if course.format %}{{ course.get_format_display }} · {% endif %}{% if course.next_session %}{% blocktranslate with d=course.next_session|date:"n月j日" %}{{ d }} 开课{% endblocktranslate %}{% else %}{% translate "随时学习" %}{% endif %}{% if course.capacity %} · {% if course.is_full %}<span class="text-danger">{% translate "名额已满" %}</span>{% else %}{% blocktranslate with n=course.seats_left %}余 {{ n }} 个名额{% endblocktranslate %}{% endif %}{% endif %}
  </div>
  {% if reasons %}<ul class="small mb-0 ps-3 text-success">{% for reason in reasons %}<li>{{ reason }}</li>{% endfor %}</ul>{% endif %}
</a>
{% endwith %}
    {% endfor %}"""  # noqa: E501
OPEN_LINE_TEMPLATE = """{% load i18n %}{% for course in courses %}
    <a class="list-group-item list-group-item-action" href="{{ course_prefix }}{{ course.pk }}/">
  <div class="d-flex justify-content-between align-items-start gap-2">
    <strong>{{ course.title }}</strong>
    <span class="badge text-bg-light border flex-shrink-0">{{ course.get_track_display }}</span>
  </div>
  <div class="small text-muted">
    {% if course.format %}{{ course.get_format_display }} · {% endif %}{% if course.next_session %}{% blocktranslate with d=course.next_session|date:"n月j日" %}{{ d }} 开课{% endblocktranslate %}{% else %}{% translate "随时学习" %}{% endif %}{% if course.capacity %} · {% if course.is_full %}<span class="text-danger">{% translate "名额已满" %}</span>{% else %}{% blocktranslate with n=course.seats_left %}余 {{ n }} 个名额{% endblocktranslate %}{% endif %}{% endif %}
  </div>
  {# the open courses carry no reasons #}
</a>

    {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_course_lines_are_the_templates(language):
    """The course lines, written in Python, are the HTML the template wrote: with and without
    a format, a next session, a capacity (full or not) and reasons; titles escaped."""
    from django.template import engines
    from django.utils import translation

    from training.home_html import course_lines, course_prefix
    from training.models import Course
    from training.selectors_recommend import Recommendation

    full = CourseFactory(title='<b>"满"</b> & 课', capacity=1, enrolled_count=1)
    CourseFactory(title="有余位", capacity=30, enrolled_count=3, format="")
    CourseFactory(title="不限名额")
    courses = list(Course.objects.order_by("pk"))
    for course, day in zip(courses, (FUTURE, None, TODAY), strict=True):
        course.next_session = day
    recommended = [
        Recommendation(course=courses[0], reasons=["面向<新任>代表", "其二"]),
        Recommendation(course=courses[1]),
    ]
    engine = engines["django"]
    prefix = course_prefix()
    with translation.override(language):
        expected = engine.from_string(RECOMMENDED_LINE_TEMPLATE).render(
            {"recommended": recommended, "course_prefix": prefix}
        )
        assert course_lines([(r.course, r.reasons) for r in recommended], prefix) == expected
        expected = engine.from_string(OPEN_LINE_TEMPLATE).render(
            {"courses": courses, "course_prefix": prefix}
        )
        assert course_lines([(c, []) for c in courses], prefix) == expected
    assert "&lt;b&gt;&quot;满&quot;&lt;/b&gt; &amp; 课" in expected and full.is_full


# The home page's own courses and surveys as its template wrote them before they were written
# in Python.
CURRENT_LINES_TEMPLATE = """{% load i18n %}{% for e in current %}
    <a class="list-group-item list-group-item-action" href="{{ course_prefix }}{{ e.course.pk }}/">
      <div class="d-flex justify-content-between"><strong>{{ e.course.title }}</strong><span class="small">{{ e.sessions_attended }}/{{ e.sessions_total }} {% translate "课次" %}</span></div>
      <div class="progress my-1" role="progressbar" aria-label="{% translate '出勤进度' %}" aria-valuenow="{{ e.sessions_attended }}" aria-valuemin="0" aria-valuemax="{{ e.sessions_total }}" style="height: 6px">
        <div class="progress-bar bg-danger" style="width: {% widthratio e.sessions_attended e.sessions_total|default:1 100 %}%"></div>
      </div>
      <div class="small text-muted">
        {% if e.next_session %}{% blocktranslate with d=e.next_session|date:"n月j日" %}下次上课 {{ d }}{% endblocktranslate %}{% endif %}
        {% if e.has_quiz %}{% if e.quiz_passed %}<span class="badge text-bg-success">{% translate "测试已通过" %}</span>{% else %}<span class="badge text-bg-warning">{% translate "待测试" %}</span>{% endif %}{% endif %}
      </div>
    </a>
    {% endfor %}"""  # noqa: E501
COMPLETED_LINES_TEMPLATE = """{% load i18n %}{% for e in completed %}
    <li class="list-group-item d-flex justify-content-between"><a href="{{ course_prefix }}{{ e.course.pk }}/">{{ e.course.title }}</a><span class="small text-muted">{{ e.completed_on|date:"Y-m-d" }} · {{ e.hours|floatformat:"-1" }} {% translate "学时" %}</span></li>
    {% endfor %}"""  # noqa: E501
SURVEY_LINES_TEMPLATE = """{% load i18n %}{% for survey in surveys %}
<div class="alert alert-warning d-flex justify-content-between align-items-center">
  <span>{% blocktranslate with t=survey.title d=survey.closes_on|date:"n月j日" %}请填写“{{ t }}”（{{ d }} 截止），帮助我们安排您需要的培训。{% endblocktranslate %}</span>
  <a class="btn btn-sm btn-warning flex-shrink-0 ms-2" href="{% url 'training:survey' survey.pk %}">{% translate "去填写" %}</a>
</div>
{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_own_course_and_survey_lines_are_the_templates(language):
    """The courses being taken (progress rounded as {% widthratio %}, a course without
    sessions, next session or not, quiz to take, passed or none), the completed ones (hours
    with and without a decimal) and the surveys, written in Python: the template's HTML."""
    from decimal import Decimal
    from types import SimpleNamespace

    from django.template import engines
    from django.utils import translation

    from training.home_html import completed_lines, course_prefix, current_lines, survey_lines
    from training.selectors_courses import HomeEnrollment

    title = '<b>"课"</b> & 一'
    rows = [
        HomeEnrollment(7, title, None, 3, 1, Decimal("2.5"), FUTURE, True, False),
        HomeEnrollment(8, "二", None, 0, 0, Decimal("0"), None, True, True),
        HomeEnrollment(9, "三", None, 8, 3, Decimal("0"), TODAY, False, False),
        HomeEnrollment(10, "四", None, 6, 5, Decimal("0"), None, False, True),
        HomeEnrollment(11, title, TODAY, 2, 2, Decimal("3.0"), None, False, False),
        HomeEnrollment(12, "六", FUTURE, 2, 2, Decimal("2.5"), None, True, True),
    ]
    as_template = [
        SimpleNamespace(course=SimpleNamespace(pk=e.course_id, title=e.title), **e._asdict())
        for e in rows
    ]
    surveys = [(3, title, FUTURE), (4, "需求", TODAY)]
    engine = engines["django"]
    prefix = course_prefix()
    with translation.override(language):
        context = {
            "current": as_template[:4],
            "completed": as_template[4:],
            "surveys": [SimpleNamespace(pk=pk, title=t, closes_on=d) for pk, t, d in surveys],
            "course_prefix": prefix,
        }
        assert current_lines(rows[:4], prefix) == engine.from_string(CURRENT_LINES_TEMPLATE).render(
            context
        )
        assert completed_lines(rows[4:], prefix) == engine.from_string(
            COMPLETED_LINES_TEMPLATE
        ).render(context)
        expected = engine.from_string(SURVEY_LINES_TEMPLATE).render(context)
        assert survey_lines(surveys) == expected
    assert "&lt;b&gt;&quot;课&quot;&lt;/b&gt; &amp; 一" in expected


def test_the_home_page_reads_three_queries(client):
    """The user; the deputy's facts with the page's own rows: the first open courses and
    their count, the deputy's enrolments and the surveys waiting; the first recommendations,
    read ranked."""
    deputy = DeputyWithUserFactory()
    for _ in range(3):
        course = CourseFactory(for_new=True)
        CourseSessionFactory(course=course, date=FUTURE)
    EnrollmentFactory(course=course, deputy=deputy)
    _login(client, deputy.user)
    _home_queries(client)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("training:home")).status_code == 200
    assert len([q for q in ctx if "SAVEPOINT" not in q["sql"]]) == 3


def test_the_facts_rows_are_the_former_queries():
    """The home page's rows read with the deputy's facts (``home_rows``) are, in order, what
    its own queries read: ``my_enrollments``' values, the open courses (a session to come or
    none, enrolment open, not enrolled; the next session first, none last, then the title)
    and the surveys waiting, closing soonest first."""
    from decimal import Decimal

    from deputies.facts import read_facts
    from tests.training.factories import AttendanceFactory, SurveyFactory
    from training.selectors_courses import HOME, home_rows, my_enrollments

    deputy = DeputyWithUserFactory()
    soon, later = CourseFactory(title="乙"), CourseFactory(title="甲")
    CourseSessionFactory(course=soon, date=FUTURE)
    CourseSessionFactory(course=later, date=FUTURE + datetime.timedelta(days=3))
    online = CourseFactory(title="丙")  # no session: open at any time, listed last
    over = CourseFactory(title="丁")
    CourseSessionFactory(course=over, date=TODAY - datetime.timedelta(days=3))
    closed = CourseFactory(title="戊", enrol_until=TODAY - datetime.timedelta(days=1))
    CourseSessionFactory(course=closed, date=FUTURE)
    for n in range(3):
        course = CourseFactory(title=f"课{n}", year=2026 - n % 2)
        session = CourseSessionFactory(course=course, date=TODAY - datetime.timedelta(days=n))
        enrolment = EnrollmentFactory(course=course, deputy=deputy)
        AttendanceFactory(enrollment=enrolment, session=session, hours=Decimal("2.5"))
        if n == 1:
            Enrollment.objects.filter(pk=enrolment.pk).update(completed_on=TODAY)
    surveys = [
        SurveyFactory(is_published=True, opens_on=TODAY, closes_on=FUTURE + datetime.timedelta(d))
        for d in (5, 1, 9, 3)
    ]
    rows = home_rows(read_facts(deputy, TODAY, (HOME,)))
    assert rows.open_count == 3
    former = my_enrollments(deputy, today=TODAY).values_list(
        "course_id", "course__title", *rows.enrollments[0]._fields[2:]
    )
    assert [tuple(e) for e in rows.enrollments] == list(former)
    assert [c.pk for c in rows.courses] == [soon.pk, later.pk, online.pk]
    assert [c.next_session for c in rows.courses] == [FUTURE, later.sessions.get().date, None]
    assert [s[0] for s in rows.surveys] == [surveys[1].pk, surveys[3].pk, surveys[0].pk]
