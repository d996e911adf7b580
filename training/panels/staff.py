"""The staff desk's training cards: sessions held without attendance recorded, sessions in the
coming week (sign-in sheets to prepare), an open needs survey's response count. The plain counts
are counted with the other panels' in one query (``desk_counts``)."""

from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Role
from core import clock
from core.admin_lists import counts_in_one_query
from core.dashboard import Todo, admin_url, register_panel
from deputies.models import Deputy

from ..models import Survey
from ..selectors_courses import UNMARKED_WITHIN_DAYS, coming_sessions, unmarked_sessions


def desk_counts(request, *, today: date | None = None) -> dict[str, QuerySet] | None:
    if not request.user.has_module_perms("training"):
        return None
    return {key: qs.all() for key, qs in _desk_querysets(today or clock.today()).items()}


@lru_cache(maxsize=2)
def _desk_querysets(today: date) -> dict[str, QuerySet]:
    """Built once a day per process (they depend on the day only), handed out as copies."""
    return {
        "unmarked": unmarked_sessions(today),
        "coming": coming_sessions(today),
        "serving": Deputy.objects.serving(),
    }


@lru_cache(maxsize=2)
def _panel_querysets(today: date) -> tuple[QuerySet, QuerySet]:
    """The first unmarked session's id and the open surveys with their answer counts, built
    once a day per process (copied before each use)."""
    return (
        unmarked_sessions(today).order_by("date").values_list("pk", flat=True)[:1],
        Survey.objects.filter(is_published=True, opens_on__lte=today, closes_on__gte=today)
        .annotate(n=Count("responses"))
        .order_by("closes_on"),
    )


def staff_panel(
    request, *, today: date | None = None, counts: dict[str, int] | None = None
) -> dict[str, Any] | None:
    """Two or three cards in two queries besides ``desk_counts``'s (counted by the desk, else
    here): the first unmarked session (where one card links) and the open survey."""
    if not request.user.has_module_perms("training"):
        return None
    today = today or clock.today()
    if counts is None:
        counts = counts_in_one_query(**desk_counts(request, today=today))
    first_unmarked, open_surveys = _panel_querysets(today)
    unmarked = list(first_unmarked.all())
    unmarked_count = counts["unmarked"]
    coming = counts["coming"]
    survey = open_surveys.first()
    items = [
        Todo(
            label=_("课次待登记出勤"),
            count=unmarked_count,
            hint=_("近 %(n)d 天") % {"n": UNMARKED_WITHIN_DAYS},
            url=reverse("training:attendance", args=[unmarked[0]])
            if unmarked_count == 1 and unmarked
            else admin_url("training_course_changelist", sessions="unmarked"),
        ),
        Todo(
            label=_("未来 7 天课次"),
            count=coming,
            url=admin_url("training_course_changelist", sessions="coming"),
            tone="warn",
        ),
    ]
    if survey is not None:
        serving = counts["serving"]
        items.append(
            Todo(
                label=_("需求调查已答"),
                text=f"{survey.n}/{serving}",
                hint=survey.title,
                url=reverse("training:survey_summary", args=[survey.pk]),
            )
        )
    return {"items": items}


def register() -> None:
    register_panel(
        Role.STAFF,
        "training",
        "training/staff_panel.html",
        staff_panel,
        order=50,
        counts=desk_counts,
    )
