"""The roster's to-do card on the staff desk (the admin index), reads only, counted with the
other panels' counts in one query; and the deputy's 首页 and 我的 tabs of the bottom tab bar."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core.admin_lists import counts_in_one_query
from core.dashboard import Todo, admin_url
from core.navigation import register_tab

from .models import Deputy, Status


def desk_counts(request) -> dict[str, QuerySet] | None:
    if not request.user.has_module_perms("deputies"):
        return None
    return {"no_login": Deputy.objects.filter(status=Status.SERVING, user__isnull=True)}


def staff_panel(request, *, counts: dict[str, int] | None = None) -> dict[str, Any] | None:
    """The card; ``counts`` are ``desk_counts``'s, counted by the desk (else here)."""
    if not request.user.has_module_perms("deputies"):
        return None
    if counts is None:
        counts = counts_in_one_query(**desk_counts(request))
    items = [
        Todo(
            label=_("在任代表未开通账号"),
            count=counts["no_login"],
            hint=_("可在列表中批量开通"),
            url=admin_url(
                "deputies_deputy_changelist", status__exact=Status.SERVING, user__isnull="True"
            ),
        )
    ]
    return {"items": items}


def register_deputy_home() -> None:
    register_tab(
        "deputies.dashboard",
        gettext_lazy("首页"),
        "deputies:dashboard",
        "house-door",
        roles=[Role.DEPUTY],
        order=10,
    )
    register_tab(
        "deputies.profile",
        gettext_lazy("我的"),
        "deputies:profile",
        "person-circle",
        roles=[Role.DEPUTY],
        order=60,
    )
