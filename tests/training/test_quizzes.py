"""Online tests: scoring on the server (exact sets, points, one decimal), every refusal with
nothing written, attempt numbering backed by the unique constraint, completion and B05 once,
the standing read in one query, and the admin's quiz switches keeping completion in step."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.models import AuditEvent
from performance.models import LedgerEntry
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyWithUserFactory
from tests.performance.factories import rule_set
from tests.training.factories import (
    NOW,
    ChoiceFactory,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    QuestionFactory,
    QuizFactory,
)
from training.models import QuestionKind, QuizAttempt
from training.selectors_quizzes import attempt_review, incomplete_questions, quiz_standing
from training.services import TrainingError
from training.services import quizzes as service
from training.services.common import ERR_STAFF_ONLY
from training.services.enrolment import attendance_set, course_enrol
from training.services.quizzes import (
    ERR_ALREADY_PASSED,
    ERR_DEADLINE_PASSED,
    ERR_FOREIGN_CHOICE,
    ERR_INACTIVE,
    ERR_NO_ATTEMPTS_LEFT,
    ERR_NO_QUESTIONS,
    ERR_NOT_ENROLLED,
    ERR_SELF_ONLY,
    ERR_SINGLE_ONE_CHOICE,
    ERR_UNANSWERED,
    ERR_UNKNOWN_QUESTION,
    Tally,
    quiz_attempt_submit,
    quiz_questions,
    quiz_rules_changed,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def build_quiz(course=None, **quiz_fields):
    """Three questions worth 4 points: 1 single (a right), 2 multiple worth 2 (c and d
    right), 3 single (g right)."""
    quiz = QuizFactory(course=course or CourseFactory(), **quiz_fields)
    q1 = QuestionFactory(quiz=quiz, order=1, text="代表法规定的代表权利")
    q2 = QuestionFactory(quiz=quiz, order=2, kind=QuestionKind.MULTIPLE, points=2)
    q3 = QuestionFactory(quiz=quiz, order=3)
    c = {
        "a": ChoiceFactory(question=q1, is_correct=True),
        "b": ChoiceFactory(question=q1),
        "c": ChoiceFactory(question=q2, is_correct=True),
        "d": ChoiceFactory(question=q2, is_correct=True),
        "e": ChoiceFactory(question=q2),
        "f": ChoiceFactory(question=q3),
        "g": ChoiceFactory(question=q3, is_correct=True),
    }
    return SimpleNamespace(quiz=quiz, q1=q1, q2=q2, q3=q3, c=c)


def answers(t, q1="a", q2="cd", q3="g"):
    return {
        t.q1.pk: [t.c[x].pk for x in q1],
        t.q2.pk: [t.c[x].pk for x in q2],
        t.q3.pk: [t.c[x].pk for x in q3],
    }


@pytest.fixture
def t():
    return build_quiz(pass_mark=60, max_attempts=2)


@pytest.fixture
def enrolled(t):
    deputy = DeputyWithUserFactory()
    EnrollmentFactory(course=t.quiz.course, deputy=deputy)
    return deputy


def submit(t, deputy, given, **kwargs):
    kwargs.setdefault("actor", deputy.user)
    return quiz_attempt_submit(
        quiz=t.quiz, deputy=deputy, answers=given, today=TODAY, now=NOW, **kwargs
    )


def refused(t, deputy, given, message, **kwargs):
    before = (QuizAttempt.objects.count(), AuditEvent.objects.count())
    with pytest.raises(TrainingError) as exc:
        submit(t, deputy, given, **kwargs)
    assert str(exc.value) == message
    assert (QuizAttempt.objects.count(), AuditEvent.objects.count()) == before


# --- scoring ---------------------------------------------------------------------------------


def test_all_right_scores_100_and_stores_the_answers_sorted(t, enrolled):
    given = answers(t, q2="dc")
    attempt = submit(t, enrolled, given)
    assert attempt.number == 1 and attempt.score == Decimal("100.0") and attempt.passed
    assert attempt.submitted_at == NOW
    assert attempt.answers == {
        str(t.q1.pk): [t.c["a"].pk],
        str(t.q2.pk): sorted([t.c["c"].pk, t.c["d"].pk]),
        str(t.q3.pk): [t.c["g"].pk],
    }
    event = AuditEvent.objects.get(action="training.quiz.submit")
    assert event.data["score"] == "100.0" and event.data["passed"] is True
    assert event.actor == enrolled.user


@pytest.mark.parametrize("picked", ["c", "cde", "e"])
def test_a_multiple_choice_question_counts_only_for_the_exact_set(t, enrolled, picked):
    attempt = submit(t, enrolled, answers(t, q2=picked))
    assert attempt.score == Decimal("50.0")  # 2 of 4 points: q2 is worth 2
    assert not attempt.passed


def test_points_weigh_questions_and_the_score_rounds_to_one_decimal():
    course = CourseFactory()
    quiz = QuizFactory(course=course, pass_mark=60, max_attempts=5)
    questions = [QuestionFactory(quiz=quiz, order=i) for i in range(3)]
    right = [ChoiceFactory(question=q, is_correct=True) for q in questions]
    wrong = [ChoiceFactory(question=q) for q in questions]
    deputy = DeputyWithUserFactory()
    EnrollmentFactory(course=course, deputy=deputy)
    t = SimpleNamespace(quiz=quiz)
    two = {q.pk: [(right if i < 2 else wrong)[i].pk] for i, q in enumerate(questions)}
    first = submit(t, deputy, two)
    assert first.score == Decimal("66.7") and first.passed
    QuizAttempt.objects.all().delete()  # the next is a first attempt again
    one = {q.pk: [(right if i < 1 else wrong)[i].pk] for i, q in enumerate(questions)}
    assert submit(t, deputy, one).score == Decimal("33.3")


def test_a_score_equal_to_the_pass_mark_passes(enrolled):
    t = build_quiz(course=None, pass_mark=50)
    EnrollmentFactory(course=t.quiz.course, deputy=enrolled)
    attempt = submit(t, enrolled, answers(t, q2="e"))
    assert attempt.score == Decimal("50.0") and attempt.passed


# --- who, when, how often --------------------------------------------------------------------


def test_only_the_deputy_themself_may_submit(t, enrolled):
    other = DeputyWithUserFactory()
    refused(t, enrolled, answers(t), ERR_SELF_ONLY, actor=other.user)
    refused(t, enrolled, answers(t), ERR_SELF_ONLY, actor=StaffUserFactory())
    refused(t, enrolled, answers(t), ERR_SELF_ONLY, actor=None)


def test_not_enrolled_is_refused(t):
    deputy = DeputyWithUserFactory()
    message = ERR_NOT_ENROLLED % {"course": t.quiz.course.title}
    refused(t, deputy, answers(t), message)


def test_an_inactive_quiz_is_refused(t, enrolled):
    t.quiz.is_active = False
    t.quiz.save()
    refused(t, enrolled, answers(t), ERR_INACTIVE % {"course": t.quiz.course.title})


def test_the_course_deadline_closes_the_quiz_the_day_after(t, enrolled):
    course = t.quiz.course
    course.deadline = TODAY
    course.save()
    assert submit(t, enrolled, answers(t, q1="b")).number == 1  # on the day: still open
    course.deadline = TODAY - datetime.timedelta(days=1)
    course.save()
    message = ERR_DEADLINE_PASSED % {"course": course.title, "date": course.deadline}
    refused(t, enrolled, answers(t), message)


def test_a_passed_quiz_is_not_taken_again(t, enrolled):
    submit(t, enrolled, answers(t))
    refused(t, enrolled, answers(t), ERR_ALREADY_PASSED)


def test_attempts_beyond_the_limit_are_refused_with_nothing_written(t, enrolled):
    first = submit(t, enrolled, answers(t, q1="b", q3="f"))
    second = submit(t, enrolled, answers(t, q1="b", q2="c"))
    assert (first.number, second.number) == (1, 2)
    assert (first.score, second.score) == (Decimal("50.0"), Decimal("25.0"))
    assert not first.passed and not second.passed
    refused(t, enrolled, answers(t), ERR_NO_ATTEMPTS_LEFT % {"max": 2})
    assert QuizAttempt.objects.filter(enrollment__deputy=enrolled).count() == 2


def test_a_raced_submission_is_refused_by_the_unique_number(t, enrolled, monkeypatch):
    """Two submissions that both read "no attempt yet" (no row lock on SQLite): the second
    insert of number 1 hits the constraint and becomes the same refusal, nothing written."""
    submit(t, enrolled, answers(t, q1="b", q3="f"))
    monkeypatch.setattr(service, "quiz_tally", lambda **kw: Tally(used=0, passed=False))
    refused(t, enrolled, answers(t), ERR_NO_ATTEMPTS_LEFT % {"max": 2})
    assert list(QuizAttempt.objects.values_list("number", flat=True)) == [1]


# --- the answers themselves ------------------------------------------------------------------


def test_an_unanswered_question_is_named(t, enrolled):
    given = answers(t)
    given[t.q2.pk] = []
    refused(t, enrolled, given, ERR_UNANSWERED % {"n": 2})
    del given[t.q2.pk]
    refused(t, enrolled, given, ERR_UNANSWERED % {"n": 2})
    assert ERR_UNANSWERED % {"n": 2} == "第 2 题未作答。"


def test_a_single_choice_question_takes_one_choice(t, enrolled):
    refused(t, enrolled, answers(t, q3="fg"), ERR_SINGLE_ONE_CHOICE % {"n": 3})


def test_a_choice_of_another_question_or_none_at_all_is_refused(t, enrolled):
    refused(t, enrolled, answers(t, q1="c"), ERR_FOREIGN_CHOICE % {"n": 1})
    given = answers(t)
    given[t.q3.pk] = [999_999]
    refused(t, enrolled, given, ERR_FOREIGN_CHOICE % {"n": 3})


def test_an_unknown_question_is_refused(t, enrolled):
    other = build_quiz()
    given = {**answers(t), other.q1.pk: [other.c["a"].pk]}
    refused(t, enrolled, given, ERR_UNKNOWN_QUESTION)


def test_a_quiz_without_questions_is_refused(enrolled):
    quiz = QuizFactory()
    EnrollmentFactory(course=quiz.course, deputy=enrolled)
    refused(SimpleNamespace(quiz=quiz), enrolled, {}, ERR_NO_QUESTIONS)


# --- completion and B05 ----------------------------------------------------------------------


def _b05(deputy):
    return LedgerEntry.objects.filter(deputy=deputy, rule__code="B05")


def test_passing_after_attending_every_session_credits_b05_once():
    rule_set(2026)
    staff, deputy = StaffUserFactory(), DeputyWithUserFactory()
    t = build_quiz(pass_mark=60, max_attempts=3)
    course = t.quiz.course
    sessions = [
        CourseSessionFactory(course=course, date=datetime.date(2026, 5, day)) for day in (10, 17)
    ]
    enrollment = course_enrol(course=course, deputy=deputy, actor=staff, now=NOW)
    for session in sessions:
        attendance_set(session=session, deputies=[deputy], actor=staff, today=TODAY, now=NOW)
    assert not _b05(deputy).exists()  # sessions attended, quiz not yet passed
    failed = submit(t, deputy, answers(t, q1="b", q2="c"))
    assert not failed.passed and not _b05(deputy).exists()
    submit(t, deputy, answers(t))
    enrollment.refresh_from_db()
    assert enrollment.completed_on == TODAY
    entry = _b05(deputy).get()
    assert entry.occurred_on == TODAY and course.title in entry.title
    # The next refresh, for whatever reason, credits nothing more.
    attendance_set(session=sessions[1], deputies=[deputy], actor=staff, today=TODAY, now=NOW)
    assert _b05(deputy).count() == 1


def test_passing_without_attending_does_not_complete():
    rule_set(2026)
    deputy = DeputyWithUserFactory()
    t = build_quiz()
    CourseSessionFactory(course=t.quiz.course, date=datetime.date(2026, 5, 10))
    enrollment = EnrollmentFactory(course=t.quiz.course, deputy=deputy)
    assert submit(t, deputy, answers(t)).passed
    enrollment.refresh_from_db()
    assert enrollment.completed_on is None and not _b05(deputy).exists()


def test_disabling_and_enabling_the_quiz_keeps_completion_in_step():
    rule_set(2026)
    staff, deputy = StaffUserFactory(), DeputyWithUserFactory()
    t = build_quiz()
    session = CourseSessionFactory(course=t.quiz.course, date=datetime.date(2026, 5, 10))
    enrollment = course_enrol(course=t.quiz.course, deputy=deputy, actor=staff, now=NOW)
    attendance_set(session=session, deputies=[deputy], actor=staff, today=TODAY, now=NOW)
    assert not _b05(deputy).exists()
    t.quiz.is_active = False
    t.quiz.save()
    assert quiz_rules_changed(course=t.quiz.course, action="update", actor=staff) == (1, 0)
    assert _b05(deputy).count() == 1
    t.quiz.is_active = True
    t.quiz.save()
    assert quiz_rules_changed(course=t.quiz.course, action="update", actor=staff) == (0, 1)
    enrollment.refresh_from_db()
    assert enrollment.completed_on is None and not _b05(deputy).exists()
    assert AuditEvent.objects.filter(action="training.quiz.update").count() == 2
    with pytest.raises(TrainingError) as exc:
        quiz_rules_changed(course=t.quiz.course, action="update", actor=deputy.user)
    assert str(exc.value) == ERR_STAFF_ONLY


# --- reads -----------------------------------------------------------------------------------


def test_standing_in_one_query(t, enrolled, django_assert_num_queries):
    enrollment = enrolled.training_enrollments.get()
    submit(t, enrolled, answers(t, q1="b", q3="f"))
    quiz = type(t.quiz).objects.select_related("course").get(pk=t.quiz.pk)
    with django_assert_num_queries(1):
        standing = quiz_standing(quiz=quiz, enrollment=enrollment, today=TODAY)
        assert (standing.used, standing.left, standing.best) == (1, 1, Decimal("50.0"))
        assert not standing.passed and standing.may_take and not standing.reveals_answers
    submit(t, enrolled, answers(t, q1="b"))
    standing = quiz_standing(quiz=quiz, enrollment=enrollment, today=TODAY)
    assert standing.passed and standing.best == Decimal("75.0") and standing.left == 0
    assert standing.refusal == ERR_ALREADY_PASSED and standing.reveals_answers


def test_standing_of_someone_not_enrolled_needs_no_query(t, django_assert_num_queries):
    quiz = type(t.quiz).objects.select_related("course").get(pk=t.quiz.pk)
    with django_assert_num_queries(0):
        standing = quiz_standing(quiz=quiz, enrollment=None, today=TODAY)
    assert standing.refusal == ERR_NOT_ENROLLED % {"course": quiz.course.title}
    assert not standing.may_take and not standing.reveals_answers


def test_the_review_hides_the_correct_choices_unless_told(t, enrolled):
    attempt = submit(t, enrolled, answers(t, q2="c"))
    hidden = attempt_review(attempt=attempt, questions=quiz_questions(t.quiz), reveal=False)
    assert [r.right for r in hidden] == [True, False, True]
    assert all(c.correct is None for r in hidden for c in r.choices)
    assert [c.picked for c in hidden[1].choices] == [True, False, False]
    shown = attempt_review(attempt=attempt, questions=quiz_questions(t.quiz), reveal=True)
    assert [c.correct for c in shown[1].choices] == [True, True, False]


def test_incomplete_questions_are_found():
    quiz = QuizFactory()
    fine = QuestionFactory(quiz=quiz, order=1)
    ChoiceFactory(question=fine, is_correct=True)
    ChoiceFactory(question=fine)
    lonely = QuestionFactory(quiz=quiz, order=2)
    ChoiceFactory(question=lonely, is_correct=True)
    none_right = QuestionFactory(quiz=quiz, order=3, kind=QuestionKind.MULTIPLE)
    ChoiceFactory.create_batch(2, question=none_right)
    two_right = QuestionFactory(quiz=quiz, order=4)
    ChoiceFactory.create_batch(2, question=two_right, is_correct=True)
    assert [(n, q.pk) for n, q in incomplete_questions(quiz)] == [
        (2, lonely.pk),
        (3, none_right.pk),
        (4, two_right.pk),
    ]
