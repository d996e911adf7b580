import io

import pytest
from openpyxl import Workbook

from core.tabular import Column, TableError, parse_date, read_table, table_bytes

COLUMNS = [Column("code", ("代表编号",), required=True), Column("name", ("姓名",))]


def test_csv_with_chinese_headers_in_gb18030():
    data = "代表编号,姓名\nD1,王芳\n,\nD2,李强\n".encode("gb18030")
    rows = read_table(io.BytesIO(data), COLUMNS, filename="a.csv")
    assert [(r.line, r.get("code"), r.get("name")) for r in rows] == [
        (2, "D1", "王芳"),
        (4, "D2", "李强"),
    ]


def test_xlsx_numbers_become_text():
    book = Workbook()
    book.active.append(["Code", "Name"])
    book.active.append([1001, "王芳"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = read_table(buffer, COLUMNS, filename="a.xlsx")
    assert rows[0].get("code") == "1001"


def test_missing_required_column_is_named():
    with pytest.raises(TableError, match="代表编号"):
        read_table(io.BytesIO("姓名\n王芳\n".encode()), COLUMNS, filename="a.csv")


def test_unsupported_type():
    with pytest.raises(TableError, match=r"\.csv"):
        read_table(io.BytesIO(b"x"), COLUMNS, filename="a.pdf")


def test_parse_date_forms():
    assert parse_date("2026/3/1").isoformat() == "2026-03-01"
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("三月一日")


def test_round_trip_csv_keeps_chinese():
    data = table_bytes("csv", ["代表编号", "姓名"], [["D1", "王芳"]])
    rows = read_table(io.BytesIO(data), COLUMNS, filename="x.csv")
    assert rows[0].get("name") == "王芳"


def test_downloads_name_the_file_and_its_type():
    from core.tabular import file_response, table_response

    template = table_response("csv", ["代表编号"], [["D001"]], filename="roster", stamped=False)
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert template["Content-Disposition"] == 'attachment; filename="roster.csv"'
    assert template.content.decode("utf-8-sig").splitlines() == ["代表编号", "D001"]
    assert file_response(b"%PDF", "report.pdf")["Content-Type"] == "application/pdf"
