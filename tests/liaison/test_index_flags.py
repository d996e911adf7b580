"""Flags of the public-opinion index: stored once per week and pair, staff told once, adopted
into the year's supervision menu once, dismissed with a reason; the demo raises one."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from core.demo import DemoContext
from core.models import AuditEvent, Notification
from liaison.demo import index as index_demo
from liaison.models import ExternalEvent, FlagStatus, OpinionFlag
from liaison.selectors_index import current_week, last_week
from liaison.services.index import (
    ERR_FLAG_DECIDED,
    ERR_NOT_STAFF,
    ERR_REASON_REQUIRED,
    OpinionIndexError,
    opinion_flag_adopt,
    opinion_flag_dismiss,
    opinion_flags_compute,
    opinion_flags_notify,
    opinion_index_weekly,
)
from performance.models import SupervisionTopic
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory

from .factories import ExternalEventFactory

W48 = date(2026, 11, 23)
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _rule(settings):
    settings.LVZHI_OPINION_MIN_COUNT = 5
    settings.LVZHI_OPINION_FACTOR = 2.0


def _jump(week=W48, n=6, community=None, category=None):
    community, category = community or CommunityFactory(), category or CategoryFactory()
    for i in range(n):
        ExternalEventFactory(
            occurred_on=week + timedelta(days=i % 7), community=community, category=category
        )
    return community, category


@pytest.mark.django_db
def test_compute_stores_one_flag_per_week_and_pair_and_refreshes_it():
    community, category = _jump(n=6)
    _jump(n=4)  # below the minimum
    [flag] = opinion_flags_compute(week=W48 + timedelta(days=3))
    assert (flag.week, flag.community, flag.category) == (W48, community, category)
    assert (flag.week_count, flag.baseline_mean, flag.status) == (6, Decimal("0"), "open")
    assert AuditEvent.objects.filter(action="liaison.opinion_flag.compute").count() == 1

    _jump(n=1, community=community, category=category)
    [again] = opinion_flags_compute(week=W48)
    assert again.pk == flag.pk and again.week_count == 7
    assert OpinionFlag.objects.count() == 1
    assert AuditEvent.objects.filter(action="liaison.opinion_flag.compute").count() == 1


@pytest.mark.django_db
def test_compute_defaults_to_the_week_just_ended():
    _jump(week=W48)
    assert opinion_flags_compute(today=W48 + timedelta(days=6)) == []  # judges W47
    [flag] = opinion_flags_compute(today=W48 + timedelta(days=7))
    assert flag.week == W48


@pytest.mark.django_db
def test_notify_tells_each_staff_user_once_per_flag():
    staff = [StaffUserFactory(), StaffUserFactory()]
    StaffUserFactory(is_active=False)
    _jump()
    [flag] = opinion_flags_compute(week=W48)

    assert opinion_flags_notify(now=NOW) == 1
    assert opinion_flags_notify(now=NOW) == 0
    notes = Notification.objects.filter(kind="liaison.opinion_flag")
    assert sorted(n.recipient_id for n in notes) == sorted(u.pk for u in staff)
    assert "2026-W48" in notes[0].title and "?week=2026-W48" in notes[0].url
    flag.refresh_from_db()
    assert flag.notified_at == NOW

    # a run that lost the race: the flag is claimed, nothing more is sent
    OpinionFlag.objects.filter(pk=flag.pk).update(notified_at=None)
    assert opinion_flags_notify(now=NOW) == 1  # claims it again ...
    assert notes.count() == 2  # ... but the dedupe key keeps the notifications single


@pytest.mark.django_db
def test_notify_skips_flags_already_decided():
    StaffUserFactory()
    _jump()
    [flag] = opinion_flags_compute(week=W48)
    opinion_flag_dismiss(flag=flag, reason="已在处理", actor=StaffUserFactory())
    assert opinion_flags_notify(now=NOW) == 0
    assert not Notification.objects.filter(kind="liaison.opinion_flag").exists()


@pytest.mark.django_db
def test_weekly_job_flags_last_week_and_notifies_once():
    StaffUserFactory()
    today = date(2026, 11, 30)  # Monday of W49
    _jump(week=W48)
    assert opinion_index_weekly(today=today, now=NOW) == 1
    assert opinion_index_weekly(today=today, now=NOW) == 0
    assert OpinionFlag.objects.get().week == W48


@pytest.mark.django_db
def test_adopt_creates_the_topic_once_and_reuses_it_for_the_same_pair():
    staff = StaffUserFactory()
    community, category = _jump(week=W48)
    _jump(week=W48 + timedelta(weeks=9), n=20, community=community, category=category)
    [first] = opinion_flags_compute(week=W48)
    [second] = opinion_flags_compute(week=W48 + timedelta(weeks=9))

    topic = opinion_flag_adopt(flag=first, actor=staff, today=date(2026, 12, 2))
    assert topic.year == 2026 and topic.published_at is None  # a candidate, not yet published
    assert community.name in topic.title and category.name in topic.title
    assert "2026-W48" in topic.description
    first.refresh_from_db()
    assert (first.status, first.topic_id, first.decided_by) == ("adopted", topic.pk, staff)

    with pytest.raises(OpinionIndexError) as caught:
        opinion_flag_adopt(flag=first, actor=staff, today=date(2026, 12, 2))
    assert str(caught.value) == ERR_FLAG_DECIDED % {"status": FlagStatus.ADOPTED.label}

    assert opinion_flag_adopt(flag=second, actor=staff, today=date(2026, 12, 2)) == topic
    assert SupervisionTopic.objects.count() == 1
    assert AuditEvent.objects.filter(action="liaison.opinion_flag.adopt").count() == 2
    assert AuditEvent.objects.filter(action="performance.topic_propose").count() == 1


@pytest.mark.django_db
def test_only_staff_decide(deputy, unit_user):
    _jump()
    [flag] = opinion_flags_compute(week=W48)
    for actor in (None, deputy.user, unit_user):
        with pytest.raises(OpinionIndexError) as caught:
            opinion_flag_adopt(flag=flag, actor=actor)
        assert str(caught.value) == ERR_NOT_STAFF
        with pytest.raises(OpinionIndexError):
            opinion_flag_dismiss(flag=flag, reason="不需要", actor=actor)
    flag.refresh_from_db()
    assert flag.status == "open" and not SupervisionTopic.objects.exists()


@pytest.mark.django_db
def test_dismiss_needs_a_reason_and_keeps_it():
    staff = StaffUserFactory()
    _jump()
    [flag] = opinion_flags_compute(week=W48)
    with pytest.raises(OpinionIndexError) as caught:
        opinion_flag_dismiss(flag=flag, reason="   ", actor=staff)
    assert str(caught.value) == ERR_REASON_REQUIRED
    opinion_flag_dismiss(flag=flag, reason=" 系集中整治期间的正常投诉 ", actor=staff, now=NOW)
    flag.refresh_from_db()
    assert (flag.status, flag.decision_note, flag.decided_at) == (
        "dismissed",
        "系集中整治期间的正常投诉",
        NOW,
    )
    with pytest.raises(OpinionIndexError):
        opinion_flag_adopt(flag=flag, actor=staff)
    assert AuditEvent.objects.filter(action="liaison.opinion_flag.dismiss").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2027, 1, 4), date(2028, 2, 29)])
def test_demo_raises_a_flag_on_any_date_and_runs_twice(today):
    context = DemoContext(today=today)
    index_demo.seed(context)
    count = ExternalEvent.objects.count()
    index_demo.seed(context)
    assert ExternalEvent.objects.count() == count
    assert not ExternalEvent.objects.filter(occurred_on__gt=today).exists()
    weeks = {last_week(today=today), current_week(today=today)}
    assert OpinionFlag.objects.filter(week__in=weeks).exists()
    assert OpinionFlag.objects.filter(week=last_week(today=today)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_notify_run_twice_at_once_sends_each_flag_once():
    """Two workers at the same moment (PostgreSQL: real row locks; SQLite runs them one after
    the other): the conditional claim lets one of them notify each flag."""
    import threading

    from django.db import connection, connections

    staff = [StaffUserFactory(), StaffUserFactory()]
    for _ in range(3):
        _jump()
    opinion_flags_compute(week=W48)
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL (DATABASE_URL)")
    results, barrier = [], threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(opinion_flags_notify(now=NOW))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 3
    assert Notification.objects.filter(kind="liaison.opinion_flag").count() == 3 * len(staff)
