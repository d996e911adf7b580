"""The deputy's dashboard (profile card plus every app's panel) and profile page make the same
number of queries on a small database and after it has grown several times over, this
deputy's own suggestions and ledger included (issue #8)."""

import pytest
from django.test import Client

from deputies.models import Deputy
from suggestions import selectors
from tests.core.scale_pages import grow, query_counts

pytestmark = pytest.mark.django_db

URLS = ["/deputy/", "/deputy/profile/"]


def test_dashboard_and_profile_cost_the_same_at_two_sizes():
    grow(deputies=4, entries_per_deputy=10, suggestions=40)
    deputy = Deputy.objects.select_related("user").order_by("code").first()
    client = Client()
    client.force_login(deputy.user)
    query_counts(client, URLS[:1])  # warm per-process caches
    small = query_counts(client, URLS)
    before = selectors.deputy_suggestions(deputy).count()

    for _ in range(2):
        grow(deputies=12, entries_per_deputy=20, suggestions=150)
    assert selectors.deputy_suggestions(deputy).count() > before
    assert query_counts(client, URLS) == small
    assert client.get("/deputy/").context["panels"]  # the panels were rendered, not skipped
