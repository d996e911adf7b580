"""The stations' public pages (no login): the list of open stations, and one station with its
deputies on duty this week and next (进站亮身份), their published achievements (晒成绩) and
the stories about them (代表在身边). Deputies appear with their public fields only; a closed
station is a 404 except for staff.

A district has a hundred stations and more, so the list is paged and can be narrowed to the
resident's community: each page reads its own rows whatever the number of stations."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from core import clock
from core.url_memo import pk_url_parts
from deputies.models import Community

from ..models import Station
from ..selectors_stations import public_stations, with_deputy_counts
from ..selectors_stories import station_page
from .stations import _station_visible, station_opinion_url
from .stories import id_parameter

STATIONS_PER_PAGE = 20


def station_list(request):
    open_stations = Station.objects.filter(is_active=True)
    communities = list(
        Community.objects.filter(pk__in=open_stations.values("community"))
        .order_by("name")
        .values_list("pk", "name")
    )
    community = id_parameter(request.GET.get("community"))
    if community not in {pk for pk, _name in communities}:
        community = None
    page = Paginator(public_stations(community), STATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = with_deputy_counts(page.object_list)
    # Each row links to its station's page: the address reversed once, the key put between.
    head, tail = pk_url_parts("liaison:station_detail")
    return render(
        request,
        "liaison/station_list.html",
        {
            "page": page,
            "communities": communities,
            "community": community,
            "detail_head": f"{head}/",
            "detail_tail": f"/{tail}",
        },
    )


def station_detail(request, station_id: int):
    station = _station_visible(request, station_id)
    today = clock.today()
    return render(
        request,
        "liaison/station_public.html",
        {
            "page": station_page(station, today=today, year=today.year),
            "today": today,
            "opinion_url": station_opinion_url(request, station),
        },
    )


urlpatterns = [
    path("stations/", station_list, name="station_list"),
    path("stations/<int:station_id>/", station_detail, name="station_detail"),
]
