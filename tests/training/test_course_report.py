"""The organisers' course report: its rates (numerator and denominator, "—" over nothing), the
page and the .xlsx for each role, formula-safe cells, and a fixed number of queries."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.deputies.factories import DeputyFactory
from tests.training.factories import (
    NOW,
    AttendanceFactory,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    QuizFactory,
)
from training.models import QuizAttempt
from training.selectors_course_report import (
    Average,
    Rate,
    course_report,
    course_report_queryset,
    course_report_xlsx,
    summary_lines,
)

pytestmark = pytest.mark.django_db
DONE = datetime.date(2026, 5, 20)
PINNED = datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
HYPERLINK = '=HYPERLINK("http://evil.example","x")'


def _attempt(enrollment, quiz, number, score, passed):
    return QuizAttempt.objects.create(
        quiz=quiz,
        enrollment=enrollment,
        number=number,
        score=Decimal(score),
        passed=passed,
        submitted_at=NOW,
    )


def _course(title="议案建议撰写", enrolled=4, prefix="C"):
    """4 enrolled (A–D), 3 attended a session (A, B, C), 2 completed (A, B), 3 attempted the
    quiz (A, B, C), 2 passed (A, B); best scores 90, 85, 55; session 1 had A, B, C; session 2
    A, B. With ``enrolled`` > 4 the extra deputies enrolled and did nothing else."""
    course = CourseFactory(title=title)
    first = CourseSessionFactory(course=course, date=datetime.date(2026, 5, 10))
    second = CourseSessionFactory(course=course, date=datetime.date(2026, 5, 17))
    quiz = QuizFactory(course=course, max_attempts=3)
    rows = [
        EnrollmentFactory(course=course, deputy=DeputyFactory(code=f"{prefix}{i:03d}"))
        for i in range(enrolled)
    ]
    a, b, c = rows[:3]
    for e in (a, b, c):
        AttendanceFactory(enrollment=e, session=first)
    for e in (a, b):
        AttendanceFactory(enrollment=e, session=second)
        e.completed_on = DONE
        e.save(update_fields=["completed_on"])
    _attempt(a, quiz, 1, "50", False)
    _attempt(a, quiz, 2, "90", True)
    _attempt(b, quiz, 1, "85", True)
    _attempt(c, quiz, 1, "40", False)
    _attempt(c, quiz, 2, "55", False)
    return course


def _report(course):
    return course_report(course_report_queryset().get(pk=course.pk))


# --- Rates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "d", "text"),
    [
        (12, 20, "12/20 = 60.0%"),
        (2, 3, "2/3 = 66.7%"),
        (1, 16, "1/16 = 6.3%"),  # half up, not to even
        (0, 5, "0/5 = 0.0%"),
        (5, 5, "5/5 = 100.0%"),
        (0, 0, "—"),
    ],
)
def test_a_rate_reads_numerator_over_denominator(n, d, text):
    assert str(Rate(n, d)) == text


def test_a_rate_over_nothing_has_no_percentage():
    assert Rate(0, 0).percent is None
    assert str(Average(Decimal(0), 0)) == "—"
    assert str(Average(Decimal("230"), 3)) == "76.7（3 人）"


def test_the_report_counts_the_course_built_here():
    report = _report(_course())
    assert report.enrolled == 4
    assert str(report.attended) == "3/4 = 75.0%"
    assert str(report.completed) == "2/4 = 50.0%"
    assert [str(s.present) for s in report.sessions] == ["3/4 = 75.0%", "2/4 = 50.0%"]
    assert str(report.attempted) == "3/4 = 75.0%"
    assert str(report.passed) == "2/3 = 66.7%"
    assert str(report.best_average) == "76.7（3 人）"  # (90 + 85 + 55) / 3


def test_each_deputy_row_has_their_own_figures():
    report = _report(_course())
    rows = {d.code: d for d in report.deputies}
    assert [d.code for d in report.deputies] == ["C000", "C001", "C002", "C003"]
    a, c, d = rows["C000"], rows["C002"], rows["C003"]
    assert (a.sessions_attended, a.sessions_total, a.hours) == (2, 2, Decimal("6"))
    assert (a.best_score, a.passed, a.attempts, a.completed_on) == (Decimal("90"), True, 2, DONE)
    assert (c.sessions_attended, c.best_score, c.passed, c.completed_on) == (
        1,
        Decimal("55"),
        False,
        None,
    )
    assert (d.sessions_attended, d.hours, d.best_score, d.attempts) == (0, Decimal(0), None, 0)


def test_attendance_at_another_course_does_not_count():
    course = _course()
    other = EnrollmentFactory(deputy=course.enrollments.first().deputy)
    AttendanceFactory(enrollment=other)
    report = _report(course)
    assert str(report.attended) == "3/4 = 75.0%"
    assert report.deputies[0].sessions_attended == 2


def test_nobody_enrolled_shows_dashes_and_never_divides_by_zero():
    course = CourseFactory()
    CourseSessionFactory(course=course)
    QuizFactory(course=course)
    report = _report(course)
    assert report.enrolled == 0
    values = [value for _label, value in summary_lines(report)]
    assert values == [0, "—", "—", "—", "—", "—", "—"]


def test_a_quiz_nobody_attempted_has_no_pass_rate():
    course = CourseFactory()
    QuizFactory(course=course)
    EnrollmentFactory(course=course)
    report = _report(course)
    assert str(report.attempted) == "0/1 = 0.0%"
    assert str(report.passed) == "—"
    assert str(report.best_average) == "—"


def test_a_course_without_a_quiz_says_so():
    course = CourseFactory()
    EnrollmentFactory(course=course)
    report = _report(course)
    assert report.attempted is None and report.passed is None
    assert summary_lines(report)[-1][1] == "本课程没有在线测试"


# --- Queries ------------------------------------------------------------------------------


def test_the_report_takes_two_queries_after_the_course(django_assert_num_queries):
    course = course_report_queryset().get(pk=_course(enrolled=12).pk)
    with django_assert_num_queries(2):
        report = course_report(course)
    assert report.enrolled == 12


def test_read_with_its_sessions_the_course_takes_one_query_more(django_assert_num_queries):
    """``course_for_report`` reads the course's sessions with it: the report then takes one
    more query, with the same sessions, order and counts present as when read apart."""
    from training.selectors_course_report import course_for_report

    built = _course(enrolled=6)
    CourseSessionFactory(course=built, date=DONE + datetime.timedelta(days=9))  # nobody yet
    course = course_for_report(built.pk)
    with django_assert_num_queries(1):
        report = course_report(course)
    apart = course_report(course_report_queryset().get(pk=built.pk))
    assert [(s.session.pk, s.session.date, str(s.present)) for s in report.sessions] == [
        (s.session.pk, s.session.date, str(s.present)) for s in apart.sessions
    ]
    assert len(report.sessions) == 3 and summary_lines(report) == summary_lines(apart)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["training:course_report", "training:course_report_xlsx"])
def test_the_page_and_the_sheet_take_the_same_queries_for_any_enrolment(staff_client, name):
    small, large = _course("小班", enrolled=4), _course("大班", enrolled=30, prefix="L")
    _queries(staff_client, reverse(name, args=[small.pk]))  # the session is read once
    few = _queries(staff_client, reverse(name, args=[small.pk]))
    assert _queries(staff_client, reverse(name, args=[large.pk])) == few


# --- The page, by role --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["training:course_report", "training:course_report_xlsx"])
def test_anonymous_users_go_to_the_login_page(client, name):
    url = reverse(name, args=[CourseFactory().pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["training:course_report", "training:course_report_xlsx"])
def test_deputies_and_units_are_refused(client, deputy, unit_user, plain_user, name):
    course = CourseFactory()
    EnrollmentFactory(course=course, deputy=deputy)  # even a course they take
    for user in (deputy.user, unit_user, plain_user):
        client.force_login(user)
        assert client.get(reverse(name, args=[course.pk])).status_code == 403


@pytest.mark.parametrize("name", ["training:course_report", "training:course_report_xlsx"])
def test_an_unknown_course_is_not_found(staff_client, name):
    assert staff_client.get(reverse(name, args=[999999])).status_code == 404


def test_staff_see_the_rates_with_numerator_and_denominator(staff_client):
    course = _course()
    response = staff_client.get(reverse("training:course_report", args=[course.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("3/4 = 75.0%", "2/4 = 50.0%", "2/3 = 66.7%", "76.7（3 人）", "C003"):
        assert text in html
    assert reverse("training:deputy_archive", args=[course.enrollments.first().deputy_id]) in html
    assert reverse("training:course_report_xlsx", args=[course.pk]) in html


@pytest.mark.parametrize(
    "query", ["?page=abc", "?year=-1&sort=%00", "?format=pdf&pk=x", "?" + "x" * 3000]
)
def test_odd_parameters_are_ignored(staff_client, query):
    course = _course()
    for name in ("training:course_report", "training:course_report_xlsx"):
        assert staff_client.get(reverse(name, args=[course.pk]) + query).status_code == 200


# --- The .xlsx ----------------------------------------------------------------------------


def _sheet(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_the_xlsx_download_is_dated_and_headed(staff_client):
    course = _course(title="履职基础")
    with time_machine.travel(PINNED, tick=False):
        response = staff_client.get(reverse("training:course_report_xlsx", args=[course.pk]))
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert (
        f'filename="course-{course.pk}-report-20260601-1000.xlsx"'
        in response["Content-Disposition"]
    )
    sheet = _sheet(content)
    first = [c.value for c in sheet[1]][:3]
    assert first == [settings.LVZHI_COMMITTEE_NAME, "履职基础", "生成时间：2026-06-01 10:00"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[2][:2] == ["报名人数", 4]
    assert values[3][:2] == ["参训率（至少出勤一次）", "3/4 = 75.0%"]
    assert ["测试通过率", "2/3 = 66.7%"] in [v[:2] for v in values]
    header = values.index(
        ["代表编号", "姓名", "出勤课次", "学时", "最高得分", "测试通过", "结业日期"]
    )
    assert values[header + 1] == ["C000", values[header + 1][1], "2/2", 6, 90, "是", "2026-05-20"]
    assert values[header + 4][2:] == ["0/2", 0, "—", "—", "—"]


def test_formulas_in_a_title_or_a_name_stay_text():
    course = _course(title=HYPERLINK)
    deputy = course.enrollments.get(deputy__code="C001").deputy
    deputy.name = HYPERLINK
    deputy.save(update_fields=["name"])
    buffer = io.BytesIO()
    course_report_xlsx(_report(course), buffer, now=NOW)
    sheet = _sheet(buffer.getvalue())
    title = sheet["B1"]
    assert title.value == "'" + HYPERLINK and title.data_type == "s"
    names = [c for c in sheet["B"] if c.value and "HYPERLINK" in str(c.value)]
    assert len(names) == 2  # the title and the deputy, both text
    assert all(c.data_type == "s" and c.value.startswith("'=") for c in names)


# A deputy's row as the report wrote it before (``format_html`` of this, with
# ``floatformat`` and ``passed_text``), which itself wrote the template's former loop.
FORMER_ROW_HTML = """
      <tr>
        <td>{}</td>
        <td><a href="{}">{}</a></td>
        <td>{}/{}</td>
        <td>{}</td>
        <td>{}</td>
        <td>{}</td>
        <td>{}</td>
      </tr>
    """


def _former_rows(data) -> list[str]:
    from django.template.defaultfilters import floatformat
    from django.utils.html import format_html

    from training.selectors_course_report import NONE_SHOWN, passed_text

    return [
        format_html(
            FORMER_ROW_HTML,
            d.code,
            reverse("training:deputy_archive", args=[d.deputy_id]),
            d.name,
            d.sessions_attended,
            d.sessions_total,
            floatformat(d.hours, 1),
            NONE_SHOWN if d.best_score is None else floatformat(d.best_score, 1),
            passed_text(data, d),
            f"{d.completed_on:%Y-%m-%d}" if d.completed_on else NONE_SHOWN,
        )
        for d in data.deputies
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("with_quiz", [True, False])
def test_the_rows_are_the_former_rows(language, with_quiz):
    """``deputy_rows_html``: the same HTML as the rows written by ``format_html`` before,
    names with markup escaped, a quiz passed, failed and not attempted, scores and hours
    with and without a fraction, with and without a completion date."""
    from django.utils import translation

    from training.course_report_html import deputy_rows_html

    course = CourseFactory(title="<b>预算</b> & 审查")
    days = (DONE - datetime.timedelta(days=d) for d in (1, 2))
    sessions = [CourseSessionFactory(course=course, date=day) for day in days]
    quiz = QuizFactory(course=course) if with_quiz else None
    scores = [("85", True), ("59.5", False), None, ("100", True)]
    for n, score in enumerate(scores):
        deputy = DeputyFactory(name=f'<i>"代表{n}"</i> & 一', code=f"D<{n}>")
        enrolment = EnrollmentFactory(
            course=course, deputy=deputy, completed_on=DONE if n % 2 else None
        )
        for session in sessions[: n % 3]:
            hours = Decimal("2.5") * (n or 1)
            AttendanceFactory(enrollment=enrolment, session=session, hours=hours)
        if score and quiz is not None:
            _attempt(enrolment, quiz, 1, score[0], score[1])
    data = course_report(course_report_queryset().get(pk=course.pk))
    with translation.override(language):
        rows = deputy_rows_html(data)
        assert rows == _former_rows(data)
    assert "&lt;i&gt;&quot;代表0&quot;&lt;/i&gt; &amp; 一" in "".join(rows)
