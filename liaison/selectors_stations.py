"""Reads for stations, the poster, deputy codes and a deputy's duties."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from deputies.facts import prepared
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


def _duties(deputy: Deputy | int) -> QuerySet[Duty]:
    return Duty.objects.filter(deputy=deputy).select_related("reception_day__station")


def coming_duties_query(deputy: Deputy | int, today: date) -> QuerySet[Duty]:
    """The deputy's duties from today on, soonest first, with their day and station."""
    return (
        _duties(deputy)
        .filter(reception_day__date__gte=today)
        .order_by("reception_day__date", "reception_day__starts_at")
    )


def coming_duties(deputy: Deputy, *, today: date, limit: int | None = None) -> list[Duty]:
    """Duties from today on, soonest first; compiled once per day and limit
    (``deputies.facts.prepared``) and run with the deputy's id."""
    return prepared(
        ("liaison:coming-duties", today, limit),
        lambda deputy: (
            coming_duties_query(deputy, today)[:limit]
            if limit
            else coming_duties_query(deputy, today)
        ),
        deputy=deputy.pk,
    )


def past_duties(deputy: Deputy, *, today: date, limit: int = 30) -> list[Duty]:
    """The latest duties before today, newest first (compiled once, as ``coming_duties``)."""
    return prepared(
        ("liaison:past-duties", today, limit),
        lambda deputy: (
            _duties(deputy)
            .filter(reception_day__date__lt=today)
            .order_by("-reception_day__date", "-reception_day__starts_at")[:limit]
        ),
        deputy=deputy.pk,
    )


def stations_with_deputies() -> QuerySet[Station]:
    return Station.objects.select_related("community").prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.order_by("code"))
    )


STATION_LIST_ORDER = ("community__name", "name", "pk")


def public_stations(community: int | None = None) -> QuerySet[Station]:
    """Open stations (of ``community`` if given) in the public list's order: what the list's
    paginator counts and slices (the stations' own table only)."""
    stations = Station.objects.filter(is_active=True)
    if community is not None:
        stations = stations.filter(community_id=community)
    return stations.order_by(*STATION_LIST_ORDER)


def with_deputy_counts(page_stations: QuerySet[Station]) -> list[Station]:
    """The stations of one page of ``public_stations`` (a sliced queryset) with their community
    and the number of their serving deputies (``n_deputies``), in one query: the page's rows
    are chosen on the stations' table and only those joined to their deputies, where counting
    over the join first aggregated every station's deputies of the district on each page."""
    return list(
        Station.objects.filter(pk__in=page_stations.values("pk"))
        .select_related("community")
        .annotate(n_deputies=Count("deputies", filter=Q(deputies__status=Status.SERVING)))
        .order_by(*STATION_LIST_ORDER)
    )
