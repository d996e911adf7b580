"""``opinion_index``: one row per pair with counts in the week or the eight before, as CSV
(a file or standard output) or xlsx, formula-safe; a bad week is a clear error in Chinese."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory

from .factories import ExternalEventFactory

W48 = date(2026, 11, 23)
HEADERS = ["community", "category", "week_count", "baseline_mean", "ratio", "flagged"]


@pytest.fixture
def data(db, settings):
    settings.LVZHI_OPINION_MIN_COUNT = 5
    settings.LVZHI_OPINION_FACTOR = 2.0
    hot = {
        "community": CommunityFactory(name="东湖社区", order=1),
        "category": CategoryFactory(name="交通"),
    }
    for _ in range(6):
        ExternalEventFactory(occurred_on=W48, **hot)
    ExternalEventFactory(occurred_on=W48 - timedelta(weeks=3), **hot)
    quiet = {"community": CommunityFactory(name="=西河社区", order=2), "category": hot["category"]}
    ExternalEventFactory(occurred_on=W48 - timedelta(weeks=8), **quiet)  # baseline only
    gone = {"community": CommunityFactory(name="南苑社区"), "category": hot["category"]}
    ExternalEventFactory(occurred_on=W48 - timedelta(weeks=9), **gone)  # outside the window


def _read_csv(text: str) -> list[list[str]]:
    """The rows below the title line (the committee, the week, when it was generated)."""
    title, *rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    assert title[0] == settings.LVZHI_COMMITTEE_NAME and "民意指数" in title[1]
    return rows


def test_csv_file(data, tmp_path):
    path = tmp_path / "index.csv"
    out = io.StringIO()
    call_command("opinion_index", "--week", "2026-W48", "--output", str(path), stdout=out)
    assert "2026-W48" in out.getvalue() and "2 行" in out.getvalue()
    rows = _read_csv(path.read_text("utf-8"))
    assert rows[0] == HEADERS
    assert rows[1] == ["东湖社区", "交通", "6", "0.13", "48.00", "1"]
    # formula-safe: a name starting with "=" is written behind an apostrophe
    assert rows[2] == ["'=西河社区", "交通", "0", "0.13", "0.00", "0"]


def test_ratio_is_empty_when_the_baseline_is_zero(db, tmp_path):
    ExternalEventFactory(occurred_on=W48)
    out = io.StringIO()
    call_command("opinion_index", "--week", "2026-W48", "--output", "-", stdout=out)
    rows = _read_csv(out.getvalue())
    assert rows[0] == HEADERS
    assert rows[1][2:] == ["1", "0.00", "", "0"]


def test_xlsx_file(data, tmp_path):
    path = tmp_path / "index.xlsx"
    call_command(
        "opinion_index",
        "--week=2026-W48",
        "--format",
        "xlsx",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    sheet = load_workbook(path).active
    title, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert title[:2] == [settings.LVZHI_COMMITTEE_NAME, "2026-W48 民意指数"]
    assert sheet.title == "2026-W48"
    assert rows[0] == HEADERS
    assert rows[1] == ["东湖社区", "交通", 6, 0.13, 48.0, 1]
    assert rows[2][0] == "'=西河社区"
    assert len(rows) == 3


def test_format_follows_the_file_name(data, tmp_path):
    path = tmp_path / "index.xlsx"
    call_command("opinion_index", "--week=2026-W48", "--output", str(path), stdout=io.StringIO())
    assert load_workbook(path).active.max_row == 4  # title line, header, two rows


def test_default_week_is_the_current_one(db, tmp_path):
    with time_machine.travel(datetime(2027, 1, 6, 4, 0, tzinfo=UTC), tick=False):
        event = ExternalEventFactory(occurred_on=date(2027, 1, 4))
        ExternalEventFactory(  # Sunday of 2026-W53: the week before
            occurred_on=date(2027, 1, 3), community=event.community, category=event.category
        )
        out = io.StringIO()
        call_command("opinion_index", "--output", "-", stdout=out)
    rows = _read_csv(out.getvalue())
    assert [row[2:5] for row in rows[1:]] == [["1", "0.13", "8.00"]]


@pytest.mark.parametrize("week", ["2027-W53", "W48", "2026-48", "abc", ""])
def test_bad_week_is_a_chinese_error(db, week):
    with pytest.raises(CommandError, match="ISO 周"):
        call_command("opinion_index", "--week", week, "--output", "-", stdout=io.StringIO())


def test_xlsx_to_stdout_and_missing_directory_are_refused(db, tmp_path):
    with pytest.raises(CommandError, match="标准输出"):
        call_command("opinion_index", "--format", "xlsx", "--output", "-")
    with pytest.raises(CommandError, match="输出目录不存在"):
        call_command("opinion_index", "--output", str(tmp_path / "no" / "index.csv"))
