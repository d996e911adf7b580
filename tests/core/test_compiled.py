"""core.compiled: counts compiled once and read afresh; a page's reads without parallel
workers for the rest of its transaction only."""

import pytest
from django.db import connection, transaction

from core import compiled
from core.admin_lists import counts_in_one_query
from liaison.models import OpinionStatus
from liaison.services.opinions import new_tracking_code
from tests.liaison.factories import OpinionFactory

pytestmark = pytest.mark.django_db


def _build():
    from liaison.models import Opinion

    return {
        "new": Opinion.objects.filter(status=OpinionStatus.NEW),
        "all": Opinion.objects.all(),
    }


def test_counts_once_compiles_once_and_counts_afresh():
    compiled._KEPT.clear()
    built = []

    def build():
        built.append(1)
        return _build()

    assert compiled.counts_once(("test",), build) == counts_in_one_query(**_build())
    OpinionFactory(tracking_code=new_tracking_code(), status=OpinionStatus.NEW)
    assert compiled.counts_once(("test",), build) == counts_in_one_query(**_build())
    assert compiled.counts_once(("test",), build)["new"] >= 1
    assert built == [1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
@pytest.mark.django_db(transaction=True)
def test_no_parallel_workers_for_the_transaction_only():
    def workers() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    before = workers()
    compiled.without_parallel_workers()  # outside a transaction: nothing
    assert workers() == before
    with transaction.atomic():
        compiled.without_parallel_workers()
        assert workers() == "0"
    assert workers() == before
