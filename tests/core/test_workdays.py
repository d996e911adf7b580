from datetime import date

import pytest

from core.models import CalendarDay
from core.workdays import (
    add_working_days,
    calendar_load_from_package,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db


def test_migration_prefilled_national_day_and_make_up_days():
    assert CalendarDay.objects.filter(date=date(2026, 10, 1), kind="holiday").exists()
    assert not is_working_day(date(2026, 10, 1))
    assert is_working_day(date(2026, 9, 20))  # a Sunday worked in exchange (调休)
    assert is_working_day(date(2026, 11, 25))
    assert not is_working_day(date(2026, 11, 28))  # an ordinary Saturday


def test_add_working_days_skips_the_golden_week():
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 11, 20), 0) == date(2026, 11, 20)
    assert add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)


def test_working_days_between_counts_make_up_saturday():
    # Oct 8 (Thu), 9 (Fri), 10 (Sat, worked) and 12 (Mon).
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert working_days_between(date(2026, 10, 12), date(2026, 9, 30)) == 0


def test_staff_edits_change_the_answer_and_survive_a_reload():
    CalendarDay.objects.filter(date=date(2026, 10, 1)).update(kind="workday", name="测试")
    assert is_working_day(date(2026, 10, 1))
    calendar_load_from_package(years=[2026])
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).kind == "workday"


def test_add_working_days_needs_a_non_negative_count():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)


def test_queries_do_not_grow_with_the_span(django_assert_num_queries):
    with django_assert_num_queries(1):
        working_days_between(date(2024, 1, 1), date(2026, 12, 31))
