"""The demo ledger: every list has something to show, and seeding twice changes nothing."""

from datetime import date

import pytest
from django.apps import apps

from core.demo import DemoContext
from deputies import demo as deputies_demo
from performance import demo
from performance.models import (
    Assessment,
    Commendation,
    EntryStatus,
    Grade,
    LedgerEntry,
    RuleSet,
)
from performance.selectors import exit_candidates, reelection_candidates, talk_list

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


def _seed() -> DemoContext:
    context = DemoContext(today=TODAY)
    deputies_demo.seed(context)
    demo.seed(context)
    return context


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in apps.get_app_config("performance").get_models()}


def test_demo_is_idempotent_and_fills_every_list():
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first
    assert first["RuleSet"] == 3 and first["Assessment"] == 180
    assert RuleSet.objects.get(year=2024).frozen
    assert not RuleSet.objects.get(year=2026).frozen
    assert len(reelection_candidates(2026)) >= 1
    assert len(exit_candidates(2026)) >= 1
    assert talk_list().exists()
    assert LedgerEntry.objects.filter(status=EntryStatus.PENDING).exists()
    assert LedgerEntry.objects.filter(status=EntryStatus.REJECTED).exists()
    assert first["Activity"] >= 3 and first["TopicSignup"] > 0 and first["VoterReport"] >= 12
    assert first["EntryEvidence"] == 12
    excellent = Assessment.objects.filter(rule_set__year=2026, grade=Grade.EXCELLENT).count()
    assert 1 <= excellent <= 12  # quota: ceil(0.2 * 60)
    # last year's 优秀 deputies commended once, each credited C04 this year
    assert first["Commendation"] == 1
    commended = set(Commendation.objects.get().deputies.values_list("pk", flat=True))
    assert commended == set(
        Assessment.objects.filter(rule_set__year=2025, grade=Grade.EXCELLENT).values_list(
            "deputy", flat=True
        )
    )
    credited = LedgerEntry.objects.filter(rule__code="C04", source_type__model="commendeddeputy")
    assert set(credited.values_list("deputy", flat=True)) == commended


def _by_hand(year: int) -> dict[str, tuple]:
    """The scoring model of issue 3 in plain Python, independent of the SQL."""
    import math
    from collections import Counter, defaultdict
    from decimal import Decimal

    from performance.scoring import serving_deputies

    rule_set = RuleSet.objects.get(year=year)
    rules = {r.pk: r for r in rule_set.rules.all()}
    counts: dict[int, Counter] = defaultdict(Counter)
    for deputy_id, rule_id in LedgerEntry.objects.filter(
        rule__rule_set=rule_set, status=EntryStatus.VERIFIED
    ).values_list("deputy_id", "rule_id"):
        counts[deputy_id][rule_id] += 1
    scores = {}
    for deputy in serving_deputies(year, TODAY):
        dims = {"base": Decimal(0), "innovation": Decimal(0), "contribution": Decimal(0)}
        for rule_id, n in counts[deputy.pk].items():
            rule = rules[rule_id]
            raw = rule.points * n
            if rule.yearly_cap is not None:
                raw = min(raw, rule.yearly_cap) if raw > 0 else max(raw, -rule.yearly_cap)
            dims[rule.dimension] += raw
        for name in dims:
            dims[name] = max(Decimal(0), min(dims[name], rule_set.dimension_cap(name)))
        scores[deputy.code] = (dims["base"], dims["innovation"], dims["contribution"])
    totals = {code: sum(s) for code, s in scores.items()}
    quota = math.ceil(Decimal("0.2") * len(totals))
    result = {}
    for code, total in totals.items():
        rank = 1 + sum(1 for other in totals.values() if other > total)
        if total >= 85 and rank <= quota:
            grade = "优秀"
        elif total >= 70:
            grade = "称职"
        elif total >= 60:
            grade = "基本称职"
        else:
            grade = "不称职"
        result[code] = (rank, *(float(x) for x in scores[code]), float(total), grade)
    return result


def test_report_after_staff_verify_matches_a_hand_computation(tmp_path, staff_user):
    """Done-when of issue 3: fresh demo, staff verify, annual_report xlsx == hand computation."""
    from django.core.management import call_command
    from openpyxl import load_workbook

    from performance.services import entries_verify

    _seed()
    year = TODAY.year
    pending = LedgerEntry.objects.filter(status=EntryStatus.PENDING, rule__rule_set__year=year)
    assert entries_verify(entries=pending, actor=staff_user) > 0
    path = tmp_path / "report.xlsx"
    call_command("annual_report", "--year", str(year), "--format", "xlsx", "--output", str(path))
    rows = list(load_workbook(path).worksheets[0].values)[2:]  # title line, then headers
    got = {r[1]: (r[0], r[4], r[5], r[6], r[7], r[8]) for r in rows}
    assert got == _by_hand(year)
    assert len(got) == 60


@pytest.mark.parametrize("today", [date(2027, 3, 15), date(2031, 12, 31)])
def test_demo_ledger_spans_three_years_on_any_date(today):
    """Right after a change-over (2027) the two earlier years belong to the old term: only the
    re-elected third served then, and only they are assessed; the current year has everyone."""
    context = DemoContext(today=today)
    deputies_demo.seed(context)
    demo.seed(context)
    years = sorted(RuleSet.objects.values_list("year", flat=True))
    assert years == [today.year - 2, today.year - 1, today.year]
    assert RuleSet.objects.get(year=today.year - 2).frozen
    current = Assessment.objects.filter(rule_set__year=today.year).count()
    assert current == len(context.data["deputies"])
    for year in years:
        assert LedgerEntry.objects.filter(occurred_on__year=year).exists()
        assert not LedgerEntry.objects.filter(
            occurred_on__year=year, occurred_on__gt=today
        ).exists()
