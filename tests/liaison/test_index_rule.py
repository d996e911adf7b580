"""The public-opinion index: ISO weeks, the SQL counts of the three sources, and the flag rule
at its boundaries. Dates are fixed (never the clock), so these pass on any day; run them on
PostgreSQL too with DATABASE_URL (the counting SQL is written for both)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from liaison.models import OpinionStatus
from liaison.selectors_index import (
    WeekError,
    index_rows,
    is_flagged,
    last_week,
    week_label,
    week_parse,
    week_start,
)
from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory

from .factories import ExternalEventFactory, OpinionFactory, VisitFactory

W48 = date(2026, 11, 23)  # Monday of 2026-W48


# --- weeks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W48", date(2026, 11, 23)),
        ("2026W48", date(2026, 11, 23)),
        (" 2026-w5 ", date(2026, 1, 26)),
        ("2026-W01", date(2025, 12, 29)),  # ISO week 1 of 2026 starts in 2025
        ("2026-W53", date(2026, 12, 28)),  # 2026 starts on a Thursday: it has 53 weeks
        ("2027-W01", date(2027, 1, 4)),
        ("2020-W53", date(2020, 12, 28)),
    ],
)
def test_week_parse(text, monday):
    assert week_parse(text) == monday
    assert monday.weekday() == 0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026",
        "2026-48",
        "2026-W00",
        "2027-W53",
        "2025-W53",
        "2026-W54",
        "abc",
        "9999-W52",
        "1999-W10",
        "2026-W4８",
        "<script>",
    ],
)
def test_week_parse_refuses_with_a_chinese_message(text):
    with pytest.raises(WeekError) as caught:
        week_parse(text)
    assert "ISO 周" in str(caught.value)


def test_week_label_and_start_around_new_year():
    assert week_label(date(2026, 12, 28)) == "2026-W53"
    assert week_start(date(2027, 1, 3)) == date(2026, 12, 28)  # Sunday of 2026-W53
    assert week_label(week_start(date(2027, 1, 4))) == "2027-W01"
    assert week_label(date(2025, 12, 29)) == "2026-W01"
    assert last_week(today=date(2027, 1, 4)) == date(2026, 12, 28)
    assert last_week(today=date(2027, 1, 10)) == date(2026, 12, 28)


# --- the rule ---------------------------------------------------------------------------------


def test_rule_at_the_boundaries(settings):
    settings.LVZHI_OPINION_MIN_COUNT = 5
    settings.LVZHI_OPINION_FACTOR = 2.0
    assert is_flagged(5, 0)  # exactly the minimum, no baseline
    assert not is_flagged(4, 0)  # one below the minimum
    # baseline mean 2 (16 over 8 weeks): 4 = 2 × 2 is not "greater than", 5 is
    assert not is_flagged(4, 16, min_count=1)
    assert is_flagged(5, 16)
    # exactly factor × mean: 6 = 2 × 3 (24 over 8 weeks) is not flagged, 7 is
    assert not is_flagged(6, 24)
    assert is_flagged(7, 24)
    # a factor with no exact binary form still compares exactly: 1.1 × 80/8 = 11
    assert not is_flagged(11, 80, factor=1.1)
    assert is_flagged(12, 80, factor=1.1)


# --- counting in SQL --------------------------------------------------------------------------


def _events(n, day, **kwargs):
    return [ExternalEventFactory(occurred_on=day, **kwargs) for _ in range(n)]


@pytest.mark.django_db
def test_counts_three_sources_per_week_and_pair_leaving_out_merged_opinions():
    community, category = CommunityFactory(), CategoryFactory()
    pair = {"community": community, "category": category}
    _events(2, W48, **pair)
    VisitFactory(
        occurred_on=W48 + timedelta(days=6), category=category, station__community=community
    )
    OpinionFactory(submitted_on=W48 + timedelta(days=3), **pair)
    original = OpinionFactory(submitted_on=W48, **pair)
    OpinionFactory(submitted_on=W48, status=OpinionStatus.MERGED, merged_into=original, **pair)
    _events(1, W48 - timedelta(days=1), **pair)  # Sunday before: the week before
    _events(1, W48 - timedelta(weeks=8), **pair)  # first baseline week
    _events(5, W48 - timedelta(weeks=8, days=1), **pair)  # nine weeks back: outside
    _events(5, W48 + timedelta(days=7), **pair)  # the week after: outside
    other = CommunityFactory()
    _events(1, W48, community=other, category=category)

    rows = {row.pair: row for row in index_rows(week=W48 + timedelta(days=2))}

    row = rows[(community.pk, category.pk)]
    assert row.week_count == 5  # 2 events + 1 visit + 2 opinions (the merged one left out)
    assert row.weeks == (1, 0, 0, 0, 0, 0, 0, 1, 5)
    assert row.baseline_total == 2
    assert row.baseline_mean == Decimal("0.25")
    assert row.ratio == Decimal("20.00")
    assert row.flagged
    assert rows[(other.pk, category.pk)].week_count == 1
    assert rows[(other.pk, category.pk)].ratio is None
    assert not rows[(other.pk, category.pk)].flagged


@pytest.mark.django_db
def test_weeks_without_events_count_as_zero(settings):
    """Four baseline weeks of 4 events: the mean is 16/8 = 2, not 16/4 = 4."""
    settings.LVZHI_OPINION_MIN_COUNT = 5
    settings.LVZHI_OPINION_FACTOR = 2.0
    pair = {"community": CommunityFactory(), "category": CategoryFactory()}
    for weeks_back in (1, 3, 5, 7):
        _events(4, W48 - timedelta(weeks=weeks_back), **pair)
    _events(5, W48, **pair)
    [row] = index_rows(week=W48)
    assert row.baseline_mean == Decimal("2.00")
    assert row.ratio == Decimal("2.50")
    assert row.flagged  # 5 > 2 × 2; with a mean over the four busy weeks (4) it would not be


@pytest.mark.django_db
def test_exactly_factor_times_mean_and_exactly_min_count(settings):
    settings.LVZHI_OPINION_MIN_COUNT = 6
    settings.LVZHI_OPINION_FACTOR = 2.0
    at_factor = {"community": CommunityFactory(), "category": CategoryFactory()}
    _events(24, W48 - timedelta(weeks=2), **at_factor)  # mean 3
    _events(6, W48, **at_factor)  # exactly 2 × 3
    at_min = {"community": CommunityFactory(), "category": CategoryFactory()}
    _events(6, W48, **at_min)  # exactly the minimum, baseline 0
    below_min = {"community": CommunityFactory(), "category": CategoryFactory()}
    _events(5, W48, **below_min)
    rows = {row.pair: row for row in index_rows(week=W48)}
    key = lambda p: (p["community"].pk, p["category"].pk)  # noqa: E731
    assert not rows[key(at_factor)].flagged
    assert rows[key(at_factor)].ratio == Decimal("2.00")
    assert rows[key(at_min)].flagged
    assert rows[key(at_min)].ratio is None
    assert not rows[key(below_min)].flagged


@pytest.mark.django_db
def test_iso_weeks_across_new_year(settings):
    """2026-W53 runs from Monday 28 December 2026 to Sunday 3 January 2027; 2027-W01 starts on
    4 January and its baseline reaches back into 2026."""
    settings.LVZHI_OPINION_MIN_COUNT = 2
    settings.LVZHI_OPINION_FACTOR = 2.0
    pair = {"community": CommunityFactory(), "category": CategoryFactory()}
    w53 = week_parse("2026-W53")
    _events(1, date(2026, 12, 27), **pair)  # Sunday of 2026-W52
    _events(1, date(2026, 12, 28), **pair)
    _events(2, date(2027, 1, 3), **pair)  # Sunday, still 2026-W53
    _events(3, date(2027, 1, 4), **pair)  # 2027-W01
    [row53] = index_rows(week=w53)
    assert row53.weeks[-2:] == (1, 3)
    [row01] = index_rows(week=week_parse("2027-W01"))
    assert row01.weeks[-3:] == (1, 3, 3)
    assert row01.baseline_total == 4
    assert row01.flagged  # 3 ≥ 2 and 3 > 2 × 0.5
    assert row53.flagged and row53.baseline_total == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "weeks_later",
    [0, 1, 5, -1, -3, -12],
    ids=["this-week", "last-week", "five-weeks-ago", "next-week", "in-3-weeks", "all-fresh"],
)
def test_the_page_reads_what_the_rows_give(settings, weeks_later):
    """``index_page`` (the weeks before the current one kept, the rest read fresh) gives the
    heat table and the flagged pairs that ``heat_table(index_rows(...))`` and the flagged rows
    give, at the boundaries too, wherever the current week falls in the nine (or outside)."""
    from liaison.selectors_index import heat_table, index_page

    settings.LVZHI_OPINION_MIN_COUNT = 6
    settings.LVZHI_OPINION_FACTOR = 2.0
    categories = [CategoryFactory(), CategoryFactory(), CategoryFactory()]
    communities = [CommunityFactory(), CommunityFactory(), CommunityFactory()]
    _events(24, W48 - timedelta(weeks=2), community=communities[0], category=categories[0])
    _events(6, W48, community=communities[0], category=categories[0])  # exactly 2 × mean
    _events(6, W48, community=communities[0], category=categories[1])  # flagged
    _events(5, W48, community=communities[1], category=categories[1])  # below the minimum
    _events(9, W48, community=communities[1], category=categories[2])  # flagged, the top
    _events(3, W48 - timedelta(weeks=4), community=communities[1], category=categories[0])
    _events(2, W48 - timedelta(weeks=8), community=communities[2], category=categories[2])
    today = W48 + timedelta(weeks=weeks_later, days=3)

    rows = index_rows(week=W48)
    heat, flagged, counted_at = index_page(week=W48, today=today)

    page = heat.pop("page")  # the communities' page: three fit on one
    assert page.number == 1 and not page.has_other_pages()
    assert heat == heat_table(rows)
    assert flagged == [row for row in rows if row.flagged]
    assert len(flagged) == 2 and len(heat["rows"]) == 3
    assert (counted_at is None) == (weeks_later <= -9)
    empty, none_flagged, _counted = index_page(week=W48 - timedelta(weeks=30), today=today)
    assert empty.pop("page").object_list == []
    assert (empty, none_flagged) == (heat_table([]), [])
