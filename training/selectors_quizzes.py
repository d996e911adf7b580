"""Reads for online tests: where a deputy stands in a course's quiz, and the review of one
attempt. The review reveals the correct choices only once they can no longer help: the quiz
is passed or no attempt is left."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from core import clock
from deputies.models import Deputy

from .models import Choice, Enrollment, Question, QuestionKind, Quiz, QuizAttempt
from .services.quizzes import Tally, attempt_refusal, is_right


@dataclass(frozen=True)
class QuizStanding:
    """One enrollment in one quiz: the attempts so far (oldest first) and what follows."""

    quiz: Quiz
    enrollment: Enrollment | None
    attempts: list[QuizAttempt]
    refusal: str | None  # why the quiz may not be taken now, for the deputy

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def left(self) -> int:
        return max(self.quiz.max_attempts - self.used, 0)

    @property
    def best(self) -> Decimal | None:
        return max((a.score for a in self.attempts), default=None)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def may_take(self) -> bool:
        return self.refusal is None

    @property
    def reveals_answers(self) -> bool:
        """Correct choices may be shown: passed, or nothing left to try with them."""
        return self.passed or (self.enrollment is not None and self.left == 0)


def quiz_standing(
    *, quiz: Quiz, enrollment: Enrollment | None, today: date | None = None
) -> QuizStanding:
    """One query (the enrollment's attempts, at most ``max_attempts`` rows); ``quiz.course``
    should come selected with the quiz."""
    today = today or clock.today()
    attempts = (
        list(QuizAttempt.objects.filter(enrollment=enrollment, quiz=quiz).order_by("number"))
        if enrollment is not None
        else []
    )
    tally = Tally(used=len(attempts), passed=any(a.passed for a in attempts))
    return QuizStanding(
        quiz=quiz,
        enrollment=enrollment,
        attempts=attempts,
        refusal=attempt_refusal(quiz=quiz, enrollment=enrollment, tally=tally, today=today),
    )


def deputy_enrollment(*, course_id: int, deputy: Deputy) -> Enrollment | None:
    return Enrollment.objects.filter(course_id=course_id, deputy=deputy).first()


def deputy_attempts(deputy: Deputy) -> QuerySet[QuizAttempt]:
    """The deputy's own attempts (the attempt page looks only here: another's is a 404)."""
    return QuizAttempt.objects.filter(enrollment__deputy=deputy).select_related(
        "quiz__course", "enrollment"
    )


@dataclass
class ReviewChoice:
    choice: Choice
    picked: bool
    correct: bool | None  # None while the correct choices stay hidden


@dataclass
class ReviewRow:
    number: int
    question: Question
    right: bool
    answered: bool
    choices: list[ReviewChoice] = field(default_factory=list)

    @property
    def is_single(self) -> bool:
        return self.question.kind == QuestionKind.SINGLE


def attempt_review(
    *, attempt: QuizAttempt, questions: list[Question], reveal: bool
) -> list[ReviewRow]:
    """Each question with what the attempt picked and whether it was right; the correct
    choices themselves only when ``reveal``. Questions added after the attempt show as not
    answered. No query beyond the questions given (choices prefetched)."""
    answers = attempt.answers or {}
    rows = []
    for n, question in enumerate(questions, start=1):
        raw = answers.get(str(question.pk))
        picked = {pk for pk in raw if isinstance(pk, int)} if isinstance(raw, list) else set()
        rows.append(
            ReviewRow(
                number=n,
                question=question,
                right=bool(picked) and is_right(question, picked),
                answered=bool(picked),
                choices=[
                    ReviewChoice(
                        choice=c,
                        picked=c.pk in picked,
                        correct=c.is_correct if reveal else None,
                    )
                    for c in question.choices.all()
                ],
            )
        )
    return rows


def incomplete_questions(quiz: Quiz) -> list[tuple[int, Question]]:
    """Questions a deputy could not answer right, with their number (第 N 题): fewer than two
    choices, no correct choice, or a single-choice question with more than one. One query;
    the admin warns the clerk about them."""
    rows = quiz.questions.order_by("order", "pk").annotate(
        n_choices=Count("choices"),
        n_correct=Count("choices", filter=Q(choices__is_correct=True)),
    )
    return [
        (n, q)
        for n, q in enumerate(rows, start=1)
        if q.n_choices < 2
        or q.n_correct == 0
        or (q.kind == QuestionKind.SINGLE and q.n_correct != 1)
    ]
