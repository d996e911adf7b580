"""``import_events`` and the admin import of hotline/grid events: all rows or none, row errors
naming line and column in Chinese, unknown categories and communities created only when asked."""

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from core.models import AuditEvent
from deputies.models import Community
from liaison.importer import events_import
from liaison.models import EventSource, ExternalEvent
from suggestions.public import Category
from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory

TODAY = date(2026, 12, 2)
HEADER = "日期,来源,类别,社区,摘要\n"


@pytest.fixture
def pinned():
    """The command and the admin read the clock: pin it a few days after the sheets' dates."""
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def known(db):
    return CommunityFactory(name="东湖社区"), CategoryFactory(name="城市管理和环境")


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def _run(text: str, **kwargs):
    return events_import(source=_csv(text), filename="events.csv", today=TODAY, **kwargs)


def test_imports_rows_with_chinese_labels_and_codes(known):
    community, category = known
    result = _run(
        HEADER + "2026-11-30,12345,城市管理和环境,东湖社区,夜间施工噪音\n"
        "2026/11/29,网格,城市管理和环境,东湖社区,\n"
        "2026-11-28,grid,城市管理和环境,东湖社区,占道经营\n"
        "2026-11-28,其他,城市管理和环境,东湖社区,来信\n"
        "2026-11-28,12345 热线,城市管理和环境,东湖社区,来电\n"
    )
    assert result.ok, result.error_lines()
    assert result.created == 5
    assert sorted(ExternalEvent.objects.values_list("source", flat=True)) == sorted(
        ["12345", "grid", "grid", "other", "12345"]
    )
    event = ExternalEvent.objects.get(summary="夜间施工噪音")
    assert (event.occurred_on, event.community, event.category) == (
        date(2026, 11, 30),
        community,
        category,
    )
    assert AuditEvent.objects.filter(action="liaison.events.import").count() == 1


def test_english_headers_are_accepted(known):
    result = _run(
        "occurred_on,source,category,community,summary\n"
        "2026-11-30,12345,城市管理和环境,东湖社区,噪音\n"
    )
    assert result.ok and result.created == 1


def test_bad_date_is_a_row_error_and_nothing_is_imported(known):
    result = _run(
        HEADER + "2026-11-30,12345,城市管理和环境,东湖社区,好的一行\n"
        "2026-13-45,12345,城市管理和环境,东湖社区,坏日期\n"
        "2026-12-03,12345,城市管理和环境,东湖社区,明天\n"
        ",网格,城市管理和环境,东湖社区,没有日期\n"
    )
    assert not result.ok
    lines = result.error_lines()
    assert any(line.startswith("第 3 行「日期」") and "2026-13-45" in line for line in lines)
    assert any(line.startswith("第 4 行「日期」") and "晚于今天" in line for line in lines)
    assert "第 5 行「日期」：不能为空。" in lines
    assert not ExternalEvent.objects.exists()


def test_unknown_source_names_the_choices(known):
    result = _run(HEADER + "2026-11-30,信访,城市管理和环境,东湖社区,x\n")
    [line] = result.error_lines()
    assert line.startswith("第 2 行「来源」") and "信访" in line and "网格" in line


def test_unknown_category_and_community_are_row_errors_without_create_missing(known):
    result = _run(
        HEADER + "2026-11-30,12345,城市管理和环境,东湖社区,好的一行\n"
        "2026-11-30,12345,噪音污染,东湖社区,x\n"
        "2026-11-30,12345,城市管理和环境,北山社区,y\n"
    )
    assert result.error_lines() == [
        "第 3 行「类别」：找不到类别“噪音污染”（可用 --create-missing 自动创建）。",
        "第 4 行「社区」：找不到社区“北山社区”（可用 --create-missing 自动创建）。",
    ]
    assert not ExternalEvent.objects.exists()
    assert not Category.objects.filter(name="噪音污染").exists()


def test_create_missing_creates_them_once(known):
    result = _run(
        HEADER + "2026-11-30,12345,噪音污染,北山社区,x\n2026-11-30,网格,噪音污染,北山社区,y\n",
        create_missing=True,
    )
    assert result.ok and result.created == 2
    assert Category.objects.filter(name="噪音污染").count() == 1
    assert Community.objects.filter(name="北山社区").count() == 1


