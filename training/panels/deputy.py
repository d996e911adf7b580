"""The deputy's training card on their dashboard (this year's hours, the next session, a quiz
to take, the top recommendation with its reason, a survey waiting) and the 我的培训 menu entry."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import clock
from core.dashboard import Todo, register_panel, register_todo
from core.navigation import register_nav
from core.render_env import gettext
from deputies.facts import DEPUTY, Rows, deputy_facts, register_facts, row_instance

from ..models import Attendance, Course, Enrollment, Quiz, QuizAttempt, Survey
from ..selectors_archive import ARCHIVE, archive_facts
from ..selectors_courses import (
    HOME,
    HOME_OPEN,
    home_facts,
    home_open_facts,
    my_enrollments,
    open_surveys,
)
from ..selectors_recommend import RECOMMEND, recommend_facts, recommended_courses
from .deputy_rows import card_html, card_rows_html


def deputy_panel(request, *, today: date | None = None) -> dict[str, Any] | None:
    known = deputy_facts(request, today=today)
    if known is None:
        return None
    deputy = known.deputy
    today = today or clock.today()
    current = current_courses(known[CARD]["current"])
    upcoming = sorted((e for e in current if e.next_session), key=lambda e: e.next_session)
    training = known["training"]
    panel = {
        "summary": {
            "year": today.year,
            "hours": training["hours"] or Decimal("0"),
            "completed": training["completed"],
        },
        "next": upcoming[0] if upcoming else None,
        "quizzes": [e for e in current if e.has_quiz and not e.quiz_passed],
        "recommended": recommended_courses(deputy, today=today, limit=1, facts=known),
        # Read with the facts: the template shows the survey's title and links to its pk.
        "survey": Survey(pk=training["survey"], title=training["survey_title"])
        if training["survey"]
        else None,
    }
    panel["rows_html"] = card_rows_html(panel)
    panel["html"] = card_html(panel)  # the card, written in Python
    return panel


@dataclass(frozen=True)
class Current:
    """A course the deputy is taking, as the card shows it."""

    course: Course  # its pk and title only
    next_session: date | None
    has_quiz: bool
    quiz_passed: bool


CARD = "training.card"  # the card's own facts (the training page reads "training" alone)
CURRENT_ROW = ("course_id", "course__title", "next_session", "has_quiz", "quiz_passed")


def current_courses(rows: list[list]) -> list[Current]:
    """The ``current`` fact's rows (``_current``'s, then the course's year) as the card's
    courses, in ``my_enrollments``'s order: newest course first, then by title."""
    rows = sorted(rows, key=lambda row: (-row[5], row[1], row[0]))
    return [
        Current(
            row_instance(Course, ("pk", "title"), (course, title)),
            date.fromisoformat(next_session) if next_session else None,
            bool(has_quiz),
            bool(quiz_passed),
        )
        for course, title, next_session, has_quiz, quiz_passed, _year in rows
    ]


def _current(deputy, today: date) -> QuerySet:
    """The card's courses being taken, reading only what the card shows (no enrolment,
    course or topic rows, no session or hour counts)."""
    return my_enrollments(deputy, today=today).filter(completed_on__isnull=True)


def card_facts(today: date) -> dict:
    """The card's courses being taken (``current_courses``), read with the deputy's other
    facts (``deputies.facts``) on the dashboard: no query of their own."""
    return {"current": (_current(DEPUTY, today), Rows(*CURRENT_ROW, "course__year"))}


def quizzes_open(deputy) -> int:
    """Courses the deputy is still taking whose active quiz they have not passed (the card's
    ``quizzes``), counted in one query."""
    return _quizzes_open(deputy).count()


def _quizzes_open(deputy):
    return (
        Enrollment.objects.filter(deputy=deputy, completed_on__isnull=True)
        .filter(Exists(Quiz.objects.filter(course=OuterRef("course"), is_active=True)))
        .exclude(Exists(QuizAttempt.objects.filter(enrollment=OuterRef("pk"), passed=True)))
    )


def facts(today: date) -> dict:
    """The card's and the to-dos' numbers, read with the deputy's other facts
    (``deputies.facts``): quizzes to take, surveys to answer and the first of them (the one
    closing soonest), and this year's hours and completed courses (as ``year_summary``)."""
    surveys = open_surveys(OuterRef(DEPUTY), today=today)  # DEPUTY, from within a subquery
    first_survey = surveys.order_by("closes_on", "pk")
    return {
        "quizzes": (_quizzes_open(DEPUTY), Count("pk")),
        "surveys": (surveys, Count("pk")),
        "survey": (first_survey, "pk"),
        "survey_title": (first_survey, "title"),  # the same row: the order has no ties
        "hours": (
            Attendance.objects.filter(enrollment__deputy=DEPUTY, session__date__year=today.year),
            Sum("hours"),
        ),
        "completed": (
            Enrollment.objects.filter(deputy=DEPUTY, completed_on__year=today.year),
            Count("pk"),
        ),
    }


def deputy_todos(request, *, today: date | None = None) -> list[Todo]:
    """Quizzes to take and surveys to answer: no query of their own (``facts``)."""
    known = deputy_facts(request, today=today)
    if known is None:
        return []
    home = reverse("training:home")
    return [
        Todo(label=gettext("培训测验待完成"), count=known["training"]["quizzes"], url=home),
        Todo(label=gettext("需求调查待填写"), count=known["training"]["surveys"], url=home),
    ]


def register() -> None:
    register_panel(Role.DEPUTY, "training", "training/deputy_panel.html", deputy_panel, order=30)
    register_todo(Role.DEPUTY, "training", deputy_todos, order=40)
    register_facts("training", facts)
    register_facts(RECOMMEND, recommend_facts)
    register_facts(CARD, card_facts)
    register_facts(HOME, home_facts, named_only=True)  # the home page's rows, its own
    register_facts(HOME_OPEN, home_open_facts, named_only=True)  # its later pages' courses
    register_facts(ARCHIVE, archive_facts, named_only=True)  # the archive's rows
    register_nav("training.home", _("我的培训"), "training:home", roles=[Role.DEPUTY], order=35)
