"""The 劝辞 criteria (``performance.selectors.exit_subqueries``) name the same deputies wherever
they are asked: the exit list, the cockpit's flags (compiled once a year), the staff desk's
counts (built once a day) and the annual report's columns, and the same as a plain reading of
the rule (a verified entry, in the year, of a base rule worth points). "No base entry" is read
from the assessment (``Assessment.base_entries``, counted by the scoring), so it follows the
ledger at the year's next computation: a base rule added during the year counts then."""

from datetime import date
from decimal import Decimal

import pytest

from performance import panels
from performance.cockpit import decisions_section
from performance.models import (
    Assessment,
    ConsequenceKind,
    Decision,
    Dimension,
    EntryStatus,
    LedgerEntry,
)
from performance.report import _with_exit_flags
from performance.scoring import assessment_compute
from performance.selectors import exit_candidates, exit_flags, exit_flags_query
from performance.services import decision_record
from tests.deputies.factories import DeputyFactory
from tests.performance.test_consequences import INC, OK, base_entries, graded, rescored

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = date(2026, 3, 1)  # the cockpit's and the desk's lists are of 2025


def _expected() -> tuple[set[int], set[int]]:
    """(deputies without a base entry, deputies 不称职 twice running) read the plain way."""
    assessed = {a.deputy_id: a for a in Assessment.objects.filter(rule_set__year=YEAR)}
    with_base = {
        e.deputy_id
        for e in LedgerEntry.objects.select_related("rule__rule_set")
        if e.status == EntryStatus.VERIFIED
        and e.rule.rule_set.year == YEAR
        and e.rule.dimension == Dimension.BASE
        and e.rule.points > 0
    }
    before = set(
        Assessment.objects.filter(rule_set__year=YEAR - 1, grade=INC).values_list(
            "deputy_id", flat=True
        )
    )
    no_base = {pk for pk in assessed if pk not in with_base}
    twice = {pk for pk, a in assessed.items() if a.grade == INC and pk in before}
    return no_base, twice


def _deputies(assessment_ids) -> set[int]:
    return set(Assessment.objects.filter(pk__in=assessment_ids).values_list("deputy_id", flat=True))


def _everywhere() -> dict[str, tuple[set[int], set[int]]]:
    """(no base entry, twice running) as deputy ids, from each place that lists them."""
    found = {}
    candidates = exit_candidates(YEAR)
    found["exit list"] = (
        {c.deputy.pk for c in candidates if c.no_base_entry},
        {c.deputy.pk for c in candidates if c.incompetent_twice},
    )
    twice, no_base = exit_flags(exit_flags_query(YEAR))
    found["flags"] = (_deputies(no_base), _deputies(twice))
    section = decisions_section(TODAY)  # compiled once a year per process, read afresh
    found["cockpit"] = (
        {c.deputy.pk for c, _decision in section["exits"] if c.no_base_entry},
        {c.deputy.pk for c, _decision in section["exits"] if c.incompetent_twice},
    )
    rows = _with_exit_flags(Assessment.objects.filter(rule_set__year=YEAR), YEAR).values_list(
        "deputy_id", "has_base", "incompetent_twice"
    )
    found["report"] = (
        {pk for pk, has_base, _twice in rows if not has_base},
        {pk for pk, _has_base, twice in rows if twice},
    )
    return found


def _desk() -> tuple[set[int], set[int]]:
    """The desk's two undecided counts' deputies (no base entry; twice running with one), from
    the querysets it keeps for the day."""
    kept = panels._desk_querysets(TODAY)
    no_base, twice = kept["exit_no_base"].all(), kept["exit_twice"].all()
    found = (
        set(no_base.values_list("deputy_id", flat=True)),
        set(twice.values_list("deputy_id", flat=True)),
    )
    assert (no_base.count(), twice.count()) == tuple(len(ids) for ids in found)
    return found


