"""The stations' public pages (no login): the list of open stations, and one station with its
deputies on duty this week and next (进站亮身份), their published achievements (晒成绩) and
the stories about them (代表在身边). Deputies appear with their public fields only; a closed
station is a 404 except for staff."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path

from core import clock

from ..models import Station
from ..selectors_stories import station_page
from .stations import _station_visible, station_opinion_url


def station_list(request):
    stations = (
        Station.objects.filter(is_active=True)
        .select_related("community")
        .annotate(n_deputies=Count("deputies", filter=Q(deputies__status="serving")))
    )
    return render(request, "liaison/station_list.html", {"stations": stations})


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
