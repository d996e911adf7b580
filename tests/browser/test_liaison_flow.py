"""Residents and the public-opinion index in a browser: a resident sends an opinion from the page
a station's QR code opens, staff adopt a flag of the index, and the cockpit draws its charts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from core import clock
from liaison.models import FlagStatus, Opinion, OpinionFlag
from liaison.selectors_index import last_week
from liaison.services.index import opinion_flags_compute
from tests.accounts.factories import PASSWORD, StaffUserFactory
from tests.deputies.factories import CommunityFactory
from tests.liaison.factories import ExternalEventFactory, StationFactory
from tests.suggestions.factories import CategoryFactory

from .conftest import DESKTOP, PHONE, log_in, shot

PROBLEM = "菜市场门口早高峰机动车乱停，老人过马路不安全。"


def test_resident_sends_an_opinion_from_a_stations_qr_page(open_tab):
    station = StationFactory(name="东湖社区联络站", community__name="东湖社区")
    CategoryFactory(name="交通出行")
    tab = open_tab("3-resident", PHONE, mobile=True)
    page = tab.page
    tab.go(reverse("liaison:opinion_station", args=[station.pk]))
    assert page.get_by_text("东湖社区联络站").first.is_visible()
    assert page.locator("#id_community option:checked").inner_text() == "东湖社区"
    page.select_option("#id_category", label="交通出行")
    page.fill("#id_description", PROBLEM)
    page.check("#id_consent")
    shot(tab, "01-opinion-form")
    page.get_by_role("button", name="提交", exact=True).click()
    code = page.locator("#tracking-code")
    code.wait_for()
    assert page.get_by_text("感谢您的意见，我们已经收到。").is_visible()
    opinion = Opinion.objects.get()
    assert code.inner_text().strip() == opinion.tracking_code
    assert (opinion.station, opinion.description) == (station, PROBLEM)
    shot(tab, "02-tracking-code")


@pytest.fixture
def open_flag(settings):
    """Last week six hotline calls about one community and category, none before: the index
    rule flags the pair (the weekly job's own service)."""
    settings.LVZHI_OPINION_MIN_COUNT = 5
    settings.LVZHI_OPINION_FACTOR = 2.0
    week = last_week(today=clock.today())
    community = CommunityFactory(name="西河社区")
    category = CategoryFactory(name="噪音扰民")
    for i in range(6):
        ExternalEventFactory(
            occurred_on=week + timedelta(days=i), community=community, category=category
        )
    [flag] = opinion_flags_compute(week=week)
    return flag


def test_staff_adopt_a_flag_and_the_cockpit_draws(open_tab, open_flag):
    StaffUserFactory(username="clerk-zhao")
    tab = open_tab("4-staff", DESKTOP)
    page = tab.page
    log_in(tab, "clerk-zhao", PASSWORD)

    tab.go(reverse("liaison:opinion_index"))
    flags = page.locator(".list-group-item", has=page.get_by_role("button", name="列入监督议题"))
    assert flags.count() == 1
    assert "西河社区 · 噪音扰民" in flags.first.inner_text()
    shot(tab, "01-index")
    flags.first.get_by_role("button", name="列入监督议题").click()
    page.wait_for_url(re.compile(r"/liaison/index/\?week="))
    assert page.locator(".alert-success").get_by_text("监督菜单候选议题").is_visible()
    assert page.get_by_text("没有待研判的预警。").is_visible()
    shot(tab, "02-adopted")
    open_flag.refresh_from_db()
    assert open_flag.status == FlagStatus.ADOPTED and open_flag.topic is not None
    assert not OpinionFlag.objects.filter(status=FlagStatus.OPEN).exists()

    tab.go(reverse("cockpit"))
    charts = page.locator("[data-chart]")
    assert charts.count() >= 2
    for i in range(charts.count()):
        charts.nth(i).locator("svg").first.wait_for(state="attached")
    assert page.locator('[data-chart="cockpit-heat"] svg').count() >= 1
    shot(tab, "03-cockpit")
