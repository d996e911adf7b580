"""The 我的接待 page's duties read in one statement (``duty_lists``) are the rows the former
reads (``coming_duties``, ``past_duties``: models with their day and station) gave: the same
HTML in both languages, the same order, the latest thirty past ones, in one query."""

import datetime

import pytest
from django.utils import translation

from liaison.duty_rows import duty_rows_html
from liaison.selectors_stations import coming_duties, duty_lists, past_duties
from tests.liaison.factories import DutyFactory, ReceptionDayFactory, StationFactory
from tests.liaison.test_duty_rows import TODAY, _duties, _pinned_clock  # noqa: F401

pytestmark = pytest.mark.django_db


def _more(deputy, n: int) -> None:
    """``n`` past duties a week apart (past the page's thirty), and one on another day."""
    station = StationFactory()
    for i in range(n):
        day = ReceptionDayFactory(station=station, date=TODAY - datetime.timedelta(days=20 + 7 * i))
        DutyFactory(reception_day=day, deputy=deputy, attended=bool(i % 3) if i % 4 else None)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_same_rows_as_the_former_reads(deputy, other_deputy, language):
    _duties(deputy)
    _more(deputy, 33)
    _more(other_deputy, 2)
    coming, past = duty_lists(deputy, today=TODAY)
    former_coming = coming_duties(deputy, today=TODAY)
    former_past = past_duties(deputy, today=TODAY)
    assert [d.pk for d in coming] == [d.pk for d in former_coming] and len(coming) == 3
    assert [d.pk for d in past] == [d.pk for d in former_past] and len(past) == 30
    with translation.override(language):
        for ours, former, flag in ((coming, former_coming, False), (past, former_past, True)):
            expected = duty_rows_html(former, today=TODAY, past=flag)
            assert duty_rows_html(ours, today=TODAY, past=flag) == expected


def test_none_and_one_query(deputy, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert duty_lists(deputy, today=TODAY) == ([], [])
