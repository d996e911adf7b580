"""``performance.ledger_side`` reads in one statement what the ledger page read in six: the
year's rule set, its rules and the deputy's assessment, disputes, commendations, the years
and the year's publication. Each must be what the former reads gave (the same fields, order
and values, times with their zone), for a deputy with and without them (issue #8)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from performance.ledger_side import ledger_side
from performance.models import (
    Assessment,
    Commendation,
    CommendedDeputy,
    Dispute,
    DisputeKind,
    DisputeStatus,
    Rule,
    RuleSet,
)
from performance.scoring import assessment_compute
from performance.services import publication_publish
from tests.performance.factories_pages import entry, this_year

# The pages' tests' clock, pinned inside the demo term of the deputy factories (2022-2026).
from tests.performance.test_views import _pinned_clock  # noqa: F401

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_an_unassessed_deputy_in_a_year_without_rules(deputy):
    side = ledger_side(deputy.pk, this_year() + 3)
    assert side["rule_set"] is None and side["assessment"] is None and side["rules"] is None
    assert side["disputes"] == [] and side["commendations"] == []
    assert side["years"] == [this_year() + 3] and side["published"] is False


def test_the_side_is_what_the_former_reads_gave(deputy):
    year = this_year()
    made = [entry(deputy, title=f"第{i}件") for i in range(12)]
    assessment_compute(year=year)
    publication_publish(year=year, quarter=1)
    RuleSet.objects.get_or_create(year=year - 1)
    for i in range(12):  # more than the ten shown; some name an entry
        dispute = Dispute.objects.create(
            deputy=deputy,
            kind=(DisputeKind.WRONG, DisputeKind.DUPLICATE)[i % 4 // 2]
            if i % 2
            else DisputeKind.MISSING,
            entry=made[i] if i % 2 else None,
            title="" if i % 2 else f"漏记{i}",
            note=f"说明{i}",
            status=DisputeStatus.values[i % len(DisputeStatus.values)],
            resolution="已更正" if i % 3 == 0 or i % 3 == 2 else "",
            rule=None if i % 2 else made[0].rule,
            occurred_on=None if i % 2 else made[0].occurred_on,
        )
        Dispute.objects.filter(pk=dispute.pk).update(
            created_at=timezone.now() - timedelta(hours=7 * i)
        )
    assessment = Assessment.objects.get(deputy=deputy, rule_set__year=year)
    for i, withdrawn in enumerate([None, None, timezone.localdate()]):
        commendation = Commendation.objects.create(
            year=year,
            title=f"表彰{i}",
            decided_on=timezone.localdate() - timedelta(days=i),
            document_no=f"文号{i}",
            deciding_body="工委",
            withdrawn_on=withdrawn,
            withdraw_reason="误报" if withdrawn else "",
        )
        CommendedDeputy.objects.create(
            commendation=commendation, deputy=deputy, assessment=assessment
        )

    side = ledger_side(deputy.pk, year)

    assert _fields(side["rule_set"]) == _fields(RuleSet.objects.get(year=year))
    assert _fields(side["assessment"]) == _fields(assessment)
    assert side["assessment"].rule_set is side["rule_set"]
    former = list(Rule.objects.filter(rule_set__year=year))
    assert [_fields(r) for r in side["rules"]] == [_fields(r) for r in former]
    assert all(r.rule_set is side["rule_set"] for r in side["rules"])
    former = list(Dispute.objects.filter(deputy=deputy).order_by("-created_at")[:10])
    assert [d.pk for d in side["disputes"]] == [d.pk for d in former]
    for got, want in zip(side["disputes"], former, strict=True):
        for name in ("kind", "entry_id", "title", "note", "status", "resolution", "created_at"):
            assert getattr(got, name) == getattr(want, name), name
        assert got.created_at.tzinfo is not None
        assert got.get_kind_display() == want.get_kind_display()
        assert (got.entry and got.entry.title) == (want.entry and want.entry.title)
    former = list(
        CommendedDeputy.objects.filter(deputy=deputy, commendation__withdrawn_on__isnull=True)
        .select_related("commendation")
        .order_by("-commendation__decided_on", "-commendation_id")
    )
    assert [r.pk for r in side["commendations"]] == [r.pk for r in former]
    for got, want in zip(side["commendations"], former, strict=True):
        for name in ("title", "deciding_body", "document_no", "decided_on"):
            assert getattr(got.commendation, name) == getattr(want.commendation, name)
    assert side["years"] == [year, year - 1] and side["published"] is True
    assert ledger_side(deputy.pk, year - 1)["published"] is False
