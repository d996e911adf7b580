"""The stations demo: every host type, a calendar around any date, d001 on duty tomorrow, past
duties marked and credited as B03 once; running it twice changes nothing."""

import datetime

import pytest
import time_machine

from core.demo import DemoContext
from deputies import demo as deputies_demo
from deputies.models import Community
from liaison.demo import stations as stations_demo
from liaison.models import Duty, HostType, ReceptionDay, Station
from performance.models import LedgerEntry
from tests.performance.factories import rule_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "today", [datetime.date(2026, 12, 2), datetime.date(2027, 1, 3), datetime.date(2028, 2, 29)]
)
def test_demo_on_any_date_and_twice(today):
    noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        context = DemoContext(today=today)
        deputies_demo.seed(context)
        rule_set(today.year)
        rule_set(today.year - 1)
        stations_demo.seed(context)
        counts = (Station.objects.count(), ReceptionDay.objects.count(), Duty.objects.count())
        b03 = LedgerEntry.objects.filter(rule__code="B03").count()
        stations_demo.seed(context)
    assert Community.objects.count() == 6
    assert counts == (
        Station.objects.count(),
        ReceptionDay.objects.count(),
        Duty.objects.count(),
    )
    assert LedgerEntry.objects.filter(rule__code="B03").count() == b03 > 0
    assert {s.host_type for s in Station.objects.all()} >= {
        HostType.COMMUNITY,
        HostType.SERVICE_HALL,
        HostType.INDUSTRIAL_PARK,
        HostType.COURIER,
        HostType.RIDE_HAILING,
    }
    assert all(s.deputies.exists() for s in Station.objects.all())
    tomorrow = today + datetime.timedelta(days=1)
    assert Duty.objects.filter(deputy__code="D001", reception_day__date=tomorrow).exists()
    past = Duty.objects.filter(reception_day__date__lt=today)
    assert past.exists() and not past.filter(attended=None).exists()
    assert not Duty.objects.filter(reception_day__date__gt=today, attended__isnull=False).exists()
    attended = past.filter(attended=True)
    credited = LedgerEntry.objects.filter(rule__code="B03", source_kind="automatic")
    # each attended deputy-day counts once
    days = {(d.deputy_id, d.reception_day.date) for d in attended.select_related("reception_day")}
    assert credited.count() == len(days)
