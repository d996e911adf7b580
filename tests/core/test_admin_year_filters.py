"""Every admin list filtered by year (``DateYearFilter``) answers a year and a non-year
without a 500, including filters on a related row's date (``reception_day__date``)."""

from datetime import UTC, date, datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from core.admin_lists import DateYearFilter

pytestmark = pytest.mark.django_db


def _year_filters():
    for model, model_admin in admin.site._registry.items():
        for entry in model_admin.list_filter:
            if isinstance(entry, type) and issubclass(entry, DateYearFilter):
                yield model, entry


CASES = [(m, f) for m, f in _year_filters()]


def test_the_project_has_year_filters_on_related_dates():
    assert any("__" in f.field_name for _m, f in CASES)


@pytest.mark.parametrize(("model", "year_filter"), CASES, ids=lambda c: getattr(c, "__name__", c))
def test_year_and_non_year_never_fail(admin_client, model, year_filter):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(url, {year_filter.parameter_name: "2026"}).status_code == 200
    odd = admin_client.get(url, {year_filter.parameter_name: "abc"})
    assert odd.status_code in (200, 302)


@pytest.mark.parametrize(
    "raw, year",
    [
        ("2025-12-31", 2025),  # a date, as SQLite gives it
        ("2025-12-31 15:59:59", 2025),  # a time in UTC: 23:59:59 in Shanghai
        ("2025-12-31 16:00:00.000001", 2026),  # past midnight in Shanghai
        (date(2025, 12, 31), 2025),
        (datetime(2025, 12, 31, 16, 30, tzinfo=UTC), 2026),
        (2024, 2024),
    ],
)
def test_a_bound_counts_in_the_local_year_whatever_the_database_gives(raw, year):
    """The year filter's bounds are raw values (``rows_once``): PostgreSQL gives dates and
    aware times, SQLite ISO text with times in UTC; each lands in Shanghai's year."""
    from core.admin_lists import _local_year

    assert _local_year(raw) == year
