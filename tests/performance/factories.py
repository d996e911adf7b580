from datetime import date

import factory

from core import clock
from performance.models import (
    Activity,
    ActivityKind,
    Attendance,
    EntryStatus,
    LedgerEntry,
    Rule,
    RuleSet,
    SourceKind,
    SupervisionTopic,
)
from performance.services import rule_set_load_defaults
from tests.deputies.factories import DeputyFactory


def rule_set(year: int = 2025) -> RuleSet:
    return rule_set_load_defaults(year=year)


def rule(code: str, year: int = 2025) -> Rule:
    return rule_set(year).rules.get(code=code)


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    """``LedgerEntryFactory(code="B01", year=2025)`` picks the rule from the default rule set."""

    class Meta:
        model = LedgerEntry
        exclude = ("code", "year")

    code = "B01"
    year = 2025
    deputy = factory.SubFactory(DeputyFactory)
    rule = factory.LazyAttribute(lambda o: rule(o.code, o.year))
    occurred_on = factory.LazyAttribute(lambda o: date(o.year, 3, 1))
    title = factory.Sequence(lambda n: f"履职活动{n}")
    source_kind = SourceKind.STAFF
    status = EntryStatus.VERIFIED
    reviewed_at = factory.LazyFunction(clock.now)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"集中视察{n}")
    kind = ActivityKind.INSPECTION
    occurred_on = date(2025, 5, 12)
    place = "东湖社区"
    organiser = "街道人大工委"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    activity = factory.SubFactory(ActivityFactory)
    deputy = factory.SubFactory(DeputyFactory)


class SupervisionTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionTopic

    year = 2025
    title = factory.Sequence(lambda n: f"监督议题{n}")
    published_at = factory.LazyFunction(clock.now)
