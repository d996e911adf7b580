"""The roster's to-do card on the staff desk (the admin index). Reads only, one query."""

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.dashboard import Todo, admin_url

from .models import Deputy, Status


def serving_without_login() -> int:
    return Deputy.objects.aggregate(
        n=Count("pk", filter=Q(status=Status.SERVING, user__isnull=True))
    )["n"]


def staff_panel(request) -> dict[str, Any] | None:
    if not request.user.has_module_perms("deputies"):
        return None
    items = [
        Todo(
            label=_("在任代表未开通账号"),
            count=serving_without_login(),
            hint=_("可在列表中批量开通"),
            url=admin_url(
                "deputies_deputy_changelist", status__exact=Status.SERVING, user__isnull="True"
            ),
        )
    ]
    return {"items": items}
