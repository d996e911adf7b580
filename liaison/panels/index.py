"""The public-opinion index in the menu (staff: 民意指数) and its card on the staff desk."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core.admin_lists import counts_in_one_query
from core.dashboard import Todo, register_panel
from core.navigation import register_nav

from ..selectors_index import open_flags


def desk_counts(request) -> dict[str, QuerySet] | None:
    if not request.user.has_module_perms("liaison"):
        return None
    return {"flags": open_flags()}


def staff_panel(request, *, counts: dict[str, int] | None = None) -> dict[str, Any] | None:
    """One card: the open flags waiting for staff's decision, counted with the other panels'
    counts (``desk_counts``; else here)."""
    if not request.user.has_module_perms("liaison"):
        return None
    if counts is None:
        counts = counts_in_one_query(**desk_counts(request))
    return {
        "items": [
            Todo(
                label=_("民意预警待研判"),
                count=counts["flags"],
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
    register_panel(
        Role.STAFF,
        "liaison.index",
        "liaison/index_desk.html",
        staff_panel,
        order=45,
        counts=desk_counts,
    )
