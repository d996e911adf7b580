"""The demo ledger: every list has something to show, and seeding twice changes nothing."""

from datetime import date

import pytest
from django.apps import apps

from core.demo import DemoContext
from deputies import demo as deputies_demo
from performance import demo
from performance.models import Assessment, EntryStatus, Grade, LedgerEntry, RuleSet
from performance.selectors import exit_candidates, reelection_candidates, talk_list

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


def _seed() -> DemoContext:
    context = DemoContext(today=TODAY)
    deputies_demo.seed(context)
    demo.seed(context)
    return context


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in apps.get_app_config("performance").get_models()}


def test_demo_is_idempotent_and_fills_every_list():
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first
    assert first["RuleSet"] == 3 and first["Assessment"] == 180
    assert RuleSet.objects.get(year=2024).frozen
    assert not RuleSet.objects.get(year=2026).frozen
    assert len(reelection_candidates(2026)) >= 1
    assert len(exit_candidates(2026)) >= 1
    assert talk_list().exists()
    assert LedgerEntry.objects.filter(status=EntryStatus.PENDING).exists()
    assert LedgerEntry.objects.filter(status=EntryStatus.REJECTED).exists()
    assert first["Activity"] >= 3 and first["TopicSignup"] > 0 and first["VoterReport"] >= 12
    excellent = Assessment.objects.filter(rule_set__year=2026, grade=Grade.EXCELLENT).count()
    assert 1 <= excellent <= 12  # quota: ceil(0.2 * 60)
