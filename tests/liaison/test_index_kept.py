"""The 民意指数 page keeps the weeks before the current one for ``FIGURES_MINUTES`` and says when
they were counted; the current week and the open flags are read fresh on every visit; the page
costs the same queries at two sizes, with the kept counts and without."""

from datetime import date, timedelta

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from core.cockpit import FIGURES_MINUTES
from liaison.models import FlagStatus, OpinionFlag
from liaison.selectors_index import NAMES_KEY, open_flags_shown
from liaison.services.index import opinion_flags_compute
from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory

from .factories import ExternalEventFactory, OpinionFactory, VisitFactory

# The index page's tests' week, moment and clock (the rule's settings pinned).
from .test_index_views import MOMENT, URL, W48, _clock  # noqa: F401


def _events(n: int, day: date, community, category) -> None:
    for _ in range(n):
        ExternalEventFactory(occurred_on=day, community=community, category=category)


def _cell(response, category) -> dict:
    heat = response.context["heat"]
    [line] = heat["rows"]
    return dict(zip(heat["categories"], line["cells"], strict=True))[category.name]


def test_this_week_is_fresh_and_the_weeks_before_are_kept(staff_client):
    community, category = CommunityFactory(), CategoryFactory()
    _events(6, W48, community, category)
    first = staff_client.get(URL)
    assert _cell(first, category) == {"count": 6, "level": 5, "flagged": True}
    html = first.content.decode()
    assert f"此前各周的件数 10:00 统计，每 {FIGURES_MINUTES} 分钟更新；本周件数即时统计。" in html

    # A week before: kept, so the baseline (and the flag) stay as counted until the kept
    # counts are older than FIGURES_MINUTES; this week's new rows show at once.
    _events(30, W48 - timedelta(weeks=1), community, category)
    _events(1, W48 + timedelta(days=1), community, category)
    with time_machine.travel(MOMENT + timedelta(minutes=FIGURES_MINUTES - 1), tick=False):
        kept = staff_client.get(URL)
    assert _cell(kept, category) == {"count": 7, "level": 5, "flagged": True}
    assert [bar["count"] for bar in kept.context["trend"][0]["bars"]] == [0] * 8 + [7]
    assert "10:00 统计" in kept.content.decode()

    with time_machine.travel(MOMENT + timedelta(minutes=FIGURES_MINUTES + 1), tick=False):
        recounted = staff_client.get(URL)
    assert _cell(recounted, category) == {"count": 7, "level": 5, "flagged": False}
    assert recounted.context["trend"] == []  # 7 is not above twice the mean of 30 / 8
    assert "10:11 统计" in recounted.content.decode()


def test_a_past_week_is_read_from_the_kept_counts(staff_client):
    community, category = CommunityFactory(), CategoryFactory()
    _events(6, W48 - timedelta(weeks=2), community, category)
    response = staff_client.get(URL, {"week": "2026-W46"})
    assert _cell(response, category)["count"] == 6
    assert response.context["counted_at"] == MOMENT
    assert f"各周件数 10:00 统计，每 {FIGURES_MINUTES} 分钟更新。" in response.content.decode()


def test_a_week_far_ahead_is_all_fresh_and_says_nothing_kept(staff_client):
    response = staff_client.get(URL, {"week": "2027-W10"})
    assert response.status_code == 200 and response.context["counted_at"] is None
    assert "lv-index-counted" not in response.content.decode()


def test_the_note_in_english(staff_client):
    staff_client.cookies.load({"django_language": "en"})
    response = staff_client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "Earlier weeks counted at 10:00" in html and "this week's counts are live" in html


def test_open_flags_are_fresh(staff_client):
    _events(6, W48 - timedelta(weeks=1), CommunityFactory(), CategoryFactory())
    [flag] = opinion_flags_compute(week=W48 - timedelta(weeks=1))
    assert [item["flag"].pk for item in staff_client.get(URL).context["flags"]] == [flag.pk]
    OpinionFlag.objects.filter(pk=flag.pk).update(status=FlagStatus.DISMISSED)
    assert staff_client.get(URL).context["flags"] == []


def test_open_flags_shown_read_their_values(db):
    community, category = CommunityFactory(name="东湖"), CategoryFactory(name="交通")
    _events(7, W48 - timedelta(weeks=1), community, category)
    _events(1, W48 - timedelta(weeks=3), community, category)
    [flag] = opinion_flags_compute(week=W48 - timedelta(weeks=1))
    [shown] = open_flags_shown(100)
    assert (shown.pk, shown.week, shown.community, shown.category, shown.week_count) == (
        flag.pk,
        date(2026, 11, 16),
        "东湖",
        "交通",
        7,
    )
    assert str(shown.baseline_mean) == "0.13"


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def _both(client, monkeypatch) -> tuple[int, int]:
    """(queries with nothing kept: the weeks before and the names read afresh, queries with
    them kept)."""
    with monkeypatch.context() as patched:
        patched.setattr(
            "liaison.selectors_index.remembered", lambda key, compute: (clock.now(), compute())
        )
        cache.delete(NAMES_KEY)
        counted = _queries(client)
    return counted, _queries(client)


def test_queries_are_the_same_at_two_sizes_kept_or_not(staff_client, monkeypatch):
    community, category = CommunityFactory(), CategoryFactory()
    _events(6, W48, community, category)
    staff_client.get(URL)  # per-process caches (roles, session), the kept weeks
    small = _both(staff_client, monkeypatch)
    assert small[0] == small[1] + 3  # the weeks before, the communities, the categories
    for i in range(6):
        place = CommunityFactory()
        for k in range(3):
            kind = CategoryFactory()
            _events(5 + i, W48 - timedelta(weeks=k), place, kind)
            VisitFactory(occurred_on=W48 - timedelta(weeks=k + 1), station__community=place)
            OpinionFactory(submitted_on=W48 - timedelta(weeks=k), community=place, category=kind)
    opinion_flags_compute(week=W48)
    assert _both(staff_client, monkeypatch) == small
    assert len(staff_client.get(URL).context["heat"]["rows"]) == 7


def test_a_community_new_since_the_names_were_kept_shows_at_once(staff_client):
    _events(6, W48, CommunityFactory(), CategoryFactory())
    staff_client.get(URL)
    place, kind = CommunityFactory(name="新设社区"), CategoryFactory(name="新类别")
    _events(2, W48, place, kind)
    with CaptureQueriesContext(connection) as relearned:
        response = staff_client.get(URL)
    assert (
        "新设社区" in response.content.decode()
        and "新类别" in response.context["heat"]["categories"]
    )
    assert len(relearned) == _queries(staff_client) + 2  # the names read again once, and kept
