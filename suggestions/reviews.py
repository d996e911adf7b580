"""专题检讨 (special review) of handling units scoring below 60 two years running.

Why the flag reads the stored scores (``UnitYearScore``, refreshed nightly and from the admin)
rather than computing them: the staff desk, the unit list and the export must agree with each
other and cost a fixed number of queries, and the stored score is the one reported. A unit is
flagged for year *y* when its stored scores of *y - 1* and *y* are both below 60; recording the
review (:func:`unit_review_record`) closes that flag. One query finds every flag: the year's
weak scores with the year before's weak score looked up by the ``(unit, year)`` unique index.
"""

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.audit import audit_record

from .models import HandlingUnit, UnitReview, UnitYearScore
from .scoring import REVIEW_THRESHOLD
from .services.common import _require_staff
from .workflow import SuggestionError

ERR_REVIEW_NOT_FLAGGED = gettext_noop(
    "%(unit)s %(before)s、%(year)s 年度得分并非均低于 60 分，不需要专题检讨。"
)
ERR_REVIEW_EXISTS = gettext_noop("%(unit)s 已登记 %(before)s–%(year)s 年度的专题检讨。")
ERR_REVIEW_DATE = gettext_noop("检讨日期须在 %(year)s 年之内或之后，且不晚于今天。")
ERR_REVIEW_FIELDS = gettext_noop("请填写参加人员、查找的问题和整改措施。")


def previous_weak_score(unit_ref="unit", year_ref="year") -> Subquery:
    """The unit's stored score of the year before, if it was below 60 (else NULL)."""
    return Subquery(
        UnitYearScore.objects.filter(
            unit=OuterRef(unit_ref),
            year=OuterRef(year_ref) - 1,
            score__lt=REVIEW_THRESHOLD,
        ).values("score")[:1]
    )


def review_held_on(unit_ref="unit", year_ref="year") -> Subquery:
    return Subquery(
        UnitReview.objects.filter(unit=OuterRef(unit_ref), year=OuterRef(year_ref)).values(
            "held_on"
        )[:1]
    )


def flagged_scores(*, open_only: bool = True) -> QuerySet[UnitYearScore]:
    """Stored scores that flag their unit (below 60 this year and the year before), each with
    ``before_score`` and ``reviewed``; by default only those without a recorded review."""
    rows = (
        UnitYearScore.objects.filter(score__lt=REVIEW_THRESHOLD)
        .annotate(
            before_score=previous_weak_score(),
            reviewed=Exists(
                UnitReview.objects.filter(unit=OuterRef("unit"), year=OuterRef("year"))
            ),
        )
        .filter(before_score__isnull=False)
        .select_related("unit")
        .order_by("-year", "score", "unit__name")
    )
    return rows.filter(reviewed=False) if open_only else rows


def is_flagged(unit: HandlingUnit, year: int) -> bool:
    return flagged_scores(open_only=False).filter(unit=unit, year=year).exists()


@transaction.atomic
def unit_review_record(
    *,
    actor: User | None,
    unit: HandlingUnit,
    year: int,
    held_on: date,
    attendees: str,
    findings: str,
    measures: str,
    today: date | None = None,
    now: datetime | None = None,
) -> UnitReview:
    """Record the 专题检讨 a unit held for its weak years ``year - 1`` and ``year``, which
    closes its flag. Staff only; only a flagged pair, once."""
    _require_staff(actor)
    today = today or clock.today()
    names = {"unit": unit, "before": year - 1, "year": year}
    attendees, findings, measures = attendees.strip(), findings.strip(), measures.strip()
    if not (attendees and findings and measures):
        raise SuggestionError(_(ERR_REVIEW_FIELDS))
    if held_on.year < year or held_on > today:
        raise SuggestionError(_(ERR_REVIEW_DATE) % {"year": year})
    if not is_flagged(unit, year):
        raise SuggestionError(_(ERR_REVIEW_NOT_FLAGGED) % names)
    try:
        with transaction.atomic():
            review = UnitReview.objects.create(
                unit=unit,
                year=year,
                held_on=held_on,
                attendees=attendees,
                findings=findings,
                measures=measures,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                recorded_at=now or clock.now(),
            )
    except IntegrityError as exc:  # recorded already (or by someone else just now)
        raise SuggestionError(_(ERR_REVIEW_EXISTS) % names) from exc
    audit_record(
        actor=actor,
        action="suggestions.unit_review_record",
        target=review,
        summary=str(review),
        data={"held_on": held_on.isoformat()},
    )
    return review