def test_create_missing_is_undone_when_another_row_is_bad(known):
    result = _run(
        HEADER + "2026-11-30,12345,噪音污染,北山社区,x\n2026-02-30,网格,噪音污染,北山社区,y\n",
        create_missing=True,
    )
    assert not result.ok
    assert not Category.objects.filter(name="噪音污染").exists()
    assert not Community.objects.filter(name="北山社区").exists()
    assert not ExternalEvent.objects.exists()


def test_dry_run_writes_nothing(known):
    result = _run(
        HEADER + "2026-11-30,12345,噪音污染,东湖社区,x\n", create_missing=True, dry_run=True
    )
    assert result.ok and result.dry_run
    assert not ExternalEvent.objects.exists() and not Category.objects.filter(name="噪音污染")


def test_command_reads_xlsx_and_refuses_bad_files(known, tmp_path, pinned):
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "来源", "类别", "社区", "摘要"])
    sheet.append([date(2026, 11, 30), "12345", "城市管理和环境", "东湖社区", "噪音"])
    sheet.append([date(2026, 11, 30), "网格", "新类别", "新社区", "夜市噪音"])
    path = tmp_path / "events.xlsx"
    book.save(path)

    err = io.StringIO()
    with pytest.raises(CommandError, match="导入失败：2 处错误"):
        call_command("import_events", str(path), stderr=err, stdout=io.StringIO())
    assert "第 3 行「类别」" in err.getvalue() and "第 3 行「社区」" in err.getvalue()
    assert not ExternalEvent.objects.exists()

    out = io.StringIO()
    call_command("import_events", str(path), "--create-missing", stdout=out)
    assert "已导入 2 条" in out.getvalue()
    assert ExternalEvent.objects.filter(source=EventSource.GRID, summary="夜市噪音").count() == 1


def test_command_missing_file(db):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_events", "/nonexistent/events.csv")


def test_admin_import_page_and_list(pinned, staff_client, known):
    url = reverse("admin:liaison_externalevent_import")
    assert staff_client.get(url).status_code == 200
    upload = io.BytesIO((HEADER + "2026-11-30,12345,城市管理和环境,东湖社区,噪音\n").encode())
    upload.name = "events.csv"
    response = staff_client.post(url, {"file": upload})
    assert response.status_code == 302
    assert ExternalEvent.objects.count() == 1

    upload = io.BytesIO((HEADER + "2026-11-30,12345,未知类别,东湖社区,噪音\n").encode())
    upload.name = "events.csv"
    response = staff_client.post(url, {"file": upload})
    assert response.status_code == 200
    assert "未知类别" in response.content.decode()

    upload = io.BytesIO((HEADER + "2026-11-30,12345,未知类别,东湖社区,噪音\n").encode())
    upload.name = "events.csv"
    response = staff_client.post(url, {"file": upload, "create_missing": "on"})
    assert response.status_code == 302
    assert ExternalEvent.objects.count() == 2

    listing = staff_client.get(reverse("admin:liaison_externalevent_changelist"))
    assert listing.status_code == 200
    assert "导入热线/网格事件" in listing.content.decode()
    template = staff_client.get(reverse("admin:liaison_externalevent_import_template"))
    assert template.status_code == 200


def test_event_admin_pages_for_staff_only(staff_client, deputy, known):
    community, category = known
    event = ExternalEvent.objects.create(
        occurred_on=date(2026, 11, 30),
        source=EventSource.HOTLINE,
        community=community,
        category=category,
        summary="噪音" * 40,
    )
    listing = staff_client.get(
        reverse("admin:liaison_externalevent_changelist"),
        {"source__exact": "12345", "year": "2026"},
    )
    assert listing.status_code == 200 and "噪音噪音" in listing.content.decode()
    assert "…" in listing.content.decode()  # long summaries are cut in the list
    change = staff_client.get(reverse("admin:liaison_externalevent_change", args=[event.pk]))
    assert change.status_code == 200
    other = Client()
    other.force_login(deputy.user)
    assert other.get(reverse("admin:liaison_externalevent_changelist")).status_code == 302
    assert other.get(reverse("admin:liaison_externalevent_import")).status_code == 302
