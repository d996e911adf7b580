"""The admin as the committee's workbench: the committee's name in the titles, one login, the
sidebar by task with every model in it once, and an .xlsx export of any list that is
formula-safe, masks phones and is recorded."""

import io

import pytest
from django.contrib import admin
from django.test import override_settings
from openpyxl import load_workbook

from core.admin_site import TASKS
from core.models import AuditEvent
from tests.performance.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    from accounts.roles import sync_staff_permissions

    sync_staff_permissions()


def test_admin_login_is_the_sites_own(client):
    response = client.get("/admin/login/?next=/admin/performance/ledgerentry/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=/admin/performance/ledgerentry/" in response["Location"]
    assert client.get("/admin/").status_code == 302


@override_settings(LVZHI_COMMITTEE_NAME="测试街道人大工委")
def test_titles_carry_the_committee_name(staff_client, staff_user):
    staff_user.first_name, staff_user.last_name = "文", "书"
    staff_user.save()
    page = staff_client.get("/admin/").content.decode()
    assert "测试街道人大工委 · 履职工作平台" in page
    assert "<title>工委工作台 | 测试街道人大工委</title>" in page
    assert "书文" in page or "文 书" in page or "文书" in page
    assert "欢迎" not in page


def test_every_registered_model_is_in_the_sidebar_once(staff_client, admin_user, client):
    client.force_login(admin_user)  # a superuser sees every model
    response = client.get("/admin/")
    groups = response.context["app_list"]
    names = [str(group["name"]) for group in groups]
    assert names[:2] == ["代表队伍", "履职档案"]
    listed = [model["model"] for group in groups for model in group["models"]]
    assert sorted(m._meta.label for m in listed) == sorted(
        m._meta.label for m in admin.site._registry
    )
    assert len(listed) == len(set(listed))
    # Each task is as written in TASKS (in order), unknown models under 系统设置 only.
    ledger = next(g for g in groups if str(g["name"]) == "履职档案")
    assert ledger["models"][0]["object_name"] == "LedgerEntry"
    assert {key for key, _name, _members in TASKS} >= {
        g["app_label"].removeprefix("task-") for g in groups
    }


def test_an_apps_own_index_keeps_its_models(staff_client):
    response = staff_client.get("/admin/performance/")
    assert response.status_code == 200
    assert [g["app_label"] for g in response.context["app_list"]] == ["performance"]


def export(client, url: str, ids: list[int]) -> list[list]:
    response = client.post(
        url, {"action": "export_xlsx", "_selected_action": [str(pk) for pk in ids]}
    )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].endswith('.xlsx"')
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_any_list_exports_what_the_clerk_sees(staff_client):
    chosen = ActivityFactory(title='=HYPERLINK("http://x") 请联系13912345678', place="东湖社区")
    ActivityFactory(title="不导出")
    rows = export(staff_client, "/admin/performance/activity/", [chosen.pk])
    title, headers, *data = rows
    assert "组织活动" in " ".join(str(v) for v in title if v)
    assert headers[:3] == ["活动日期", "活动主题", "活动类型"]
    assert len(data) == 1
    flat = " ".join(str(v) for v in data[0] if v is not None)
    assert "HYPERLINK" in flat
    assert not any(str(v).startswith("=") for v in data[0] if v is not None)
    assert "13912345678" not in flat  # phones go out masked
    assert "139****5678" in flat
    event = AuditEvent.objects.get(action="admin.export.performance.activity")
    assert event.data["count"] == 1


def test_deputies_and_units_cannot_export(deputy_client):
    response = deputy_client.post(
        "/admin/performance/ledgerentry/", {"action": "export_xlsx", "_selected_action": ["1"]}
    )
    assert response.status_code == 302  # to the sign-in page: not staff
    assert not AuditEvent.objects.filter(action__startswith="admin.export").exists()


def test_list_and_form_titles_read_as_the_clerk_says_them(staff_client):
    page = staff_client.get("/admin/performance/activity/").content.decode()
    assert "<h1>组织活动</h1>" in page
    assert "选择 组织活动 来修改" not in page
    add = staff_client.get("/admin/performance/activity/add/").content.decode()
    assert "<h1>新增组织活动</h1>" in add


def test_every_admin_model_has_a_chinese_name():
    import re

    from django.utils import translation

    with translation.override("zh-hans"):
        english = [
            model._meta.label
            for model in admin.site._registry
            if not re.search(r"[\u4e00-\u9fff]", str(model._meta.verbose_name_plural))
        ]
    assert english == []
