"""What the ledger has published about deputies, for other apps' public faces (the station
poster's 亮身份、晒成绩). Only the quarterly table staff chose to publish (季度亮分) is shown:
never unpublished scores, never anyone's entries."""

from collections.abc import Iterable
from dataclasses import dataclass

from deputies.models import Deputy

from .models import Publication


@dataclass(frozen=True)
class PublishedAchievement:
    """A deputy's row of the latest published table of a year."""

    year: int
    quarter: int
    rank: int | None
    total: str
    duty_days: int | None
    published_count: int


def published_achievements(
    *, deputies: Iterable[Deputy], year: int
) -> dict[int, PublishedAchievement]:
    """Deputy id → their row in ``year``'s latest published quarterly table, in one query.
    Deputies absent from it (or a year with nothing published) are left out."""
    publication = (
        Publication.objects.filter(year=year).order_by("-quarter").only("quarter", "rows").first()
    )
    if publication is None:
        return {}
    rows = {row.get("code"): row for row in publication.rows}
    found = {}
    for deputy in deputies:
        row = rows.get(deputy.code)
        if row is not None:
            found[deputy.pk] = PublishedAchievement(
                year=year,
                quarter=publication.quarter,
                rank=row.get("rank"),
                total=str(row.get("total", "")),
                duty_days=row.get("duty_days"),
                published_count=len(publication.rows),
            )
    return found
