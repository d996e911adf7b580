"""Liaison pages: the residents' opinion page (no login) and tracking by code."""

from django.http import Http404, HttpResponse
from django.urls import path


def opinion_new(request, station_id: int | None = None, deputy_code: str | None = None):
    """Placeholder until the form lands (the URL names are fixed early for the QR codes)."""
    return HttpResponse("")


def track(request, code: str | None = None):
    raise Http404


urlpatterns = [
    path("opinion/", opinion_new, name="opinion_new"),
    path("opinion/s/<int:station_id>/", opinion_new, name="opinion_station"),
    path("opinion/d/<str:deputy_code>/", opinion_new, name="opinion_deputy"),
    path("track/", track, name="track"),
    path("track/<str:code>/", track, name="track_code"),
]
