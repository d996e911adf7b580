"""``training_report``: an imported attendance sheet gives the expected rows, in CSV and xlsx;
one row per deputy serving in the year, by code; a fixed number of queries whatever the data;
bad years and paths are clear errors."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.tabular import read_table
from deputies.models import Status
from tests.deputies.factories import DeputyFactory, TermFactory
from tests.performance.factories import rule_set
from tests.training.factories import NOW, AttendanceFactory, CourseFactory, EnrollmentFactory
from training.importer import attendance_import
from training.models import Track
from training.reports import REPORT_COLUMNS, report_rows

pytestmark = pytest.mark.django_db
HEADERS = [
    "deputy_code",
    "name",
    "basics_hours",
    "topical_hours",
    "practice_hours",
    "total_hours",
    "courses_attended",
]
SHEET = (
    "代表编号,课程,类别,形式,日期,学时\n"
    # 2025: another year's hours, not counted in 2026
    "A001,建议撰写,基础履职,讲座,2025-11-20,4\n"
    "A001,建议撰写,基础履职,讲座,2026-03-10,3\n"
    "A001,建议撰写,基础履职,讲座,2026-04-10,2.5\n"
    "A001,法律知识,专题提升,研修班,2026-04-11,6\n"
    "A001,接待选民,实践攻坚,现场教学,2026-05-20,1.5\n"
    "B002,建议撰写,基础履职,,2026-03-10,3\n"
    "B002,接待选民,实践攻坚,,2026-05-20,2\n"
    "L005,建议撰写,基础履职,,2026-03-10,3\n"
)
EXPECTED = [
    HEADERS,
    ["A001", "甲代表", "5.5", "6.0", "1.5", "13.0", "3"],
    ["B002", "乙代表", "3.0", "0.0", "2.0", "5.0", "2"],
    ["C003", "=丙代表", "0.0", "0.0", "0.0", "0.0", "0"],
    ["L005", "戊代表", "3.0", "0.0", "0.0", "3.0", "1"],
]


@pytest.fixture
def imported():
    """The sheet above imported into a roster with a deputy who never trained (C003, a name
    that looks like a formula), one who left during 2026 (L005, still reported), one who left
    in 2025 (L004) and one of the next term (N006): the last two have no row."""
    rule_set(2026)
    DeputyFactory(code="A001", name="甲代表")
    DeputyFactory(code="B002", name="乙代表")
    DeputyFactory(code="C003", name="=丙代表")
    DeputyFactory(
        code="L004",
        name="丁代表",
        status=Status.RESIGNED,
        status_date=date(2025, 12, 1),
        status_reason="工作调动",
    )
    DeputyFactory(
        code="L005",
        name="戊代表",
        status=Status.RESIGNED,
        status_date=date(2026, 4, 1),
        status_reason="工作调动",
    )
    next_term = TermFactory(number=18, start_date=date(2027, 1, 1), end_date=date(2031, 12, 31))
    DeputyFactory(code="N006", name="己代表", term=next_term)
    result = attendance_import(
        source=io.BytesIO(SHEET.encode()), filename="sheet.csv", create_missing=True, now=NOW
    )
    assert result.ok, result.error_lines()


def _csv_rows(path) -> list[list[str]]:
    """The rows below the title line (the committee, the report and when it was made)."""
    title, *rows = csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")))
    assert title[:2] == [settings.LVZHI_COMMITTEE_NAME, "2026年度培训学时"]
    assert title[2].startswith("生成时间：")
    return rows


def test_the_csv_report_of_an_imported_sheet(imported, tmp_path):
    path = tmp_path / "training-2026.csv"
    out = io.StringIO()
    call_command("training_report", "--year", "2026", "--output", str(path), stdout=out)
    rows = _csv_rows(path)
    # The formula-looking name is written behind an apostrophe, harmless in Excel.
    assert rows[3][1] == "'=丙代表"
    rows[3][1] = "=丙代表"
    assert rows == EXPECTED
    assert "2026 年度培训学时共 4 名代表" in out.getvalue()


def test_the_xlsx_report_of_an_imported_sheet(imported, tmp_path):
    path = tmp_path / "training.xlsx"
    call_command("training_report", "--year", "2026", "--output", str(path))
    book = load_workbook(path)
    sheet, legend = book.worksheets
    assert sheet.title == "2026年度培训学时"
    title, *values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert title[:2] == [settings.LVZHI_COMMITTEE_NAME, "2026年度培训学时"]
    assert values == [
        HEADERS,
        ["A001", "甲代表", 5.5, 6, 1.5, 13, 3],
        ["B002", "乙代表", 3, 0, 2, 5, 2],
        ["C003", "'=丙代表", 0, 0, 0, 0, 0],
        ["L005", "戊代表", 3, 0, 0, 3, 1],
    ]
    # The keys are findable with their Chinese headers on the second sheet.
    assert [list(r) for r in legend.iter_rows(values_only=True)][:3] == [
        ["列", "含义"],
        ["deputy_code", "代表编号"],
        ["name", "姓名"],
    ]


def test_format_option_wins_over_an_unknown_extension(imported, tmp_path):
    path = tmp_path / "report.out"
    call_command("training_report", "--year", "2026", "--format", "csv", "--output", str(path))
    assert _csv_rows(path)[0] == HEADERS


def test_the_report_reads_back_with_its_columns(imported, tmp_path):
    path = tmp_path / "r.xlsx"
    call_command("training_report", "--year", "2026", "--output", str(path))
    rows = read_table(path, REPORT_COLUMNS)
    assert (rows[0].values["total_hours"], rows[0].values["basics_hours"]) == ("13", 5.5)
    assert [r.values["deputy_code"] for r in rows] == ["A001", "B002", "C003", "L005"]


def test_another_year_counts_its_own_sessions(imported):
    """2025: the roster of the term's 2025 (L004 left in December: still a row) and only the
    November session."""
    rows = list(report_rows(2025))
    assert [r[0] for r in rows] == ["A001", "B002", "C003", "L004", "L005"]
    assert rows[0][2:] == [Decimal("4.0"), Decimal("0.0"), Decimal("0.0"), Decimal("4.0"), 1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--year", "abc", "--output", "{tmp}/r.csv"],
            "年度应为 2000 到 2100 之间的整数（收到“abc”）",
        ),
        (["--year", "1999", "--output", "{tmp}/r.csv"], "年度应为 2000 到 2100 之间的整数"),
        (
            ["--year", "2026", "--format", "xlsx", "--output", "{tmp}/r.csv"],
            "扩展名与格式 xlsx 不符",
        ),
        (["--year", "2026", "--output", "{tmp}/r.txt"], "无法从文件名“r.txt”判断格式"),
        (["--year", "2026", "--output", "{tmp}/missing/r.csv"], "输出目录不存在"),
        (["--year", "2026", "--format", "csv", "--output", "{tmp}"], "无法写入"),
    ],
)
def test_bad_arguments_are_clear_errors(db, tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    with pytest.raises(CommandError) as exc:
        call_command("training_report", *args)
    assert message in str(exc.value)
    assert [p.name for p in tmp_path.iterdir()] == []  # nothing written


def _queries_for_report() -> int:
    with CaptureQueriesContext(connection) as ctx:
        rows = list(report_rows(2026))
    assert rows
    return len(ctx.captured_queries)


def test_the_report_takes_the_same_queries_whatever_the_data(db):
    course = CourseFactory(track=Track.PRACTICE)
    AttendanceFactory(enrollment=EnrollmentFactory(course=course))
    small = _queries_for_report()
    for track in Track.values:
        other = CourseFactory(track=track)
        for _ in range(3):
            AttendanceFactory(enrollment=EnrollmentFactory(course=other))
    DeputyFactory.create_batch(5)
    assert _queries_for_report() == small <= 2
