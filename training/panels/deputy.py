"""The deputy's training card on their dashboard (this year's hours, the next session, a quiz
to take, the top recommendation with its reason, a survey waiting) and the 我的培训 menu entry."""

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import clock
from core.dashboard import Todo, register_panel, register_todo
from core.navigation import register_nav

from ..models import Enrollment, Quiz, QuizAttempt
from ..selectors_courses import my_enrollments, open_surveys, year_summary
from ..selectors_recommend import recommended_courses


def deputy_panel(request, *, today: date | None = None) -> dict[str, Any] | None:
    deputy = getattr(request.user, "deputy", None)
    if deputy is None:
        return None
    today = today or clock.today()
    current = [e for e in my_enrollments(deputy, today=today) if e.completed_on is None]
    upcoming = sorted((e for e in current if e.next_session), key=lambda e: e.next_session)
    return {
        "summary": year_summary(deputy, today.year),
        "next": upcoming[0] if upcoming else None,
        "quizzes": [e for e in current if e.has_quiz and not e.quiz_passed],
        "recommended": recommended_courses(deputy, today=today, limit=1),
        "survey": open_surveys(deputy, today=today).first(),
    }


def quizzes_open(deputy) -> int:
    """Courses the deputy is still taking whose active quiz they have not passed (the card's
    ``quizzes``), counted in one query."""
    return (
        Enrollment.objects.filter(deputy=deputy, completed_on__isnull=True)
        .filter(Exists(Quiz.objects.filter(course=OuterRef("course"), is_active=True)))
        .exclude(Exists(QuizAttempt.objects.filter(enrollment=OuterRef("pk"), passed=True)))
        .count()
    )


def deputy_todos(request, *, today: date | None = None) -> list[Todo]:
    """Quizzes to take and surveys to answer: two queries."""
    deputy = getattr(request.user, "deputy", None)
    if deputy is None:
        return []
    today = today or clock.today()
    home = reverse("training:home")
    return [
        Todo(label=gettext("培训测验待完成"), count=quizzes_open(deputy), url=home),
        Todo(
            label=gettext("需求调查待填写"),
            count=open_surveys(deputy, today=today).count(),
            url=home,
        ),
    ]


def register() -> None:
    register_panel(Role.DEPUTY, "training", "training/deputy_panel.html", deputy_panel, order=30)
    register_todo(Role.DEPUTY, "training", deputy_todos, order=40)
    register_nav("training.home", _("我的培训"), "training:home", roles=[Role.DEPUTY], order=35)
