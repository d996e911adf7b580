import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core import clock
from suggestions.importer import suggestions_import
from suggestions.models import Status, StatusChange, Suggestion
from tests.deputies.factories import DeputyFactory

from .factories import CategoryFactory, HandlingUnitFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "编号,标题,类型,类别,领衔代表编号,主办单位,立案日期,交办日期,"
    "答复期限,答复日期,办理结果,评价,办结日期\n"
)


@pytest.fixture
def refs():
    DeputyFactory(code="D001")
    HandlingUnitFactory(name="区教育局")
    CategoryFactory(name="教育")


def write(tmp_path, body, name="s.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_import_puts_each_row_in_the_state_its_dates_imply(refs, tmp_path):
    path = write(
        tmp_path,
        "2026-005,增设校门口护学岗,建议,教育,D001,区教育局,2026-01-10,2026-01-12,,2026-03-01,B,不满意,\n"
        ",学校食堂监管,建议,教育,D001,区教育局,2026-02-01,2026-02-03,2026-04-03,2026-03-10,A,满意,2026-04-01\n"
        ",操场开放,议案,教育,D001,,2026-02-05,,,,,,\n"
        ",新的想法,批评和意见,,D001,,,,,,,,\n",
    )
    call_command("import_suggestions", path)
    a, b, c, d = Suggestion.objects.order_by("id")
    assert (a.number, a.status, a.reply_deadline) == (
        "2026-005",
        Status.EVALUATED,
        date(2026, 4, 12),
    )
    assert a.replies.get().problems.count() == 0  # imported replies need no problem list
    assert (b.number, b.status, b.first_replied_on) == (
        "2026-006",
        Status.CONCLUDED,
        date(2026, 3, 10),
    )
    assert b.checks.count() == 3
    assert (c.number, c.status, c.kind) == ("2026-007", Status.REGISTERED, "proposal")
    assert (d.number, d.status) == (None, Status.SUBMITTED)
    assert all(h.imported for h in StatusChange.objects.all())
    assert list(b.history.values_list("to_status", flat=True)) == [
        "submitted",
        "registered",
        "assigned",
        "in_handling",
        "replied",
        "evaluated",
        "concluded",
    ]


def test_import_is_all_or_nothing_with_line_numbers(refs, tmp_path, capsys):
    path = write(
        tmp_path,
        ",好的一行,建议,教育,D001,区教育局,2026-01-10,2026-01-12,,,,,\n"
        ",日期倒序,建议,教育,D001,区教育局,2026-03-10,2026-03-01,,,,,\n"
        ",期限太远,建议,教育,D001,区教育局,2026-01-10,2026-01-12,2026-08-01,,,,\n"
        ",有类别无答复,建议,教育,D001,区教育局,2026-01-10,2026-01-12,,,A,,\n"
        ",未知代表,建议,教育,X999,区教育局,2026-01-10,2026-01-12,,,,,\n"
        ",未知单位,建议,教育,D001,火星局,2026-01-10,2026-01-12,,,,,\n"
        ",未知类别,建议,天文,D001,区教育局,2026-01-10,2026-01-12,,,,,\n",
    )
    with pytest.raises(CommandError):
        call_command("import_suggestions", path)
    err = capsys.readouterr().err
    for line in (3, 4, 5, 6, 7, 8):
        assert f"第 {line} 行" in err
    assert "第 2 行" not in err
    assert "X999" in err and "火星局" in err and "天文" in err
    assert not Suggestion.objects.exists()


def test_create_missing_units_and_categories(refs, tmp_path):
    path = write(tmp_path, ",新单位的建议,建议,天文,D001,火星局,2026-01-10,2026-01-12,,,,,\n")
    call_command("import_suggestions", path, "--create-missing")
    s = Suggestion.objects.get()
    assert (s.lead_unit.name, s.category.name, s.status) == ("火星局", "天文", Status.ASSIGNED)


def test_duplicate_and_taken_numbers(refs, tmp_path, capsys):
    path = write(
        tmp_path,
        "2026-001,一,建议,教育,D001,,2026-01-10,,,,,,\n"
        "2026-001,二,建议,教育,D001,,2026-01-10,,,,,,\n",
    )
    with pytest.raises(CommandError):
        call_command("import_suggestions", path)
    assert "重复" in capsys.readouterr().err
    assert not Suggestion.objects.exists()


def test_xlsx_with_the_english_column_names(refs, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "number",
            "title",
            "kind",
            "category",
            "lead_deputy_code",
            "lead_unit",
            "registered_on",
            "assigned_on",
            "deadline",
            "replied_on",
            "result_class",
            "evaluation",
            "concluded_on",
        ]
    )
    sheet.append(
        [
            "2025-003",
            "路灯维修",
            "建议",
            "教育",
            "D001",
            "区教育局",
            date(2025, 3, 1),
            date(2025, 3, 3),
            date(2025, 9, 3),
            date(2025, 8, 1),
            "C",
            "基本满意",
            date(2025, 9, 1),
        ]
    )
    path = tmp_path / "s.xlsx"
    book.save(path)
    call_command("import_suggestions", str(path))
    s = Suggestion.objects.get()
    assert (s.number, s.status, s.reply_deadline, s.first_reply_deadline) == (
        "2025-003",
        Status.CONCLUDED,
        date(2025, 9, 3),
        date(2025, 9, 3),
    )
    assert s.replies.get().result_class == "C" and s.evaluations.get().verdict == "basic"


