"""The duty ledger end to end in a browser: a deputy on a phone records an activity with a photo,
staff on a desktop verify it in the admin, and the deputy's score and portrait move.

The score is recomputed by the app itself: verifying queues ``recompute_assessment`` after the
commit (run at once here, ``CELERY_TASK_ALWAYS_EAGER``), so the test only reads pages."""

import io
import re
from datetime import date

import pytest
from PIL import Image

from core import clock
from performance.models import EntryStatus, LedgerEntry
from performance.scoring import assessment_compute
from tests.accounts.factories import PASSWORD, StaffUserFactory
from tests.deputies.factories import DeputyFactory, DeputyWithUserFactory, TermFactory
from tests.performance.factories import LedgerEntryFactory, rule_set

from .conftest import DESKTOP, PHONE, log_in, shot

TITLE = "走访东湖社区独居老人"


def _png() -> dict:
    """A real photo as the file input receives it (Pillow draws it)."""
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(buffer, format="PNG")
    return {"name": "现场.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


@pytest.fixture
def ledger_year():
    """This year's rules, a term around today, the deputy (two verified meetings, scored) and a
    peer of the same level, so the portrait has an average to compare with."""
    today = clock.today()
    year = today.year
    rule_set(year)
    term = TermFactory(number=90, start_date=date(year - 2, 1, 1), end_date=date(year + 2, 12, 31))
    deputy = DeputyWithUserFactory(term=term, name="李代表", user__username="deputy-li")
    peer = DeputyFactory(term=term)
    for who in (deputy, peer):
        for _ in range(2):
            LedgerEntryFactory(deputy=who, code="B01", year=year, occurred_on=date(year, 1, 1))
    assessment_compute(year=year, today=today)
    staff = StaffUserFactory(username="clerk-wang")
    return deputy, staff


def _total(page) -> str:
    return page.locator(".lv-stat.text-danger").first.inner_text().strip()


def _inspection(page) -> str:
    return page.locator('tr[data-axis="inspection"] td').first.inner_text().strip()


def _radar_drawn(page) -> None:
    page.locator('[data-chart="portrait-radar"] svg').first.wait_for(state="attached")


def test_deputy_records_staff_verify_and_the_score_moves(open_tab, ledger_year):
    deputy, staff = ledger_year

    # 1. The deputy, on a phone.
    phone = open_tab("1-deputy", PHONE, mobile=True)
    page = phone.page
    log_in(phone, "deputy-li", PASSWORD)
    page.wait_for_url(re.compile(r"/deputy/$"))
    _radar_drawn(page)
    assert _total(page) == "4"  # B01 twice, 2 points each
    assert _inspection(page) == "0"
    assert page.locator("nav.lv-tabbar").is_visible()
    assert page.get_by_role("heading", name=deputy.name).is_visible()
    shot(phone, "01-dashboard")

    page.locator("a.lv-record").click()
    page.wait_for_url(re.compile(r"/ledger/submit/$"))
    page.select_option("#id_rule", label="B02 视察、调研、执法检查（+3 分）")
    page.fill("#id_title", TITLE)
    page.fill("#id_place", "东湖社区")
    page.fill("#id_description", "了解独居老人助餐需求。")
    page.set_input_files("#id_photo", files=[_png()])
    shot(phone, "02-submit-form")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(re.compile(r"/ledger/$"))
    assert page.get_by_text("已提交，工委核实后计入积分。").is_visible()
    row = page.locator("a.lv-entry", has_text=TITLE)
    assert row.locator(".badge").inner_text() == "待审核"
    assert "附件 1" in row.inner_text()
    shot(phone, "03-ledger-pending")
    entry = LedgerEntry.objects.get(deputy=deputy, title=TITLE)
    assert entry.status == EntryStatus.PENDING and entry.evidence.count() == 1

    # 2. Staff, on a desktop, in the admin.
    desk = open_tab("2-staff", DESKTOP)
    admin = desk.page
    log_in(desk, "clerk-wang", PASSWORD)
    desk.go("/admin/performance/ledgerentry/?status__exact=pending")
    assert admin.locator("#result_list tbody tr").count() == 1
    shot(desk, "01-pending-list")
    admin.locator("#result_list").get_by_role("link", name=TITLE).click()
    admin.wait_for_url(re.compile(rf"/admin/performance/ledgerentry/{entry.pk}/change/"))
    shot(desk, "02-entry")
    admin.locator(".object-tools").get_by_role("link", name="核实", exact=True).click()
    admin.wait_for_url(re.compile(rf"/ledgerentry/{entry.pk}/verify/$"))
    assert admin.get_by_text(TITLE).first.is_visible()
    shot(desk, "03-verify-confirm")
    admin.locator('input[type="submit"][value="核实"]').click()
    admin.wait_for_url(re.compile(rf"/ledgerentry/{entry.pk}/change/$"))
    assert admin.locator(".messagelist").inner_text().strip() == "已核实。"
    shot(desk, "04-verified")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VERIFIED and entry.reviewed_by == staff

    # 3. The deputy's dashboard again: 3 more points, one inspection on the portrait.
    phone.go("/deputy/")
    _radar_drawn(page)
    assert _total(page) == "7"
    assert _inspection(page) == "1"
    shot(phone, "04-dashboard-after")
