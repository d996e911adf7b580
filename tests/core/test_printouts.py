"""Printouts carry the committee's name and when they were generated (issue #12): every page
on ``base.html`` ends with a line shown only in print (``d-print-block``), so the poster, the
deputy code and the rating QR sheet say whose and how old they are once on paper."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from tests.liaison.factories import StationFactory
from tests.suggestions import helpers

pytestmark = pytest.mark.django_db

PINNED = datetime(2026, 12, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
STAMP = re.compile(r'<p class="lv-print-stamp d-none d-print-block[^"]*">([^<]*)</p>')


def _stamp(client, url: str) -> str:
    with time_machine.travel(PINNED, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    found = STAMP.findall(response.content.decode())
    assert len(found) == 1, url
    return " ".join(found[0].split())


def test_print_pages_carry_the_committee_and_the_moment(staff_client, deputy):
    station = StationFactory()
    suggestion = helpers.replied()
    expected = f"{settings.LVZHI_COMMITTEE_NAME} · 生成时间：2026-12-02 09:30"
    for url in (
        f"/liaison/stations/{station.pk}/poster/",
        f"/liaison/deputies/{deputy.code}/code/",
        f"/suggestions/{suggestion.pk}/qr/",
    ):
        assert _stamp(staff_client, url) == expected, url


def test_the_line_follows_the_committee_setting_and_the_clock(client, settings):
    settings.LVZHI_COMMITTEE_NAME = "东湖街道人大工委"
    later = datetime(2027, 1, 1, 0, 5, tzinfo=ZoneInfo("UTC"))  # 08:05 in Shanghai
    with time_machine.travel(later, tick=False):
        page = client.get("/liaison/stations/").content.decode()
    assert STAMP.findall(page) == ["东湖街道人大工委 · 生成时间：2027-01-01 08:05"]