def test_every_place_names_the_same_deputies_as_the_rule(give, staff_user):
    active = DeputyFactory()
    give(active, B03=1)
    several = DeputyFactory()
    give(several, B01=2, B02=1)
    pending = DeputyFactory()
    give(pending, B03=1, status=EntryStatus.PENDING)
    rejected = DeputyFactory()
    give(rejected, B03=1, status=EntryStatus.REJECTED)
    last_year = DeputyFactory()
    give(last_year, year=YEAR - 1, B03=2)
    innovation = DeputyFactory()
    give(innovation, I01=1)
    deduction = DeputyFactory()
    give(deduction, B07=1)  # a deduction is not duty done
    nothing = DeputyFactory()
    twice_active = DeputyFactory()
    give(twice_active, B05=1)
    twice_idle = DeputyFactory()
    for deputy in (active, several, pending, rejected, last_year, innovation, deduction, nothing):
        graded(deputy, y2025=OK)
    graded(twice_active, y2024=INC, y2025=INC)
    graded(twice_idle, y2024=INC, y2025=INC)
    give(DeputyFactory(), B03=1)  # not assessed: on no list
    idle = {pending, rejected, last_year, innovation, deduction, nothing, twice_idle}

    expected = _expected()
    assert expected == ({d.pk for d in idle}, {twice_active.pk, twice_idle.pk})
    for place, found in _everywhere().items():
        assert found == expected, place
    assert _desk() == (expected[0], {twice_active.pk})

    # A base rule added during the year counts at once (the kept statements read the year's
    # rules, they do not carry their ids); a deduction rule added is still no duty done.
    rules = active.ledger_entries.get().rule.rule_set.rules
    added = rules.create(code="B08", name="新增基础事项", dimension=Dimension.BASE, points=1)
    deduction_added = rules.create(
        code="B09", name="新增扣分事项", dimension=Dimension.BASE, points=Decimal("-1")
    )
    give(pending, B08=1)
    give(deduction, B09=1)
    assert added.pk and deduction_added.pk
    rescored(YEAR)  # as the recompute the entries' (and the rules') writes queue
    # A decision takes the deputy off the desk's count, not off the lists.
    decision_record(
        deputy=nothing, year=YEAR, kind=ConsequenceKind.EXIT, decision=Decision.TALKED,
        actor=staff_user,
    )  # fmt: skip

    expected = _expected()
    assert expected == ({d.pk for d in idle - {pending}}, {twice_active.pk, twice_idle.pk})
    for place, found in _everywhere().items():
        assert found == expected, place
    assert _desk() == (expected[0] - {nothing.pk}, {twice_active.pk})


def test_at_a_larger_size_every_place_still_names_the_deputies_of_the_rule():
    """With a ledger of several years and many deputies (where the database may plan the
    probes of the verified-entry index differently), the flags read from the assessments'
    covering index name the deputies a plain reading names, also once some lose their base
    duty (their base entries of the year rejected or sent back to pending)."""
    from tests.core.scale_pages import grow

    grow(deputies=14, entries_per_deputy=40, suggestions=2, today=TODAY, seed=2025)
    assessed = list(Assessment.objects.filter(rule_set__year=YEAR).order_by("deputy_id")[:3])
    assert len(assessed) == 3
    base = LedgerEntry.objects.filter(
        rule__rule_set__year=YEAR,
        rule__dimension=Dimension.BASE,
        rule__points__gt=0,
        status=EntryStatus.VERIFIED,
    )
    rejected, pending, kept = (a.deputy_id for a in assessed)
    base.filter(deputy_id=rejected).update(status=EntryStatus.REJECTED, review_reason="不实")
    base.filter(deputy_id=pending).update(status=EntryStatus.PENDING)
    assert base.filter(deputy_id=kept).exists()
    # The recompute the reviews queue: the scoring counts each deputy's base entries as the
    # plain reading does.
    assessment_compute(year=YEAR, today=TODAY)
    for a in Assessment.objects.filter(rule_set__year=YEAR).select_related("deputy"):
        assert a.base_entries == base_entries(a.deputy, YEAR), a.deputy_id

    expected = _expected()
    assert {rejected, pending} <= expected[0] and kept not in expected[0]
    assert len(expected[0]) < Assessment.objects.filter(rule_set__year=YEAR).count()
    found = _everywhere()
    cockpit = found.pop("cockpit")  # its first ten rows, and the number of all of them
    for place, names in found.items():
        assert names == expected, place
    assert cockpit[0] <= expected[0] and cockpit[1] <= expected[1]
    assert decisions_section(TODAY)["exit_total"] == len(expected[0] | expected[1])
    assert _desk()[0] == expected[0]
