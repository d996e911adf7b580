"""The audit log's list shows each event's summary cut to a line's length; its page shows the
whole summary."""

import pytest
from django.urls import reverse

from core import texts
from core.admin import SUMMARY_SHOWN
from core.audit import audit_record
from tests.core.test_admin_site import export

pytestmark = pytest.mark.django_db

LONG = "批量更新：" + "、".join(f"代表{i:03d}" for i in range(40))


def test_a_long_summary_is_cut_in_the_list_and_whole_on_the_events_page(staff_client):
    event = audit_record(actor=None, action="test.long", summary=LONG)
    assert len(event.summary) > SUMMARY_SHOWN
    listed = staff_client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    cut = texts.chars(LONG, SUMMARY_SHOWN)
    assert cut != LONG
    assert f'<span class="log-summary">{cut}</span>' in listed
    page = staff_client.get(reverse("admin:core_auditevent_change", args=[event.pk]))
    assert event.summary in page.content.decode()


def test_a_short_summary_is_shown_whole(staff_client):
    audit_record(actor=None, action="test.short", summary="导入代表名册")
    listed = staff_client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert '<span class="log-summary">导入代表名册</span>' in listed


def test_the_logs_sheet_gives_the_summary_whole(staff_client):
    event = audit_record(actor=None, action="test.long", summary=LONG)
    _title, headers, *rows = export(
        staff_client, reverse("admin:core_auditevent_changelist"), [event.pk]
    )
    assert "摘要" in headers
    assert rows[0][headers.index("摘要")] == LONG


def test_a_summary_is_escaped(staff_client):
    audit_record(actor=None, action="test.markup", summary="<b>加粗</b> & 更多")
    listed = staff_client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert '<span class="log-summary">&lt;b&gt;加粗&lt;/b&gt; &amp; 更多</span>' in listed
