"""Walk the site as every role on the demo data and follow every link: no page may fail.

The crawl is the cheapest guard against a template or a view that breaks on real data (an
empty state, a missing relation, a None date) — the kind of 500 unit tests miss.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from accounts.models import User

HREF = re.compile(r'href="(/[^"]*)"')
# Pages that change state on GET would be a bug in themselves; these only leave or download.
SKIP = ("/accounts/logout", "/i18n/", "/static/", "/media/")
# Admin pages repeat per object; a few of each kind are enough to prove the templates.
PER_PREFIX = 3


def _links(html: str) -> list[str]:
    return [urldefrag(m.replace("&amp;", "&"))[0] for m in HREF.findall(html)]


def _prefix(url: str) -> str:
    """/admin/performance/ledgerentry/17/change/ → /admin/performance/ledgerentry/#/change/"""
    path = urlsplit(url).path
    return re.sub(r"/\d+(?=/|$)", "/#", path) + ("?" if "?" in url else "")


def crawl(client, start: list[str], limit: int) -> dict[str, int]:
    seen: dict[str, int] = {}
    per_prefix: dict[str, int] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        key = _prefix(url)
        if per_prefix.get(key, 0) >= PER_PREFIX:
            continue
        per_prefix[key] = per_prefix.get(key, 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            queue.extend(link for link in _links(response.content.decode()) if link not in seen)
    return seen


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize(
    ("username", "start", "limit"),
    [
        ("d001", ["/", "/deputy/", "/ledger/", "/suggestions/"], 150),
        ("unit01", ["/", "/suggestions/unit/"], 120),
        ("clerk", ["/", "/admin/"], 450),
    ],
)
def test_every_linked_page_works_for_each_role(client, demo, username, start, limit):
    client.force_login(User.objects.get(username=username))
    statuses = crawl(client, start, limit)
    broken = {url: code for url, code in statuses.items() if code >= 500 or code == 404}
    assert len(statuses) > 5
    assert broken == {}


def test_anonymous_visitor_only_reaches_public_pages(client, demo):
    statuses = crawl(client, ["/", "/deputy/", "/ledger/", "/suggestions/", "/admin/"], 60)
    assert all(code in (200, 302) for code in statuses.values()), statuses
    opened = [url for url, code in statuses.items() if code == 200]
    assert all(url.startswith(("/accounts/", "/admin/login")) for url in opened), opened
