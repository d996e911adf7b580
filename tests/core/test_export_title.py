"""Every export opens with the committee's name and when it was generated (issue #12), is named
with that moment, keeps formulas out, and still imports back: ``read_table`` skips the line."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from openpyxl import load_workbook

from core.tabular import (
    Column,
    Sheet,
    csv_chunks,
    generated_at,
    read_table,
    table_bytes,
    table_response,
    table_stream_response,
    title_line,
    write_table,
    write_xlsx,
)
from deputies.importer import deputies_import
from tests.deputies.factories import DeputyFactory

# 01:30 UTC on 2 December is 09:30 in Shanghai, the committee's clock.
TAKEN = datetime(2026, 12, 2, 1, 30, tzinfo=ZoneInfo("UTC"))
COLUMNS = [Column("code", ("代表编号",), required=True), Column("name", ("姓名",))]


def _body(response) -> bytes:
    """A download's bytes, streamed (CSV, or xlsx from a spooled file) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_title_line_names_the_committee_the_file_and_the_moment():
    assert generated_at(TAKEN) == "2026-12-02 09:30"
    assert title_line("代表名册", now=TAKEN) == [
        settings.LVZHI_COMMITTEE_NAME,
        "代表名册",
        "生成时间：2026-12-02 09:30",
    ]
    assert title_line(now=TAKEN) == [settings.LVZHI_COMMITTEE_NAME, "生成时间：2026-12-02 09:30"]


def test_the_committee_name_comes_from_the_settings(settings):
    settings.LVZHI_COMMITTEE_NAME = "东湖街道人大工委"
    assert title_line("x", now=TAKEN)[0] == "东湖街道人大工委"


def test_csv_and_xlsx_exports_open_with_the_title_line():
    caption = title_line("名册", now=TAKEN)
    text = b"".join(csv_chunks(["代表编号"], [["D1"]], caption=caption)).decode("utf-8-sig")
    assert text.splitlines() == [f"{settings.LVZHI_COMMITTEE_NAME},名册,生成时间：2026-12-02 09:30",
                                 "代表编号", "D1"]  # fmt: skip
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet("名册", ["代表编号"], [["D1"]], caption=caption, freeze_header=True)])
    sheet = load_workbook(buffer).active
    assert [c.value for c in sheet[1]] == caption
    assert [sheet["A2"].value, sheet["A3"].value] == ["代表编号", "D1"]
    assert sheet.freeze_panes == "A3"  # the header stays in view, under the title line


def test_a_title_that_looks_like_a_formula_is_neutralised(settings):
    settings.LVZHI_COMMITTEE_NAME = "=cmd()"
    text = table_bytes("csv", ["a"], [], caption=title_line("@x", now=TAKEN)).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("'=cmd(),'@x,")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloads_are_stamped_and_named_with_the_moment(fmt):
    small = table_response(fmt, ["代表编号"], [["D1"]], filename="stats", title="统计", now=TAKEN)
    assert small["Content-Disposition"] == f'attachment; filename="stats-20261202-0930.{fmt}"'
    streamed = table_stream_response(
        fmt, ["代表编号"], iter([["D1"]]), filename="x", title="统计", now=TAKEN
    )
    for response in (small, streamed):
        rows = read_table(io.BytesIO(_body(response)), COLUMNS, filename=f"f.{fmt}")
        assert [(r.line, r.get("code")) for r in rows] == [(3, "D1")]


def test_a_blank_import_template_has_no_title_line():
    response = table_response("csv", ["代表编号"], [], filename="template", stamped=False)
    assert response["Content-Disposition"] == 'attachment; filename="template.csv"'
    assert response.content.decode("utf-8-sig").splitlines() == ["代表编号"]


def test_read_table_names_lines_as_the_spreadsheet_shows_them(tmp_path):
    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"e.{suffix}"
        write_table(path, ["代表编号", "姓名"], [["D1", "王芳"], ["", ""], ["D2", "=1"]], now=TAKEN)
        rows = read_table(path, COLUMNS)
        assert [(r.line, r.get("code"), r.get("name")) for r in rows] == [
            (3, "D1", "王芳"),
            (5, "D2", "=1"),
        ], suffix


def test_a_file_without_a_title_line_reads_as_before():
    rows = read_table(io.BytesIO("代表编号\nD1\n".encode()), COLUMNS, filename="a.csv")
    assert [(r.line, r.get("code")) for r in rows] == [(2, "D1")]


def test_a_file_with_neither_line_a_header_still_names_the_missing_column():
    from core.tabular import TableError

    with pytest.raises(TableError, match="代表编号"):
        read_table(io.BytesIO("甲,乙\n丙,丁\n".encode()), COLUMNS, filename="a.csv")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_roster_export_imports_back(staff_client, fmt):
    """The admin's full-phone roster export is a sheet the roster import accepts as it is."""
    deputies = [DeputyFactory(code="R1", name="王芳"), DeputyFactory(code="R2", name="=李强")]
    response = staff_client.post(
        "/admin/deputies/deputy/",
        {"action": f"export_{fmt}_full_phones", "_selected_action": [d.pk for d in deputies]},
    )
    assert response.status_code == 200
    content = _body(response)
    if fmt == "csv":
        first = content.decode("utf-8-sig").splitlines()[0].split(",")[0]
    else:
        first = load_workbook(io.BytesIO(content)).active["A1"].value
    assert first == settings.LVZHI_COMMITTEE_NAME
    result = deputies_import(source=io.BytesIO(content), filename=f"roster.{fmt}", dry_run=True)
    assert result.ok, result.error_lines()
    assert (result.created, result.updated) == (0, 2)
