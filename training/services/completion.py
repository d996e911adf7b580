"""Completion (结业): every session of the course attended, and its quiz passed where it has an
active one. The one function here keeps ``Enrollment.completed_on`` and the deputy's B05 credit
in step with the facts, whichever write changed them (attendance, an import, a quiz).

B05 (参加履职培训) is credited once per course: the course is the credit's source, and the
ledger's door is idempotent per (deputy, rule, source). Losing completion (an attendance taken
back) withdraws the credit.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from performance.public import Credit, LedgerError, ledger_credit_many, ledger_withdraw

from ..models import Attendance, CourseSession, Enrollment, Quiz, QuizAttempt
from .common import TrainingError, is_staff

B05 = "B05"
ERR_LEDGER = gettext_noop("履职档案未能记分：%(reason)s")
CREDIT_TITLE = gettext_noop("完成培训：%(course)s")
WITHDRAW_REASON = gettext_noop("培训结业条件不再满足（出勤或测试记录被撤销）")


def _completion_days(enrollments: list[Enrollment]) -> dict[int, date | None]:
    """Enrollment id → the day it was completed, or None; five grouped queries for any number
    of enrollments."""
    course_ids = {e.course_id for e in enrollments}
    ids = [e.pk for e in enrollments]
    sessions = {
        row["course_id"]: (row["n"], row["last"])
        for row in CourseSession.objects.filter(course_id__in=course_ids)
        .values("course_id")
        .annotate(n=Count("pk"), last=Max("date"))
        .order_by()
    }
    attended = {
        row["enrollment_id"]: (row["n"], row["last"])
        for row in Attendance.objects.filter(enrollment_id__in=ids)
        .values("enrollment_id")
        .annotate(n=Count("pk"), last=Max("session__date"))
        .order_by()
    }
    quizzes = set(
        Quiz.objects.filter(course_id__in=course_ids, is_active=True).values_list(
            "course_id", flat=True
        )
    )
    passed = {
        row["enrollment_id"]: row["first"]
        for row in QuizAttempt.objects.filter(
            enrollment_id__in=ids, passed=True, quiz__is_active=True
        )
        .values("enrollment_id")
        .annotate(first=Min("submitted_at"))
        .order_by()
    }
    days: dict[int, date | None] = {}
    for e in enrollments:
        n_sessions = sessions.get(e.course_id, (0, None))[0]
        n_attended, last_attended = attended.get(e.pk, (0, None))
        has_quiz = e.course_id in quizzes
        complete = (
            (n_sessions > 0 or has_quiz)
            and n_attended >= n_sessions
            and (not has_quiz or e.pk in passed)
        )
        if not complete:
            days[e.pk] = None
            continue
        candidates = [last_attended] if last_attended is not None else []
        if has_quiz:
            candidates.append(timezone.localdate(passed[e.pk]))
        days[e.pk] = max(candidates)
    return days


def completion_refresh(
    *,
    enrollments: Iterable[Enrollment],
    actor: User | None = None,
    today: date | None = None,
) -> tuple[int, int]:
    """Bring ``completed_on`` and B05 up to date for ``enrollments``; returns (newly completed,
    no longer completed). Callers have authorised the change that led here; the credit is
    given as the system unless staff acted. A ledger refusal (a frozen year, a date outside the
    deputy's office) raises :class:`TrainingError` so the caller's transaction rolls back."""
    today = today or clock.today()
    rows = list(
        Enrollment.objects.filter(pk__in={e.pk for e in enrollments}).select_related(
            "course", "deputy"
        )
    )
    if not rows:
        return 0, 0
    days = _completion_days(rows)
    done = [e for e in rows if e.completed_on is None and days[e.pk] is not None]
    undone = [e for e in rows if e.completed_on is not None and days[e.pk] is None]
    moved = [e for e in rows if e.completed_on and days[e.pk] and e.completed_on != days[e.pk]]
    credit_actor = actor if is_staff(actor) else None
    try:
        for e in undone:
            ledger_withdraw(
                deputy=e.deputy,
                rule_code=B05,
                source=e.course,
                reason=_(WITHDRAW_REASON),
                actor=credit_actor,
            )
        if done:
            ledger_credit_many(
                credits=[
                    Credit(
                        deputy=e.deputy,
                        rule_code=B05,
                        source=e.course,
                        occurred_on=days[e.pk],
                        title=_(CREDIT_TITLE) % {"course": e.course.title},
                    )
                    for e in done
                ],
                actor=credit_actor,
                today=today,
            )
    except LedgerError as exc:
        raise TrainingError(_(ERR_LEDGER) % {"reason": exc}) from exc
    changed = [*done, *undone, *moved]
    for e in changed:
        e.completed_on = days[e.pk]
    Enrollment.objects.bulk_update(changed, ["completed_on"])
    return len(done), len(undone)
