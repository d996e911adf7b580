"""The import framework (core.importing) and every importer on it facing bad files.

Each importer gets garbage through BOTH doors, the management command and the admin page: a
friendly message naming the file or the row, never a traceback or a 500, and nothing written.
"""

import io
import random
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from core import clock
from core.importing import MAX_CELL_CHARS, Importer, RowForm, SheetChoiceField, SheetDateField
from core.models import AuditEvent
from core.tabular import Column, ImportResult, Row, RowError
from deputies.models import Deputy, Gender
from performance.models import LedgerEntry
from performance.services import rule_set_load_defaults
from suggestions.models import Suggestion
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db

# --- a small importer to test the framework itself --------------------------------------------


class _Form(RowForm):
    name = SheetChoiceField(Gender)  # any choices will do
    on = SheetDateField(required=False)

    def clean(self):
        data = super().clean()
        self.not_in_future("on")
        return data


class _Importer(Importer):
    columns = [
        Column("name", ("性别",), required=True),
        Column("on", ("日期",)),
    ]
    audit_action = "tests.import"
    audit_summary = "imported %(created)d"
    success_message = "导入 %(created)d 行。"

    def parse_row(self, row: Row):
        form = _Form.for_row(row, today=self.today)
        if not form.is_valid():
            self.form_errors(row.line, form)
            return None
        return form.cleaned_data

    def write(self, parsed, result: ImportResult) -> None:
        for data in parsed:
            AuditEvent.objects.create(action="tests.row", summary=data["name"])
            result.created += 1


def _csv(text: str, name: str = "a.csv") -> io.BytesIO:
    buffer = io.BytesIO(text.encode("utf-8"))
    buffer.name = name
    return buffer


def test_rows_import_with_chinese_or_english_headers():
    result = _Importer().run(source=_csv("性别,On\n男,2020-01-01\nf,\n"))
    assert result.ok and result.created == 2
    rows = AuditEvent.objects.filter(action="tests.row").order_by("id")
    assert list(rows.values_list("summary", flat=True)) == [Gender.MALE, Gender.FEMALE]
    assert AuditEvent.objects.filter(action="tests.import").count() == 1


def test_every_bad_row_is_named_with_its_column_and_nothing_is_written():
    from datetime import date

    text = "性别,日期\n男,2020-01-01\n未知,2020-01-01\n女,三月\n女,2020-02-01\n"
    result = _Importer(today=date(2020, 1, 31)).run(source=_csv(text))
    lines = result.error_lines()
    assert lines[0].startswith("第 3 行「性别」：“未知”不是有效的值，可选：男、女")
    assert lines[1].startswith("第 4 行「日期」：日期格式应为")
    assert lines[2] == "第 5 行「日期」：日期不能晚于今天。"
    assert not AuditEvent.objects.exists()
    assert (result.created, result.updated) == (0, 0)


def test_dry_run_reports_what_would_happen_and_writes_nothing():
    importer = _Importer()
    result = importer.run(source=_csv("性别\n男\n女\n"), dry_run=True)
    assert result.ok and result.dry_run and result.created == 2
    assert "没有写入" in importer.message(result) and "共 2 行" in importer.message(result)
    assert not AuditEvent.objects.exists()


def test_a_file_error_names_no_line():
    assert str(RowError(None, "文件是空的。")) == "文件是空的。"
    result = _Importer().run(source=_csv(""))
    assert result.error_lines() == ["文件是空的。"] and result.file_errors


def test_header_without_rows_is_a_file_error():
    result = _Importer().run(source=_csv("性别,日期\n"))
    assert result.error_lines() == ["文件中除表头外没有数据行。"]


def test_a_huge_csv_cell_is_a_row_error_not_a_csv_error():
    huge = "男" * 200_000  # over the csv module's default 131,072
    result = _Importer().run(source=_csv(f"性别\n女\n{huge}\n"))
    assert [(e.line, e.column) for e in result.errors] == [(3, "性别")]
    assert f"每格不能超过 {MAX_CELL_CHARS} 个字" in result.errors[0].message


