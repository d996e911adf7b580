"""The level kept on each assessment (``Assessment.level``, written by the scoring's upsert):
the level the deputy had when the year was computed, brought up to date by the next recompute
after a level change, and the rank within the level read from it (the dashboard's facts and
``level_rank``) equal to counting the year's assessments joined to the deputies' level."""

from datetime import date

import pytest
from django.db.models import Count, Q

from deputies import facts
from deputies.models import Level
from performance.deputy_panels import level_rank
from performance.models import Assessment
from performance.scoring import assessment_compute
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)


def compute():
    return assessment_compute(year=TODAY.year, today=TODAY)


def _joined_rank(assessment: Assessment, level: str) -> tuple[int, int]:
    """The rank within ``level`` as the dashboard counted it before the level was kept: the
    year's assessments joined to their deputies' current level."""
    counts = Assessment.objects.filter(
        rule_set_id=assessment.rule_set_id, deputy__level=level
    ).aggregate(n=Count("pk"), above=Count("pk", filter=Q(total__gt=assessment.total)))
    return counts["above"] + 1, counts["n"]


def _facts_rank(deputy) -> tuple[int, int]:
    assessed, above = facts.read_facts(deputy, TODAY, keys=("performance",))["performance"]["level"]
    return above + 1, assessed


@pytest.fixture
def deputies(rules_2025, give):
    """Deputies of two levels with scores that tie and differ."""
    made = []
    for level, points in (
        (Level.DISTRICT, {"B01": 3}),
        (Level.DISTRICT, {"B01": 3}),  # ties with the first
        (Level.DISTRICT, {"B01": 5, "I01": 1}),
        (Level.DISTRICT, {}),
        (Level.CITY, {"B01": 8}),
        (Level.CITY, {"B02": 1}),
    ):
        deputy = DeputyFactory(level=level)
        if points:
            give(deputy, **points)
        made.append(deputy)
    compute()
    return made


def test_the_scoring_keeps_each_deputys_level(deputies):
    levels = dict(
        Assessment.objects.filter(rule_set__year=TODAY.year).values_list("deputy_id", "level")
    )
    assert levels == {d.pk: d.level for d in deputies}
    assert compute().changed == 0  # nothing new: the upsert writes no row


def test_a_level_change_is_kept_at_the_next_recompute(deputies):
    moved = deputies[2]
    moved.level = Level.CITY
    moved.save(update_fields=["level"])
    result = compute()  # the nightly recompute: the level alone changed
    assert result.changed == 1
    assessment = Assessment.objects.get(deputy=moved, rule_set__year=TODAY.year)
    assert assessment.level == Level.CITY
    assert compute().changed == 0
    # The rank within the new level counts the moved deputy among the city deputies only.
    expected = _joined_rank(assessment, Level.CITY)
    assert expected[1] == 3
    assert level_rank(assessment, Level.CITY) == expected
    assert _facts_rank(moved) == expected


def test_the_rank_in_level_is_the_joined_count(deputies):
    facts._STATEMENTS.clear()
    for deputy in deputies:
        assessment = Assessment.objects.get(deputy=deputy, rule_set__year=TODAY.year)
        expected = _joined_rank(assessment, deputy.level)
        assert level_rank(assessment, deputy.level) == expected, deputy.pk
        assert _facts_rank(deputy) == expected, deputy.pk
    ranks = {d.pk: level_rank(Assessment.objects.get(deputy=d), d.level) for d in deputies}
    first, tie, best, idle, city_best, city_other = (ranks[d.pk] for d in deputies)
    assert (best, first, tie, idle) == ((1, 4), (2, 4), (2, 4), (4, 4))  # ties share a rank
    assert (city_best, city_other) == ((1, 2), (2, 2))
