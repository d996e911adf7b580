import csv
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from suggestions import services
from suggestions.models import Status
from suggestions.statistics import REPORT_HEADERS, report_rows, suggestion_statistics
from suggestions.workflow import suggestion_transition

from . import helpers
from .factories import CategoryFactory, HandlingUnitFactory

pytestmark = pytest.mark.django_db

REGISTERED = date(2026, 3, 2)


def make(unit, category, reply=None, cls="A", verdict=None, eval_on=None, conclude=None):
    s = helpers.registered(on=REGISTERED, category=category)
    if unit is None:
        return s
    services.suggestion_assign(suggestion=s, lead_unit=unit, on=REGISTERED, actor=None)
    if reply:
        problems = [] if cls == "A" else [("other", "堵点")]
        services.reply_submit(
            suggestion=s,
            unit=unit,
            result_class=cls,
            content="答复",
            problems=problems,
            replied_on=reply,
            actor=None,
        )
    if verdict:
        services.evaluation_submit(
            suggestion=s,
            deputy=s.lead_deputy,
            verdict=verdict,
            implementation_score=80,
            evaluated_on=eval_on,
            actor=None,
        )
    if conclude:
        suggestion_transition(suggestion=s, to=Status.CONCLUDED, actor=None, on=conclude)
    return s


@pytest.fixture
def data_set():
    east = HandlingUnitFactory(name="东区教育局")
    west = HandlingUnitFactory(name="西区卫健委")
    edu = CategoryFactory(name="教育")
    health = CategoryFactory(name="医疗卫生")
    # A: replied in 65 days, satisfied, concluded
    make(
        east,
        edu,
        reply=date(2026, 5, 6),
        verdict="satisfied",
        eval_on=date(2026, 5, 20),
        conclude=date(2026, 6, 1),
    )
    # B: replied after the 2026-06-02 deadline (100 days), 基本满意
    make(east, health, reply=date(2026, 6, 10), cls="B", verdict="basic", eval_on=date(2026, 6, 20))
    # C: never replied, deadline passed
    make(west, edu)
    # D: registered, not yet assigned
    make(None, health)
    # E: replied in 30 days, 不满意 (sent back, no second reply yet)
    make(
        west, edu, reply=date(2026, 4, 1), cls="C", verdict="unsatisfied", eval_on=date(2026, 4, 10)
    )
    # last year's: never counted in 2026
    old = helpers.registered(on=date(2025, 12, 1), category=edu)
    services.suggestion_assign(suggestion=old, lead_unit=east, on=date(2025, 12, 1), actor=None)
    assert old.number == "2025-001"


EXPECTED = [
    ["合计", "全部", "5", "1", "20.0%", "3", "1", "33.3%", "2", "65"],
    ["主办单位", "东区教育局", "2", "1", "50.0%", "2", "1", "50.0%", "1", "82.5"],
    ["主办单位", "西区卫健委", "2", "0", "0.0%", "1", "0", "0.0%", "1", "30"],
    ["主办单位", "未交办", "1", "0", "0.0%", "0", "0", "", "0", ""],
    ["类别", "医疗卫生", "2", "0", "0.0%", "1", "0", "0.0%", "1", "100"],
    ["类别", "教育", "3", "1", "33.3%", "2", "1", "50.0%", "1", "47.5"],
]


def test_statistics_rows(data_set):
    rows = suggestion_statistics(year=2026, as_of=date(2026, 11, 25))
    total = rows[0]
    assert (total.registered, total.concluded, total.evaluated, total.satisfied) == (5, 1, 3, 1)
    assert total.completion_rate == Decimal("20.0")
    assert total.satisfaction_rate == Decimal("33.3")
    assert (total.overdue, total.median_days_to_reply) == (2, 65)
    assert [[str(v) for v in r] for r in report_rows(rows)] == EXPECTED


def test_statistics_as_of_an_earlier_date(data_set):
    total = suggestion_statistics(year=2026, as_of=date(2026, 5, 10))[0]
    # replies by then: A (65 days) and E (30 days) → even count, the mean of the middle two
    assert total.median_days_to_reply == 47.5
    assert (total.registered, total.concluded, total.evaluated, total.satisfied) == (5, 0, 1, 0)
    assert total.overdue == 0
    before = suggestion_statistics(year=2026, as_of=date(2026, 3, 1))
    assert before[0].registered == 0


def test_report_command_csv(data_set, tmp_path):
    out = tmp_path / "r.csv"
    call_command(
        "suggestions_report",
        "--year",
        "2026",
        "--as-of",
        "2026-11-25",
        "--format",
        "csv",
        "--output",
        str(out),
    )
    with out.open(encoding="utf-8-sig", newline="") as fh:
        title, *rows = csv.reader(fh)
    assert title[:2] == [settings.LVZHI_COMMITTEE_NAME, "2026年议案建议统计"]
    assert rows[0] == REPORT_HEADERS
    assert rows[1:] == EXPECTED


def test_report_command_xlsx(data_set, tmp_path):
    out = tmp_path / "r.xlsx"
    call_command(
        "suggestions_report",
        "--year",
        "2026",
        "--as-of",
        "2026-11-25",
        "--format",
        "xlsx",
        "--output",
        str(out),
    )
    sheet = openpyxl.load_workbook(out).active
    title, *values = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert title[0] == settings.LVZHI_COMMITTEE_NAME and title[2].startswith("生成时间：")
    assert values[0] == REPORT_HEADERS
    assert values[1:] == EXPECTED


def test_report_command_bad_arguments(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "suggestions_report",
            "--year",
            "2026",
            "--as-of",
            "25/11/2026",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "r.csv"),
        )
    with pytest.raises(CommandError):
        call_command(
            "suggestions_report",
            "--year",
            "2026",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "r.xlsx"),
        )


def test_stats_page_and_download(staff_client, data_set):
    response = staff_client.get("/suggestions/staff/stats/?year=2026&as_of=2026-11-25")
    assert response.status_code == 200
    text = response.content.decode()
    assert "东区教育局" in text and "20.0%" in text
    response = staff_client.get("/suggestions/staff/stats/?year=2026&as_of=2026-11-25&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="suggestions-2026-' in response["Content-Disposition"]  # and when taken
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith(settings.LVZHI_COMMITTEE_NAME + ",")
    assert lines[2].split(",") == EXPECTED[0]


def test_late_first_reply_stays_overdue_after_the_deputy_sends_it_back():
    """A reopen sets a new deadline for the second reply; the first reply was still late."""
    unit = HandlingUnitFactory()
    s = make(unit, None, reply=date(2026, 6, 10), cls="B", verdict="unsatisfied")
    s.refresh_from_db()
    assert s.status == Status.IN_HANDLING and s.reply_deadline > date(2026, 6, 10)
    assert s.first_reply_deadline == date(2026, 6, 2)
    total = suggestion_statistics(year=2026, as_of=date(2026, 11, 25))[0]
    assert total.overdue == 1
