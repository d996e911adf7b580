"""The demo's visits and opinions: at the demo stations, every opinion status with replies,
some visits turned into suggestions and some referred, idempotent, nothing without stations."""

import datetime

import pytest

from core.demo import DemoContext
from liaison.demo import opinions as demo
from liaison.demo import visits as visits_demo
from liaison.models import Opinion, OpinionStatus, Visit, VisitStatus
from tests.suggestions.factories import CategoryFactory

from .factories import StationFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 3, 10)


def test_without_stations_the_demo_does_nothing():
    CategoryFactory()
    visits_demo.seed(DemoContext(today=TODAY))
    demo.seed(DemoContext(today=TODAY))
    assert not Visit.objects.exists() and not Opinion.objects.exists()


def test_seed_twice_on_the_full_demo(deputy):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    visits, opinions = Visit.objects.count(), Opinion.objects.count()
    assert visits >= 5 and opinions >= 6
    statuses = set(Opinion.objects.values_list("status", flat=True))
    assert statuses == set(OpinionStatus.values)
    assert Opinion.objects.exclude(reply="").exists()
    assert Visit.objects.filter(suggestion__isnull=False).exists()
    assert Visit.objects.filter(status=VisitStatus.REFERRED).exclude(referred_to="").exists()
    assert all(v.deputies.exists() for v in Visit.objects.all())
    call_command("seed_demo", verbosity=0)
    assert (Visit.objects.count(), Opinion.objects.count()) == (visits, opinions)


def test_a_station_without_deputies_gets_no_visits_but_opinions():
    CategoryFactory()
    StationFactory()
    visits_demo.seed(DemoContext(today=TODAY))
    demo.seed(DemoContext(today=TODAY))
    assert not Visit.objects.exists()
    assert Opinion.objects.count() == len(demo.OPINIONS)
    assert max(Opinion.objects.values_list("submitted_on", flat=True)) < TODAY
