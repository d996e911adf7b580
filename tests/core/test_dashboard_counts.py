"""The staff desk's counts: one statement compiled once a day per permission set, run afresh
on every visit (never a kept count), with the timestamps that move with the clock moved."""

import datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from accounts.roles import Role
from core import dashboard
from core.compiled import reads_in_one_query
from liaison.models import OpinionStatus
from liaison.services.opinions import new_tracking_code
from tests.liaison.factories import OpinionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_statements(db):
    from accounts.roles import sync_staff_permissions

    sync_staff_permissions()
    dashboard._COUNT_STATEMENTS.clear()
    yield
    dashboard._COUNT_STATEMENTS.clear()


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _panels():
    return sorted(dashboard._PANELS[Role.STAFF].values(), key=lambda p: (p.order, p.key))


def _direct(user) -> dict:
    """What the desk counted before: every source's querysets, built and read now."""
    wanted = dashboard._wanted(_panels(), _request(user), dashboard.clock.now())
    return reads_in_one_query(wanted)


def test_the_same_counts_as_counting_each_time_and_fresh(staff_user):
    panels = _panels()
    first = dashboard._count(Role.STAFF, panels, _request(staff_user))
    assert first == _direct(staff_user)
    assert len(dashboard._COUNT_STATEMENTS) == 1
    statement = next(iter(dashboard._COUNT_STATEMENTS.values()))
    assert statement is not None and "liaison.opinions:late" in statement.names
    OpinionFactory(tracking_code=new_tracking_code(), status=OpinionStatus.NEW)
    second = dashboard._count(Role.STAFF, panels, _request(staff_user))
    assert second["liaison.opinions:new"] == first["liaison.opinions:new"] + 1
    assert second == _direct(staff_user)
    assert len(dashboard._COUNT_STATEMENTS) == 1  # the same statement, run again


def test_the_triage_cutoff_moves_with_the_clock(staff_user, settings):
    settings.LVZHI_OPINION_TRIAGE_DAYS = 3
    noon = timezone.make_aware(datetime.datetime(2026, 6, 10, 12, 0))
    OpinionFactory(
        tracking_code=new_tracking_code(),
        status=OpinionStatus.NEW,
        submitted_at=noon - datetime.timedelta(days=3) + datetime.timedelta(minutes=30),
    )
    panels = _panels()
    with time_machine.travel(noon, tick=False):
        assert (
            dashboard._count(Role.STAFF, panels, _request(staff_user))["liaison.opinions:late"] == 0
        )
    statement = next(iter(dashboard._COUNT_STATEMENTS.values()))
    assert statement is not None and len(statement.moving) == 1
    with time_machine.travel(noon + datetime.timedelta(hours=1), tick=False):
        counted = dashboard._count(Role.STAFF, panels, _request(staff_user))
        assert counted["liaison.opinions:late"] == 1
        assert counted == _direct(staff_user)
    assert len(dashboard._COUNT_STATEMENTS) == 1  # the same day: compiled once


def test_a_user_sees_only_the_counts_of_their_modules(staff_user, django_user_model):
    limited = django_user_model.objects.create_user("limited", password="x", is_staff=True)
    panels = _panels()
    everything = dashboard._count(Role.STAFF, panels, _request(staff_user))
    nothing = dashboard._count(Role.STAFF, panels, _request(limited))
    assert everything and nothing == {}
    assert len(dashboard._COUNT_STATEMENTS) == 2  # one per permission set
