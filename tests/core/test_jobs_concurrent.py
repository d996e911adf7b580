"""The scoring jobs run twice at once, in two real processes on PostgreSQL, give the same table as
one run: same rows, same numbers, no duplicates, and one audit row (the second run, queued on the
lock, finds nothing left to change). On SQLite writers are serialised by the database itself."""

import subprocess
import sys
from datetime import date

import pytest

from core.models import AuditEvent
from performance.models import Assessment
from performance.scoring import assessment_compute
from performance.services import rule_set_load_defaults
from suggestions.models import Status, UnitYearScore
from suggestions.scoring import unit_scores_refresh
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import LedgerEntryFactory
from tests.suggestions.factories import HandlingUnitFactory, RegisteredSuggestionFactory

from .processes import ROOT, environment, shared_database_url

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2026, 6, 1)

# Each process sets Django up, says it is ready, waits for the word, then runs the job: both
# start the job at the same moment instead of one finishing while the other still imports.
RUNNER = """
import sys
from datetime import date

import django

django.setup()
from performance.scoring import assessment_compute
from suggestions.scoring import unit_scores_refresh

print("ready", flush=True)
sys.stdin.readline()
if sys.argv[1] == "assessment":
    assessment_compute(year=2025, today=date(2026, 6, 1))
else:
    unit_scores_refresh(year=2026)
print("done", flush=True)
"""


def _assessment_world() -> None:
    rule_set_load_defaults(year=2025)
    for i, deputy in enumerate(DeputyFactory.create_batch(15)):
        for _n in range(i % 4):
            LedgerEntryFactory(deputy=deputy, code="B02")
        if i % 3:
            LedgerEntryFactory(deputy=deputy, code="I01")


def _unit_scores_world() -> None:
    for i, unit in enumerate(HandlingUnitFactory.create_batch(8)):
        for score in (50 + i * 5, 70):
            RegisteredSuggestionFactory(
                status=Status.CONCLUDED,
                lead_unit=unit,
                assigned_on=date(2026, 1, 10),
                reply_deadline=date(2026, 4, 10),
                deadline_limit=date(2026, 7, 10),
                concluded_on=date(2026, 6, 1),
                latest_implementation_score=score,
                latest_evaluated_on=date(2026, 5, 1),
                latest_verdict="satisfied",
            )


JOBS = {
    "assessment": (
        _assessment_world,
        lambda: assessment_compute(year=2025, today=TODAY),
        Assessment,
        ("deputy_id", "base", "innovation", "contribution", "total", "rank", "grade", "counts"),
        "performance.assessment_compute",
    ),
    "unit_scores": (
        _unit_scores_world,
        lambda: unit_scores_refresh(year=2026),
        UnitYearScore,
        ("unit_id", "year", "concluded", "implementation_avg", "benefit_avg", "score"),
        "suggestions.unit_scores_refresh",
    ),
}


def _together(job: str, env: dict) -> None:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RUNNER, job],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0 and out.strip() == "done", err
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


@pytest.mark.parametrize("job", sorted(JOBS))
def test_two_processes_at_once_give_the_table_of_one_run(job):
    env = environment(DATABASE_URL=shared_database_url())
    build, run_once, model, columns, action = JOBS[job]
    build()
    run_once()
    single = sorted(model.objects.values_list(*columns))
    assert len(single) >= 8
    model.objects.all().delete()
    AuditEvent.objects.filter(action=action).delete()

    _together(job, env)

    both = sorted(model.objects.values_list(*columns))
    assert both == single
    key = columns[0]
    assert model.objects.values(key).distinct().count() == model.objects.count()
    assert AuditEvent.objects.filter(action=action).count() == 1
