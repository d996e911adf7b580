"""Training on the staff cockpit: this year's completion rate (enrolments completed / enrolments
made this year) and the deputies who attended any session, in one query: each enrolment asks
its attendance index whether it has a row (a join to every attendance and distinct counts over
it took twice as long at district size)."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext as _

from core.cockpit import Kpi
from core.dashboard import admin_url
from deputies.facts import prepared

from .models import Attendance, Enrollment


def _counts(year: int) -> QuerySet:
    """The three figures as one row (none when the year has no enrolment)."""
    attended = Exists(Attendance.objects.filter(enrollment=OuterRef("pk")))
    return (
        Enrollment.objects.filter(enrolled_at__year=year)
        .order_by()
        .values(_all=Value(1))
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(completed_on__isnull=False)),
            deputies=Count("deputy", distinct=True, filter=attended),
        )
        .values_list("enrolled", "completed", "deputies")
    )


def kpis(today: date) -> list[Kpi]:
    year = today.year
    # Compiled once per year and process (``deputies.facts.prepared``), read afresh.
    found = prepared(("training:cockpit", year), lambda: _counts(year))
    enrolled, completed, deputies = found[0] if found else (0, 0, 0)
    counts = {"enrolled": enrolled, "completed": completed, "deputies": deputies}
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

    # Rates, nothing a clerk acts on at once: counted once per ``FIGURES_MINUTES`` (a pass over
    # the year's ~2,600 enrolments at district size), each card saying when.
    register_kpis("training", kpis, order=50, kept=True)
