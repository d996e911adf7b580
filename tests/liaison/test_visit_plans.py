"""The deputy's visits page reads the deputy's visits only, on data skewed as a district's is:
a clerk logs half the visits. Its statements are prepared, and PostgreSQL plans a prepared
statement without the user's id; its guess of "the visits this user logged" was then a
quarter of the table, and the page read every visit (issue #8, ``scripts/plan_pages.py``)."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from liaison.models import Visit
from tests.accounts.factories import StaffUserFactory
from tests.plans import page_reads, vacuum_analyze
from tests.suggestions.factories import CategoryFactory

from .factories import StationFactory, VisitFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans"),
]

VISITS = 12_000


def test_the_visits_page_reads_the_deputys_visits_not_the_districts(deputy_client, deputy):
    station, category, clerk = StationFactory(), CategoryFactory(), StaffUserFactory()
    first = datetime.date(2026, 1, 1)
    Visit.objects.bulk_create(
        Visit(
            station=station,
            category=category,
            community=station.community,
            occurred_on=first + datetime.timedelta(days=i % 300),
            problem="小区门口路灯不亮已经三个月，居民夜间出行不便，希望尽快修复。",
            created_by=clerk if i % 2 else None,
        )
        for i in range(VISITS)
    )
    for i in range(30):
        VisitFactory(station=station, occurred_on=first + datetime.timedelta(days=i)).deputies.add(
            deputy
        )
    for _ in range(3):
        VisitFactory(station=station, created_by=deputy.user)
    vacuum_analyze(Visit, Visit.deputies.through)
    reads = page_reads(deputy_client, reverse("liaison:visits"))
    assert reads["liaison_visit"] < 200, reads
