"""Walk the site as every role on the demo data and follow every link: no page may fail.

The crawl is the cheapest guard against a template or a view that breaks on real data (an
empty state, a missing relation, a None date) — the kind of 500 unit tests miss.
"""

import pytest
from django.core.management import call_command

from accounts.models import User
from tests.core.crawler import walk


def crawl(client, start: list[str], limit: int) -> dict[str, int]:
    return {url: response.status_code for url, response in walk(client, start, limit)}


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
