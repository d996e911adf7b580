from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Max

from deputies.models import Status
from performance.models import Assessment, EntryStatus, Grade, Rule
from performance.scoring import ERR_YEAR_FROZEN, ScoringError, assessment_compute, rule_set_freeze
from tests.deputies.factories import DeputyFactory, TermFactory
from tests.performance.conftest import FULL_MARKS

pytestmark = pytest.mark.django_db

BASE_60 = {"B01": 8, "B02": 5, "B03": 6, "B04": 6, "B05": 6, "B06": 1}


def score(deputy, year=2025) -> Assessment:
    return Assessment.objects.get(deputy=deputy, rule_set__year=year)


def compute(year=2025):
    return assessment_compute(year=year, today=date(2026, 6, 1))


def test_rule_sum_is_clipped_to_the_rule_cap(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, B01=10, B04=2)  # 20 points of B01 but the cap is 16
    compute()
    a = score(deputy)
    assert a.base == Decimal("18.0")
    assert a.counts["B01"] == 10


def test_deduction_is_subtracted_within_the_dimension(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, B01=3, B07=1, I01=1)
    compute()
    a = score(deputy)
    assert (a.base, a.innovation, a.total) == (Decimal("3"), Decimal("4"), Decimal("7"))


def test_dimension_never_goes_below_zero(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, B07=3, C03=1)
    compute()
    a = score(deputy)
    assert a.base == Decimal("0")
    assert a.total == Decimal("3")


def test_dimension_is_clipped_to_its_cap(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, I01=3, I02=2, I03=2, I04=2)  # 12 + 6 + 6 + 8 = 32 > 20
    rules_2025.base_cap = Decimal("10")
    rules_2025.save()
    give(deputy, B02=5)  # 15 > base cap 10
    compute()
    a = score(deputy)
    assert (a.innovation, a.base, a.total) == (Decimal("20"), Decimal("10"), Decimal("30"))


def test_scores_keep_one_decimal_place(rules_2025, give):
    Rule.objects.filter(rule_set=rules_2025, code="B04").update(points=Decimal("0.5"))
    deputy = DeputyFactory()
    give(deputy, B04=3, B01=1)
    compute()
    assert score(deputy).total == Decimal("3.5")


def test_only_verified_entries_count(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, B02=1)
    give(deputy, B02=2, status=EntryStatus.PENDING)
    give(deputy, B02=2, status=EntryStatus.REJECTED)
    compute()
    a = score(deputy)
    assert a.base == Decimal("3")
    assert a.counts["B02"] == 1


def test_entries_of_another_year_do_not_count(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, B01=1)
    give(deputy, year=2024, B01=5)
    compute()
    assert score(deputy).base == Decimal("2")


def test_ties_share_a_competition_rank(rules_2025, give):
    a, b, c, d = DeputyFactory.create_batch(4)
    give(a, B02=2)
    give(b, B02=2)
    give(c, B02=1)
    compute()
    assert [score(x).rank for x in (a, b, c, d)] == [1, 1, 3, 4]
    assert score(d).total == 0
    assert score(a).assessed_count == 4


def test_excellent_needs_the_score_and_a_place_in_the_quota(rules_2025, give):
    deputies = DeputyFactory.create_batch(10)  # quota: ceil(0.2 * 10) = 2
    top, second, third = deputies[:3]
    give(top, **FULL_MARKS)
    give(second, **{**FULL_MARKS, "I02": 1})  # 95
    give(third, **{**FULL_MARKS, "I02": 0, "I01": 2})  # 90, rank 3, outside the quota
    compute()
    assert score(top).grade == Grade.EXCELLENT
    assert score(second).grade == Grade.EXCELLENT
    third_score = score(third)
    assert third_score.total >= 85 and third_score.rank == 3
    assert third_score.grade == Grade.COMPETENT


