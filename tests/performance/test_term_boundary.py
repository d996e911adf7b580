"""Years are assessed against the deputies serving in them, across a change-over (换届).

The 17th term ends on 2026-12-31 and the 18th starts on 2027-01-01; the change-over is
recorded in the first days of January.
"""

from datetime import UTC, date, datetime

import pytest

from deputies.models import Status
from deputies.terms import reelection_recommended_ids, term_change_over
from performance.models import (
    Assessment,
    ConsequenceDecision,
    ConsequenceKind,
    Decision,
    Grade,
)
from performance.scoring import assessment_compute
from performance.selectors import reelection_recommended_ids as ledger_recommendations
from tests.deputies.factories import DeputyFactory, TermFactory
from tests.performance.factories import rule_set

pytestmark = pytest.mark.django_db

CHANGE_OVER_DAY = date(2027, 1, 5)


@pytest.fixture
def boundary():
    old = TermFactory(number=17, start_date=date(2022, 1, 1), end_date=date(2026, 12, 31))
    rule_set(2026)
    rule_set(2027)
    deputies = {
        "continues": DeputyFactory(code="K1", term=old),
        "ends": DeputyFactory(code="E1", term=old),
        "resigned": DeputyFactory(
            code="R1",
            term=old,
            status=Status.RESIGNED,
            status_date=date(2026, 6, 1),
            status_reason="工作调动",
        ),
    }
    result = term_change_over(
        new_term_number=18,
        start_date=date(2027, 1, 1),
        end_date=date(2031, 12, 31),
        continuing=[deputies["continues"]],
        actor=None,
        today=CHANGE_OVER_DAY,
    )
    deputies["new"] = DeputyFactory(code="N1", term=result.term)
    return deputies


def assessed(year: int) -> set[str]:
    return set(
        Assessment.objects.filter(rule_set__year=year).values_list("deputy__code", flat=True)
    )


def test_old_terms_last_year_assesses_the_continuing_and_the_ended(boundary):
    result = assessment_compute(year=2026, today=CHANGE_OVER_DAY)
    assert assessed(2026) == {"K1", "E1"}  # not the resigned, not the newcomer
    assert result.assessed == 2


def test_new_terms_year_assesses_only_its_deputies(boundary):
    assessment_compute(year=2027, today=date(2027, 3, 15))
    assert assessed(2027) == {"K1", "N1"}


def test_recomputing_the_old_year_after_the_change_over_keeps_its_roster(boundary):
    """A 2026 computed before New Year and again after it ranks the same deputies."""
    assessment_compute(year=2026, today=date(2026, 12, 31))
    before = assessed(2026)
    assessment_compute(year=2026, today=CHANGE_OVER_DAY)
    assert assessed(2026) == before == {"K1", "E1"}


def test_latest_reelection_decision_of_the_term_counts():
    term = TermFactory(number=17, start_date=date(2022, 1, 1), end_date=date(2026, 12, 31))
    kept, dropped, earlier = (DeputyFactory(term=term) for _i in range(3))

    def decide(deputy, year, decision):
        ConsequenceDecision.objects.create(
            deputy=deputy,
            year=year,
            kind=ConsequenceKind.REELECTION,
            decision=decision,
            decided_on=date(year, 12, 20),
        )

    decide(kept, 2026, Decision.RECOMMENDED)
    decide(dropped, 2025, Decision.RECOMMENDED)
    decide(dropped, 2026, Decision.NOT_RECOMMENDED)
    decide(earlier, 2021, Decision.RECOMMENDED)  # a decision of the term before
    assert ledger_recommendations(term) == {kept.pk}
    # ...and it is what the change-over offers (registered in PerformanceConfig.ready)
    assert reelection_recommended_ids(term) == {kept.pk}


def test_ledger_candidates_are_offered_unless_staff_decided_otherwise():
    """优秀 in each of the term's last three assessed years makes a candidate even before staff
    record a decision; a recorded 不推荐 wins over the computed candidacy."""
    term = TermFactory(number=17, start_date=date(2022, 1, 1), end_date=date(2026, 12, 31))
    excellent, overruled, good = (DeputyFactory(term=term) for _i in range(3))
    for year in (2024, 2025, 2026):
        rules = rule_set(year)
        graded = (
            (excellent, Grade.EXCELLENT),
            (overruled, Grade.EXCELLENT),
            (good, Grade.COMPETENT),
        )
        for rank, (deputy, grade) in enumerate(graded, start=1):
            Assessment.objects.create(
                deputy=deputy,
                rule_set=rules,
                base=50,
                innovation=10,
                contribution=10,
                total=70,
                rank=rank,
                assessed_count=3,
                grade=grade,
                level=deputy.level,
                computed_at=datetime(year, 12, 31, tzinfo=UTC),
            )
    ConsequenceDecision.objects.create(
        deputy=overruled,
        year=2026,
        kind=ConsequenceKind.REELECTION,
        decision=Decision.NOT_RECOMMENDED,
        decided_on=date(2026, 12, 20),
    )
    assert ledger_recommendations(term) == {excellent.pk}
