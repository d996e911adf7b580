"""Reads for stations, the poster, deputy codes and a deputy's duties."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from deputies.models import Deputy, Status
from performance.public import PublishedAchievement, published_achievements

from .models import Duty, Station


@dataclass(frozen=True)
class PosterDeputy:
    deputy: Deputy
    achievement: PublishedAchievement | None


def poster_deputies(station: Station, *, year: int) -> list[PosterDeputy]:
    """The station's serving deputies (亮身份) with this year's published row (晒成绩), by
    level then code: two queries whatever the number of deputies."""
    deputies = list(station.deputies.filter(status=Status.SERVING).order_by("level", "code"))
    achievements = published_achievements(deputies=deputies, year=year)
    level_order = {"province": 0, "city": 1, "district": 2, "street": 3}
    deputies.sort(key=lambda d: (level_order.get(d.level, 9), d.code))
    return [PosterDeputy(d, achievements.get(d.pk)) for d in deputies]


def _duties(deputy: Deputy) -> QuerySet[Duty]:
    return Duty.objects.filter(deputy=deputy).select_related("reception_day__station")


def coming_duties(deputy: Deputy, *, today: date, limit: int | None = None) -> list[Duty]:
    """Duties from today on, soonest first."""
    duties = (
        _duties(deputy)
        .filter(reception_day__date__gte=today)
        .order_by("reception_day__date", "reception_day__starts_at")
    )
    return list(duties[:limit] if limit else duties)


def past_duties(deputy: Deputy, *, today: date, limit: int = 30) -> list[Duty]:
    """The latest duties before today, newest first."""
    duties = (
        _duties(deputy)
        .filter(reception_day__date__lt=today)
        .order_by("-reception_day__date", "-reception_day__starts_at")
    )
    return list(duties[:limit])


def stations_with_deputies() -> QuerySet[Station]:
    return Station.objects.select_related("community").prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.order_by("code"))
    )
