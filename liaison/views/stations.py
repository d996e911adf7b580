"""Stations' QR codes and posters, deputy codes (代表码), and a deputy's own duties (我的接待).

The QR images are public: they only encode the public opinion page, which anyone may open.
The poster is staff's print-out. A deputy code page and image are for its deputy and staff.
"""

from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path

from accounts.access import deputy_required, role_required
from accounts.roles import Role, user_has_role
from core import clock
from core.qr import absolute_url, qr_response, qr_svg
from deputies.models import Deputy

from ..duty_rows import duty_rows_html
from ..models import Station
from ..selectors_stations import duty_lists, poster_deputies

STATION_OPINION = "liaison:opinion_station"
DEPUTY_OPINION = "liaison:opinion_deputy"


def station_opinion_url(request, station: Station) -> str:
    return absolute_url(request, STATION_OPINION, station_id=station.pk)


@lru_cache(maxsize=128)
def _deputy_code_svg(url: str) -> str:
    """The deputy's code on 我的接待, drawn once per address and process: the same address
    always gives the same drawing, and drawing it took ~9 ms, as much as the rest of the page."""
    return qr_svg(url, scale=5, inline=True)


def deputy_opinion_url(request, deputy: Deputy) -> str:
    return absolute_url(request, DEPUTY_OPINION, deputy_code=deputy.code)


def _station_visible(request, station_id: int) -> Station:
    """An active station for anyone; a closed one for staff only (its poster comes down)."""
    station = get_object_or_404(Station.objects.select_related("community"), pk=station_id)
    if not station.is_active and not user_has_role(request.user, Role.STAFF):
        raise Http404
    return station


def station_qr(request, station_id: int):
    """The station's code: SVG to show, ``?format=png`` to download."""
    station = _station_visible(request, station_id)
    return qr_response(
        station_opinion_url(request, station),
        fmt=request.GET.get("format", "svg"),
        filename=f"station-{station.pk}",
    )


@role_required(Role.STAFF)
def station_poster(request, station_id: int):
    """The printable A4 poster: station, code, its deputies with photo, level and this
    year's published achievements (亮身份、晒成绩)."""
    station = get_object_or_404(Station.objects.select_related("community"), pk=station_id)
    url = station_opinion_url(request, station)
    year = clock.today().year
    return render(
        request,
        "liaison/station_poster.html",
        {
            "station": station,
            "committee_name": settings.LVZHI_COMMITTEE_NAME,
            "opinion_url": url,
            "qr": qr_svg(url, inline=True),
            "deputies": poster_deputies(station, year=year),
            "year": year,
        },
    )


def _deputy_for(request, code: str) -> Deputy:
    """Staff get any deputy; a deputy only themself; anyone else nothing (404: a code that
    is not yours does not exist for you)."""
    deputy = get_object_or_404(Deputy, code=code)
    if user_has_role(request.user, Role.STAFF):
        return deputy
    own = getattr(request.user, "deputy", None)
    if own is not None and own.pk == deputy.pk and user_has_role(request.user, Role.DEPUTY):
        return deputy
    raise Http404


@login_required
def deputy_qr(request, code: str):
    deputy = _deputy_for(request, code)
    return qr_response(
        deputy_opinion_url(request, deputy),
        fmt=request.GET.get("format", "svg"),
        filename=f"deputy-code-{deputy.code}",
    )


@login_required
def deputy_code(request, code: str):
    """The deputy code card (代表码), printable."""
    deputy = _deputy_for(request, code)
    url = deputy_opinion_url(request, deputy)
    return render(
        request,
        "liaison/deputy_code.html",
        {
            "deputy": deputy,
            "committee_name": settings.LVZHI_COMMITTEE_NAME,
            "opinion_url": url,
            "qr": qr_svg(url, inline=True),
        },
    )


@deputy_required
def my_duties(request):
    """我的接待: coming duties first (phone-first), then the latest past ones, and the
    deputy's code."""
    today = clock.today()
    deputy = request.deputy
    url = deputy_opinion_url(request, deputy)
    coming, past = duty_lists(deputy, today=today)
    return render(
        request,
        "liaison/duty_mine.html",
        {
            "deputy": deputy,
            "coming": coming,
            "past": past,
            # The rows written in Python (``liaison.duty_rows``), as the dashboard's card.
            "coming_html": duty_rows_html(coming, today=today),
            "past_html": duty_rows_html(past, today=today, past=True),
            "today": today,
            "opinion_url": url,
            "qr": _deputy_code_svg(url),
        },
    )


urlpatterns = [
    path("stations/<int:station_id>/qr.svg", station_qr, name="station_qr"),
    path("stations/<int:station_id>/poster/", station_poster, name="station_poster"),
    path("deputies/<str:code>/qr.svg", deputy_qr, name="deputy_qr"),
    path("deputies/<str:code>/code/", deputy_code, name="deputy_code"),
    path("my/duties/", my_duties, name="my_duties"),
]
