"""The signed-in user read by a kept statement (core.user_backend): the same user Django's
ModelBackend reads, afresh on every request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.user_backend import UserBackend, read_user

pytestmark = pytest.mark.django_db


def _fields(user) -> dict:
    return {f.attname: getattr(user, f.attname) for f in type(user)._meta.concrete_fields}


def test_reads_the_same_user_as_the_orm(deputy):
    user = deputy.user
    user.large_text = True
    user.save()
    expected = type(user).objects.get(pk=user.pk)
    for key in (user.pk, str(user.pk)):
        found = read_user(key)
        assert found == expected and _fields(found) == _fields(expected)
        assert found._state.adding is False and found._state.db == "default"


@pytest.mark.parametrize("odd", ["abc", "", "9" * 30, -1, 2_147_483_647])
def test_an_odd_or_unknown_id_is_no_one(odd, deputy):
    assert read_user(odd) is None
    assert UserBackend().get_user(odd) is None


def test_each_request_reads_the_row_afresh(deputy_client, deputy):
    """A deactivated user, or one whose password changed, is signed out on the next request."""
    page = reverse("deputies:dashboard")
    assert deputy_client.get(page).status_code == 200
    user = deputy.user
    user.set_password("another-long-password-1")
    user.save()
    response = deputy_client.get(page)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_an_inactive_user_is_refused(deputy_client, deputy):
    user = deputy.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert UserBackend().get_user(user.pk) is None
    response = deputy_client.get(reverse("deputies:dashboard"))
    assert response.status_code == 302


def test_a_request_reads_its_user_once(deputy_client, deputy):
    page = reverse("deputies:dashboard")
    deputy_client.get(page)
    with CaptureQueriesContext(connection) as queries:
        assert deputy_client.get(page).status_code == 200
    users = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(users) == 1 and f'"accounts_user"."id" = {deputy.user.pk}' in users[0]


def test_the_deputy_record_comes_with_the_user(deputy, staff_user, django_assert_num_queries):
    """A deputy's page reads ``request.user.deputy`` next: it is read in the same statement
    (one query, and none more for the record); a user without one gets None at no query."""
    with django_assert_num_queries(1):
        user = read_user(deputy.user.pk)
        assert user.deputy == deputy and user.deputy.name == deputy.name
    with django_assert_num_queries(1):
        staff = read_user(staff_user.pk)
        assert getattr(staff, "deputy", None) is None
