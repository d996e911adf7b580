"""Fixtures of the fuzz tests: a pinned clock, one isolated savepoint per example, and a
snapshot of every table of the project's apps.

Why a savepoint per example
    Hypothesis runs many examples inside one test function, hence inside one pytest-django
    transaction. Each example runs in its own savepoint, rolled back at its end, with both
    caches emptied first: what one example wrote (an opinion, a rate-limit slot, an import)
    can neither satisfy nor refuse the next, so every example has the same known answer
    whatever ran before it, and a failing one replays alone.

Why every table
    "A rejected input changes nothing" is only proven if nothing is looked at selectively: the
    snapshot counts the rows of every table of ``settings.LOCAL_APPS`` (many-to-many tables
    included) in one query.
"""

from contextlib import contextmanager
from datetime import date, datetime
from io import BytesIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction

from deputies.models import Deputy
from deputies.models import Status as DeputyStatus
from performance.importer import LedgerImporter
from performance.services import rule_set_load_defaults
from suggestions.models import RegistrationCounter
from tests.accounts.factories import PASSWORD, UserFactory
from tests.deputies.factories import CommunityFactory, DeputyFactory
from tests.liaison.factories import OpinionFactory, StationFactory
from tests.suggestions import helpers
from tests.suggestions.factories import (
    CategoryFactory,
    HandlingUnitFactory,
    RegisteredSuggestionFactory,
    SuggestionFactory,
)
from tests.training.factories import CourseFactory, EnrollmentFactory
from training.importer import AttendanceImporter
from training.models import Track

from .strategies import COURSE, FULL_COURSE, PHONE_SHOWN

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _pinned_clock():
    """2026-06-15 10:00 in Shanghai: a weekday inside the term and the ledger year, whatever
    the machine's clock says (CI runs once under faketime in another year)."""
    with time_machine.travel(NOW, tick=False):
        yield


def _tables() -> list[str]:
    tables = set()
    for label in settings.LOCAL_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return sorted(tables)


class Tables:
    """Row counts of every table of the project's apps, in one query."""

    def __init__(self):
        self.names = _tables()
        quote = connection.ops.quote_name
        self.sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in self.names)

    def snapshot(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql)
            return dict(zip(self.names, cursor.fetchone(), strict=True))

    @staticmethod
    def changes(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
        """The tables whose row count moved, with the difference."""
        return {t: after[t] - before[t] for t in after if after[t] != before[t]}

    def assert_unchanged(self, before, after, ignore=()) -> None:
        moved = {t: d for t, d in self.changes(before, after).items() if t not in ignore}
        assert moved == {}, f"a refused request or import changed tables: {moved}"


@pytest.fixture
def tables(db) -> Tables:
    return Tables()


@pytest.fixture
def isolated(db):
    """A context manager for one example: empty caches, a savepoint rolled back at the end."""

    @contextmanager
    def example():
        caches["default"].clear()
        with transaction.atomic():
            if "shared" in settings.CACHES:
                caches["shared"].clear()
            yield
            transaction.set_rollback(True)

    return example


# --- the worlds the drawn input refers to ----------------------------------------------------


@pytest.fixture
def public_world(db):
    """What the public pages refer to: a live and a closed station, an active and a retired
    category and community, a deputy in office and one who left, a suggestion open to rating
    and a draft, an opinion with contact data the tracking page must never show, an account."""
    station = StationFactory()
    left = DeputyFactory(
        code="D002",
        status=DeputyStatus.RESIGNED,
        status_date=helpers.ASSIGNED_ON,
        status_reason="辞职",
    )
    rateable = helpers.replied(today=helpers.REPLIED_ON)
    opinion = OpinionFactory(
        tracking_code="ABCDEFGHJK", contact_name="李先生", contact_phone=PHONE_SHOWN
    )
    refs = {
        "station": str(station.pk),
        "inactive_station": str(StationFactory(is_active=False).pk),
        "category": str(CategoryFactory().pk),
        "inactive_category": str(CategoryFactory(is_active=False).pk),
        "community": str(station.community_id),
        "inactive_community": str(CommunityFactory(is_active=False).pk),
        "deputy": DeputyFactory(code="D001").code,
        "left_deputy": left.code,
        "token": str(rateable.public_token),
        "draft_token": str(SuggestionFactory().public_token),
        "code": opinion.tracking_code,
        "username": UserFactory(username="resident.helper").username,
        "password": PASSWORD,
    }
    return SimpleNamespace(refs=refs, rateable=rateable)


@pytest.fixture
def import_world(db):
    """What the drawn lines refer to: two deputies in office and one who left, the ledger
    year set up, a category, a community, a unit, a registered suggestion 2026-001, a course
    with seats and a full one. Plus one ledger line and one attendance already imported, so
    lines repeating them meet the "already recorded" rules."""
    DeputyFactory(code="D001", mobile="13900000001")
    DeputyFactory(code="D003", mobile="13900000003")
    DeputyFactory(
        code="D002",
        mobile="13900000002",
        status=DeputyStatus.RESIGNED,
        status_date=date(2026, 3, 2),
        status_reason="辞职",
    )
    rule_set_load_defaults(year=2026)
    CategoryFactory(name="教育")
    CommunityFactory(name="东湖社区")
    HandlingUnitFactory(name="区教育局")
    RegisteredSuggestionFactory(
        year=2026, sequence=1, number="2026-001", registered_on=date(2026, 1, 5)
    )
    RegistrationCounter.objects.create(year=2026, last_number=1)  # as registering would
    CourseFactory(title=COURSE, year=2026, track=Track.BASICS)
    full = CourseFactory(title=FULL_COURSE, year=2026, track=Track.BASICS, capacity=1)
    EnrollmentFactory(course=full, deputy=Deputy.objects.get(code="D003"))
    full.enrolled_count = 1
    full.save()
    for importer, text in (
        (LedgerImporter, "代表编号,日期,规则编号,事项\nD001,2026-03-01,B01,参加代表小组活动\n"),
        (
            AttendanceImporter,
            f"代表编号,课程,类别,日期,学时\nD001,{COURSE},基础履职,2026-05-10,2\n",
        ),
    ):
        result = importer().run(source=BytesIO(text.encode()), filename="seed.csv")
        assert result.ok, [str(e) for e in result.errors]
