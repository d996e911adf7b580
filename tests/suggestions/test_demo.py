import pytest
from django.utils import timezone

from core.demo import DemoContext, run_demo_seeders
from suggestions.models import (
    HandlingUnit,
    PublicRating,
    Status,
    StatusChange,
    Suggestion,
    UnitYearScore,
)
from suggestions.scoring import units_for_review
from suggestions.selectors import missing_quarterly_reports, staff_overview

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Suggestion.objects.count(),
        StatusChange.objects.count(),
        PublicRating.objects.count(),
        HandlingUnit.objects.count(),
        UnitYearScore.objects.count(),
    )


def test_demo_seed_is_consistent_and_idempotent(client):
    today = timezone.localdate()
    context = DemoContext(today=today)
    run_demo_seeders(context)
    first = _counts()
    assert first[0] == 40 and first[3] == 10
    statuses = set(Suggestion.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert {s.year for s in Suggestion.objects.exclude(year=None)} == {today.year - 1, today.year}
    overview = staff_overview(today)
    assert overview["overdue"] and overview["due_checks"]
    assert len(missing_quarterly_reports(today)) == 1
    assert [u.name for u, _a, _b in units_for_review(today.year)] == ["区城市管理局"]
    assert ("承办单位", "unit01", "区教育局") in context.logins
    assert client.login(username="unit01", password="lvzhi2026")
    assert client.get("/suggestions/unit/").status_code == 200

    run_demo_seeders(DemoContext(today=today))
    assert _counts() == first
