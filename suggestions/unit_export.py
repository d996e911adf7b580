"""The units' yearly scores as the sheet that goes to the district's departmental performance
assessment (部门绩效考核): one row per unit with the score's components, the total, the rank,
the band, the number of suggestions it concluded, and whether it is flagged for 专题检讨 and
has held it.

Why it reads the stored scores (``UnitYearScore``): the sheet is a record of what the committee
reported, the same numbers as the admin list and the staff desk's flag. One query gives every
row: the rank is a window function, the year before's weak score and the review date are
subqueries on unique indexes, and the rows are read with ``iterator()`` while the file is
written. Line 1 names the committee, the sheet and when it was generated (``core.tabular``'s
title line), line 2 the columns.
"""

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import Rank
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock
from core.tabular import (
    STREAM_CHUNK,
    dated_filename,
    table_stream_response,
    write_table,
)

from .models import UnitYearScore
from .reviews import previous_weak_score, review_held_on
from .scoring import REVIEW_THRESHOLD

FORMATS = ("xlsx", "csv")

# The bands the district's sheet groups the scores in (lowest score of each band).
BANDS = (
    (Decimal(90), gettext_noop("优秀")),
    (Decimal(80), gettext_noop("良好")),
    (Decimal(REVIEW_THRESHOLD), gettext_noop("合格")),
    (Decimal(0), gettext_noop("不合格")),
)

HEADERS = (
    gettext_noop("名次"),
    gettext_noop("承办单位"),
    gettext_noop("办结件数"),
    gettext_noop("平均落实度"),
    gettext_noop("平均受益度"),
    gettext_noop("综合得分"),
    gettext_noop("等次"),
    gettext_noop("连续两年低于60分"),
    gettext_noop("专题检讨"),
)


def band(score: Decimal | None) -> str:
    if score is None:
        return ""
    return next(_(label) for floor, label in BANDS if score >= floor)


def unit_score_rows(year: int) -> QuerySet[UnitYearScore]:
    """The year's stored scores, best first, each with ``rank`` (none for a unit without a
    score), ``before_score`` (last year's, if below 60) and ``review_on``."""
    best_first = F("score").desc(nulls_last=True)
    return (
        UnitYearScore.objects.filter(year=year)
        .select_related("unit")
        .annotate(
            rank=Window(Rank(), order_by=best_first),
            before_score=previous_weak_score(),
            review_on=review_held_on(),
        )
        .order_by(best_first, "unit__name")
    )


def _row(score: UnitYearScore) -> list[Any]:
    flagged = (
        score.score is not None
        and score.score < REVIEW_THRESHOLD
        and score.before_score is not None
    )
    if score.review_on is not None:
        review = _("已检讨（%(d)s）") % {"d": score.review_on.isoformat()}
    else:
        review = _("待检讨") if flagged else ""
    return [
        score.rank if score.score is not None else "",
        score.unit.name,
        score.concluded,
        score.implementation_avg,
        score.benefit_avg,
        score.score,
        band(score.score),
        _("是") if flagged else "",
        review,
    ]


def _title(year: int) -> str:
    return _("%(y)s年度承办单位议案建议办理评分（部门绩效考核）") % {"y": year}


def _rows(year: int) -> Iterator[list[Any]]:
    for score in unit_score_rows(year).iterator(chunk_size=STREAM_CHUNK):
        yield _row(score)


def _headers() -> list[str]:
    return [_(h) for h in HEADERS]


def unit_scores_filename(year: int, fmt: str, *, now: datetime | None = None) -> str:
    return dated_filename(f"unit-scores-{year}", fmt, now=now)


def unit_scores_write(path: str | Path, *, year: int, now: datetime | None = None) -> int:
    """Write the sheet to ``path`` (.csv by its suffix, else .xlsx) row by row under the
    title line; returns the number of units written."""
    return write_table(path, _headers(), _rows(year), title=_title(year), now=now)


def unit_scores_response(*, year: int, fmt: str, now: datetime | None = None):
    """The download for the admin: CSV streamed, xlsx spooled, named with when it was taken."""
    now = now or clock.now()
    return table_stream_response(
        fmt,
        _headers(),
        _rows(year),
        filename=unit_scores_filename(year, fmt, now=now),
        title=_title(year),
        now=now,
    )
