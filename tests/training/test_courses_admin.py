"""The clerk's workbench for courses, enrolment and attendance: lists and the course page render
for staff at a query count that does not grow, publishing leaves audit rows, enrolment goes
through the service (seat counter, refusals reported), plain add/change/delete cannot bypass
the counter, sessions keep completion and B05 in step, odd input is a message, never a 500."""

import contextlib
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.admin import site
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse

from core.models import AuditEvent
from performance.models import LedgerEntry
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyFactory, ProfessionalGroupFactory
from tests.performance.factories import rule_set
from tests.training.factories import (
    NOW,
    AttendanceFactory,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    QuizFactory,
)
from training.admin.courses import CourseAdmin
from training.forms_attendance import ERR_CAPACITY_BELOW, ERR_SESSION_ATTENDED
from training.models import Attendance, Course, CourseSession, Enrollment, Source
from training.services.courses import ERR_ALREADY
from training.services.enrolment import (
    ERR_ALREADY_ENROLLED,
    ERR_FULL,
    ERR_HAS_ATTENDANCE,
    attendance_set,
    course_enrol,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)
COURSES = reverse("admin:training_course_changelist")
ENROLMENTS = reverse("admin:training_enrollment_changelist")
ATTENDANCE = reverse("admin:training_attendance_changelist")
ENROL = reverse("admin:training_enrollment_enrol")


