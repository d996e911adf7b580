"""The public-opinion index in the menu (staff: 民意指数) and its card on the staff desk."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core.dashboard import Todo, register_panel
from core.navigation import register_nav

from ..selectors_index import open_flag_count


def staff_panel(request) -> dict[str, Any] | None:
    """One card, one query: the open flags waiting for staff's decision."""
    if not request.user.has_module_perms("liaison"):
        return None
    return {
        "items": [
            Todo(
                label=_("民意预警待研判"),
                count=open_flag_count(),
                hint=_("列入监督议题或不予采纳"),
                url=reverse("liaison:opinion_index"),
                tone="danger",
            )
        ]
    }


def register() -> None:
    """Register this subject's panels and navigation entries."""
    register_nav(
        "liaison.opinion_index",
        gettext_lazy("民意指数"),
        "liaison:opinion_index",
        roles=[Role.STAFF],
        order=70,
    )
    register_panel(Role.STAFF, "liaison.index", "liaison/index_desk.html", staff_panel, order=45)