def test_ties_at_the_quota_line_are_all_excellent(rules_2025, give):
    deputies = DeputyFactory.create_batch(5)  # quota: ceil(0.2 * 5) = 1
    give(deputies[0], **FULL_MARKS)
    give(deputies[1], **FULL_MARKS)
    compute()
    assert [score(d).rank for d in deputies[:2]] == [1, 1]
    assert {score(d).grade for d in deputies[:2]} == {Grade.EXCELLENT}


@pytest.mark.parametrize(
    ("counts", "grade"),
    [
        ({**BASE_60, "I01": 2, "I03": 1}, Grade.COMPETENT),  # 71
        ({**BASE_60, "I01": 2, "C01": 1}, Grade.COMPETENT),  # exactly 70
        ({**BASE_60, "I03": 3}, Grade.BASIC),  # 60 + 6 (I03 capped at 6) = 66
        (BASE_60, Grade.BASIC),  # exactly 60
        ({**BASE_60, "B06": 0}, Grade.INCOMPETENT),  # 55
    ],
)  # fmt: skip
def test_grade_thresholds(rules_2025, give, counts, grade):
    deputy = DeputyFactory()
    give(deputy, **counts)
    compute()
    assert score(deputy).grade == grade


def test_high_score_outside_quota_with_few_deputies(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, **FULL_MARKS)
    compute()
    assert score(deputy).grade == Grade.EXCELLENT  # ceil(0.2 * 1) = 1


def test_only_deputies_serving_in_the_year_are_ranked(rules_2025, give):
    serving = DeputyFactory()
    left_before = DeputyFactory(
        status=Status.RESIGNED, status_date=date(2024, 6, 1), status_reason="工作调动"
    )
    old_term = TermFactory(number=16, start_date=date(2017, 1, 1), end_date=date(2021, 12, 31))
    old = DeputyFactory(term=old_term)
    left_after = DeputyFactory(
        status=Status.RESIGNED, status_date=date(2026, 3, 1), status_reason="工作调动"
    )
    give(left_before, B01=1)
    result = compute()
    assessed = set(Assessment.objects.values_list("deputy_id", flat=True))
    assert assessed == {serving.pk, left_after.pk}
    assert result.assessed == 2
    assert old.pk not in assessed


def test_a_deputy_who_leaves_is_dropped_on_recompute(rules_2025, give):
    a, b = DeputyFactory.create_batch(2)
    compute()
    b.status, b.status_date, b.status_reason = Status.RESIGNED, date(2025, 7, 1), "迁出"
    b.save()
    result = compute()
    assert result.removed == 1
    assert list(Assessment.objects.values_list("deputy_id", flat=True)) == [a.pk]


def test_recompute_is_idempotent(rules_2025, give):
    deputies = DeputyFactory.create_batch(3)
    give(deputies[0], B01=2, I01=1)
    first = compute()
    stamp = Assessment.objects.aggregate(m=Max("computed_at"))["m"]
    before = list(Assessment.objects.values())
    second = compute()
    assert first.changed == 3
    assert second.changed == 0
    assert list(Assessment.objects.values()) == before
    assert Assessment.objects.aggregate(m=Max("computed_at"))["m"] == stamp


def test_recompute_picks_up_changes(rules_2025, give):
    deputy = DeputyFactory()
    compute()
    give(deputy, B03=1)
    assert compute().changed == 1
    assert score(deputy).base == Decimal("2")


def test_frozen_year_refuses_recompute(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, B01=1)
    rule_set_freeze(year=2025)
    with pytest.raises(ScoringError) as exc:
        compute()
    assert str(exc.value) == ERR_YEAR_FROZEN % {"year": 2025}
    assert score(deputy).base == Decimal("2")


def test_scoring_query_count_does_not_grow(rules_2025, give, django_assert_max_num_queries):
    for deputy in DeputyFactory.create_batch(3):
        give(deputy, B01=2)
    # 8, and 3 for history: the year's rows read before and after the upsert, one insert.
    with django_assert_max_num_queries(11):
        compute()
    for deputy in DeputyFactory.create_batch(20):
        give(deputy, B01=2, C01=1)
    with django_assert_max_num_queries(11):
        assert compute().assessed == 23


