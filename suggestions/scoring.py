"""Yearly scores of handling units: 50% average 落实度 + 50% average 受益度 over the suggestions
they led that were concluded in the year, computed in SQL.

Per suggestion, 落实度 is the lead deputy's latest evaluation and 受益度 the mean of its public
ratings; the unit's averages are taken over its suggestions (so a much-rated suggestion does
not outweigh the others). If a dimension has no data at all the score is the other one alone.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast

from core.audit import audit_record

from .models import (
    CONCLUDED_STATES,
    Evaluation,
    HandlingUnit,
    PublicRating,
    Suggestion,
    UnitYearScore,
)

REVIEW_THRESHOLD = 60


@dataclass
class UnitScore:
    unit: HandlingUnit
    concluded: int
    implementation_avg: Decimal | None
    benefit_avg: Decimal | None
    score: Decimal | None


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _score_rows(year: int):
    implementation = Evaluation.objects.filter(suggestion=OuterRef("pk")).order_by(
        "-evaluated_on", "-id"
    )
    benefit = (
        PublicRating.objects.filter(suggestion=OuterRef("pk"))
        .order_by()
        .values("suggestion")
        .annotate(a=Avg(Cast("score", FloatField())))
        .values("a")
    )
    return (
        Suggestion.objects.filter(
            status__in=CONCLUDED_STATES, concluded_on__year=year, lead_unit__isnull=False
        )
        .annotate(
            impl=Cast(Subquery(implementation.values("implementation_score")[:1]), FloatField()),
            benefit=Subquery(benefit, output_field=FloatField()),
        )
        .values("lead_unit")
        .annotate(
            concluded=Count("pk"),
            impl_avg=Avg("impl"),
            benefit_avg=Avg("benefit"),
        )
        .annotate(
            score=Case(
                When(
                    Q(impl_avg__isnull=False) & Q(benefit_avg__isnull=False),
                    then=(F("impl_avg") + F("benefit_avg")) * Value(0.5),
                ),
                When(impl_avg__isnull=False, then=F("impl_avg")),
                When(benefit_avg__isnull=False, then=F("benefit_avg")),
                default=None,
                output_field=FloatField(),
            )
        )
        .order_by()
    )


def unit_scores(year: int) -> list[UnitScore]:
    rows = list(_score_rows(year))
    units = HandlingUnit.objects.in_bulk([r["lead_unit"] for r in rows])
    scores = [
        UnitScore(
            unit=units[r["lead_unit"]],
            concluded=r["concluded"],
            implementation_avg=_dec(r["impl_avg"]),
            benefit_avg=_dec(r["benefit_avg"]),
            score=_dec(r["score"]),
        )
        for r in rows
    ]
    return sorted(scores, key=lambda s: (s.score is None, -(s.score or 0), s.unit.name))


def units_for_review(year: int) -> list[tuple[HandlingUnit, Decimal, Decimal]]:
    """专题检讨: units scoring below 60 in ``year`` and in the year before."""
    this = {s.unit.pk: s for s in unit_scores(year) if s.score is not None}
    before = {s.unit.pk: s for s in unit_scores(year - 1) if s.score is not None}
    return [
        (this[pk].unit, before[pk].score, this[pk].score)
        for pk in this.keys() & before.keys()
        if this[pk].score < REVIEW_THRESHOLD and before[pk].score < REVIEW_THRESHOLD
    ]


@transaction.atomic
def unit_scores_refresh(*, year: int, actor=None) -> int:
    """Store this year's scores (what the staff page and the yearly report read back)."""
    scores = unit_scores(year)
    for s in scores:
        UnitYearScore.objects.update_or_create(
            unit=s.unit,
            year=year,
            defaults={
                "concluded": s.concluded,
                "implementation_avg": s.implementation_avg,
                "benefit_avg": s.benefit_avg,
                "score": s.score,
            },
        )
    UnitYearScore.objects.filter(year=year).exclude(unit__in=[s.unit for s in scores]).delete()
    audit_record(
        actor=actor,
        action="suggestions.unit_scores_refresh",
        summary=f"{year} 年承办单位得分（{len(scores)} 家）",
    )
    return len(scores)
