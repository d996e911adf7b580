from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from accounts.access import deputy_required
from accounts.roles import Role
from core import render_env
from core.dashboard import panels_for, todos_for

from .dashboard_html import chart_scripts, content_html, hero_html, panel_cards, todos_html
from .models import Deputy


@deputy_required
@render_env.page_view
def dashboard(request):
    """A deputy's home after login, phone first: their card and the 记录履职 button, the to-do
    list merged from every app's rows (``core.dashboard.register_todo``), then the panels other
    apps contribute (score, portrait, duties, suggestions, training). No URL takes an id: a
    deputy only ever sees their own. The card, the list and the panels' row are written in
    Python (``dashboard_html``), after the to-dos have read the deputy's facts (the card's
    constituency, group and term come with them)."""
    todos = todos_for(Role.DEPUTY, request)
    panels = panels_for(Role.DEPUTY, request)
    cards = panel_cards(panels)
    hero, todo_list = hero_html(request.deputy), todos_html(todos)
    return render(
        request,
        "deputies/dashboard.html",
        {
            "deputy": request.deputy,
            "todos": todos,
            "panels": panels,
            "cards": cards,
            "chart_scripts": chart_scripts(),
            "hero_html": hero,
            "todos_html": todo_list,
            # The whole content block, when every panel's card is written in Python.
            "content_html": content_html(hero, todo_list, cards),
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
