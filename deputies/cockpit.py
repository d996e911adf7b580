"""The roster's figure on the staff cockpit: serving deputies, by level, in one query."""

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.cockpit import Kpi
from core.dashboard import admin_url

from .models import Deputy, Level, Status


def kpis(today: date) -> list[Kpi]:
    serving = Q(status=Status.SERVING)
    counts = Deputy.objects.aggregate(
        total=Count("pk", filter=serving),
        **{level.value: Count("pk", filter=serving & Q(level=level)) for level in Level},
    )
    detail = " · ".join(
        f"{level.label.removesuffix('人大代表').removesuffix('议政代表')} {counts[level.value]}"
        for level in Level
    )
    return [
        Kpi(
            label=_("在任代表"),
            value=counts["total"],
            detail=detail,
            group=_("代表队伍"),
            url=admin_url("deputies_deputy_changelist", status__exact=Status.SERVING),
        )
    ]


def register() -> None:
    from core.cockpit import register_kpis

    # The roster's size is a statistic nobody acts on at once: counted once per
    # ``FIGURES_MINUTES``, the card saying when.
    register_kpis("deputies", kpis, order=10, kept=True)
