"""Helpers for the admin query-count tests: a page's queries measured at two data sizes."""

from collections.abc import Callable, Iterable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url: str) -> tuple[int, int | None]:
    """(queries, rows listed) of a GET of ``url``; rows is None for a page without a list."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    cl = response.context.get("cl") if response.context else None
    return len(captured), (len(cl.result_list) if cl is not None else None)


def assert_flat(client, urls: Iterable[str], grow: Callable[[], None]) -> None:
    """Each page costs the same number of queries before and after ``grow()`` adds rows, and
    each list shows more rows after it (so a per-row query would have shown)."""
    urls = list(urls)
    for url in urls:
        page_queries(client, url)  # warm what a process keeps between requests
    before = {url: page_queries(client, url) for url in urls}
    grow()
    after = {url: page_queries(client, url) for url in urls}
    assert {u: q for u, (q, _r) in after.items()} == {u: q for u, (q, _r) in before.items()}
    for url, (_q, rows) in after.items():
        if rows is not None:
            assert rows > before[url][1], f"{url}: the larger data set should list more rows"
