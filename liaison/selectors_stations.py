"""Reads for stations, the poster, deputy codes and a deputy's duties."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from core.sql import json_rows
from deputies.facts import prepared
from deputies.models import Community, Deputy, Status
from performance.public import PublishedAchievement, published_achievements

from .duty_rows import DUTY_ROW, CardDuty, duty_from_row
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


def duty_lists(
    deputy: Deputy, *, today: date, past_limit: int = 30
) -> tuple[list[CardDuty], list[CardDuty]]:
    """The 我的接待 page's duties: (from today on, soonest first; the latest ``past_limit``
    before today, newest first), each with its day and station as the rows show them, as
    ``coming_duties`` and ``past_duties`` list them. Both lists are JSON subqueries of the
    deputy's row, one statement compiled once per day (``deputies.facts.prepared``) and run
    with the deputy's id: two queries were ~0.3 ms of round trips, and the duties, days and
    stations made as models (every column converted) cost more than writing the rows."""

    def build(deputy):
        coming = Duty.objects.filter(deputy=OuterRef("pk"), reception_day__date__gte=today)
        latest = (
            Duty.objects.filter(deputy=OuterRef(OuterRef("pk")), reception_day__date__lt=today)
            .order_by("-reception_day__date", "-reception_day__starts_at", "-pk")
            .values("pk")[:past_limit]
        )
        past = Duty.objects.filter(pk__in=Subquery(latest))
        return (
            Deputy.objects.filter(pk=deputy)
            .annotate(coming=json_rows(coming, *DUTY_ROW), past=json_rows(past, *DUTY_ROW))
            .values_list("coming", "past")
        )

    found = prepared(("liaison:duty-lists", today, past_limit), build, deputy=deputy.pk)
    coming, past = found[0] if found else (None, None)
    # ISO dates and times sort as the values do: by day, start, then id (a stable order).
    soonest = sorted(coming or (), key=lambda row: (row[1], row[2], row[0]))
    latest = sorted(past or (), key=lambda row: (row[1], row[2], row[0]), reverse=True)
    return [duty_from_row(row) for row in soonest], [duty_from_row(row) for row in latest]


def stations_with_deputies() -> QuerySet[Station]:
    return Station.objects.select_related("community").prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.order_by("code"))
    )


STATION_LIST_ORDER = ("community__name", "name", "pk")


def public_stations(community: int | None = None) -> QuerySet[Station]:
    """Open stations (of ``community`` if given) in the public list's order (the stations'
    own table only)."""
    stations = Station.objects.filter(is_active=True)
    if community is not None:
        stations = stations.filter(community_id=community)
    return stations.order_by(*STATION_LIST_ORDER)


def open_communities() -> list[tuple[int, str, int]]:
    """``(pk, name, open stations)`` of each community with an open station, by name: the
    list's community choices, and its paginator's count (all of them, or the community's),
    in one query compiled once per process (``deputies.facts.prepared``)."""
    return prepared(
        ("liaison:station-communities",),
        lambda: (
            Community.objects.filter(stations__is_active=True)
            .annotate(n=Count("stations"))
            .order_by("name")
            .values_list("pk", "name", "n")
        ),
    )


@dataclass(frozen=True)
class StationRow:
    """What a row of the public list shows of a station."""

    pk: int
    name: str
    kind: str
    address: str
    community_name: str
    n_deputies: int


def _serving_count() -> Subquery:
    """The number of serving deputies of the station (``OuterRef("pk")``). Each link's deputy
    is read by its key (a scalar subquery): as a join, PostgreSQL hashed the district's whole
    roster (~1,000 deputies) once per station of the page (~6 ms at district size); twenty
    stations' ~180 links probed by key take ~0.3 ms."""
    # ``order_by()``: the deputies' default order (by code) made the database sort each
    # link's one row, ~5x the key lookup itself.
    status = Subquery(
        Deputy.objects.filter(pk=OuterRef("deputy_id")).order_by().values("status")[:1]
    )
    links = (
        Station.deputies.through.objects.filter(station=OuterRef("pk"))
        .alias(deputy_status=status)
        .filter(deputy_status=Status.SERVING)
    )
    return Subquery(links.order_by().values(_one=Value(1)).annotate(n=Count("*")).values("n")[:1])


def station_rows(community: int | None, *, offset: int, limit: int) -> list[StationRow]:
    """The rows ``offset`` to ``offset + limit`` of ``public_stations(community)``, with their
    community's name and the number of their serving deputies, in one query: the page's rows
    are chosen on the stations' table and only those count their deputies. Compiled once per
    shape and page (pages are counted by ``open_communities`` first, so only real pages make
    a shape) and run as a prepared statement (``deputies.facts.prepared``)."""

    def build(**ids: int):
        page = public_stations(ids.get("community"))[offset : offset + limit]
        return (
            Station.objects.filter(pk__in=page.values("pk"))
            .annotate(n_deputies=Coalesce(_serving_count(), 0))
            .order_by(*STATION_LIST_ORDER)
            .values_list("pk", "name", "kind", "address", "community__name", "n_deputies")
        )

    ids = {} if community is None else {"community": community}
    rows = prepared(("liaison:station-rows", community is None, offset, limit), build, **ids)
    return [StationRow(*row) for row in rows]
