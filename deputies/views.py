from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from accounts.access import deputy_required
from accounts.roles import Role
from core.dashboard import panels_for

from .models import Deputy


@deputy_required
def dashboard(request):
    """A deputy's personal page: their profile card plus the panels other apps contribute."""
    return render(
        request,
        "deputies/dashboard.html",
        {"deputy": request.deputy, "panels": panels_for(Role.DEPUTY, request)},
    )


@deputy_required
def profile(request):
    return render(request, "deputies/profile.html", {"deputy": request.deputy})


def photo(request, code: str):
    """A serving deputy's photo, as the station posters and opinion pages show it (进站亮身份):
    public by design, but served through this view like every upload, never from a public media
    folder, so only the photos of serving deputies can be fetched."""
    deputy = get_object_or_404(Deputy.objects.serving().exclude(photo=""), code=code)
    try:
        handle = deputy.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "public, max-age=3600"
    return response
