"""连任推荐 (three consecutive 优秀) and 劝辞 (不称职 two years running, or no verified base
entry in the year), and the decisions staff record."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from performance.models import (
    Assessment,
    ConsequenceDecision,
    ConsequenceKind,
    Decision,
    Dimension,
    EntryStatus,
    Grade,
    LedgerEntry,
)
from performance.selectors import consequence_lists, exit_candidates, reelection_candidates
from performance.services import decision_record
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import LedgerEntryFactory, rule_set

pytestmark = pytest.mark.django_db


def base_entries(deputy, year: int) -> int:
    """The deputy's verified entries of ``year``'s positive base rules, read the plain way:
    what the scoring keeps on the assessment (``Assessment.base_entries``)."""
    return LedgerEntry.objects.filter(
        deputy=deputy,
        status=EntryStatus.VERIFIED,
        rule__rule_set__year=year,
        rule__dimension=Dimension.BASE,
        rule__points__gt=0,
    ).count()


def rescored(year: int) -> None:
    """The year's directly stored assessments' base entries brought up to date, as the
    recompute an entry's review queues would (their grades left as the test set them)."""
    for assessment in Assessment.objects.filter(rule_set__year=year).select_related("deputy"):
        assessment.base_entries = base_entries(assessment.deputy, year)
        assessment.save(update_fields=["base_entries"])


def graded(deputy, **grades):
    """``graded(d, y2023="excellent", ...)``: store assessments directly (with the level and
    the base entries the scoring would give them)."""
    for key, grade in grades.items():
        year = int(key[1:])
        Assessment.objects.create(
            rule_set=rule_set(year), deputy=deputy, base=0, innovation=0, contribution=0,
            total=Decimal("50"), rank=1, assessed_count=1, grade=grade, level=deputy.level,
            base_entries=base_entries(deputy, year), computed_at=timezone.now(),
        )  # fmt: skip


def with_base_entry(deputy, year=2025):
    """A verified base entry, counted on the deputy's assessment of the year as the recompute
    would."""
    LedgerEntryFactory(deputy=deputy, code="B03", year=year)
    rescored(year)


EX, INC, OK = Grade.EXCELLENT, Grade.INCOMPETENT, Grade.COMPETENT


def test_reelection_needs_three_consecutive_excellent_years():
    three = DeputyFactory()
    graded(three, y2023=EX, y2024=EX, y2025=EX)
    two = DeputyFactory()
    graded(two, y2024=EX, y2025=EX)
    gap = DeputyFactory()
    graded(gap, y2022=EX, y2023=EX, y2024=OK, y2025=EX)
    assert list(reelection_candidates(2025)) == [three]
    assert list(reelection_candidates(2024)) == []


def test_exit_when_incompetent_two_years_running():
    twice = DeputyFactory()
    graded(twice, y2024=INC, y2025=INC)
    once = DeputyFactory()
    graded(once, y2024=OK, y2025=INC)
    earlier = DeputyFactory()
    graded(earlier, y2023=INC, y2024=INC, y2025=OK)
    for d in (twice, once, earlier):
        with_base_entry(d)
    candidates = exit_candidates(2025)
    assert [c.deputy for c in candidates] == [twice]
    assert candidates[0].incompetent_twice and not candidates[0].no_base_entry
    assert candidates[0].reasons == "连续两年不称职"


def test_exit_when_no_verified_base_entry_in_the_year():
    idle = DeputyFactory()
    graded(idle, y2025=OK)
    LedgerEntryFactory(deputy=idle, code="I01")  # innovation only
    LedgerEntryFactory(deputy=idle, code="B07")  # a deduction is not duty done
    LedgerEntryFactory(deputy=idle, code="B03", status=EntryStatus.PENDING, reviewed_at=None)
    LedgerEntryFactory(deputy=idle, code="B03", year=2024, occurred_on=date(2024, 5, 1))
    active = DeputyFactory()
    graded(active, y2025=OK)
    with_base_entry(active)
    candidates = exit_candidates(2025)
    assert [c.deputy for c in candidates] == [idle]
    assert candidates[0].no_base_entry and candidates[0].reasons == "全年无基础履职记录"


def test_both_reasons_are_listed():
    deputy = DeputyFactory()
    graded(deputy, y2024=INC, y2025=INC)
    assert exit_candidates(2025)[0].reasons == "连续两年不称职；全年无基础履职记录"


def test_decision_is_recorded_once_and_shown_with_the_list(staff_user):
    deputy = DeputyFactory()
    graded(deputy, y2024=INC, y2025=INC)
    decision_record(deputy=deputy, year=2025, kind=ConsequenceKind.EXIT,
                    decision=Decision.TALKED, note="已约谈", actor=staff_user)  # fmt: skip
    decision_record(deputy=deputy, year=2025, kind=ConsequenceKind.EXIT,
                    decision=Decision.PERSUADED, actor=staff_user)  # fmt: skip
    record = ConsequenceDecision.objects.get()
    assert (record.decision, record.decided_by) == (Decision.PERSUADED, staff_user)
    lists = consequence_lists(2025)
    assert lists["exit"][0][1] == record
    assert lists["reelection"] == []


def test_consequence_queries_do_not_grow(django_assert_max_num_queries):
    for _i in range(3):
        star = DeputyFactory()
        graded(star, y2023=EX, y2024=EX, y2025=EX)
        with_base_entry(star)
        graded(DeputyFactory(), y2024=INC, y2025=INC)
    with django_assert_max_num_queries(4):
        lists = consequence_lists(2025)
        assert len(lists["reelection"]) == 3 and len(lists["exit"]) == 3
        for candidate, _decision in lists["exit"]:
            assert candidate.deputy.constituency.name


def test_the_cockpit_reads_only_the_first_rows_and_counts_the_rest(
    django_assert_max_num_queries,
):
    for _i in range(3):
        star = DeputyFactory()
        graded(star, y2023=EX, y2024=EX, y2025=EX)
        with_base_entry(star)
        graded(DeputyFactory(), y2024=INC, y2025=INC)
    full = consequence_lists(2025)
    with django_assert_max_num_queries(5):  # the full lists' four and one count
        first = consequence_lists(2025, limit=2)
    assert (first["reelection_total"], first["exit_total"]) == (3, 3)
    assert (full["reelection_total"], full["exit_total"]) == (3, 3)
    assert first["reelection"] == full["reelection"][:2]
    assert [c.deputy for c, _d in first["exit"]] == [c.deputy for c, _d in full["exit"][:2]]
