"""Shared by the pages' query-count tests: grow the database with the scale hooks, and count
the queries each page makes, so a test can ask the same pages at two sizes."""

import itertools
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from core.scale import ScaleContext, run_scale_generators

_seeds = itertools.count(11)


def grow(
    *,
    deputies: int,
    entries_per_deputy: int,
    suggestions: int,
    today: date | None = None,
    seed: int | None = None,
) -> ScaleContext:
    """Add a scale run of the given sizes to whatever the database holds (every deputy so far,
    the first run's included, gets a share of the new entries and suggestions). Without a
    ``seed`` each call draws a new one."""
    context = ScaleContext(
        seed=next(_seeds) if seed is None else seed,
        deputies=deputies,
        entries_per_deputy=entries_per_deputy,
        suggestions=suggestions,
        today=today or clock.today(),
    )
    run_scale_generators(context)
    return context


def query_counts(client, urls: list[str], status: int = 200) -> dict[str, int]:
    """``{url: number of queries}`` for a GET of each url, on warm caches, so that what is
    compared is the page's own reads; every answer must have ``status``."""
    counts = {}
    for url in urls:
        client.get(url)  # once unmeasured: per-process caches (unread badge, content types)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        counts[url] = len(queries)
        LAST_QUERIES[url] = [q["sql"] for q in queries.captured_queries]
    return counts


# The statements of each url's last count, to show what differs when a test fails.
LAST_QUERIES: dict[str, list[str]] = {}
