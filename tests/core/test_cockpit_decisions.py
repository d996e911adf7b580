"""The cockpit's decision lists (compiled once a day, read afresh): the same first rows and
totals as ``performance.selectors.consequence_lists``, and a new candidate shows at once."""

import datetime

import pytest

from performance.cockpit import decisions_section
from performance.models import ConsequenceKind, Decision
from performance.selectors import consequence_lists
from performance.services import decision_record
from tests.deputies.factories import DeputyFactory
from tests.performance.test_consequences import EX, INC, OK, graded

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)  # the lists are of 2025


def _names(section):
    return (
        [(d.pk, decision.decision if decision else None) for d, decision in section["reelection"]],
        [
            (c.assessment.pk, c.reasons, decision.decision if decision else None)
            for c, decision in section["exits"]
        ],
    )


def _expected():
    lists = consequence_lists(2025, limit=10)
    return (
        [(d.pk, decision.decision if decision else None) for d, decision in lists["reelection"]],
        [
            (c.assessment.pk, c.reasons, decision.decision if decision else None)
            for c, decision in lists["exit"]
        ],
    ), lists


def test_the_same_rows_and_totals_as_the_full_lists(staff_user):
    for _ in range(12):  # more than the ten shown
        graded(DeputyFactory(), y2023=EX, y2024=EX, y2025=EX)
    graded(DeputyFactory(), y2024=EX, y2025=EX)
    graded(DeputyFactory(), y2023=EX, y2024=OK, y2025=EX)  # not running: no candidate
    for _ in range(3):
        graded(DeputyFactory(), y2024=INC, y2025=INC)
    graded(DeputyFactory(), y2024=OK, y2025=OK)
    section = decisions_section(TODAY)
    expected, lists = _expected()
    assert _names(section) == expected
    assert section["reelection_total"] == lists["reelection_total"] == 12
    assert section["exit_total"] == lists["exit_total"]
    assert len(section["reelection"]) == 10

    # Read afresh: a decision and a new candidate show on the next visit.
    first, _decision = section["reelection"][0]
    decision_record(
        actor=staff_user,
        deputy=first,
        year=2025,
        kind=ConsequenceKind.REELECTION,
        decision=Decision.RECOMMENDED,
    )
    graded(DeputyFactory(), y2023=EX, y2024=EX, y2025=EX)
    again = decisions_section(TODAY)
    expected, lists = _expected()
    assert _names(again) == expected
    assert again["reelection_total"] == 13
    assert again["reelection"][0][1] is not None


def test_no_candidates():
    section = decisions_section(TODAY)
    assert section["reelection"] == [] and section["exits"] == []
    assert section["reelection_total"] == 0 and section["exit_total"] == 0


def test_each_list_comes_with_its_decisions_in_its_own_read(staff_user, django_assert_num_queries):
    """The talk list, the re-election rows and the exit rows: one statement whatever the
    decisions (each list's row carries the committee's decision on it), and an exit decision
    shows on the exit row only."""
    graded(exit_deputy := DeputyFactory(), y2024=INC, y2025=INC)
    graded(DeputyFactory(), y2023=EX, y2024=EX, y2025=EX)
    decisions_section(TODAY)  # compiled
    decision_record(
        actor=staff_user,
        deputy=exit_deputy,
        year=2025,
        kind=ConsequenceKind.EXIT,
        decision=Decision.PERSUADED,
    )
    with django_assert_num_queries(1):
        section = decisions_section(TODAY)
    decided = {candidate.deputy.pk: decision for candidate, decision in section["exits"]}
    assert len(decided) == 2  # graded without entries: no base entry either
    assert decided.pop(exit_deputy.pk).decision == Decision.PERSUADED
    assert list(decided.values()) == [None]
    decided = _decision_of(section, exit_deputy)
    assert decided.get_decision_display() == Decision.PERSUADED.label
    assert [decision for _deputy, decision in section["reelection"]] == [None]
    assert _names(section) == _expected()[0]


def _decision_of(section, deputy):
    return next(decision for c, decision in section["exits"] if c.deputy.pk == deputy.pk)