@pytest.fixture(autouse=True)
def pinned():
    """Pages read ``clock.today()`` (the next session, the day attendance may be taken)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff():
    return StaffUserFactory()


@pytest.fixture
def rules():
    return rule_set(2026)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _change(course) -> str:
    return reverse("admin:training_course_change", args=[course.pk])


def _grow_courses(n):
    group = ProfessionalGroupFactory()
    for _ in range(n):
        course = CourseFactory(for_new=True, capacity=10)
        course.groups.add(group)
        CourseSessionFactory.create_batch(2, course=course)
        for e in EnrollmentFactory.create_batch(2, course=course):
            AttendanceFactory(enrollment=e, session=course.sessions.first())


@pytest.mark.parametrize(
    ("url", "cell", "rows"),
    [
        (COURSES, 'class="field-seats"', 9),
        (ENROLMENTS, 'class="field-sessions_attended"', 18),
        (ATTENDANCE, 'class="field-session_date', 18),
    ],
)
def test_lists_render_with_a_query_count_that_does_not_grow(
    staff_client, url, cell, rows, django_assert_max_num_queries
):
    _grow_courses(1)
    with django_assert_max_num_queries(40) as small:
        assert staff_client.get(url).status_code == 200
    _grow_courses(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = staff_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count(cell) == rows


def test_course_change_page_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    course = CourseFactory(capacity=30)

    def grow(n):
        for _ in range(n):
            session = CourseSessionFactory(course=course)
            AttendanceFactory(session=session, enrollment=EnrollmentFactory(course=course))

    grow(1)
    with django_assert_max_num_queries(60) as small:
        assert staff_client.get(_change(course)).status_code == 200
    grow(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = staff_client.get(_change(course)).content.decode()
    assert page.count("登记出勤（1 人）") == 9


def test_course_list_summarises_tiers_sessions_seats_and_completion(staff_client):
    group = ProfessionalGroupFactory(name="法治专业小组")
    course = CourseFactory(
        title="代表建议撰写实务", for_new=True, specialty_keywords="法律", capacity=20
    )
    course.groups.add(group)
    CourseSessionFactory(course=course, date=datetime.date(2026, 5, 20))
    CourseSessionFactory(course=course, date=datetime.date(2026, 6, 8))
    CourseSessionFactory(course=course, date=datetime.date(2026, 6, 15))
    EnrollmentFactory(course=course, completed_on=datetime.date(2026, 5, 20))
    Course.objects.filter(pk=course.pk).update(enrolled_count=3)
    CourseFactory(title="面向全体的课程")
    page = staff_client.get(COURSES).content.decode()
    assert '<td class="field-tiers">新任；法治专业小组；特长：法律</td>' in page
    assert '<td class="field-tiers">全体代表</td>' in page
    assert '<td class="field-sessions">3（下次 06-08）</td>' in page
    assert '<td class="field-seats">3/20</td>' in page
    assert '<td class="field-seats">0/不限</td>' in page
    assert '<td class="field-completed">1</td>' in page


@pytest.mark.parametrize(
    "query",
    ["year=abc", "year=99999999999999999999", "track=nope", "is_published__exact=x", "o=99.x",
     "q=%00", "p=999"],
)  # fmt: skip
def test_odd_course_list_parameters_are_not_a_500(staff_client, query):
    assert staff_client.get(f"{COURSES}?{query}").status_code in (200, 302)


def test_course_page_links_sessions_report_quiz_and_enrolment(staff_client):
    course = CourseFactory()
    session = CourseSessionFactory(course=course)
    page = staff_client.get(_change(course)).content.decode()
    assert reverse("training:attendance", args=[session.pk]) in page
    assert f"{ENROL}?course={course.pk}" in page
    assert f"{ENROLMENTS}?course__id__exact={course.pk}" in page
    picker = "/admin/autocomplete/?app_label=training&model_name=course&field_name="
    assert staff_client.get(f"{picker}supervision_topic").status_code == 200
    for name in ("training:course_report", "training:course_report_xlsx"):
        with contextlib.suppress(NoReverseMatch):  # the reports module is not in yet
            assert reverse(name, args=[course.pk]) in page
    try:
        add_quiz = reverse("admin:training_quiz_add")
    except NoReverseMatch:  # the quiz admin is not in yet
        return
    assert f"{add_quiz}?course={course.pk}" in page
    quiz = QuizFactory(course=course)
    page = staff_client.get(_change(course)).content.decode()
    assert reverse("admin:training_quiz_change", args=[quiz.pk]) in page


def _act(client, url, action, *objs, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objs], **extra}
    return client.post(url, data)


def test_publish_and_withdraw_leave_audit_rows_and_report_no_ops(staff_client):
    draft, live = CourseFactory(is_published=False), CourseFactory(is_published=True)
    response = _act(staff_client, COURSES, "publish", draft, live)
    draft.refresh_from_db()
    assert draft.is_published
    assert AuditEvent.objects.filter(action="training.course.publish").count() == 1
    assert f"{live}：{ERR_ALREADY % {'state': '已发布'}}" in _messages(response)
    _act(staff_client, COURSES, "unpublish", draft, live)
    assert not Course.objects.filter(is_published=True).exists()
    assert AuditEvent.objects.filter(action="training.course.unpublish").count() == 2


def test_course_cannot_be_bulk_deleted_and_one_with_enrolments_is_kept(staff_client):
    course = CourseFactory()
    EnrollmentFactory(course=course)
    _act(staff_client, COURSES, "delete_selected", course)
    delete = reverse("admin:training_course_delete", args=[course.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Course.objects.filter(pk=course.pk).exists()


def _course_post(course, **changes):
    data = {
        "title": course.title, "year": course.year, "track": course.track,
        "format": course.format, "capacity": course.capacity or "", "is_published": "on",
        "sessions-TOTAL_FORMS": 0, "sessions-INITIAL_FORMS": 0,
    }  # fmt: skip
    sessions = list(course.sessions.order_by("date"))
    for i, s in enumerate(sessions):
        data |= {
            f"sessions-{i}-id": s.pk, f"sessions-{i}-course": course.pk,
            f"sessions-{i}-date": s.date.isoformat(), f"sessions-{i}-hours": str(s.hours),
        }  # fmt: skip
    data["sessions-TOTAL_FORMS"] = data["sessions-INITIAL_FORMS"] = len(sessions)
    return data | changes


def test_capacity_below_the_enrolled_count_is_a_form_error(staff_client, staff):
    course = CourseFactory(capacity=5)
    for deputy in DeputyFactory.create_batch(3):
        course_enrol(course=course, deputy=deputy, actor=staff, now=NOW)
    response = staff_client.post(_change(course), _course_post(course, capacity=2))
    assert response.status_code == 200
    assert ERR_CAPACITY_BELOW % {"n": 3} in response.content.decode()
    course.refresh_from_db()
    assert course.capacity == 5


def test_saving_a_course_never_writes_back_a_stale_seat_counter(rf, staff):
    course = CourseFactory(capacity=5)
    stale = Course.objects.get(pk=course.pk)
    Course.objects.filter(pk=course.pk).update(enrolled_count=4)  # enrolments meanwhile
    stale.title = "改过的名称"
    request = rf.post("/")
    request.user = staff
    model_admin = CourseAdmin(Course, site)
    form = model_admin.get_form(request, stale)(instance=stale)
    form.changed_data  # noqa: B018 - the audit row lists it
    model_admin.save_model(request, stale, form, change=True)
    course.refresh_from_db()
    assert (course.title, course.enrolled_count) == ("改过的名称", 4)


def test_two_sessions_on_one_day_is_the_models_chinese_error(staff_client):
    course = CourseFactory()
    CourseSessionFactory(course=course, date=datetime.date(2026, 5, 4))
    data = _course_post(course)
    data |= {
        "sessions-1-course": course.pk, "sessions-1-date": "2026-05-04",
        "sessions-1-hours": "2", "sessions-TOTAL_FORMS": 2,
    }  # fmt: skip
    response = staff_client.post(_change(course), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<li>该课程这一天已有课次。</li>" in body
    bad_hours = _course_post(course, **{"sessions-0-hours": "13"})
    assert "确保该值小于或等于12" in staff_client.post(_change(course), bad_hours).content.decode()
    assert course.sessions.count() == 1


def test_a_session_with_attendance_cannot_be_deleted(staff_client):
    attendance = AttendanceFactory()
    course = attendance.enrollment.course
    data = _course_post(course, **{"sessions-0-DELETE": "on"})
    response = staff_client.post(_change(course), data)
    assert ERR_SESSION_ATTENDED.split("%")[0] in response.content.decode()
    assert CourseSession.objects.filter(pk=attendance.session_id).exists()


def test_removing_the_unattended_session_completes_and_credits_b05_once(staff_client, staff, rules):
    course = CourseFactory()
    first = CourseSessionFactory(course=course, date=datetime.date(2026, 5, 10))
    CourseSessionFactory(course=course, date=datetime.date(2026, 5, 17))
    deputy = DeputyFactory()
    enrollment = course_enrol(course=course, deputy=deputy, actor=staff, now=NOW)
    attendance_set(session=first, deputies=[deputy], actor=staff, today=TODAY, now=NOW)
    assert not LedgerEntry.objects.filter(deputy=deputy, rule__code="B05").exists()
    data = _course_post(course, **{"sessions-1-DELETE": "on"})
    assert staff_client.post(_change(course), data).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.completed_on == datetime.date(2026, 5, 10)
    assert LedgerEntry.objects.filter(deputy=deputy, rule__code="B05").count() == 1
    assert AuditEvent.objects.filter(action="training.sessions.set").count() == 1
    assert AuditEvent.objects.filter(action="training.course.update").count() == 1


def test_correcting_a_sessions_hours_moves_staff_recorded_attendance_only(staff_client):
    session = CourseSessionFactory(hours=Decimal("3"))
    staff_row = AttendanceFactory(session=session)
    imported = AttendanceFactory(
        session=session,
        enrollment=EnrollmentFactory(course=session.course),
        source=Source.IMPORT,
        hours=Decimal("2"),
    )
    data = _course_post(session.course, **{"sessions-0-hours": "2.5"})
    assert staff_client.post(_change(session.course), data).status_code == 302
    staff_row.refresh_from_db()
    imported.refresh_from_db()
    assert (staff_row.hours, imported.hours) == (Decimal("2.5"), Decimal("2"))


def test_enrol_view_enrols_through_the_service_and_reports_a_full_course(staff_client):
    course = CourseFactory(capacity=2, is_published=False)
    a, b, c = DeputyFactory.create_batch(3)
    page = staff_client.get(f"{ENROL}?course={course.pk}").content.decode()
    assert f'<option value="{course.pk}" selected>' in page
    response = staff_client.post(ENROL, {"course": course.pk, "deputies": [a.pk, b.pk, c.pk]})
    assert response.status_code == 302
    assert response["Location"] == f"{ENROLMENTS}?course__id__exact={course.pk}"
    course.refresh_from_db()
    assert course.enrolled_count == 2
    enrolled = Enrollment.objects.filter(course=course)
    assert set(enrolled.values_list("source", flat=True)) == {Source.STAFF}
    assert AuditEvent.objects.filter(action="training.enrol").count() == 2
    notes = _messages(response)
    assert "安排报名：2 项完成。" in notes
    assert f"{c}：{ERR_FULL % {'course': course.title}}" in notes
    again = staff_client.post(ENROL, {"course": course.pk, "deputies": [a.pk]})
    assert f"{a}：{ERR_ALREADY_ENROLLED % {'deputy': a, 'course': course.title}}" in _messages(
        again
    )
    assert Enrollment.objects.filter(course=course).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"course": "abc", "deputies": ["1"]},
        {"course": "99999999999999999999", "deputies": ["1"]},
        {"course": "-3", "deputies": ["1"]},
        {"course": "{course}", "deputies": ["abc"]},
        {"course": "{course}", "deputies": ["99999999999999999999"]},
        {"course": "{course}", "deputies": ["{gone}"]},
        {"course": "{course}"},
    ],
)
def test_odd_enrol_posts_are_form_errors_and_write_nothing(staff_client, data):
    course = CourseFactory()
    gone = DeputyFactory(
        status="resigned", status_date=datetime.date(2026, 3, 1), status_reason="工作调动"
    )
    fill = {"course": str(course.pk), "gone": str(gone.pk)}
    data = {k: ([v.format(**fill) for v in vs] if isinstance(vs, list) else vs.format(**fill))
            for k, vs in data.items()}  # fmt: skip
    response = staff_client.post(ENROL, data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("query", ["course=abc", "course=99999999999999999999", "course=-1"])
def test_odd_enrol_view_addresses_render(staff_client, query):
    assert staff_client.get(f"{ENROL}?{query}").status_code == 200


def test_plain_add_change_and_delete_cannot_bypass_the_seat_counter(staff_client, staff):
    course = CourseFactory(capacity=3)
    deputy, other = DeputyFactory.create_batch(2)
    enrollment = course_enrol(course=course, deputy=deputy, actor=staff, now=NOW)
    add = reverse("admin:training_enrollment_add")
    assert (
        staff_client.get(f"{add}?course={course.pk}")["Location"] == f"{ENROL}?course={course.pk}"
    )
    staff_client.post(add, {"course": course.pk, "deputy": other.pk, "source": "staff"})
    change = reverse("admin:training_enrollment_change", args=[enrollment.pk])
    assert staff_client.get(change).status_code == 200  # read-only view
    assert staff_client.post(change, {"course": course.pk}).status_code == 403
    delete = reverse("admin:training_enrollment_delete", args=[enrollment.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    _act(staff_client, ENROLMENTS, "delete_selected", enrollment, post="yes")
    assert list(Enrollment.objects.values_list("deputy", flat=True)) == [deputy.pk]
    course.refresh_from_db()
    assert course.enrolled_count == 1


def test_withdraw_action_frees_the_seat_and_reports_attended_rows(staff_client, staff):
    course = CourseFactory(capacity=3)
    free, attended = DeputyFactory.create_batch(2)
    first = course_enrol(course=course, deputy=free, actor=staff, now=NOW)
    kept = course_enrol(course=course, deputy=attended, actor=staff, now=NOW)
    AttendanceFactory(enrollment=kept, session=CourseSessionFactory(course=course))
    response = _act(staff_client, ENROLMENTS, "withdraw", first, kept)
    course.refresh_from_db()
    assert course.enrolled_count == 1
    assert list(Enrollment.objects.values_list("pk", flat=True)) == [kept.pk]
    assert f"{kept}：{ERR_HAS_ATTENDANCE}" in _messages(response)
    assert AuditEvent.objects.filter(action="training.withdraw").count() == 1


def test_enrolment_list_filters_and_attended_sessions(staff_client):
    old = CourseFactory(year=2025, title="往年课程")
    new = CourseFactory(title="今年课程", track="practice")
    done = EnrollmentFactory(course=new, completed_on=datetime.date(2026, 5, 1))
    CourseSessionFactory(course=new)
    AttendanceFactory(enrollment=done, session=new.sessions.get())
    EnrollmentFactory(course=old)
    page = staff_client.get(f"{ENROLMENTS}?year=2026").content.decode()
    assert "今年课程" in page and "往年课程" not in page
    assert '<td class="field-sessions_attended">1/1</td>' in page
    assert "往年课程" in staff_client.get(f"{ENROLMENTS}?completed=no").content.decode()
    assert "往年课程" not in staff_client.get(f"{ENROLMENTS}?completed=yes").content.decode()
    tracked = staff_client.get(f"{ENROLMENTS}?course__track__exact=practice").content.decode()
    assert "今年课程" in tracked and "往年课程" not in tracked
    one_course = staff_client.get(f"{ENROLMENTS}?course__id__exact={new.pk}").content.decode()
    assert f'href="{ENROL}?course={new.pk}"' in one_course and "往年课程" not in one_course
    by_name = staff_client.get(f"{ENROLMENTS}?q={done.deputy.code}").content.decode()
    assert done.deputy.name in by_name and "往年课程" not in by_name


@pytest.mark.parametrize(
    "query",
    ["year=abc", "year=99999999999999999999", "completed=maybe", "source__exact=x",
     "course__id__exact=abc", "course__id__exact=99999999999999999999", "o=7"],
)  # fmt: skip
@pytest.mark.parametrize("url", [ENROLMENTS, ATTENDANCE])
def test_odd_enrolment_and_attendance_list_parameters_are_not_a_500(staff_client, url, query):
    EnrollmentFactory()
    assert staff_client.get(f"{url}?{query}").status_code in (200, 302)


def test_attendance_list_is_read_only_and_filtered(staff_client):
    row = AttendanceFactory(enrollment=EnrollmentFactory(course=CourseFactory(title="今年出勤")))
    AttendanceFactory(
        enrollment=EnrollmentFactory(course=CourseFactory(year=2025, title="往年出勤"))
    )
    page = staff_client.get(f"{ATTENDANCE}?year=2026&source__exact=staff").content.decode()
    assert "今年出勤" in page and "往年出勤" not in page
    assert reverse("admin:training_attendance_add") not in page
    change = reverse("admin:training_attendance_change", args=[row.pk])
    assert staff_client.get(change).status_code == 200
    assert staff_client.post(change, {"hours": "9"}).status_code == 403
    delete = reverse("admin:training_attendance_delete", args=[row.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Attendance.objects.get(pk=row.pk).hours == Decimal("3")


def test_deputies_cannot_open_the_workbench(deputy_client):
    for url in (COURSES, ENROLMENTS, ENROL):
        assert deputy_client.get(url).status_code == 302


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_kind_column_is_the_choices_labels(language):
    """类别 · 形式: the track's and the format's labels as ``get_FOO_display`` gives them, the
    format left out when there is none; each combination written once per language."""
    from django.utils import translation

    from training.admin.courses import kind_text
    from training.models import Format, Track

    with translation.override(language):
        for track in Track.values:
            for fmt in ["", *Format.values]:
                course = Course(track=track, format=fmt)
                parts = (course.get_track_display(), course.get_format_display())
                expected = " · ".join(str(p) for p in parts if p)
                assert kind_text(track, fmt, language) == expected
                assert CourseAdmin(Course, site).kind(course) == expected
