"""The audit log's filter by who acted lists the staff accounts, read by an index of their
own: among a district's thousands of deputies' and units' accounts, the filter read every
account to find the few staff ones (issue #8, ``scripts/plan_pages.py``)."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import User
from tests.plans import page_reads, vacuum_analyze

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans"),
]


def test_the_who_acted_filter_reads_the_staff_accounts_only(staff_client):
    User.objects.bulk_create(
        User(username=f"deputy{i:05d}", full_name=f"代表{i}", password="!") for i in range(4000)
    )
    vacuum_analyze(User)
    reads = page_reads(staff_client, reverse("admin:core_auditevent_changelist"))
    assert reads["accounts_user"] < 100, reads
