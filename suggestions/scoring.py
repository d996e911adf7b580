"""Yearly scores of handling units: 50% average 落实度 + 50% average 受益度 over the suggestions
they led that were concluded in the year.

Per suggestion, 落实度 is the lead deputy's latest evaluation (kept on the row by the workflow as
``latest_implementation_score``) and 受益度 the mean of its public ratings; the unit's averages
are taken over its suggestions (so a much-rated suggestion does not outweigh the others). If a
dimension has no data at all the score is the other one alone.

Two grouped queries, each one pass: the units with their concluded count and average 落实度,
and the ratings of those suggestions averaged per suggestion (rolled up per unit here). Both
read the concluded suggestions from a partial covering index (``sugg_concluded_scores``:
concluded date and lead unit, with the stored 落实度), and can do several years at once.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Avg, Count, FloatField, Q
from django.db.models.functions import Cast, ExtractYear

from core import clock
from core.audit import audit_record
from core.locks import job_lock

from .models import CONCLUDED_STATES, HandlingUnit, PublicRating, UnitYearScore

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


def _concluded_in(years: list[int], prefix: str = "") -> Q:
    """Concluded within ``years`` (consecutive years read as one date range, by the partial
    index ``sugg_concluded_scores``)."""
    return Q(
        **{
            f"{prefix}status__in": CONCLUDED_STATES,
            f"{prefix}concluded_on__gte": date(min(years), 1, 1),
            f"{prefix}concluded_on__lte": date(max(years), 12, 31),
        }
    )


def _benefit_by_unit(years: list[int]) -> dict[tuple[int, int], float]:
    """Per (year, unit): the mean over the unit's suggestions of the mean of their public
    ratings."""
    per_suggestion = (
        PublicRating.objects.filter(
            _concluded_in(years, "suggestion__"), suggestion__lead_unit__isnull=False
        )
        .annotate(year=ExtractYear("suggestion__concluded_on"))
        .values("year", "suggestion__lead_unit", "suggestion")
        .annotate(benefit=Avg(Cast("score", FloatField())))
        .values_list("year", "suggestion__lead_unit", "benefit")
        .order_by()
    )
    sql, params = per_suggestion.query.sql_with_params()
    values: dict[tuple[int, int], list[float]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for year, unit, benefit in cursor.fetchall():
            values[int(year), unit].append(benefit)
    return {key: sum(benefits) / len(benefits) for key, benefits in values.items()}


def _score(implementation: float | None, benefit: float | None) -> float | None:
    if implementation is not None and benefit is not None:
        return (implementation + benefit) * 0.5
    return implementation if implementation is not None else benefit


def unit_scores_by_year(years: list[int]) -> dict[int, list[UnitScore]]:
    """``unit_scores`` of consecutive ``years`` at once: the same two grouped queries, grouped
    by year too (the staff page shows a year and checks the year before for 专题检讨)."""
    units = (
        HandlingUnit.objects.filter(_concluded_in(years, "led_suggestions__"))
        .annotate(year=ExtractYear("led_suggestions__concluded_on"))
        .annotate(
            concluded=Count("led_suggestions"),
            impl_avg=Avg(Cast("led_suggestions__latest_implementation_score", FloatField())),
        )
        .order_by()
    )
    benefit = _benefit_by_unit(years)
    by_year: dict[int, list[UnitScore]] = {year: [] for year in years}
    for unit in units:
        unit_benefit = benefit.get((unit.year, unit.pk))
        by_year[unit.year].append(
            UnitScore(
                unit=unit,
                concluded=unit.concluded,
                implementation_avg=_dec(unit.impl_avg),
                benefit_avg=_dec(unit_benefit),
                score=_dec(_score(unit.impl_avg, unit_benefit)),
            )
        )
    return {
        year: sorted(scores, key=lambda s: (s.score is None, -(s.score or 0), s.unit.name))
        for year, scores in by_year.items()
    }


def unit_scores(year: int) -> list[UnitScore]:
    return unit_scores_by_year([year])[year]


def units_for_review(
    year: int,
    *,
    scores: list[UnitScore] | None = None,
    scores_before: list[UnitScore] | None = None,
) -> list[tuple[HandlingUnit, Decimal, Decimal]]:
    """专题检讨: units scoring below 60 in ``year`` and in the year before. ``scores`` and
    ``scores_before`` are ``unit_scores(year)`` and ``unit_scores(year - 1)`` when the caller
    has them already (the staff page shows both)."""
    scores = unit_scores(year) if scores is None else scores
    scores_before = unit_scores(year - 1) if scores_before is None else scores_before
    this = {s.unit.pk: s for s in scores if s.score is not None}
    before = {s.unit.pk: s for s in scores_before if s.score is not None}
    return [
        (this[pk].unit, before[pk].score, this[pk].score)
        for pk in this.keys() & before.keys()
        if this[pk].score < REVIEW_THRESHOLD and before[pk].score < REVIEW_THRESHOLD
    ]


_STORED = ("concluded", "implementation_avg", "benefit_avg", "score")


@transaction.atomic
def unit_scores_refresh(*, year: int, actor=None, now: datetime | None = None) -> int:
    """Store this year's scores (what the staff page and the yearly report read back).

    Safe to run twice, and twice at once: runs for the same year queue on a lock, and only rows
    whose numbers changed are written, so a run that changes nothing writes nothing (no audit
    row either). Returns the number of units scored."""
    job_lock("suggestions.unit_scores_refresh", year)
    scores = unit_scores(year)
    stored = {row.unit_id: row for row in UnitYearScore.objects.filter(year=year)}
    now = now or clock.now()
    created, changed = [], []
    for s in scores:
        values = {field: getattr(s, field) for field in _STORED}
        row = stored.get(s.unit.pk)
        if row is None:
            created.append(UnitYearScore(unit=s.unit, year=year, computed_at=now, **values))
        elif any(getattr(row, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(row, field, value)
            row.computed_at = now
            changed.append(row)
    UnitYearScore.objects.bulk_create(created)
    UnitYearScore.objects.bulk_update(changed, [*_STORED, "computed_at"])
    scored = {s.unit.pk for s in scores}
    removed = [row.pk for unit, row in stored.items() if unit not in scored]
    UnitYearScore.objects.filter(pk__in=removed).delete()
    if created or changed or removed:
        audit_record(
            actor=actor,
            action="suggestions.unit_scores_refresh",
            summary=f"{year} 年承办单位得分（{len(scores)} 家）",
            data={"created": len(created), "changed": len(changed), "removed": len(removed)},
        )
    return len(scores)
