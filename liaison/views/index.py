"""The public-opinion index page for committee staff: the week's heat table (community ×
category), the trend of the pairs the rule flags, and the open flags to adopt or dismiss.

The page costs the same few queries whatever the data: one for the current week's counts, the
eight weeks before it kept for ``FIGURES_MINUTES`` (``selectors_index.index_page``; the page
says when they were counted), and one for the open flags, read fresh."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role
from core.cockpit import FIGURES_MINUTES

from ..index_html import heat_rows_html, trend_html
from ..models import OpinionFlag
from ..selectors_index import (
    BASELINE_WEEKS,
    WeekError,
    current_week,
    index_page,
    open_flags_shown,
    week_label,
    week_parse,
)
from ..services.index import OpinionIndexError, opinion_flag_adopt, opinion_flag_dismiss

MAX_OPEN_FLAGS_SHOWN = 100


@role_required(Role.STAFF)
def opinion_index(request):
    this_week = current_week()
    week = this_week
    raw = request.GET.get("week")
    if raw:
        try:
            week = week_parse(raw)
        except WeekError as exc:
            messages.warning(request, _("%(error)s 已显示本周。") % {"error": exc})
    heat, flagged, counted_at = index_page(week=week, heat_page=request.GET.get("page"))
    flags = open_flags_shown(MAX_OPEN_FLAGS_SHOWN)
    labels = [week_label(week - timedelta(weeks=i)) for i in range(BASELINE_WEEKS, -1, -1)]
    context = {
        "week": week,
        "week_label": week_label(week),
        "week_end": week + timedelta(days=6),
        "this_week_label": week_label(this_week),
        "previous_label": week_label(week - timedelta(weeks=1)),
        "next_label": week_label(week + timedelta(weeks=1)),
        "is_future": week > this_week,
        "is_past": week < this_week,
        "counted_at": counted_at,
        "figures_minutes": FIGURES_MINUTES,
        "heat": heat,
        # The table's lines and the trend written in Python (``liaison.index_html``).
        "heat_rows_html": heat_rows_html(heat),
        "trend_html": trend_html(flagged, labels),
        "trend": [
            {
                "row": row,
                "bars": [
                    {**bar, "label": label} for bar, label in zip(row.bars(), labels, strict=True)
                ],
            }
            for row in flagged
        ],
        "min_count": settings.LVZHI_OPINION_MIN_COUNT,
        "factor": settings.LVZHI_OPINION_FACTOR,
        "flags": [{"flag": flag, "label": week_label(flag.week)} for flag in flags],
    }
    return render(request, "liaison/index.html", context)


def _back(request, flag: OpinionFlag):
    return redirect(f"{reverse('liaison:opinion_index')}?week={week_label(flag.week)}")


@require_POST
@role_required(Role.STAFF)
def opinion_flag_adopt_view(request, pk: int):
    flag = get_object_or_404(OpinionFlag, pk=pk)
    try:
        topic = opinion_flag_adopt(flag=flag, actor=request.user)
    except OpinionIndexError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("已列入 %(year)s 年度监督菜单候选议题：%(title)s（发布菜单后代表可认领）。")
            % {"year": topic.year, "title": topic.title},
        )
    return _back(request, flag)


@require_POST
@role_required(Role.STAFF)
def opinion_flag_dismiss_view(request, pk: int):
    flag = get_object_or_404(OpinionFlag, pk=pk)
    try:
        opinion_flag_dismiss(flag=flag, reason=request.POST.get("reason", ""), actor=request.user)
    except OpinionIndexError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已将该预警标记为不予采纳。"))
    return _back(request, flag)


urlpatterns = [
    path("index/", opinion_index, name="opinion_index"),
    path("index/flags/<int:pk>/adopt/", opinion_flag_adopt_view, name="opinion_flag_adopt"),
    path("index/flags/<int:pk>/dismiss/", opinion_flag_dismiss_view, name="opinion_flag_dismiss"),
]
