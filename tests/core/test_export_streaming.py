"""Exports write row by row from any iterable, stream CSV, keep formulas out, and are dated."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook

from core.tabular import (
    Column,
    csv_chunks,
    dated_filename,
    formula_safe,
    read_table,
    table_bytes,
    table_stream_response,
    write_table,
)

DANGEROUS = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR"]


def _rows_pulled():
    """A generator of rows that counts how many have been read so far."""
    pulled = []

    def rows():
        for index in range(3):
            pulled.append(index)
            yield [f"D{index}", f"王{index}"]

    return rows(), pulled


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_starts_a_formula_is_neutralised(text):
    assert formula_safe(text) == "'" + text


def test_numbers_dates_and_plain_text_pass_unchanged():
    for value in (-5, Decimal("-1.5"), 2.5, date(2026, 1, 1), "王芳", "D-1", "", None):
        assert formula_safe(value) == value


def test_csv_is_produced_row_by_row_from_a_generator():
    rows, pulled = _rows_pulled()
    chunks = csv_chunks(["代表编号", "姓名"], rows)
    assert next(chunks) == b"\xef\xbb\xbf"  # the BOM Excel needs for Chinese
    assert next(chunks).decode() == "代表编号,姓名\r\n"
    assert pulled == []  # nothing read before the first row is written
    assert next(chunks).decode() == "D0,王0\r\n"
    assert pulled == [0]
    assert b"".join(chunks).decode() == "D1,王1\r\nD2,王2\r\n"


def test_csv_download_streams_and_neutralises_formulas():
    rows, pulled = _rows_pulled()
    response = table_stream_response(
        "csv", ["代表编号", "姓名"], rows, filename="roster-20270315.csv"
    )
    assert isinstance(response, StreamingHttpResponse)
    assert pulled == []  # the rows are read while the response is sent
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="roster-20270315.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["代表编号,姓名", "D0,王0", "D1,王1", "D2,王2"]

    evil = table_stream_response("csv", ["姓名"], iter([[DANGEROUS[0]]]), filename="x.csv")
    body = b"".join(evil.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[2] == '"\'=HYPERLINK(""http://x"")"'


def test_xlsx_download_is_written_from_a_generator_and_holds_text_not_formulas():
    rows = ([name, index] for index, name in enumerate(DANGEROUS))
    response = table_stream_response(
        "xlsx", ["姓名", "序号"], rows, filename="x.xlsx", title="名册"
    )
    assert isinstance(response, FileResponse)
    sheet = load_workbook(io.BytesIO(response.getvalue()))["名册"]
    cells = [row[0] for row in sheet.iter_rows(min_row=3)]  # after the title line and header
    # (XML reads a carriage return back as a line feed: compare the rest of the cells)
    assert [c.value for c in cells[:5]] == ["'" + text for text in DANGEROUS[:5]]
    assert all(c.value.startswith("'") for c in cells)
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula ("f")


def test_an_exported_file_imports_back_unchanged(tmp_path):
    columns = [Column("code", ("代表编号",), required=True), Column("name", ("姓名",))]
    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"back.{suffix}"
        rows = ([f"D{i}", text] for i, text in enumerate(["=1+1", "+86 138", "王芳"]))
        assert write_table(path, ["代表编号", "姓名"], rows, title="名册") == 3
        names = [row.get("name") for row in read_table(path, columns)]
        assert names == ["=1+1", "+86 138", "王芳"], suffix


def test_small_tables_in_memory_keep_their_content():
    data = table_bytes("csv", ["a", "b"], iter([[1, Decimal("2.5")], ["-x", None]]))
    assert data.decode("utf-8-sig").splitlines() == ["a,b", "1,2.5", "'-x,"]


@time_machine.travel(datetime(2027, 3, 15, 9, 5, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_file_names_carry_the_moment_from_the_clock():
    assert dated_filename("deputies", "csv") == "deputies-20270315-0905.csv"
    # the committee's clock: 23:30 UTC on 1 January is 07:30 on 2 January in Shanghai
    late = datetime(2026, 1, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert dated_filename("ledger", "xlsx", now=late) == "ledger-20260102-0730.xlsx"
