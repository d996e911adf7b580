"""core.compiled: counts compiled once and read afresh; a page's reads without parallel
workers for the rest of its transaction only."""

import datetime

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


# Kept statements as prepared statements (PostgreSQL): planned once per database session.

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)

_OPINIONS = (
    "SELECT COUNT(*) FROM liaison_opinion WHERE status = %s AND submitted_at < %s"
    " AND tracking_code NOT LIKE %s AND (tracking_code LIKE '%%''%%' OR TRUE)"
)


def _plain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_run_kept_gives_the_rows_of_the_plain_statement_in_one_query():
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    OpinionFactory(
        tracking_code=new_tracking_code(), status=OpinionStatus.NEW, submitted_at=timezone.now()
    )
    params = [OpinionStatus.NEW, timezone.now() + datetime.timedelta(days=1), "x'%%"]
    for moving in ((), (1,)):
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                rows = compiled.run_kept("default", _OPINIONS, params, moving)
            assert len(queries) == 1
            assert rows == _plain(_OPINIONS, params) == [(1,)]
    before = [OpinionStatus.NEW, timezone.now() - datetime.timedelta(days=1), "x'%%"]
    assert compiled.run_kept("default", _OPINIONS, before, (1,)) == [(0,)]


def _statements(text: str) -> list[int]:
    """How often each prepared statement of the connection containing ``text`` ran."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [f"%{text}%"],
        )
        return [runs for (runs,) in cursor.fetchall()]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_prepared_once_per_connection_and_again_after_a_rollback():
    from django.utils import timezone

    connection.close()  # a new session holds no statement
    now = timezone.now()
    for shift in range(4):  # the moving timestamp is a parameter: one statement
        params = [OpinionStatus.NEW, now + datetime.timedelta(hours=shift), "y"]
        assert compiled.run_kept("default", _OPINIONS, params, (1,)) == [(0,)]
    assert _statements("NOT LIKE 'y'") == [4]

    # A rollback drops the connection's prepared statements (psycopg, for every statement it
    # prepared): the next run prepares again.
    with transaction.atomic():
        compiled.run_kept("default", _OPINIONS, [OpinionStatus.NEW, now, "y"], (1,))
        transaction.set_rollback(True)
    assert _statements("NOT LIKE 'y'") == []
    assert compiled.run_kept("default", _OPINIONS, [OpinionStatus.NEW, now, "y"], (1,)) == [(0,)]
    assert _statements("NOT LIKE 'y'") == [1]
    # Another written-in value: a statement of its own.
    assert compiled.run_kept("default", _OPINIONS, [OpinionStatus.NEW, now, "z"], (1,)) == [(0,)]
    assert _statements("NOT LIKE 'z'") == [1]
    connection.close()


def test_rows_are_read_with_the_counts_in_their_order(django_assert_num_queries):
    """A ``Rows`` source gives the queryset's rows (in its order, a few columns) in the same
    statement as the counts; none gives an empty list."""
    from django.db.models import Count

    from liaison.models import Opinion

    for status in (OpinionStatus.NEW, OpinionStatus.NEW, OpinionStatus.ASSIGNED):
        OpinionFactory(tracking_code=new_tracking_code(), status=status)
    by_status = Opinion.objects.order_by("-status").values_list("status").annotate(n=Count("*"))
    sources = {
        **_build(),
        "by_status": compiled.Rows(by_status),
        "ids": compiled.Rows(Opinion.objects.order_by("-pk").values_list("pk", flat=True)),
        "none": compiled.Rows(Opinion.objects.none().values_list("pk")),
    }
    with django_assert_num_queries(1):
        found = compiled.reads_in_one_query(sources)
    assert found["new"] == 2 and found["all"] == 3
    assert found["by_status"] == [tuple(row) for row in by_status]
    assert found["ids"] == [
        (pk,) for pk in Opinion.objects.order_by("-pk").values_list("pk", flat=True)
    ]
    assert found["none"] == []
