"""The committee's day is its own time zone's, whatever zone a request activates."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from core import clock


def test_today_is_the_committees_day_in_any_active_zone():
    # 20:30 UTC on 31 December is already 1 January in Asia/Shanghai (UTC+8), still
    # 31 December in Honolulu (UTC-10).
    with time_machine.travel(datetime(2031, 12, 31, 20, 30, tzinfo=UTC), tick=False):
        assert clock.today().isoformat() == "2032-01-01"
        with timezone.override(ZoneInfo("Pacific/Honolulu")):
            assert timezone.localdate().isoformat() == "2031-12-31"
            assert clock.today().isoformat() == "2032-01-01"
        assert clock.day_of(clock.now()).isoformat() == "2032-01-01"
