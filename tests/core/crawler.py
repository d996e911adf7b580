"""The breadth-first walk over a site's links that the crawl tests share (statuses in
test_crawl, headers and scripts in test_headers)."""

import re
from collections import deque
from collections.abc import Iterator
from urllib.parse import urldefrag, urlsplit

HREF = re.compile(r'href="(/[^"]*)"')
# Pages that change state on GET would be a bug in themselves; these only leave or download.
SKIP = ("/accounts/logout", "/i18n/", "/static/", "/media/")


def links(html: str) -> list[str]:
    return [urldefrag(m.replace("&amp;", "&"))[0] for m in HREF.findall(html)]


def shape(url: str) -> str:
    """/admin/performance/ledgerentry/17/change/ → /admin/performance/ledgerentry/#/change/"""
    return re.sub(r"/\d+(?=/|$)", "/#", urlsplit(url).path) + ("?" if "?" in url else "")


def walk(client, start: list[str], limit: int, per_shape: int = 3) -> Iterator[tuple[str, object]]:
    """Follow the links of HTML pages from ``start``, at most ``per_shape`` pages of each URL
    shape (admin pages repeat per object) and ``limit`` pages in all; yields (url, response)."""
    seen: set[str] = set()
    counts: dict[str, int] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        key = shape(url)
        if counts.get(key, 0) >= per_shape:
            continue
        counts[key] = counts.get(key, 0) + 1
        seen.add(url)
        response = client.get(url)
        yield url, response
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            queue.extend(link for link in links(response.content.decode()) if link not in seen)
