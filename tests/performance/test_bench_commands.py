"""The benchmark commands keep running as the models grow (PostgreSQL only, at a tiny size).

They build their rows with ``INSERT … SELECT``; a column added later with no database default
once broke ``bench_scoring`` without any test noticing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from deputies.models import Deputy
from performance.models import Assessment, LedgerEntry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmarks need PostgreSQL"),
]


def test_bench_scoring_measures_both_sizes_and_leaves_nothing_behind():
    out = StringIO()

    call_command("bench_scoring", deputies=40, entries=5, repeat=1, stdout=out)

    lines = out.getvalue().splitlines()
    assert any(line.startswith("20 deputies x 5:") for line in lines)
    assert any(line.startswith("40 deputies x 5:") for line in lines)
    assert "growth x2.0 rows" in out.getvalue()
    assert not Deputy.objects.exists()
    assert not LedgerEntry.objects.exists()
    assert not Assessment.objects.exists()


def test_bench_statistics_compares_with_its_floor():
    out = StringIO()

    call_command("bench_statistics", year=2026, as_of="2026-12-03", repeat=1, stdout=out)

    text = out.getvalue()
    assert "year 2026, as of 2026-12-03: 0 registered suggestions" in text
    assert any(line.startswith("stats ") for line in text.splitlines())
    assert any(line.startswith("scores ") for line in text.splitlines())
