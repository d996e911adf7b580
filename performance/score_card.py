"""The score card's figures for one deputy and year: each dimension's score against its cap
(the bars), and how far the next grade line is while the year is open. Shared by the
dashboard's score card (``deputy_panels``) and the ledger page (``views``)."""

from decimal import Decimal

from .models import Assessment, Dimension, Grade, RuleSet

BAR_COLOURS = {"base": "bg-danger", "innovation": "bg-warning", "contribution": "bg-success"}


def dimension_bars(assessment: Assessment | None, rule_set: RuleSet | None) -> list[dict]:
    """Score against cap per dimension, with the bar width in percent."""
    bars = []
    if rule_set is None:
        return bars
    for dimension in Dimension:
        cap = rule_set.dimension_cap(dimension)
        score = getattr(assessment, dimension.value) if assessment else Decimal("0")
        pct = int(score * 100 / cap) if cap else 0
        bars.append(
            {
                "key": dimension.value,
                "label": dimension.label,
                "score": score,
                "cap": cap,
                "pct": max(0, min(100, pct)),
                "colour": BAR_COLOURS[dimension.value],
            }
        )
    return bars


def next_step(assessment: Assessment | None, rule_set: RuleSet | None) -> dict | None:
    """How many points to the next grade line, while the year is open (encouragement)."""
    if assessment is None or rule_set is None or rule_set.frozen:
        return None
    for grade, line in (
        (Grade.BASIC, rule_set.basic_min),
        (Grade.COMPETENT, rule_set.competent_min),
        (Grade.EXCELLENT, rule_set.excellent_min),
    ):
        if assessment.total < line:
            return {"grade": grade.label, "points": line - assessment.total}
    return None