def test_a_cell_between_excel_and_csv_limits_is_still_refused():
    result = _Importer().run(source=_csv(f"性别\n{'女' * (MAX_CELL_CHARS + 1)}\n"))
    assert result.errors[0].line == 2 and "内容过长" in result.errors[0].message


def test_unreadable_files_are_file_errors_in_chinese():
    fake = _Importer().run(source=io.BytesIO(b"PK not really a zip"), filename="a.xlsx")
    assert fake.error_lines() == [
        "无法读取该文件：不是有效的 Excel（.xlsx）文件。旧版 .xls 请在 Excel 中另存为 .xlsx。"
    ]
    binary = _Importer().run(source=io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\xff"), filename="a.csv")
    assert binary.error_lines() == ["无法识别 CSV 文件的编码，请另存为 UTF-8。"]
    missing = _Importer().run(source="/nonexistent/a.csv")
    assert "无法读取该文件" in missing.error_lines()[0]


def test_template_headers_are_the_chinese_headers():
    assert _Importer.headers() == ["性别", "日期"]


# --- every importer, through the command and the admin page ------------------------------------


@dataclass
class Door:
    command: str
    admin_url: str
    model: type
    header: str  # a valid header line (csv)
    bad_choice_row: str  # one row with an unknown choice value
    bad_choice_text: str  # what its message must say
    good_row: str  # one row that imports


DOORS = {
    "deputies": Door(
        "import_deputies",
        "/admin/deputies/deputy/import/",
        Deputy,
        "代表编号,姓名,性别,层级,选区,手机",
        "A001,王芳,未知,区人大代表,第一选区,13900000001",
        "“未知”不是有效的值，可选：男、女",
        "A001,王芳,女,区人大代表,第一选区,13900000001",
    ),
    "ledger": Door(
        "import_ledger",
        "/admin/performance/ledgerentry/import/",
        LedgerEntry,
        "代表编号,日期,规则编号,事项",
        "D001,{today},X99,例会",
        "X99",
        "D001,{today},B01,例会",
    ),
    "suggestions": Door(
        "import_suggestions",
        "/admin/suggestions/suggestion/import/",
        Suggestion,
        "标题,类型,领衔代表编号,评价",
        "关于路灯的建议,奇怪的类型,D001,还行",
        "“奇怪的类型”不是有效的值，可选：",
        "关于路灯的建议,建议,D001,",
    ),
}


def _garbage(kind: str, door: Door, today) -> tuple[str, bytes, str]:
    """(file name, content, a piece of the message it must get)"""
    noise = random.Random(7).randbytes(4096) + b"\xff\x00"
    if kind == "random_xlsx":
        return "x.xlsx", noise, "不是有效的 Excel（.xlsx）文件"
    if kind == "random_csv":
        return "x.csv", noise, "无法识别 CSV 文件的编码"
    if kind == "empty":
        return "x.csv", b"", "文件是空的"
    if kind == "wrong_headers":
        return "x.csv", "甲,乙\n1,2\n".encode(), "缺少必需的列"
    if kind == "huge_cell":
        first = door.header.split(",")
        row = ",".join("x" * 150_000 if i == 1 else "D001" for i in range(len(first)))
        return "x.csv", f"{door.header}\n{row}\n".encode(), "内容过长"
    if kind == "bad_choice":
        row = door.bad_choice_row.format(today=today.isoformat())
        return "x.csv", f"{door.header}\n{row}\n".encode(), door.bad_choice_text
    if kind == "fake_xlsx_text":
        return "x.xlsx", f"{door.header}\n".encode(), "不是有效的 Excel（.xlsx）文件"
    raise AssertionError(kind)


KINDS = [
    "random_xlsx",
    "random_csv",
    "empty",
    "wrong_headers",
    "huge_cell",
    "bad_choice",
    "fake_xlsx_text",
]


@pytest.fixture
def known_deputy():
    """The deputy the rows name, and this year's ledger rules."""
    rule_set_load_defaults(year=clock.today().year)
    return DeputyFactory(code="D001")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("importer", DOORS)
def test_garbage_through_the_command(importer, kind, tmp_path, capsys, known_deputy):
    door = DOORS[importer]
    name, content, expected = _garbage(kind, door, clock.today())
    path = tmp_path / name
    path.write_bytes(content)
    before = door.model.objects.count()
    with pytest.raises(CommandError, match="导入失败"):
        call_command(door.command, str(path))
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err and "Error:" not in err
    assert door.model.objects.count() == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("importer", DOORS)
def test_garbage_through_the_admin_page(importer, kind, staff_client, known_deputy):
    door = DOORS[importer]
    name, content, expected = _garbage(kind, door, clock.today())
    before = door.model.objects.count()
    upload = SimpleUploadedFile(name, content)
    response = staff_client.post(door.admin_url, {"file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "未导入任何记录" in body and expected in body
    assert door.model.objects.count() == before


@pytest.mark.parametrize("importer", DOORS)
def test_every_import_page_offers_both_templates(importer, staff_client):
    door = DOORS[importer]
    page = staff_client.get(door.admin_url)
    assert page.status_code == 200
    header = door.header.split(",")[0]
    xlsx = staff_client.get(f"{door.admin_url}template/")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    csv = staff_client.get(f"{door.admin_url}template/?format=csv")
    assert header in csv.content.decode("utf-8-sig").splitlines()[0].split(",")


@pytest.mark.parametrize("importer", DOORS)
def test_dry_run_through_the_admin_page_writes_nothing(importer, staff_client, known_deputy):
    door = DOORS[importer]
    row = door.good_row.format(today=clock.today().isoformat())
    upload = SimpleUploadedFile("x.csv", f"{door.header}\n{row}\n".encode())
    before = door.model.objects.count()
    response = staff_client.post(door.admin_url, {"file": upload, "dry_run": "on"})
    assert response.status_code == 200
    assert "检查通过：共 1 行，可新增 1 条" in response.content.decode()
    assert door.model.objects.count() == before
    upload = SimpleUploadedFile("x.csv", f"{door.header}\n{row}\n".encode())
    response = staff_client.post(door.admin_url, {"file": upload})
    assert response.status_code == 302 and door.model.objects.count() == before + 1


@pytest.mark.parametrize("importer", DOORS)
def test_dry_run_through_the_command_writes_nothing(importer, tmp_path, capsys, known_deputy):
    door = DOORS[importer]
    path = tmp_path / "x.csv"
    row = door.good_row.format(today=clock.today().isoformat())
    path.write_text(f"{door.header}\n{row}\n", encoding="utf-8")
    before = door.model.objects.count()
    call_command(door.command, str(path), "--dry-run")
    assert "没有写入任何记录" in capsys.readouterr().out
    assert door.model.objects.count() == before


def test_an_xlsx_upload_with_a_damaged_sheet_is_a_file_error(staff_client):
    book = Workbook()
    book.active.append(["代表编号"])
    buffer = io.BytesIO()
    book.save(buffer)
    damaged = buffer.getvalue()[:-200]  # a cut-off zip
    response = staff_client.post(
        DOORS["deputies"].admin_url, {"file": SimpleUploadedFile("r.xlsx", damaged)}
    )
    assert response.status_code == 200
    assert "不是有效的 Excel" in response.content.decode()


def test_headers_and_errors_follow_the_users_language():
    from django.utils import translation

    with translation.override("en"):
        assert _Importer.headers()[0] == "Gender"
        result = _Importer().run(source=_csv(""))
        assert result.error_lines() == ["The file is empty."]
        bad = _Importer().run(source=_csv("Gender\nX\n"))
        assert bad.error_lines()[0].startswith("Row 2")
    # a template downloaded in English reads back for a Chinese user
    assert _Importer().run(source=_csv("Gender\n男\n")).ok
