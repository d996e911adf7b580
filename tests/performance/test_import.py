"""The ledger import takes "today" as an argument: the future is judged against it."""

import io
from datetime import date

import pytest

from performance.importer import ledger_import
from performance.models import LedgerEntry
from performance.services import rule_set_load_defaults
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet():
    rule_set_load_defaults(year=2025)
    DeputyFactory(code="D001")

    def make():
        buffer = io.BytesIO("代表编号,日期,规则编号,事项\nD001,2025-06-01,B01,工委例会\n".encode())
        buffer.name = "ledger.csv"
        return buffer

    return make


def test_a_date_after_the_given_today_is_refused(sheet):
    result = ledger_import(source=sheet(), today=date(2025, 3, 15))
    assert not result.ok and result.errors[0].line == 2
    assert not LedgerEntry.objects.exists()


def test_the_same_row_imports_once_today_has_passed_it(sheet):
    result = ledger_import(source=sheet(), today=date(2025, 12, 31))
    assert result.ok and result.created == 1
    assert LedgerEntry.objects.get().occurred_on == date(2025, 6, 1)


def test_dry_run_counts_and_writes_nothing(sheet):
    result = ledger_import(source=sheet(), today=date(2025, 12, 31), dry_run=True)
    assert result.ok and result.dry_run and result.created == 1
    assert not LedgerEntry.objects.exists()
