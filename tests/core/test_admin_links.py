"""Links between records on the admin's change pages (core.admin_links): a deputy's page leads
to their ledger, assessments, suggestions, visits, duties and enrolments, each list showing
exactly that deputy's rows; a pending entry's page has 核实 and 退回, which work."""

import re
from datetime import date

import pytest
from django.test import Client

from core.models import AuditEvent
from performance.models import EntryStatus, LedgerEntry
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import LedgerEntryFactory, rule_set

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture(autouse=True)
def _reference_data(db):
    from accounts.roles import sync_staff_permissions

    sync_staff_permissions()


def tools(html: str) -> dict[str, str]:
    block = html.split('class="object-tools"', 1)[1].split("</ul>", 1)[0]
    return {
        label: href.replace("&amp;", "&")
        for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', block)
    }


def test_a_deputys_page_leads_to_their_records(staff_client):
    rule_set(YEAR)
    mine, other = DeputyFactory(), DeputyFactory()
    LedgerEntryFactory(deputy=mine, year=YEAR)
    LedgerEntryFactory(deputy=other, year=YEAR)
    links = tools(staff_client.get(f"/admin/deputies/deputy/{mine.pk}/change/").content.decode())
    assert {"履职记录", "年度考核", "领衔建议", "接待记录", "值班安排", "培训报名"} <= set(links)
    for label, url in links.items():
        response = staff_client.get(url)
        assert response.status_code == 200, (label, url)
    ledger = staff_client.get(links["履职记录"]).context["cl"]
    assert ledger.result_count == 1


def pending_entry():
    rule_set(YEAR)
    return LedgerEntryFactory(
        year=YEAR, occurred_on=date(YEAR, 3, 1), status=EntryStatus.PENDING, reviewed_at=None
    )


def test_a_pending_entry_is_verified_from_its_page(staff_client):
    entry = pending_entry()
    links = tools(
        staff_client.get(f"/admin/performance/ledgerentry/{entry.pk}/change/").content.decode()
    )
    assert set(links) >= {"核实", "退回"}
    page = staff_client.get(links["核实"]).content.decode()
    assert entry.title in page and "取消" in page
    response = staff_client.post(links["核实"])
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VERIFIED
    after = tools(
        staff_client.get(f"/admin/performance/ledgerentry/{entry.pk}/change/").content.decode()
    )
    assert "核实" not in after


def test_reject_needs_a_reason_and_keeps_it(staff_client):
    entry = pending_entry()
    url = f"/admin/performance/ledgerentry/{entry.pk}/reject/"
    response = staff_client.post(url, {"reason": ""})
    assert response.status_code == 200  # the form again, with the field's error
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING
    staff_client.post(url, {"reason": "照片与活动不符"})
    entry.refresh_from_db()
    assert (entry.status, entry.review_reason) == (EntryStatus.REJECTED, "照片与活动不符")


def test_an_unknown_entry_goes_back_to_the_list(staff_client):
    pending_entry()
    response = staff_client.post("/admin/performance/ledgerentry/999999/verify/")
    assert response["Location"] == "/admin/performance/ledgerentry/"
    assert not LedgerEntry.objects.filter(status=EntryStatus.VERIFIED).exists()


def test_deputies_cannot_verify(deputy):
    entry = pending_entry()
    browser = Client()
    browser.force_login(deputy.user)
    before = AuditEvent.objects.count()
    response = browser.post(f"/admin/performance/ledgerentry/{entry.pk}/verify/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING
    assert AuditEvent.objects.count() == before
