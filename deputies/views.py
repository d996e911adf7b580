from django.shortcuts import render

from accounts.access import deputy_required
from accounts.roles import Role
from core.dashboard import panels_for


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