def test_an_open_suggestion_with_a_deadline_next_january_imports(refs):
    """Assigned in October, due in January: a deadline is a future date by nature."""
    year = clock.today().year
    today = date(year, 11, 20)
    content = (
        HEADER
        + f",冬季供暖,建议,教育,D001,区教育局,{year}-10-10,{year}-10-15,{year + 1}-01-15,,,,\n"
    )
    result = suggestions_import(source=io.BytesIO(content.encode()), filename="s.csv", today=today)
    assert result.ok, result.error_lines()
    s = Suggestion.objects.get()
    assert (s.status, s.reply_deadline) == (Status.ASSIGNED, date(year + 1, 1, 15))


def test_a_future_deadline_imports_through_the_command_on_any_day(refs, tmp_path):
    today = clock.today()
    assigned, deadline = today - timedelta(days=30), today + timedelta(days=60)
    registered = assigned - timedelta(days=3)
    path = write(
        tmp_path,
        f",冬季供暖,建议,教育,D001,区教育局,{registered},{assigned},{deadline},,,,\n",
    )
    call_command("import_suggestions", path)
    assert Suggestion.objects.get().reply_deadline == deadline


def test_dates_of_things_that_happened_cannot_lie_in_the_future(refs, tmp_path, capsys):
    tomorrow = clock.today() + timedelta(days=1)
    path = write(tmp_path, f",明天立案,建议,教育,D001,,{tomorrow},,,,,,\n")
    with pytest.raises(CommandError):
        call_command("import_suggestions", path)
    assert "第 2 行「立案日期」：日期不能晚于今天。" in capsys.readouterr().err


def test_unknown_kind_and_evaluation_are_row_errors_not_a_type_error(refs, tmp_path, capsys):
    path = write(
        tmp_path,
        ",好,奇怪,教育,D001,区教育局,2025-01-10,2025-01-12,,2025-02-01,A,还行,\n",
    )
    with pytest.raises(CommandError, match="2 处错误"):
        call_command("import_suggestions", path)
    err = capsys.readouterr().err
    assert "第 2 行「类型」：“奇怪”不是有效的值，可选：议案、建议" in err
    assert "第 2 行「评价」：“还行”不是有效的值，可选：满意" in err
    assert not Suggestion.objects.exists()


def test_dry_run_checks_and_writes_nothing(refs, tmp_path, capsys):
    path = write(tmp_path, ",学校食堂监管,建议,教育,D001,区教育局,2025-02-01,2025-02-03,,,,,\n")
    call_command("import_suggestions", path, "--dry-run")
    assert "可新增 1 条" in capsys.readouterr().out
    assert not Suggestion.objects.exists()
