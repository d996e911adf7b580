"""Committee staff's pages outside the admin: the overview, statistics and unit scores."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.roles import Role
from core import clock
from core.tabular import table_response

from .. import selectors
from ..forms import ScoresForm, StatsForm
from ..models import UnitReview
from ..scoring import unit_scores, units_for_review
from ..statistics import REPORT_HEADERS, report_rows, suggestion_statistics


@role_required(Role.STAFF)
def staff_home(request):
    today = clock.today()
    return render(request, "suggestions/staff_home.html", selectors.staff_overview(today))


@role_required(Role.STAFF)
def staff_stats(request):
    today = clock.today()
    form = StatsForm(request.GET or None, initial={"year": today.year, "as_of": today})
    year, as_of = today.year, today
    if form.is_valid():
        year = form.cleaned_data["year"]
        as_of = form.cleaned_data["as_of"] or today
    rows = suggestion_statistics(year=year, as_of=as_of)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return table_response(
            fmt,
            REPORT_HEADERS,
            report_rows(rows),
            filename=f"suggestions-{year}",
            title=_("%(year)s年议案建议统计") % {"year": year},
        )
    return render(
        request,
        "suggestions/stats.html",
        {"form": form, "rows": rows, "year": year, "as_of": as_of},
    )


@role_required(Role.STAFF)
def staff_scores(request):
    today = clock.today()
    form = ScoresForm(request.GET)
    year = form.cleaned_data["year"] if form.is_valid() else today.year
    # 专题检讨 already recorded for this pair of years: shown next to the unit's flag.
    reviewed = dict(UnitReview.objects.filter(year=year).values_list("unit_id", "held_on"))
    scores = unit_scores(year)
    return render(
        request,
        "suggestions/scores.html",
        {
            "year": year,
            "scores": scores,
            "review": [
                (unit, before, this, reviewed.get(unit.pk))
                for unit, before, this in units_for_review(year, scores=scores)
            ],
            "years": range(today.year, today.year - 5, -1),
        },
    )
