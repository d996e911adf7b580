"""A deputy's coming duties on their dashboard, and the 我的接待 menu entry."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import clock
from core.dashboard import register_panel
from core.navigation import register_nav

from ..selectors_stations import coming_duties

PANEL_LIMIT = 3


def duty_panel(request, *, today: date | None = None) -> dict | None:
    """The next few duties; nothing for a login without a deputy profile."""
    deputy = getattr(request.user, "deputy", None)
    if deputy is None:
        return None
    today = today or clock.today()
    return {"coming": coming_duties(deputy, today=today, limit=PANEL_LIMIT), "today": today}


def register() -> None:
    """Register this subject's panels and navigation entries."""
    register_panel(Role.DEPUTY, "liaison.duties", "liaison/duty_panel.html", duty_panel, order=15)
    register_nav(
        "liaison.my_duties", _("我的接待"), "liaison:my_duties", roles=[Role.DEPUTY], order=25
    )
