"""Two computations (or two credits) at once, each on its own PostgreSQL connection."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from performance.models import Assessment, LedgerEntry
from performance.scoring import assessment_compute
from performance.services import ledger_credit, rule_set_load_defaults
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import AttendanceFactory, LedgerEntryFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL row locks"),
]

TODAY = date(2026, 6, 1)


def _together(fn, n=2):
    """Run ``fn`` in ``n`` threads released at the same moment; return results or raise."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def _snapshot():
    columns = ("deputy_id", "base", "innovation", "contribution", "total", "rank", "grade")
    return sorted(Assessment.objects.values_list(*columns))


def test_two_computations_at_once_agree_and_duplicate_nothing():
    rule_set_load_defaults(year=2025)
    deputies = DeputyFactory.create_batch(12)
    for i, deputy in enumerate(deputies):
        for _n in range(i % 5):
            LedgerEntryFactory(deputy=deputy, code="B02")
        LedgerEntryFactory(deputy=deputy, code="I01")
    results = _together(lambda: assessment_compute(year=2025, today=TODAY))
    assert Assessment.objects.count() == 12
    assert sorted(r.changed for r in results) == [0, 12]  # the second waited, then found nothing
    once = _snapshot()
    assert assessment_compute(year=2025, today=TODAY).changed == 0
    assert _snapshot() == once
    assert sorted(row[5] for row in once)[:3] == [1, 1, 3]  # two tie at the top


def test_two_credits_for_the_same_source_at_once_write_one_entry():
    rule_set_load_defaults(year=2025)
    deputy = DeputyFactory()
    source = AttendanceFactory(deputy=deputy)
    day = date(2025, 5, 1)

    def credit():
        return ledger_credit(
            deputy=deputy, rule_code="B01", source=source, occurred_on=day, title="并发"
        )

    results = _together(credit)
    assert LedgerEntry.objects.count() == 1
    assert results[0].pk == results[1].pk
