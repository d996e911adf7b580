from datetime import date

import pytest

from core import clock
from performance.models import EntryStatus, LedgerEntry, SourceKind
from tests.performance.factories import rule_set


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test (here or elsewhere) flushes the reused test database without
    re-running post_migrate; put back content types, permissions and the role groups."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.contrib.auth.models import Group
    from django.core.management.sql import emit_post_migrate_signal

    from accounts.roles import Role, sync_staff_permissions

    if Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role):
        return
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    sync_staff_permissions()


@pytest.fixture
def rules_2025(db):
    return rule_set(2025)


@pytest.fixture
def give(db):
    """``give(deputy, B01=3, I01=1, status="pending", year=2025)``: bulk-create entries."""

    def add(deputy, year=2025, status=EntryStatus.VERIFIED, day=None, **counts):
        rules = {r.code: r for r in rule_set(year).rules.all()}
        entries = []
        for code, n in counts.items():
            for i in range(n):
                entries.append(
                    LedgerEntry(
                        deputy=deputy,
                        rule=rules[code],
                        occurred_on=day or date(year, 1 + i % 12, 1 + i % 28),
                        title=f"{code}-{i}",
                        source_kind=SourceKind.STAFF,
                        status=status,
                        reviewed_at=None if status == EntryStatus.PENDING else clock.now(),
                        review_reason="不符合" if status == EntryStatus.REJECTED else "",
                    )
                )
        LedgerEntry.objects.bulk_create(entries)
        return entries

    return add


# Verified entries worth 98 points under the default rules (base 60, innovation 18, contrib 20).
FULL_MARKS = {
    "B01": 8, "B02": 5, "B03": 6, "B04": 6, "B05": 6, "B06": 1,
    "I01": 3, "I02": 2, "C01": 4, "C02": 3,
}  # fmt: skip
