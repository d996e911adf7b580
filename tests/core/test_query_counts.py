"""The notifications list, the home redirect and the login page make the same number of
queries whatever the number of notifications and users; the list is paginated and odd page
numbers answer a normal page (issue #8)."""

import pytest
from django.test import Client

from accounts.models import User
from core.models import Notification
from tests.core.scale_pages import grow, query_counts

pytestmark = pytest.mark.django_db


def _notify(user: User, n: int) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="test", title=f"通知 {i}", url="/") for i in range(n)
    )


def test_notifications_home_and_login_cost_the_same_at_two_sizes():
    grow(deputies=4, entries_per_deputy=2, suggestions=10)
    user = User.objects.get(username="unit01")
    _notify(user, 25)
    client = Client()
    client.force_login(user)
    anonymous = Client()
    lists = ["/notifications/", "/notifications/?page=2"]
    query_counts(client, lists[:1])  # warm per-process caches
    small = (
        query_counts(client, lists),
        query_counts(client, ["/"], status=302),
        query_counts(anonymous, ["/accounts/login/"]),
    )

    grow(deputies=12, entries_per_deputy=2, suggestions=40)
    _notify(user, 400)
    for other in User.objects.exclude(pk=user.pk)[:20]:
        _notify(other, 20)
    assert (
        query_counts(client, lists),
        query_counts(client, ["/"], status=302),
        query_counts(anonymous, ["/accounts/login/"]),
    ) == small
    page = client.get("/notifications/").context["page"]
    assert len(page.object_list) == 20 and page.paginator.count == 425


@pytest.mark.parametrize("query", ["page=999", "page=abc", "page=-3", "page=", "page=1e9"])
def test_odd_notification_pages_answer_a_normal_page(query):
    user = User.objects.create(username="n1")
    _notify(user, 3)
    client = Client()
    client.force_login(user)
    response = client.get(f"/notifications/?{query}")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
