"""The annual report is read row by row while it is written: lazily, formula-safe, dated,
and with the same lists the selectors define."""

import csv
import io
import types
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from performance.models import Assessment, Grade, RuleSet
from performance.report import annual_report_build, report_bytes, report_response
from performance.selectors import exit_candidates, reelection_candidates
from performance.services import rule_set_load_defaults
from tests.deputies.factories import DeputyFactory

YEAR = 2025
TAKEN = datetime(2027, 3, 15, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _assess(deputies, year=YEAR, grades=None):
    """Frozen assessments as the scoring would leave them (rank by order given)."""
    rule_set = rule_set_load_defaults(year=year)
    RuleSet.objects.filter(pk=rule_set.pk).update(frozen=True, frozen_at=timezone.now())
    Assessment.objects.bulk_create(
        Assessment(
            rule_set=rule_set,
            deputy=deputy,
            base=Decimal("60"),
            innovation=Decimal("0"),
            contribution=Decimal("0"),
            total=Decimal("60"),
            rank=rank,
            assessed_count=len(deputies),
            grade=(grades or {}).get(deputy.code, Grade.BASIC),
            level=deputy.level,
            computed_at=timezone.now(),
        )
        for rank, deputy in enumerate(deputies, start=1)
    )


@pytest.fixture
def roster(db):
    deputies = [DeputyFactory(code=f"R{i:03d}", name=f"代表{i:03d}") for i in range(70)]
    deputies[0].name = '=HYPERLINK("http://x")'  # typed into the admin by someone
    deputies[0].save(update_fields=["name"])
    for year in (YEAR - 2, YEAR - 1):
        _assess(deputies[:3], year=year, grades={"R001": Grade.EXCELLENT})
    _assess(deputies, grades={"R001": Grade.EXCELLENT})
    return deputies


def test_the_report_holds_a_summary_and_reads_its_tables_lazily(roster, django_assert_num_queries):
    report = annual_report_build(year=YEAR)
    assert report.deputies == 70
    assert dict((g[0], g[1]) for g in report.grades)["基本称职"] == 69
    # no list of rows is kept: only the summary
    assert all(not isinstance(v, list) or len(v) < 70 for v in vars(report).values())
    rows = report.rows()
    assert isinstance(rows, types.GeneratorType)
    with django_assert_num_queries(0):
        report.rows(), report.exits(), report.reelection()  # nothing read until iterated
    with django_assert_num_queries(1):  # one query for the whole table, flags included
        table = list(rows)
    assert len(table) == 70 and table[1][:3] == [2, "R001", "代表001"]
    assert table[1][9] == "是"  # 优秀 three years running: re-election


def test_consequence_lists_are_the_selectors_lists(roster):
    report = annual_report_build(year=YEAR)
    assert [r[0] for r in report.exits()] == [c.deputy.code for c in exit_candidates(YEAR)]
    assert (
        [r[0] for r in report.reelection()]
        == [d.code for d in reelection_candidates(YEAR)]
        == ["R001"]
    )
    flags = {row[1]: row[10] for row in report.rows()}
    assert set(flags.values()) == {"是"}  # no ledger at all: everyone lacks a base entry


def test_csv_download_streams_a_dated_formula_safe_file(roster):
    report = annual_report_build(year=YEAR)
    response = report_response(report, "csv", now=TAKEN)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == (
        'attachment; filename="assessment-2025-20270315-0930.csv"'
    )
    body = b"".join(response.streaming_content)
    assert body == report_bytes(report, "csv", now=TAKEN)  # the same file as the command's
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 72  # the title line, the header and 70 deputies
    assert rows[0] == [
        settings.LVZHI_COMMITTEE_NAME,
        "2025 年度代表履职考核报告",
        "生成时间：2027-03-15 09:30",
    ]
    assert rows[2][2] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_xlsx_and_pdf_downloads_are_spooled_files(roster, fmt):
    report = annual_report_build(year=YEAR)
    response = report_response(report, fmt, now=TAKEN)
    assert isinstance(response, FileResponse)
    assert f'filename="assessment-2025-20270315-0930.{fmt}"' in response["Content-Disposition"]
    assert response.getvalue()[:4] == (b"PK\x03\x04" if fmt == "xlsx" else b"%PDF")


def test_xlsx_cells_are_text_not_formulas(roster):
    from openpyxl import load_workbook

    book = load_workbook(
        io.BytesIO(report_bytes(annual_report_build(year=YEAR), "xlsx", now=TAKEN))
    )
    first = book.worksheets[0]
    assert [c.value for c in first[1]][:3] == [
        settings.LVZHI_COMMITTEE_NAME,
        "2025 年度代表履职考核报告",
        "生成时间：2027-03-15 09:30",
    ]
    cell = first["C3"]
    assert cell.value == '\'=HYPERLINK("http://x")' and cell.data_type == "s"
    assert first.max_row == 72
    assert [r[0] for r in list(book["劝辞对象"].values)[1:]][:2] == ["R000", "R001"]


def test_a_long_pdf_runs_over_pages_with_every_deputy(roster):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(report_bytes(annual_report_build(year=YEAR), "pdf"))
    try:
        assert len(pdf) >= 3  # 70 ranked rows and 70 exit rows do not fit one page
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()
    for code in ("R000", "R035", "R069"):
        assert text.count(code) == 2, code  # once in the ranking, once on the exit list
    assert "R001" in text and "年度代表履职考核报告" in text
