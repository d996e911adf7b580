"""Liaison pages anyone may open without logging in: the residents' opinion page the QR codes
lead to (a station's, a deputy's, or none), and the tracking page for a tracking code.

Abuse protection: accepted opinions and code lookups are counted per client address in core's
shared limiter (a flood gets 429 with Retry-After, its text kept on the page); a hidden
honeypot field catches form-filling bots (they are shown a success page and nothing is
stored); an oversized request body is refused before it is parsed (413). Everything the
resident typed is escaped by the templates; the tracking page never shows contact data.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from core import ratelimit
from deputies.models import CODE_VALIDATOR, Deputy
from deputies.models import Status as DeputyStatus

from ..forms_opinions import OpinionForm, TrackForm
from ..models import Opinion, OpinionStatus, Station
from ..services.opinions import OpinionError, normalise_code, opinion_submit

CODE_PATTERN = CODE_VALIDATOR.regex

ERR_TOO_MANY = gettext_noop("提交过于频繁，请稍后再试。您填写的内容仍保留在下方。")
ERR_TOO_MANY_LOOKUPS = gettext_noop("查询过于频繁，请稍后再试。")
ERR_TOO_LARGE = gettext_noop("提交的内容过长，请精简后再试。")
OPINION_SCOPE = "liaison.opinion"
TRACK_SCOPE = "liaison.track"


def max_body_bytes() -> int:
    """The largest request body the opinion form can honestly produce: every character of the
    text percent-encoded as UTF-8 (up to 12 bytes), plus room for the other fields."""
    return settings.LVZHI_OPINION_MAX_CHARS * 12 + 8192


def _too_large(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > max_body_bytes()
    except ValueError:
        return True


def _station(station_id: int | None) -> Station | None:
    if station_id is None:
        return None
    return get_object_or_404(
        Station.objects.select_related("community"), pk=station_id, is_active=True
    )


def _deputy(code: str | None) -> Deputy | None:
    if code is None:
        return None
    if not CODE_PATTERN.fullmatch(code):  # a code no deputy can have (NUL bytes, …): not found
        raise Http404
    return get_object_or_404(Deputy, code=code, status=DeputyStatus.SERVING)


@never_cache
@csrf_protect
def opinion_new(request, station_id: int | None = None, deputy_code: str | None = None):
    station = _station(station_id)
    deputy = _deputy(deputy_code)
    context = {"station": station, "deputy": deputy, "max_chars": settings.LVZHI_OPINION_MAX_CHARS}
    if request.method == "POST" and _too_large(request):
        response = render(
            request,
            "liaison/opinion_form.html",
            {**context, "form": None, "error": _(ERR_TOO_LARGE)},
        )
        response.status_code = 413
        return response
    initial = {"community": station.community_id} if station is not None else {}
    form = OpinionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if form.is_bot:  # looks like success to the bot; nothing stored
            return render(request, "liaison/opinion_done.html", {**context, "opinion": None})
        result = ratelimit.hit(request, OPINION_SCOPE, limit=settings.LVZHI_OPINIONS_PER_HOUR)
        if not result.allowed:
            form.add_error(None, _(ERR_TOO_MANY))
            response = render(request, "liaison/opinion_form.html", {**context, "form": form})
            return ratelimit.too_many(response, result)
        data = form.cleaned_data
        try:
            opinion = opinion_submit(
                category=data["category"],
                community=data["community"],
                description=data["description"],
                consent=data["consent"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                station=station,
                deputy=deputy,
            )
        except OpinionError as exc:
            form.add_error(None, str(exc))
        else:
            track_url = request.build_absolute_uri(
                reverse("liaison:track_code", args=[opinion.tracking_code])
            )
            return render(
                request,
                "liaison/opinion_done.html",
                {**context, "opinion": opinion, "track_url": track_url},
            )
    return render(request, "liaison/opinion_form.html", {**context, "form": form})


def _limited_lookup(request):
    """None, or the 429 page when this client looked up too many codes this hour."""
    result = ratelimit.hit(request, TRACK_SCOPE, limit=settings.LVZHI_TRACK_LOOKUPS_PER_HOUR)
    if result.allowed:
        return None
    response = render(
        request, "liaison/track.html", {"form": TrackForm(), "error": _(ERR_TOO_MANY_LOOKUPS)}
    )
    return ratelimit.too_many(response, result)


@never_cache
def track(request):
    """Enter a code; a valid-looking one goes to its page."""
    form = TrackForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("liaison:track_code", code=form.cleaned_data["code"])
    return render(request, "liaison/track.html", {"form": form})


@never_cache
def track_code(request, code: str):
    """Status and reply of one opinion. Never its contact data; a merged opinion shows the
    status and reply of the one it was merged into."""
    limited = _limited_lookup(request)
    if limited is not None:
        return limited
    normalised = normalise_code(code)
    if normalised and normalised != code:
        return redirect("liaison:track_code", code=normalised)
    opinion = (
        Opinion.objects.select_related("category", "community", "station", "merged_into")
        .filter(tracking_code=normalised)
        .first()
        if normalised
        else None
    )
    if opinion is None:
        response = render(
            request, "liaison/track_not_found.html", {"form": TrackForm(), "code": code[:40]}
        )
        response.status_code = 404
        return response
    shown = opinion
    if opinion.status == OpinionStatus.MERGED and opinion.merged_into is not None:
        shown = opinion.merged_into
    return render(
        request,
        "liaison/track_detail.html",
        {"opinion": opinion, "shown": shown, "merged": shown.pk != opinion.pk},
    )


urlpatterns = [
    path("opinion/", opinion_new, name="opinion_new"),
    path("opinion/s/<int:station_id>/", opinion_new, name="opinion_station"),
    path("opinion/d/<str:deputy_code>/", opinion_new, name="opinion_deputy"),
    path("track/", track, name="track"),
    path("track/<str:code>/", track_code, name="track_code"),
]