def test_a_capped_deduction_stops_at_its_cap(rules_2025, give):
    Rule.objects.filter(rule_set=rules_2025, code="B07").update(yearly_cap=Decimal("6"))
    deputy = DeputyFactory()
    give(deputy, B01=8, B07=3)  # 16 - 9, but at most 6 deducted
    compute()
    assert score(deputy).base == Decimal("10")


def test_quota_counts_ties_at_the_line(rules_2025, give):
    deputies = DeputyFactory.create_batch(10)  # quota 2
    give(deputies[0], **FULL_MARKS)  # 98
    for d in deputies[1:3]:
        give(d, **{**FULL_MARKS, "I02": 0, "I01": 3})  # 92, tied at rank 2
    give(deputies[3], **{**FULL_MARKS, "I02": 0, "I01": 2, "C02": 2})  # 84... below 85
    compute()
    assert [score(d).rank for d in deputies[:4]] == [1, 2, 2, 4]
    assert [score(d).grade for d in deputies[:3]] == [Grade.EXCELLENT] * 3


def test_quota_rounds_up(rules_2025, give):
    deputies = DeputyFactory.create_batch(7)  # ceil(0.2 * 7) = 2
    give(deputies[0], **FULL_MARKS)
    give(deputies[1], **{**FULL_MARKS, "I02": 1})
    give(deputies[2], **{**FULL_MARKS, "I02": 0})
    compute()
    grades = [score(d).grade for d in deputies[:3]]
    assert grades == [Grade.EXCELLENT, Grade.EXCELLENT, Grade.COMPETENT]


def test_top_rank_below_85_is_not_excellent(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, **{**BASE_60, "I01": 3, "C03": 3})  # 60 + 12 + 9 = 81
    compute()
    a = score(deputy)
    assert (a.rank, a.total, a.grade) == (1, Decimal("81"), Grade.COMPETENT)


def test_half_points_add_up_with_one_decimal(rules_2025, give):
    Rule.objects.filter(rule_set=rules_2025, code="B04").update(points=Decimal("0.5"))
    Rule.objects.filter(rule_set=rules_2025, code="C03").update(points=Decimal("2.5"))
    deputy = DeputyFactory()
    give(deputy, B04=3, C03=3)  # 1.5 + 7.5
    compute()
    a = score(deputy)
    assert (str(a.base), str(a.contribution), str(a.total)) == ("1.5", "7.5", "9.0")


def test_duty_days_count_distinct_dates_of_verified_entries(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, B01=2, day=date(2025, 3, 1))
    give(deputy, B03=1, day=date(2025, 3, 2))
    give(deputy, B04=1, day=date(2025, 3, 3), status=EntryStatus.PENDING)
    compute()
    assert score(deputy).duty_days == 2


def test_explain_matches_the_stored_score(rules_2025, give):
    from performance.scoring import explain

    deputy = DeputyFactory()
    give(deputy, B01=10, B07=1, I01=6, C04=1)
    compute()
    a = score(deputy)
    explained = explain(rules_2025, list(rules_2025.rules.all()), a.counts)
    lines = {line.dimension: line for line in explained}
    assert lines["base"].score == a.base == Decimal("13")  # 16 (capped) - 3
    assert next(r for r in lines["base"].rules if r.rule.code == "B01").capped
    assert lines["innovation"].score == a.innovation == Decimal("12")
    assert lines["contribution"].score == a.contribution == Decimal("5")


def test_unfreezing_needs_a_reason_and_reopens_the_year(rules_2025):
    from performance.models import RuleSet
    from performance.scoring import ERR_UNFREEZE_REASON, rule_set_unfreeze

    rule_set_freeze(year=2025)
    with pytest.raises(ScoringError) as exc:
        rule_set_unfreeze(year=2025, reason="  ")
    assert str(exc.value) == ERR_UNFREEZE_REASON
    assert RuleSet.objects.get(year=2025).frozen
    rule_set_unfreeze(year=2025, reason="更正漏记")
    assert assessment_compute(year=2025).year == 2025
