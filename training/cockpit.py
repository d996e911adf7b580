"""Training on the staff cockpit: this year's completion rate (enrolments completed / enrolments
made this year) and the deputies who attended any session, in one query (distinct counts,
because the join to attendance repeats each enrolment once per session attended)."""

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.cockpit import Kpi
from core.dashboard import admin_url

from .models import Enrollment


def kpis(today: date) -> list[Kpi]:
    year = today.year
    counts = Enrollment.objects.filter(enrolled_at__year=year).aggregate(
        enrolled=Count("pk", distinct=True),
        completed=Count("pk", distinct=True, filter=Q(completed_on__isnull=False)),
        deputies=Count("deputy", distinct=True, filter=Q(attendances__isnull=False)),
    )
    rate = f"{counts['completed'] * 100 / counts['enrolled']:.1f}%" if counts["enrolled"] else "—"
    group = _("履职培训（%(y)s 年）") % {"y": year}
    changelist = "training_enrollment_changelist"
    return [
        Kpi(
            label=_("培训结业率"),
            value=rate,
            detail=f"{counts['completed']} / {counts['enrolled']}",
            group=group,
            url=admin_url(changelist, enrolled_at__year=year),
        ),
        Kpi(
            label=_("参训代表"),
            value=counts["deputies"],
            group=group,
            detail=_("出席过至少一次课"),
            url=admin_url(changelist, enrolled_at__year=year),
        ),
    ]


def register() -> None:
    from core.cockpit import register_kpis

    register_kpis("training", kpis, order=50)
