"""The staff desk's training cards: sessions held without attendance recorded, sessions in the
coming week (sign-in sheets to prepare), an open needs survey's response count. The plain counts
are counted with the other panels' in one query (``desk_counts``)."""

from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Role
from core import clock
from core.compiled import Rows, reads_in_one_query
from core.dashboard import Todo, admin_url, register_panel
from deputies.models import Deputy

from ..models import Survey, SurveyResponse
from ..selectors_courses import UNMARKED_WITHIN_DAYS, coming_sessions, unmarked_sessions


def desk_counts(request, *, today: date | None = None) -> dict[str, QuerySet | Rows] | None:
    """The counts, and the first unmarked session (where one card links) and the open survey
    as ``Rows``, read with the other panels' in one statement."""
    if not request.user.has_module_perms("training"):
        return None
    today = today or clock.today()
    sources = {key: qs.all() for key, qs in _desk_querysets(today).items()}
    return {
        **sources,
        "first_unmarked": Rows(_first_unmarked(today)),
        "survey": Rows(_open_survey(today)),
    }


@lru_cache(maxsize=2)
def _desk_querysets(today: date) -> dict[str, QuerySet]:
    """Built once a day per process (they depend on the day only), handed out as copies."""
    return {
        "unmarked": unmarked_sessions(today),
        "coming": coming_sessions(today),
        "serving": Deputy.objects.serving(),
    }


def _first_unmarked(today: date) -> QuerySet:
    return unmarked_sessions(today).order_by("date").values_list("pk", flat=True)[:1]


def _open_survey(today: date) -> QuerySet:
    """The open survey closing first, with its answer count: counted for that survey alone,
    from the responses' survey index, after it is chosen (a join counted every open
    survey's responses, ~1,900 rows at district size, to show one)."""
    answers = (
        SurveyResponse.objects.filter(survey=OuterRef("pk"))
        .order_by()
        .values(_all=Value(1))
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        Survey.objects.filter(is_published=True, opens_on__lte=today, closes_on__gte=today)
        .order_by("closes_on")
        .annotate(n=Subquery(answers))
        .values_list("pk", "title", "n")[:1]
    )


def staff_panel(
    request, *, today: date | None = None, counts: dict[str, int] | None = None
) -> dict[str, Any] | None:
    """Two or three cards from ``desk_counts``'s reads (read by the desk, else here): the
    counts, the first unmarked session (where one card links) and the open survey."""
    if not request.user.has_module_perms("training"):
        return None
    today = today or clock.today()
    if counts is None:
        counts = reads_in_one_query(desk_counts(request, today=today))
    unmarked = [pk for (pk,) in counts["first_unmarked"]]
    surveys = counts["survey"]
    unmarked_count = counts["unmarked"]
    coming = counts["coming"]
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
    for survey_pk, title, answers in surveys:
        serving = counts["serving"]
        items.append(
            Todo(
                label=_("需求调查已答"),
                text=f"{answers}/{serving}",
                hint=title,
                url=reverse("training:survey_summary", args=[survey_pk]),
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
