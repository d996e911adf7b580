from django.shortcuts import render

from accounts.access import role_required
from accounts.roles import Role


@role_required(Role.HANDLING_UNIT)
def unit_home(request):
    """The handling-unit portal's start page (filled in by the suggestions tracker)."""
    return render(request, "suggestions/unit_home.html")
