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

from ..selectors_stations import open_communities, station_rows
from ..selectors_stories import station_page
from ..stations_html import community_options_html, station_rows_html
from .stations import _station_visible, station_opinion_url
from .stories import id_parameter

# Two phone screens of stations: a resident looks for the one near them, by community (the
# choice above the list) or by paging; ten rows keep a district's page the size of a demo's.
STATIONS_PER_PAGE = 10


def station_list(request):
    # The communities with open stations and how many each has: the choices, and the count
    # the paginator checks the page number against (no count query of its own).
    found = open_communities()
    communities = [(pk, name) for pk, name, _n in found]
    community = id_parameter(request.GET.get("community"))
    if community not in {pk for pk, _name in communities}:
        community = None
    total = sum(n for pk, _name, n in found if community is None or pk == community)
    page = Paginator(range(total), STATIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = station_rows(
        community, offset=page.start_index() - 1 if total else 0, limit=STATIONS_PER_PAGE
    )
    return render(
        request,
        "liaison/station_list.html",
        {
            "page": page,
            "communities": communities,
            "community": community,
            "rows_html": station_rows_html(page.object_list),
            "options_html": community_options_html(communities, community),
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
