from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from accounts.access import deputy_required
from accounts.roles import Role
from core.dashboard import panels_for, todos_for

from .models import Deputy


@deputy_required
def dashboard(request):
    """A deputy's home after login, phone first: their card and the 记录履职 button, the to-do
    list merged from every app's rows (``core.dashboard.register_todo``), then the panels other
    apps contribute (score, portrait, duties, suggestions, training). No URL takes an id: a
    deputy only ever sees their own."""
    return render(
        request,
        "deputies/dashboard.html",
        {
            "deputy": request.deputy,
            "todos": todos_for(Role.DEPUTY, request),
            "panels": panels_for(Role.DEPUTY, request),
        },
    )


@deputy_required
def profile(request):
    """我的: the deputy's record as the roster holds it, and their own settings (大字模式,
    password, signing out)."""
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
