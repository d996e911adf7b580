"""The deputy's ledger pages make the same number of queries on a small database and after it
has grown several times over (more deputies, and more entries, evidence and disputes for this
deputy too): each page reads what it shows, a page of the ledger at a time (issue #8)."""

import pytest
from django.test import Client

from core import clock
from deputies.models import Deputy
from performance.models import LedgerEntry
from tests.core.scale_pages import grow, query_counts

pytestmark = pytest.mark.django_db

SMALL = {"deputies": 4, "entries_per_deputy": 30, "suggestions": 4}
LARGE = {"deputies": 12, "entries_per_deputy": 60, "suggestions": 4}


def _ledger_urls(deputy: Deputy) -> list[str]:
    year = clock.today().year
    entry = LedgerEntry.objects.filter(deputy=deputy, evidence__isnull=False).order_by("pk")[0]
    return [
        "/ledger/",
        f"/ledger/?year={year - 1}",
        f"/ledger/?year={year - 2}&status=verified",
        "/ledger/?page=2",
        f"/ledger/entries/{entry.pk}/",
        f"/ledger/entries/{entry.pk}/dispute/",
        "/ledger/submit/",
        "/ledger/missing/",
        "/ledger/standings/",
        "/ledger/topics/",
    ]


def test_every_ledger_page_costs_the_same_at_two_sizes():
    grow(**SMALL)
    deputy = Deputy.objects.select_related("user").order_by("code").first()
    client = Client()
    client.force_login(deputy.user)
    urls = _ledger_urls(deputy)
    query_counts(client, urls[:1])  # warm per-process caches
    small = query_counts(client, urls)
    before = LedgerEntry.objects.filter(deputy=deputy).count()

    grow(**LARGE)
    grow(**LARGE)
    assert LedgerEntry.objects.filter(deputy=deputy).count() > 2 * before
    assert query_counts(client, urls) == small


@pytest.mark.parametrize(
    "query",
    ["page=999", "page=abc", "page=-1", "year=abc", "year=99999", "status=bogus&page=2"],
)
def test_odd_ledger_parameters_answer_a_normal_page(query):
    grow(**SMALL)
    client = Client()
    client.force_login(Deputy.objects.order_by("code").first().user)
    assert client.get(f"/ledger/?{query}").status_code == 200
    assert client.get(f"/ledger/topics/?{query}").status_code == 200
