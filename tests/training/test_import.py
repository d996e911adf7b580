"""``import_training``: an attendance sheet, every row or none. Bad rows are refused with their
line and column named in Chinese and nothing changes; a good sheet creates what it implies
(sessions, enrolments, courses with --create-missing) and completion credits B05."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from core.models import AuditEvent
from deputies.models import Status
from performance.models import LedgerEntry
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyFactory, DeputyWithUserFactory
from tests.performance.factories import rule_set
from tests.training.factories import (
    NOW,
    AttendanceFactory,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
)
from training.importer import attendance_import
from training.models import Attendance, Course, CourseSession, Enrollment, Format, Source, Track
from training.services.common import ERR_STAFF_ONLY
from training.services.completion import completion_refresh
from training.services.enrolment import seats_take

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)
HEADER = "代表编号,课程,类别,形式,日期,学时\n"


@pytest.fixture(autouse=True)
def rules():
    return rule_set(2026)


@pytest.fixture
def pinned():
    """The command reads the clock: pin it the day after the sheets' last date."""
    with time_machine.travel(datetime(2026, 6, 1, 2, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def world():
    """Two deputies; 建议撰写 (basics, sessions on 3-10 and 4-10) and 接待选民 (practice,
    capacity 1, one deputy already enrolled)."""
    a, b = DeputyFactory(code="A001"), DeputyFactory(code="B002")
    writing = CourseFactory(title="建议撰写", track=Track.BASICS, format=Format.LECTURE)
    CourseSessionFactory(course=writing, date=date(2026, 3, 10), hours=Decimal("3"))
    CourseSessionFactory(course=writing, date=date(2026, 4, 10), hours=Decimal("3"))
    reception = CourseFactory(title="接待选民", track=Track.PRACTICE, capacity=1)
    EnrollmentFactory(course=reception, deputy=DeputyFactory(code="C003"))
    Course.objects.filter(pk=reception.pk).update(enrolled_count=1)
    return {"a": a, "b": b, "writing": writing, "reception": reception}


def _run(text: str, **kwargs):
    kwargs.setdefault("now", NOW)
    return attendance_import(source=io.BytesIO(text.encode()), filename="sheet.csv", **kwargs)


def _snapshot() -> dict:
    """Everything an import could change."""
    return {
        "courses": list(Course.objects.order_by("pk").values_list("pk", "enrolled_count")),
        "sessions": CourseSession.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "attendance": Attendance.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "audit": AuditEvent.objects.filter(action="training.attendance.import").count(),
    }


def _b05(deputy):
    return LedgerEntry.objects.filter(deputy=deputy, rule__code="B05")


# --- a good sheet ---------------------------------------------------------------------------


def test_a_good_sheet_records_attendance_and_credits_b05_for_a_completed_course(world):
    a, b, writing = world["a"], world["b"], world["writing"]
    result = _run(
        HEADER + "A001,建议撰写,基础履职,讲座,2026-03-10,3\n"
        "A001,建议撰写,基础履职,,2026/4/10,2.5\n"
        "B002,建议撰写,basics,lecture,2026-03-10,3\n"
    )
    assert result.ok, result.error_lines()
    assert result.created == 3
    rows = Attendance.objects.filter(enrollment__deputy=a).order_by("session__date")
    assert [(x.session.date, x.hours, x.source) for x in rows] == [
        (date(2026, 3, 10), Decimal("3.0"), Source.IMPORT),
        (date(2026, 4, 10), Decimal("2.5"), Source.IMPORT),
    ]
    assert set(Enrollment.objects.filter(course=writing).values_list("source", flat=True)) == {
        Source.IMPORT
    }
    writing.refresh_from_db()
    assert writing.enrolled_count == 2
    assert CourseSession.objects.filter(course=writing).count() == 2  # no session added
    # A attended both sessions: complete, B05 once, dated the last session; B only one.
    assert Enrollment.objects.get(course=writing, deputy=a).completed_on == date(2026, 4, 10)
    assert [(e.occurred_on, e.source_id) for e in _b05(a)] == [(date(2026, 4, 10), writing.pk)]
    assert not _b05(b).exists()
    assert Enrollment.objects.get(course=writing, deputy=b).completed_on is None
    assert AuditEvent.objects.filter(action="training.attendance.import").count() == 1


def test_create_missing_makes_an_unpublished_course_its_session_and_the_enrolment(world):
    a = world["a"]
    result = _run(
        HEADER + "A001,基层立法联系点,专题提升,情景模拟,2026-05-05,2.5\n"
        "B002,基层立法联系点,专题提升,,2026-05-05,2\n",
        create_missing=True,
    )
    assert result.ok, result.error_lines()
    course = Course.objects.get(title="基层立法联系点")
    assert (course.year, course.track, course.format, course.is_published) == (
        2026,
        Track.TOPICAL,
        Format.SIMULATION,
        False,
    )
    assert course.enrolled_count == 2
    [session] = course.sessions.all()
    assert (session.date, session.hours) == (date(2026, 5, 5), Decimal("2.5"))
    # The course's only session attended: complete for both, B05 each.
    assert [e.source_id for e in _b05(a)] == [course.pk]
    assert _b05(world["b"]).count() == 1
    assert Attendance.objects.get(enrollment__deputy=world["b"]).hours == Decimal("2")


def test_the_message_says_what_the_sheet_created(world):
    from training.importer import AttendanceImporter

    importer = AttendanceImporter(create_missing=True, now=NOW)
    text = HEADER + "A001,新课,基础履职,,2026-05-05,2\nA001,建议撰写,基础履职,,2026-03-10,3\n"
    result = importer.run(source=io.BytesIO(text.encode()), filename="s.csv")
    assert result.ok
    assert importer.message(result) == (
        "已导入 2 条培训出勤记录。其中新建课程 1 门、课次 1 个、报名 2 人次，结业 1 人次。"
    )


def test_a_course_is_the_one_of_the_dates_year(world):
    """建议撰写 exists in 2026 only: a 2025 row names another course."""
    result = _run(HEADER + "A001,建议撰写,基础履职,,2025-11-10,3\n")
    assert result.error_lines() == [
        "第 2 行「课程」：找不到 2025 年度的课程“建议撰写”（可用 --create-missing 自动创建）。"
    ]


def test_a_new_session_withdraws_a_completion_it_makes_incomplete(world):
    """C completed 接待选民 when it had one session; a sheet adding a second session for
    another deputy means C no longer attended every session."""
    reception = world["reception"]
    Course.objects.filter(pk=reception.pk).update(capacity=None)
    enrollment = Enrollment.objects.get(course=reception)
    AttendanceFactory(
        enrollment=enrollment, session=CourseSessionFactory(course=reception, date=date(2026, 2, 2))
    )
    completion_refresh(enrollments=[enrollment], today=TODAY)
    assert _b05(enrollment.deputy).count() == 1
    result = _run(HEADER + "A001,接待选民,实践攻坚,,2026-05-20,4\n")
    assert result.ok, result.error_lines()
    enrollment.refresh_from_db()
    assert enrollment.completed_on is None
    assert not _b05(enrollment.deputy).exists()


def test_seats_are_taken_up_to_capacity(world):
    course = CourseFactory(title="研修班", track=Track.TOPICAL, capacity=2)
    result = _run(
        HEADER + "A001,研修班,专题提升,,2026-05-01,3\nB002,研修班,专题提升,,2026-05-01,3\n"
    )
    assert result.ok, result.error_lines()
    course.refresh_from_db()
    assert course.enrolled_count == 2


def test_seats_take_refuses_a_course_without_the_seats(world):
    course = world["reception"]  # capacity 1, one enrolled
    assert seats_take({course.pk: 1}) is False
    course.refresh_from_db()
    assert course.enrolled_count == 1
    open_course = CourseFactory(capacity=None)
    assert seats_take({open_course.pk: 3}) is True
    open_course.refresh_from_db()
    assert open_course.enrolled_count == 3


def _queries_to_import(codes: list[str]) -> int:
    lines = [f"{code},建议撰写,基础履职,,2026-0{month}-10,3" for code in codes for month in (3, 4)]
    lines += [f"{code},新课{code[-1]},专题提升,,2026-05-05,2" for code in codes]
    with CaptureQueriesContext(connection) as ctx:
        result = _run(HEADER + "\n".join(lines) + "\n", create_missing=True)
    assert result.ok, result.error_lines()
    return len(ctx.captured_queries)


def test_the_import_takes_the_same_queries_whatever_the_number_of_rows(world):
    few = _queries_to_import(["A001"])
    Attendance.objects.all().delete()
    codes = [DeputyFactory(code=f"M{n:03d}").code for n in range(8)]
    assert _queries_to_import(codes) == few


def test_english_headers_in_any_order_are_accepted(world):
    result = _run("date,hours,deputy_code,course,track\n2026-03-10,3,A001,建议撰写,基础履职\n")
    assert result.ok and result.created == 1


def test_dry_run_reports_and_writes_nothing(world):
    before = _snapshot()
    result = _run(HEADER + "A001,新课,基础履职,,2026-05-05,2\n", create_missing=True, dry_run=True)
    assert result.ok and result.dry_run and result.created == 1
    assert _snapshot() == before


def test_only_staff_or_the_system_imports(world):
    before = _snapshot()
    result = _run(
        HEADER + "A001,建议撰写,基础履职,,2026-03-10,3\n", actor=DeputyWithUserFactory().user
    )
    assert result.error_lines() == [ERR_STAFF_ONLY]
    assert _snapshot() == before
    staff = StaffUserFactory()
    result = _run(HEADER + "A001,建议撰写,基础履职,,2026-03-10,3\n", actor=staff)
    assert result.ok
    assert Attendance.objects.get().recorded_by == staff


# --- bad rows: refused, nothing changed -----------------------------------------------------

GOOD = "A001,建议撰写,基础履职,讲座,2026-03-10,3\n"
BAD_ROWS = [
    ("Z999,建议撰写,基础履职,,2026-03-10,3", "代表编号", "找不到代表编号 Z999。"),
    (
        "B002,没有的课,基础履职,,2026-03-10,3",
        "课程",
        "找不到 2026 年度的课程“没有的课”（可用 --create-missing 自动创建）。",
    ),
    ("B002,建议撰写,高级研修,,2026-03-10,3", "类别", "“高级研修”不是有效的值"),
    ("B002,建议撰写,基础履职,座谈,2026-03-10,3", "形式", "“座谈”不是有效的值"),
    ("B002,建议撰写,专题提升,,2026-03-10,3", "类别", "类别是“基础履职”，与本行的“专题提升”不符"),
    ("B002,建议撰写,基础履职,,2026-03-10,0", "学时", "学时须大于 0 且不超过 12，最多一位小数。"),
    ("B002,建议撰写,基础履职,,2026-03-10,12.5", "学时", "学时须大于 0 且不超过 12"),
    ("B002,建议撰写,基础履职,,2026-03-10,1.25", "学时", "最多一位小数"),
    ("B002,建议撰写,基础履职,,2026-03-10,-1", "学时", "学时须大于 0"),
    ("B002,建议撰写,基础履职,,2026-03-10,两小时", "学时", "学时须大于 0"),
    ("B002,建议撰写,基础履职,,2026-03-10,", "学时", "不能为空。"),
    ("B002,建议撰写,基础履职,,2026-06-02,3", "日期", "日期不能晚于今天。"),
    ("B002,建议撰写,基础履职,,2026-02-30,3", "日期", "日期格式应为 YYYY-MM-DD"),
    ("A001,建议撰写,基础履职,,2026-03-10,2", "日期", "与第 2 行重复（同一代表、课程和日期）。"),
    ("C003,接待选民,实践攻坚,,2026-05-20,3", "日期", "已登记过该代表 2026-05-20 参加“接待选民”"),
    ("B002,接待选民,实践攻坚,,2026-05-20,3", "课程", "“接待选民”名额已满。"),
    ("L004,建议撰写,基础履职,,2026-04-10,3", "代表编号", "起已不在任（辞职）"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
def test_a_bad_row_refuses_the_whole_sheet(world, row, column, message):
    reception = world["reception"]
    AttendanceFactory(
        enrollment=Enrollment.objects.get(course=reception),
        session=CourseSessionFactory(course=reception, date=date(2026, 5, 20)),
    )
    DeputyFactory(
        code="L004",
        status=Status.RESIGNED,
        status_date=date(2026, 4, 1),
        status_reason="工作调动",
    )
    before = _snapshot()
    result = _run(HEADER + GOOD + row + "\n", create_missing=False, today=TODAY)
    assert not result.ok
    [error] = result.error_lines()
    assert error.startswith(f"第 3 行「{column}」："), error
    assert message in error
    assert _snapshot() == before


def test_every_bad_row_is_listed_in_order(world):
    result = _run(
        HEADER + GOOD + "Z999,建议撰写,基础履职,,2026-03-10,3\n"
        "B002,建议撰写,基础履职,,2026-03-10,13\n"
        "B002,没有的课,奇怪,,2026-03-10,3\n"
    )
    assert [line.split("：")[0] for line in result.error_lines()] == [
        "第 3 行「代表编号」",
        "第 4 行「学时」",
        "第 5 行「类别」",
    ]
    assert not Attendance.objects.exists()


def test_rows_past_the_seats_left_are_refused_in_sheet_order(world):
    CourseFactory(title="研修班", track=Track.TOPICAL, capacity=1)
    before = _snapshot()
    result = _run(
        HEADER + "A001,研修班,专题提升,,2026-05-01,3\n"
        "A001,研修班,专题提升,,2026-05-02,3\n"  # the same deputy: no second seat
        "B002,研修班,专题提升,,2026-05-01,3\n"
    )
    assert result.error_lines() == ["第 4 行「课程」：“研修班”名额已满。"]
    assert _snapshot() == before


def test_a_new_course_with_two_tracks_in_the_sheet_is_refused(world):
    result = _run(
        HEADER + "A001,新课,基础履职,,2026-05-05,2\nB002,新课,实践攻坚,,2026-05-05,2\n",
        create_missing=True,
    )
    assert result.error_lines() == [
        "第 3 行「类别」：课程“新课”的类别是“基础履职”，与本行的“实践攻坚”不符。"
    ]
    assert not Course.objects.filter(title="新课").exists()


def test_a_missing_column_is_a_file_error(world):
    result = _run("代表编号,课程,日期,学时\nA001,建议撰写,2026-03-10,3\n")
    assert result.error_lines() == ["缺少必需的列：track（类别）。"]


# --- the command ----------------------------------------------------------------------------


def _xlsx(path, header, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_the_command_imports_an_xlsx_with_spreadsheet_dates_and_numbers(world, tmp_path, pinned):
    path = _xlsx(
        tmp_path / "签到.xlsx",
        ["deputy_code", "course", "track", "format", "date", "hours"],
        [
            ["A001", "建议撰写", "基础履职", "讲座", datetime(2026, 3, 10), 3],
            ["A001", "建议撰写", "基础履职", None, date(2026, 4, 10), 1.5],
            ["B002", "案例课", "实践攻坚", "案例分析", date(2026, 5, 6), 2],
        ],
    )
    out = io.StringIO()
    call_command("import_training", str(path), "--create-missing", stdout=out)
    assert "已导入 3 条培训出勤记录" in out.getvalue()
    assert Attendance.objects.get(session__date=date(2026, 4, 10)).hours == Decimal("1.5")
    assert Course.objects.get(title="案例课").format == Format.CASE
    assert _b05(world["a"]).count() == 1


def test_the_command_refuses_a_bad_xlsx_and_lists_the_errors(world, tmp_path, pinned):
    path = _xlsx(
        tmp_path / "bad.xlsx",
        ["代表编号", "课程", "类别", "形式", "日期", "学时"],
        [
            ["A001", "建议撰写", "基础履职", "讲座", date(2026, 3, 10), 3],
            ["A001", "建议撰写", "基础履职", None, date(2026, 4, 10), 1.25],
        ],
    )
    before = _snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="导入失败：1 处错误"):
        call_command("import_training", str(path), stderr=err)
    assert "第 3 行「学时」：学时须大于 0 且不超过 12，最多一位小数。" in err.getvalue()
    assert _snapshot() == before


def test_the_command_dry_run_writes_nothing(world, tmp_path, pinned):
    path = tmp_path / "s.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    before = _snapshot()
    out = io.StringIO()
    call_command("import_training", str(path), "--dry-run", stdout=out)
    assert "本次只是检查" in out.getvalue()
    assert _snapshot() == before


def test_the_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_training", str(tmp_path / "none.csv"))


# --- the admin's upload page ------------------------------------------------------------------


def test_staff_import_the_sheet_in_the_admin_all_or_nothing(world, staff_client, pinned):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("admin:training_attendance_import")
    listing = staff_client.get(reverse("admin:training_attendance_changelist"))
    assert url in listing.content.decode()
    good = HEADER + "A001,建议撰写,基础履职,讲座,2026-03-10,3\n"
    bad = good + "Z999,建议撰写,基础履职,,2026-03-10,3\n"
    before = _snapshot()
    page = staff_client.post(url, {"file": SimpleUploadedFile("s.csv", bad.encode())})
    assert page.status_code == 200 and "Z999" in page.content.decode()
    assert _snapshot() == before
    response = staff_client.post(url, {"file": SimpleUploadedFile("s.csv", good.encode())})
    assert response.status_code == 302
    assert Attendance.objects.filter(enrollment__deputy=world["a"]).count() == 1


def test_deputies_cannot_reach_the_admin_import(world, deputy_client):
    from django.urls import reverse

    response = deputy_client.get(reverse("admin:training_attendance_import"))
    assert response.status_code == 302 and "/login" in response["Location"]
