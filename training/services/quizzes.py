"""Online tests (在线测试): a deputy submits answers, the server scores them.

Scoring happens here and only here, so the correct choices never need to leave the server:
the quiz page is drawn from question and choice texts, and the deputy learns the result after
submitting. A question counts when the set of choices picked is exactly the set of correct
ones (no partial credit for multiple choice); the score is the share of points earned, out of
100, to one decimal.

Attempts are numbered per enrollment under a row lock on the enrollment; the unique
(enrollment, quiz, number) constraint refuses a second submission that raced past the lock
(SQLite has no row locks), so two taps of 提交 never spend two attempts or exceed the limit.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.audit import audit_record
from deputies.models import Deputy

from ..models import Course, Enrollment, Question, QuestionKind, Quiz, QuizAttempt
from .common import TrainingError, staff_required
from .completion import completion_refresh

ERR_SELF_ONLY = gettext_noop("只有代表本人可以参加测试。")
ERR_NOT_ENROLLED = gettext_noop("您未报名“%(course)s”，报名后才能参加测试。")
ERR_INACTIVE = gettext_noop("“%(course)s”的测试已停用。")
ERR_DEADLINE_PASSED = gettext_noop("“%(course)s”的完成期限 %(date)s 已过，不能再作答。")
ERR_ALREADY_PASSED = gettext_noop("您已通过本次测试，无需再作答。")
ERR_NO_ATTEMPTS_LEFT = gettext_noop("作答次数已用完（共 %(max)d 次），或本次作答已经提交。")
ERR_NO_QUESTIONS = gettext_noop("本次测试还没有题目，请联系工委工作人员。")
ERR_UNANSWERED = gettext_noop("第 %(n)d 题未作答。")
ERR_SINGLE_ONE_CHOICE = gettext_noop("第 %(n)d 题是单选题，只能选一项。")
ERR_FOREIGN_CHOICE = gettext_noop("第 %(n)d 题的选项无效，请重新选择。")
ERR_UNKNOWN_QUESTION = gettext_noop("作答中有不属于本测试的题目，请刷新页面后重新作答。")

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Tally:
    """What an enrollment has done so far in a quiz: attempts used and whether one passed."""

    used: int
    passed: bool


def quiz_tally(*, enrollment: Enrollment, quiz: Quiz) -> Tally:
    """One grouped query."""
    row = QuizAttempt.objects.filter(enrollment=enrollment, quiz=quiz).aggregate(
        used=Count("pk"), passes=Count("pk", filter=Q(passed=True))
    )
    return Tally(used=row["used"], passed=row["passes"] > 0)


def attempt_refusal(
    *, quiz: Quiz, enrollment: Enrollment | None, tally: Tally, today: date
) -> str | None:
    """Why ``quiz`` may not be taken now by this enrollment (a message for the deputy), or None.
    Shared by the service and the quiz page, so the page never offers what the service would
    refuse."""
    course = quiz.course
    if enrollment is None:
        return _(ERR_NOT_ENROLLED) % {"course": course.title}
    if not quiz.is_active:
        return _(ERR_INACTIVE) % {"course": course.title}
    if course.deadline is not None and course.deadline < today:
        return _(ERR_DEADLINE_PASSED) % {"course": course.title, "date": course.deadline}
    if tally.passed:
        return _(ERR_ALREADY_PASSED)
    if tally.used >= quiz.max_attempts:
        return _(ERR_NO_ATTEMPTS_LEFT) % {"max": quiz.max_attempts}
    return None


def quiz_questions(quiz: Quiz) -> list[Question]:
    """The quiz's questions in the order shown, each with its choices prefetched (two
    queries). Position in this list (from 1) is the number the deputy sees: 第 N 题."""
    return list(quiz.questions.prefetch_related("choices").order_by("order", "pk"))


def answers_check(
    *, questions: Sequence[Question], answers: dict[int, list[int]]
) -> dict[int, set[int]]:
    """The answers as question id → set of choice ids, after checking each question is
    answered, a single-choice question has one choice, and every id belongs where it claims.
    Raises :class:`TrainingError` naming the first question at fault."""
    known = {q.pk for q in questions}
    if any(key not in known for key in answers):
        raise TrainingError(_(ERR_UNKNOWN_QUESTION))
    picked: dict[int, set[int]] = {}
    for n, question in enumerate(questions, start=1):
        chosen = set(answers.get(question.pk) or ())
        if not chosen:
            raise TrainingError(_(ERR_UNANSWERED) % {"n": n})
        if question.kind == QuestionKind.SINGLE and len(chosen) > 1:
            raise TrainingError(_(ERR_SINGLE_ONE_CHOICE) % {"n": n})
        if not chosen <= {c.pk for c in question.choices.all()}:
            raise TrainingError(_(ERR_FOREIGN_CHOICE) % {"n": n})
        picked[question.pk] = chosen
    return picked


def is_right(question: Question, chosen: set[int]) -> bool:
    """Exactly the correct choices, no more and no fewer."""
    return chosen == {c.pk for c in question.choices.all() if c.is_correct}


def score_of(*, questions: Sequence[Question], picked: dict[int, set[int]]) -> Decimal:
    """Points earned out of all points, as a percentage rounded half up to one decimal."""
    total = sum(q.points for q in questions)
    earned = sum(q.points for q in questions if is_right(q, picked.get(q.pk, set())))
    return (Decimal(earned) * 100 / Decimal(total)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


@transaction.atomic
def quiz_attempt_submit(
    *,
    quiz: Quiz,
    deputy: Deputy,
    answers: dict[int, list[int]],
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
) -> QuizAttempt:
    """Score ``answers`` (question id → chosen choice ids) as the deputy's next attempt and
    keep completion and B05 in step. Only the deputy may answer: staff do not take tests for
    deputies, and neither does the system. Nothing is written when refused."""
    if actor is None or getattr(actor, "deputy", None) is None or actor.deputy.pk != deputy.pk:
        raise TrainingError(_(ERR_SELF_ONLY))
    now = now or clock.now()
    today = today or clock.day_of(now)
    course = quiz.course
    # The lock serialises one deputy's submissions for this course (PostgreSQL); numbering
    # then reads a count nobody else is changing.
    enrollment = Enrollment.objects.select_for_update().filter(course=course, deputy=deputy).first()
    tally = quiz_tally(enrollment=enrollment, quiz=quiz) if enrollment else Tally(0, False)
    refusal = attempt_refusal(quiz=quiz, enrollment=enrollment, tally=tally, today=today)
    if refusal:
        raise TrainingError(refusal)
    questions = quiz_questions(quiz)
    if not questions:
        raise TrainingError(_(ERR_NO_QUESTIONS))
    picked = answers_check(questions=questions, answers=answers)
    score = score_of(questions=questions, picked=picked)
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                quiz=quiz,
                enrollment=enrollment,
                number=tally.used + 1,
                score=score,
                passed=score >= quiz.pass_mark,
                answers={str(pk): sorted(ids) for pk, ids in picked.items()},
                submitted_at=now,
            )
    except IntegrityError as exc:  # the same number, taken by a submission that raced this one
        raise TrainingError(_(ERR_NO_ATTEMPTS_LEFT) % {"max": quiz.max_attempts}) from exc
    completion_refresh(enrollments=[enrollment], actor=None, today=today)
    audit_record(
        actor=actor,
        action="training.quiz.submit",
        target=attempt,
        summary=f"{deputy} · {course.title} · {attempt.number} · {score}",
        data={
            "course": course.pk,
            "deputy": deputy.code,
            "number": attempt.number,
            "score": str(score),
            "passed": attempt.passed,
        },
    )
    return attempt


@transaction.atomic
def quiz_rules_changed(
    *, course: Course, action: str, actor: User | None, today: date | None = None
) -> tuple[int, int]:
    """After staff add, enable, disable or remove a course's quiz: completion requires a
    passed quiz only while an active one exists, so every enrollment of the course is brought
    in step (B05 credited or withdrawn). ``action`` names the change for the audit trail
    (``"create"``, ``"update"``, ``"delete"``). Returns (newly completed, no longer completed).
    A ledger refusal raises :class:`TrainingError` and nothing here is kept."""
    staff_required(actor)
    enrollments = list(Enrollment.objects.filter(course=course))
    done, undone = completion_refresh(enrollments=enrollments, actor=actor, today=today)
    audit_record(
        actor=actor,
        action=f"training.quiz.{action}",
        target=course,
        summary=str(course),
        data={"completed": done, "uncompleted": undone},
    )
    return done, undone
