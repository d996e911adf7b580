"""Committee staff's pages outside the admin: the overview, statistics and unit scores.

The statistics and the unit scores are whole-year figures, the same for every staff member:
they are counted once per ``FIGURES_MINUTES`` per year (and date) and shared (``remembered``),
and the page says when they were counted. Their tables' rows are written with the count and
kept with it: written by the template on every visit, the statistics' fifty rows of rates and
counts (each number localised, each label translated) were three quarters of the page's
instructions (31 million a visit at district scale, against 6.7 million for the trivial page;
``scripts/count_pages.py``, issue #8). The overview's waiting-work counts and lists, the
downloads and the recorded reviews are read afresh on every request.
"""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.roles import Role
from core import clock
from core.cockpit import FIGURES_MINUTES, remembered
from core.tabular import table_response
from core.url_memo import pk_url_parts, reverse_memo

from .. import selectors_staff
from ..forms import ScoresForm, StatsForm
from ..models import UnitReview
from ..scoring import unit_scores_by_year, units_for_review
from ..staff_rows import write_badges, write_cards, write_reports
from ..statistics import REPORT_HEADERS, report_rows, suggestion_statistics


@role_required(Role.STAFF)
def staff_home(request):
    today = clock.today()
    context = selectors_staff.staff_overview(today)
    # Each card's rows link to the suggestion's admin page: its address reversed once, the
    # rows put their key between the two halves (about fifty reversals a page otherwise).
    head, tail = pk_url_parts("admin:suggestions_suggestion_change")
    context["change_head"], context["change_tail"] = f"{head}/", f"/{tail}"
    # The cards' rows and the badges written in Python, as the template wrote them (the same
    # HTML).
    write_cards(context, context["change_head"], context["change_tail"])
    write_reports(context, context["change_head"], context["change_tail"])
    write_badges(context, reverse_memo("admin:suggestions_suggestion_changelist"))
    return render(request, "suggestions/staff_home.html", context)


@role_required(Role.STAFF)
def staff_stats(request):
    today = clock.today()
    form = StatsForm(request.GET or None, initial={"year": today.year, "as_of": today})
    year, as_of = today.year, today
    if form.is_valid():
        year = form.cleaned_data["year"]
        as_of = form.cleaned_data["as_of"] or today
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return table_response(
            fmt,
            REPORT_HEADERS,
            report_rows(suggestion_statistics(year=year, as_of=as_of)),
            filename=f"suggestions-{year}",
            title=_("%(year)s年议案建议统计") % {"year": year},
        )
    counted_at, table_rows = remembered(
        f"suggestion-statistics-rows:{year}:{as_of.isoformat()}",
        lambda: render_to_string(
            "suggestions/_stats_rows.html",
            {"rows": suggestion_statistics(year=year, as_of=as_of)},
        ),
    )
    return render(
        request,
        "suggestions/stats.html",
        {
            "form": form,
            "table_rows": mark_safe(table_rows),  # written by our own template
            "year": year,
            "as_of": as_of,
            "counted_at": counted_at,
            "figures_minutes": FIGURES_MINUTES,
        },
    )


@role_required(Role.STAFF)
def staff_scores(request):
    today = clock.today()
    form = ScoresForm(request.GET)
    year = form.cleaned_data["year"] if form.is_valid() else today.year
    # 专题检讨 already recorded for this pair of years: shown next to the unit's flag.
    reviewed = dict(UnitReview.objects.filter(year=year).values_list("unit_id", "held_on"))
    counted_at, (by_year, table_rows) = remembered(
        f"unit-scores-rows:{year}", lambda: _scores_and_rows(year)
    )
    scores = by_year[year]
    flagged = units_for_review(year, scores=scores, scores_before=by_year[year - 1])
    return render(
        request,
        "suggestions/scores.html",
        {
            "year": year,
            "table_rows": mark_safe(table_rows),  # written by our own template
            "review": [
                (unit, before, this, reviewed.get(unit.pk)) for unit, before, this in flagged
            ],
            "years": range(today.year, today.year - 5, -1),
            "counted_at": counted_at,
            "figures_minutes": FIGURES_MINUTES,
        },
    )


def _scores_and_rows(year: int) -> tuple[dict, str]:
    """The units' scores of ``year`` and the year before, and the table's rows for ``year``."""
    by_year = unit_scores_by_year([year - 1, year])
    return by_year, render_to_string("suggestions/_scores_rows.html", {"scores": by_year[year]})
