"""The units' scores sheet for the district's 部门绩效考核: line 1 names the committee and the
generation time, line 2 the columns, then a row per unit best first; dated name; formula-safe;
one query whatever the number of units."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook

from suggestions.models import UnitYearScore
from suggestions.reviews import unit_review_record
from suggestions.unit_export import band, unit_scores_filename, unit_scores_write
from tests.suggestions.factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def stored(unit, year, score, concluded=4):
    value = None if score is None else Decimal(score)
    return UnitYearScore.objects.create(
        unit=unit, year=year, concluded=concluded, implementation_avg=value,
        benefit_avg=value, score=value,
    )  # fmt: skip


def _csv(tmp_path, year=2026) -> list[list[str]]:
    path = tmp_path / "scores.csv"
    unit_scores_write(path, year=year, now=NOW)
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_csv_title_line_columns_and_rows_best_first(tmp_path, settings):
    settings.LVZHI_COMMITTEE_NAME = "示范街道人大工委"
    weak, good, mid, blank = (HandlingUnitFactory(name=n) for n in ("甲局", "乙局", "丙局", "丁局"))
    stored(weak, 2025, 50)
    stored(weak, 2026, 45, concluded=2)
    stored(good, 2026, 92)
    stored(mid, 2026, 92)
    stored(blank, 2026, None, concluded=0)
    unit_review_record(
        actor=None, unit=weak, year=2026, held_on=date(2026, 11, 20), attendees="a",
        findings="b", measures="c", today=date(2026, 12, 2),
    )  # fmt: skip
    lines = _csv(tmp_path)
    assert lines[0] == [
        "示范街道人大工委",
        "2026年度承办单位议案建议办理评分（部门绩效考核）",
        "生成时间：2026-12-02 09:30",
    ]
    assert lines[1][:3] == ["名次", "承办单位", "办结件数"]
    body = lines[2:]
    assert [row[1] for row in body] == ["丙局", "乙局", "甲局", "丁局"]
    assert [row[0] for row in body] == ["1", "1", "3", ""]  # ties share a rank; no score, no rank
    weak_row = body[2]
    assert weak_row[2] == "2" and weak_row[5] == "45.00"
    assert weak_row[6:] == ["不合格", "是", "已检讨（2026-11-20）"]
    assert body[0][6] == "优秀" and body[0][7:] == ["", ""]


def test_xlsx_has_the_same_lines(tmp_path):
    unit = HandlingUnitFactory(name="甲局")
    stored(unit, 2026, 70)
    path = tmp_path / "scores.xlsx"
    assert unit_scores_write(path, year=2026, now=NOW) == 1
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][2] == "生成时间：2026-12-02 09:30"
    assert rows[1][1] == "承办单位"
    assert rows[2][:2] == (1, "甲局") and rows[2][5] == 70 and rows[2][6] == "合格"
    assert len(rows) == 3


def test_cells_are_formula_safe(tmp_path):
    stored(HandlingUnitFactory(name='=HYPERLINK("x")'), 2026, 80)
    lines = _csv(tmp_path)
    assert lines[2][1] == '\'=HYPERLINK("x")'


def test_bands():
    assert [band(Decimal(v)) for v in ("90", "89.99", "80", "60", "59.99")] == [
        "优秀",
        "良好",
        "良好",
        "合格",
        "不合格",
    ]
    assert band(None) == ""


def test_dated_file_name():
    assert unit_scores_filename(2026, "xlsx", now=NOW) == "unit-scores-2026-20261202-0930.xlsx"


@pytest.mark.parametrize("n", [5, 50])
def test_one_query_whatever_the_number_of_units(tmp_path, n, django_assert_num_queries):
    for i in range(n):
        unit = HandlingUnitFactory(name=f"单位{i:03d}")
        stored(unit, 2025, 40 + i % 30)
        stored(unit, 2026, 40 + i % 50)
    with django_assert_num_queries(1):
        assert unit_scores_write(tmp_path / "s.csv", year=2026, now=NOW) == n


def test_admin_download_streams_a_dated_file(staff_client):
    stored(HandlingUnitFactory(name="甲局"), 2026, 75)
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get("/admin/suggestions/unityearscore/export/?year=2026&format=csv")
    assert response.status_code == 200
    assert "unit-scores-2026-20261202-0930.csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "甲局" in body and "生成时间：2026-12-02 09:30" in body.splitlines()[0]
    xlsx = staff_client.get("/admin/suggestions/unityearscore/export/?year=2026&format=xlsx")
    assert xlsx.status_code == 200


def test_admin_list_offers_the_download(staff_client):
    stored(HandlingUnitFactory(), 2026, 75)
    page = staff_client.get("/admin/suggestions/unityearscore/").content.decode()
    assert "/admin/suggestions/unityearscore/export/" in page


@pytest.mark.parametrize(
    "query", ["", "?year=abc", "?year=99999999999999999999", "?year=2026&format=pdf"]
)
def test_admin_download_refuses_odd_parameters(staff_client, query):
    url = f"/admin/suggestions/unityearscore/export/{query}"
    assert staff_client.get(url).status_code == 404


def test_admin_download_is_staff_only(unit_client):
    response = unit_client.get("/admin/suggestions/unityearscore/export/?year=2026")
    assert response.status_code in (302, 403, 404)


def test_command_writes_the_file(tmp_path):
    stored(HandlingUnitFactory(name="甲局"), 2026, 75)
    path = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("unit_scores_export", "--year", "2026", "--output", str(path), stdout=out)
    assert "1 家" in out.getvalue()
    assert load_workbook(path).active.cell(row=3, column=2).value == "甲局"


def test_command_refuses_a_bad_suffix(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("unit_scores_export", "--year", "2026", "--output", str(tmp_path / "x.pdf"))
