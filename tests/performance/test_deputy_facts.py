"""The ledger's part of the deputy's facts (``deputies.facts``): the score card's rules and
assessment, the portrait's verified entries and the gap rules' entry codes come with the
page's one statement and say what the queries they replace say."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deputies import facts
from deputies.models import Level
from performance.deputy_panels import year_score
from performance.models import Assessment, EntryStatus, RuleSet
from performance.portrait import deputy_portrait
from performance.public import RULE_CODE_FACTS, ledger_rule_counts
from performance.scoring import assessment_compute
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import LedgerEntryFactory, rule_set
from tests.performance.test_portrait import TODAY, _entries  # the same year and entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two street deputies with verified, pending and rejected entries of 2025 (innovation
    rules with caps among them) and one entry of 2024; the year computed."""
    rule_set(2025), rule_set(2024)
    a, b = (DeputyFactory(level=Level.STREET) for _ in range(2))
    _entries(a, "B01", 3)
    _entries(a, "B07", 1)
    _entries(a, "I01", 1)
    _entries(a, "I04", 3)
    _entries(a, "B03", 2, status=EntryStatus.PENDING, reviewed_at=None)
    _entries(a, "B02", 1, status=EntryStatus.REJECTED, review_reason="缺少签到表")
    LedgerEntryFactory(deputy=a, code="B05", year=2024)
    _entries(b, "B01", 4)
    assessment_compute(year=2025, today=TODAY)
    cache.clear()
    return a, b


def _fields(instance, names) -> dict:
    return {name: getattr(instance, name) for name in names}


def test_the_score_card_reads_the_rules_and_assessment_the_database_holds(world):
    a, _b = world
    known = facts.read_facts(a, TODAY)
    rule_set_read, assessment = year_score(known, 2025)
    stored = Assessment.objects.select_related("rule_set").get(deputy=a, rule_set__year=2025)
    shown = ("base", "innovation", "contribution", "total", "rank", "assessed_count", "grade")
    assert _fields(assessment, (*shown, "duty_days", "pk")) == _fields(
        stored, (*shown, "duty_days", "pk")
    )
    assert [str(assessment.total), str(assessment.innovation)] == [
        str(stored.total),
        str(stored.innovation),
    ]  # the same decimals, places included
    caps = ("base_cap", "innovation_cap", "contribution_cap", "excellent_min", "frozen")
    assert _fields(rule_set_read, (*caps, "pk", "year")) == _fields(
        stored.rule_set, (*caps, "pk", "year")
    )
    assert assessment.rule_set is rule_set_read and assessment.deputy is a
    with CaptureQueriesContext(connection) as queries:
        assessment.get_grade_display(), rule_set_read.dimension_cap("base")
    assert len(queries) == 0
    # What the card does not show is deferred: read, it is read from the database.
    assert assessment.computed_at == stored.computed_at


def test_a_deputy_not_assessed_gets_the_rules_and_a_year_without_rules_nothing(world):
    a, _b = world
    newcomer = DeputyFactory(level=Level.STREET)
    rule_set_read, assessment = year_score(facts.read_facts(newcomer, TODAY), 2025)
    assert rule_set_read.pk == RuleSet.objects.get(year=2025).pk and assessment is None
    assert year_score(facts.read_facts(a, date(2027, 3, 1)), 2027) == (None, None)


def test_the_portrait_from_the_facts_is_the_portrait_from_the_queries(world):
    a, b = world
    for deputy in (a, b):
        known = facts.read_facts(deputy, TODAY)
        queried = deputy_portrait(deputy, today=TODAY)
        with CaptureQueriesContext(connection) as queries:
            read = deputy_portrait(
                deputy,
                today=TODAY,
                counts=known.activity_counts,
                rows=known["performance"]["portrait"],
            )
        assert read == queried
        assert not any("performance_ledgerentry" in q["sql"] for q in queries)
    figures = {f.key: f.value for f in deputy_portrait(a, today=TODAY).figures}
    assert figures["attendance"] == 2 and figures["innovation"] > 0


def test_the_gap_rules_entry_counts_from_the_facts_are_the_grouped_query(world):
    a, b = world
    for deputy in (a, b):
        known = facts.read_facts(deputy, TODAY, keys=(RULE_CODE_FACTS,))
        assert set(known.values) == {RULE_CODE_FACTS}
        queried = ledger_rule_counts(deputy_ids=[deputy.pk], year=2025)
        with CaptureQueriesContext(connection) as queries:
            read = ledger_rule_counts(deputy_ids=[deputy.pk], year=2025, facts=known)
        assert read == queried and len(queries) == 0
    # pending entries count, rejected ones and other years do not
    assert ledger_rule_counts(deputy_ids=[a.pk], year=2025, facts=known) != {}
    mine = ledger_rule_counts(
        deputy_ids=[a.pk], year=2025, facts=facts.read_facts(a, TODAY, keys=(RULE_CODE_FACTS,))
    )[a.pk]
    assert mine == {"B01": 3, "B07": 1, "I01": 1, "I04": 3, "B03": 2}
    # facts of another deputy or year are not used
    assert ledger_rule_counts(deputy_ids=[b.pk], year=2025, facts=known) == {b.pk: {"B01": 4}}
    assert ledger_rule_counts(deputy_ids=[b.pk], year=2024, facts=known) == {}


def test_the_score_panel_shows_the_figures_with_decimals_as_the_database_gives_them(world):
    a, _b = world
    Assessment.objects.filter(deputy=a).update(total=Decimal("57.5"), innovation=Decimal("8"))
    _rule_set, assessment = year_score(facts.read_facts(a, TODAY), 2025)
    assert (assessment.total, str(assessment.innovation)) == (Decimal("57.5"), "8.0")
