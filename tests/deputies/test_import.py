from datetime import date

import pytest

from core.models import AuditEvent
from deputies.importer import deputies_import
from deputies.models import Constituency, Deputy, Level, ProfessionalGroup, Term
from tests.deputies.factories import DeputyFactory, TermFactory
from tests.deputies.sheets import GOOD_ROWS, csv_bytes, xlsx

pytestmark = pytest.mark.django_db


def test_empty_system_imports_xlsx_and_creates_the_current_term():
    on = date(2026, 5, 1)  # within the 17th term of the default settings, whatever the clock
    result = deputies_import(source=xlsx(GOOD_ROWS), filename="roster.xlsx", today=on)
    assert result.ok, result.error_lines()
    assert result.created == 3
    term = Term.objects.get()
    assert term.number == 17 and term.start_date <= on <= term.end_date
    wang = Deputy.objects.get(code="A001")
    assert (wang.name, wang.gender, wang.level) == ("王芳", "F", Level.DISTRICT)
    assert wang.group.name == "城市建设组" and wang.term == term
    assert Deputy.objects.get(code="A002").level == Level.STREET
    assert Constituency.objects.count() == 2 and ProfessionalGroup.objects.count() == 1
    assert AuditEvent.objects.filter(action="deputies.import").count() == 1


def test_english_headers_and_codes_in_csv():
    text = "code,name,gender,level,constituency,phone\nB1,周杰,男,city,第三选区,13700000000\n"
    result = deputies_import(source=csv_bytes(text), filename="r.csv")
    assert result.ok and Deputy.objects.get(code="B1").level == Level.CITY


def test_existing_code_is_updated_not_duplicated():
    TermFactory()
    DeputyFactory(code="A001", name="旧名", mobile="13900000001")
    result = deputies_import(source=xlsx(GOOD_ROWS), filename="roster.xlsx")
    assert (result.created, result.updated) == (2, 1)
    assert Deputy.objects.get(code="A001").name == "王芳"


def test_any_bad_row_imports_nothing_and_every_error_names_its_line():
    rows = [
        *GOOD_ROWS,
        ["A004", "钱多", "未知", "区人大代表", "第一选区", "13900000004", ""],
        ["A005", "孙悟", "男", "乡镇代表", "第一选区", "12345", ""],
        ["A001", "重复", "男", "city", "第一选区", "13900000009", ""],
        ["", "无编号", "男", "city", "第一选区", "13900000010", ""],
    ]
    result = deputies_import(source=xlsx(rows), filename="roster.xlsx")
    assert not result.ok
    assert Deputy.objects.count() == 0 and Constituency.objects.count() == 0
    text = "\n".join(result.error_lines())
    assert "第 5 行「性别」" in text and "未知" in text
    assert "第 6 行「层级」" in text and "乡镇代表" in text
    assert "第 6 行「手机」" in text
    assert "第 7 行「代表编号」" in text and "第 2 行" in text
    assert "第 8 行「代表编号」" in text


def test_phone_taken_by_another_deputy_in_the_database():
    TermFactory()
    DeputyFactory(code="X9", mobile="13900000002")
    result = deputies_import(source=xlsx(GOOD_ROWS), filename="roster.xlsx")
    assert not result.ok
    assert any("第 3 行" in line and "手机" in line for line in result.error_lines())
    assert Deputy.objects.count() == 1


def test_missing_columns_and_wrong_type_are_file_errors():
    result = deputies_import(source=csv_bytes("姓名\n王芳\n"), filename="r.csv")
    assert not result.ok and "缺少必需的列" in result.error_lines()[0]
    result = deputies_import(source=csv_bytes("x"), filename="r.txt")
    assert not result.ok and ".xlsx" in result.error_lines()[0]


def test_unknown_first_elected_term_is_reported():
    rows = [[*GOOD_ROWS[0], "首次当选届次"], [*GOOD_ROWS[1], "9"]]
    result = deputies_import(source=xlsx(rows), filename="roster.xlsx")
    assert not result.ok and "第 9 届" in result.error_lines()[0]
