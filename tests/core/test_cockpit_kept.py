"""The cockpit's kept figures (``core.cockpit.remembered``): counted once per
``FIGURES_MINUTES``, read by a process from its own copy while the cache holds the same count,
and counted again when the cache no longer does, or taken as another process counted them."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import translation

from core import clock, cockpit


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict:
        self.calls += 1
        return {"cells": [[1, 2, 3]] * 50, "count": self.calls}


def test_a_process_reads_its_own_copy_of_the_same_count():
    count = Counter()
    first_at, first = cockpit.remembered("test-kept", count)
    again_at, again = cockpit.remembered("test-kept", count)
    assert count.calls == 1 and first == again == {"cells": [[1, 2, 3]] * 50, "count": 1}
    assert again_at == first_at
    assert again is first  # not unpickled from the cache again


def test_a_cleared_cache_is_counted_again():
    count = Counter()
    cockpit.remembered("test-kept", count)
    cache.clear()
    _at, figures = cockpit.remembered("test-kept", count)
    assert count.calls == 2 and figures["count"] == 2


def test_another_process_count_is_taken_as_it_is():
    count = Counter()
    cockpit.remembered("test-kept", count)
    # Another process found the figures gone and counted them again, under its own stamp.
    key = f"cockpit:test-kept:{translation.get_language()}"
    theirs_at = clock.now() + timedelta(minutes=1)
    cache.set(key, ("their-stamp", theirs_at, {"count": 99}))
    cache.set(f"{key}:stamp", "their-stamp")
    assert cockpit.remembered("test-kept", count) == (theirs_at, {"count": 99})
    assert count.calls == 1


def test_each_language_keeps_its_own():
    count = Counter()
    with translation.override("en"):
        english = cockpit.remembered("test-kept", count)[1]
    with translation.override("zh-hans"):
        chinese = cockpit.remembered("test-kept", count)[1]
    assert (english["count"], chinese["count"]) == (1, 2)


@pytest.mark.django_db
def test_the_fresh_figures_of_every_app_are_counted_in_one_query(django_assert_num_queries):
    """What a clerk acts on (the ledger's, suggestions', liaison's figures) is read on every
    visit, all apps' counts in one UNION ALL; the kept statistics are not read again."""
    today = clock.today()
    cockpit.kpis(today)  # the kept figures counted, the statement compiled
    with django_assert_num_queries(1):
        figures = {kpi.label: kpi for kpi in cockpit.kpis(today)}
    for label in ("本月履职记录", "待审核记录", "待立案", "超期未答复", "群众意见待分办"):
        assert figures[label].value == 0 and figures[label].counted_at is None
    assert figures["在任代表"].counted_at is not None
