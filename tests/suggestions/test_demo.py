from datetime import timedelta

import pytest

from core import clock
from core.demo import DemoContext, run_demo_seeders
from suggestions.models import (
    HandlingUnit,
    PublicRating,
    Status,
    StatusChange,
    Suggestion,
    UnitReview,
    UnitYearScore,
)
from suggestions.reviews import flagged_scores
from suggestions.scoring import units_for_review
from suggestions.selectors import missing_quarterly_reports
from suggestions.selectors_staff import staff_overview

pytestmark = pytest.mark.django_db


def _counts():
    return (
        # the liaison demo turns some visits into drafts too; count the suggestions demo's own
        Suggestion.objects.exclude(origin_reference__startswith="联络站接待记录").count(),
        StatusChange.objects.count(),
        PublicRating.objects.count(),
        HandlingUnit.objects.count(),
        UnitYearScore.objects.count(),
        UnitReview.objects.count(),
    )


def test_demo_seed_is_consistent_and_idempotent(client):
    today = clock.today()
    context = DemoContext(today=today)
    run_demo_seeders(context)
    first = _counts()
    assert first[0] == 43 and first[3] == 10
    statuses = set(Suggestion.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    # spread over the last two years counted back from the seeding day (ages, not fixed
    # years), so the years they fall in depend on the day of the year the demo is seeded
    registered = list(
        Suggestion.objects.exclude(registered_on=None).values_list("registered_on", flat=True)
    )
    assert all(today - timedelta(days=731) <= day <= today for day in registered)
    assert {day.year for day in registered} >= {(today - timedelta(days=365)).year}
    overview = staff_overview(today)
    assert overview["overdue"] and overview["due_checks"]
    assert len(missing_quarterly_reports(today)) == 1
    # one unit scored below 60 two years running; which two years depends on the seeding day
    review = {
        year: [u.name for u, _a, _b in units_for_review(year)]
        for year in (today.year - 1, today.year)
    }
    assert ["区城市管理局"] in review.values(), review
    # the same unit's 专题检讨 flag is open (stored scores); another unit held its review
    assert {s.unit.name for s in flagged_scores()} == {"区城市管理局"}
    assert [(r.unit.name, r.year) for r in UnitReview.objects.all()] == [
        ("区交通运输局", today.year - 3)
    ]
    assert ("承办单位", "unit01", "区教育局") in context.logins
    # through the login page (the lockout backend needs the request); the demo's users need
    # not change their password first
    login = {"username": "unit01", "password": "lvzhi2026"}
    assert client.post("/accounts/login/", login).status_code == 302
    assert client.get("/suggestions/unit/").status_code == 200

    run_demo_seeders(DemoContext(today=today))
    assert _counts() == first
