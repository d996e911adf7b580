"""The capability portrait (履职画像): six axes from the ledger and the apps' counters, against
the average of the deputy's level, checked on a small world worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache

from deputies.models import Level
from performance.models import EntryStatus
from performance.portrait import AXES, INDEX_CAP, RULE_AXES, axis_values, deputy_portrait
from suggestions.models import Status
from tests.deputies.factories import DeputyFactory
from tests.liaison.factories import VisitFactory
from tests.performance.factories import LedgerEntryFactory, rule_set
from tests.suggestions.factories import SuggestionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 30)


def _entries(deputy, code: str, n: int, **kwargs) -> None:
    for _ in range(n):
        LedgerEntryFactory(deputy=deputy, code=code, year=2025, **kwargs)


@pytest.fixture
def world():
    """Three street deputies (a, b, c) and one district deputy (d, another level).

    a: B01×3 and B07×1 (attendance 2); B02×1, I01×1 (inspection 2); B03×1, B04×2 and one visit
       (contact 4); B05×2 (training 2); I01 4 points + I04×3 at 4 points capped at 8
       (innovation 12); leads one suggestion (suggestions 1). Not counted: a pending B01, a B01
       of 2024, a suggestion submitted in 2024.
    b: B01×4 (attendance 4); co-signs a's suggestion (suggestions 1).
    c: I02×1 (innovation 3).
    d: B01×10, outside the street level's average.
    """
    rule_set(2025), rule_set(2024)
    a, b, c = (DeputyFactory(level=Level.STREET) for _ in range(3))
    d = DeputyFactory(level=Level.DISTRICT)
    _entries(a, "B01", 3)
    _entries(a, "B07", 1)
    _entries(a, "B02", 1)
    _entries(a, "I01", 1)
    _entries(a, "B03", 1)
    _entries(a, "B04", 2)
    _entries(a, "B05", 2)
    _entries(a, "I04", 3)
    _entries(a, "B01", 1, status=EntryStatus.PENDING, reviewed_at=None)
    LedgerEntryFactory(deputy=a, code="B01", year=2024)
    _entries(b, "B01", 4)
    _entries(c, "I02", 1)
    _entries(d, "B01", 10)
    visit = VisitFactory(occurred_on=date(2025, 5, 6))
    visit.deputies.add(a)
    led = SuggestionFactory(lead_deputy=a, status=Status.SUBMITTED, submitted_on=date(2025, 3, 1))
    led.co_signers.add(b)
    SuggestionFactory(lead_deputy=a, status=Status.SUBMITTED, submitted_on=date(2024, 3, 1))
    return a, b, c, d


def _figures(portrait) -> dict[str, tuple]:
    return {f.key: (f.value, f.average, f.index) for f in portrait.figures}


def test_axis_values_follow_the_mapping_table(world):
    a, b, c, d = world
    values = axis_values([a.pk, b.pk, c.pk, d.pk], 2025)
    assert values[a.pk] == {
        "attendance": 2,
        "inspection": 2,
        "contact": 4,
        "suggestions": 1,
        "training": 2,
        "innovation": 12,
    }
    assert values[b.pk]["attendance"] == 4
    assert values[b.pk]["suggestions"] == 1
    assert values[c.pk]["innovation"] == 3
    assert values[d.pk]["attendance"] == 10
    assert sum(values[c.pk].values()) == 3


def test_portrait_against_the_level_average(world):
    a, b, c, _d = world
    portrait = deputy_portrait(a, today=TODAY)
    assert portrait.year == 2025
    assert portrait.peers == 3  # the district deputy is another level
    figures = _figures(portrait)
    # attendance: (2 + 4 + 0) / 3 = 2.0, a at 100
    assert figures["attendance"] == (Decimal(2), Decimal("2.0"), 100)
    # suggestions: (1 + 1 + 0) / 3 = 0.67, a at 150
    assert figures["suggestions"] == (Decimal(1), Decimal("0.7"), 150)
    # innovation: (12 + 0 + 3) / 3 = 5.0, a at 240 shown at the cap
    assert figures["innovation"] == (Decimal(12), Decimal("5.0"), INDEX_CAP)
    # contact: 4 / 3 = 1.3
    assert figures["contact"][:2] == (Decimal(4), Decimal("1.3"))

    c_figures = _figures(deputy_portrait(c, today=TODAY))
    assert c_figures["innovation"] == (Decimal(3), Decimal("5.0"), 60)
    assert c_figures["attendance"] == (Decimal(0), Decimal("2.0"), 0)
    assert _figures(deputy_portrait(b, today=TODAY))["attendance"][2] == 200


def test_an_axis_nobody_has_is_zero_for_the_deputy_and_the_average(world):
    _a, _b, _c, d = world
    figures = _figures(deputy_portrait(d, today=TODAY))  # alone in the district level
    assert figures["attendance"] == (Decimal(10), Decimal("10.0"), 100)
    assert figures["training"] == (Decimal(0), Decimal("0.0"), 0)


def test_chart_has_one_indicator_per_axis_and_both_series(world):
    a, *_ = world
    option = deputy_portrait(a, today=TODAY).chart()
    assert [i["name"] for i in option["radar"]["indicator"]] == [str(x.label) for x in AXES]
    mine, average = option["series"][0]["data"]
    assert mine["value"][0] == 100  # attendance
    assert average["value"] == [100] * len(AXES)


def test_every_axis_is_explained_and_the_table_names_known_axes():
    keys = {axis.key for axis in AXES}
    assert all(str(axis.explanation) for axis in AXES)
    assert {axis for axis, _sign in RULE_AXES.values()} <= keys


def test_portrait_queries_do_not_grow_with_the_level(world, django_assert_max_num_queries):
    a, *_ = world
    with django_assert_max_num_queries(9):  # level, entries, suggestions (2), visits; own 4
        deputy_portrait(a, today=TODAY)
    for _ in range(5):
        _entries(DeputyFactory(level=Level.STREET), "B01", 2)
    cache.clear()
    with django_assert_max_num_queries(9):
        assert deputy_portrait(a, today=TODAY).peers == 8


def test_the_level_average_is_kept_a_while_and_the_own_figures_are_fresh(
    world, django_assert_max_num_queries
):
    """The level's averages are shared by every deputy of the level for AVERAGES_MINUTES; a
    deputy's own new entry shows at once."""
    a, b, *_ = world
    assert _figures(deputy_portrait(a, today=TODAY))["attendance"] == (
        Decimal(2),
        Decimal("2.0"),
        100,
    )
    _entries(a, "B01", 2)
    with django_assert_max_num_queries(4):  # the own figures only
        figures = _figures(deputy_portrait(a, today=TODAY))
    assert figures["attendance"] == (Decimal(4), Decimal("2.0"), 200)  # average as counted
    assert _figures(deputy_portrait(b, today=TODAY))["attendance"][1] == Decimal("2.0")
    cache.clear()
    assert _figures(deputy_portrait(a, today=TODAY))["attendance"][1] == Decimal("2.7")


def test_counted_rows_read_each_rule_however_its_json_wrote_it():
    """The facts' rules of the year with the deputy's verified entries of each counted: a
    rule's values as decimals whether the JSON gave text (PostgreSQL) or a float (SQLite), a
    rule without an entry left out."""
    from performance.portrait import counted_rows

    rules = [
        ["B01", "base", "2", "16", "20", 3],
        ["B02", "base", 2.0, 16.0, 20.0, 0],
        ["I04", "innovation", 4.0, 8.0, 20.0, 2],
        ["B07", "base", "-3", None, "20", 1],
    ]
    assert counted_rows(7, rules) == [
        (7, "B01", "base", Decimal("2"), Decimal("16"), Decimal("20"), 3),
        (7, "I04", "innovation", Decimal("4"), Decimal("8"), Decimal("20"), 2),
        (7, "B07", "base", Decimal("-3"), None, Decimal("20"), 1),
    ]
    assert counted_rows(7, []) == []
