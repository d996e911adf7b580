"""The quiz admin, the clerk's workbench: who may open it, the quiz list at a flat query
count, choices checked against the question's kind before anything is saved, enabling or
disabling a quiz keeping completion and B05 in step, and deputies' attempts as a record
nobody adds to, changes or deletes."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from performance.models import LedgerEntry
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
from training.admin.quizzes import (
    ERR_KIND_CHANGE,
    ERR_MULTIPLE_SOME_CORRECT,
    ERR_SINGLE_ONE_CORRECT,
    ERR_TOO_FEW_CHOICES,
)
from training.models import Choice, Question, QuestionKind, Quiz, QuizAttempt
from training.services.enrolment import attendance_set

from .test_quizzes import build_quiz

pytestmark = pytest.mark.django_db
QUIZZES = reverse("admin:training_quiz_changelist")
ATTEMPTS = reverse("admin:training_quizattempt_changelist")


def management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def quiz_post(quiz, *, is_active=True, questions=None):
    """The quiz change form as posted, with its questions as they are unless ``questions``
    (pk → changed fields) says otherwise."""
    rows = list(quiz.questions.order_by("order", "pk"))
    data = {
        "course": str(quiz.course_id),
        "title": quiz.title,
        "pass_mark": str(quiz.pass_mark),
        "max_attempts": str(quiz.max_attempts),
        **({"is_active": "on"} if is_active else {}),
        **management("questions", len(rows), len(rows)),
    }
    for i, q in enumerate(rows):
        fields = {"order": q.order, "text": q.text, "kind": q.kind, "points": q.points}
        fields.update((questions or {}).get(q.pk, {}))
        data[f"questions-{i}-id"] = str(q.pk)
        data[f"questions-{i}-quiz"] = str(quiz.pk)
        data.update({f"questions-{i}-{k}": str(v) for k, v in fields.items()})
    return data


def question_post(question, kind, choices):
    """The question change form with ``choices`` as (text, correct) rows, all new."""
    data = {
        "quiz": str(question.quiz_id),
        "order": str(question.order),
        "text": question.text,
        "kind": kind,
        "points": str(question.points),
        **management("choices", len(choices), 0),
    }
    for i, (text, correct) in enumerate(choices):
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-order"] = str(i)
        data[f"choices-{i}-question"] = str(question.pk)
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
    return data


def attempt_of(quiz, deputy=None, **fields):
    enrollment = EnrollmentFactory(course=quiz.course, deputy=deputy or DeputyWithUserFactory())
    values = {"number": 1, "score": 80, "passed": True, "submitted_at": NOW, **fields}
    return QuizAttempt.objects.create(quiz=quiz, enrollment=enrollment, **values)


# --- who -------------------------------------------------------------------------------------


def test_only_staff_open_the_quiz_admin(client, deputy_client, unit_client, staff_user):
    for url in (QUIZZES, ATTEMPTS, reverse("admin:training_question_changelist")):
        assert client.get(url).status_code == 302
        assert deputy_client.get(url).status_code in (302, 403)
        assert unit_client.get(url).status_code in (302, 403)
    client.force_login(staff_user)
    for url in (QUIZZES, ATTEMPTS, reverse("admin:training_question_changelist")):
        assert client.get(url).status_code == 200


# --- quizzes ---------------------------------------------------------------------------------


def test_the_quiz_list_shows_counts_at_a_flat_cost(staff_client, django_assert_max_num_queries):
    t = build_quiz()
    attempt_of(t.quiz)
    with django_assert_max_num_queries(40) as small:
        body = staff_client.get(QUIZZES).content.decode()
    assert t.quiz.course.title in body
    assert f"?quiz__id__exact={t.quiz.pk}" in body  # the attempts count links to them
    for _ in range(6):
        build_quiz()
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(QUIZZES)


def test_the_quiz_page_lists_questions_that_cannot_be_answered(staff_client):
    t = build_quiz()
    lonely = QuestionFactory(quiz=t.quiz, order=9, text="只有一个选项的题")
    ChoiceFactory(question=lonely, is_correct=True)
    body = staff_client.get(reverse("admin:training_quiz_change", args=[t.quiz.pk]))
    assert "4. 只有一个选项的题" in body.content.decode()


def test_disabling_a_quiz_completes_who_attended_and_credits_b05(staff_client, staff_user):
    rule_set(2026)
    deputy = DeputyWithUserFactory()
    t = build_quiz()
    session = CourseSessionFactory(course=t.quiz.course, date=datetime.date(2026, 5, 10))
    enrollment = EnrollmentFactory(course=t.quiz.course, deputy=deputy)
    attendance_set(
        session=session, deputies=[deputy], actor=staff_user, today=datetime.date(2026, 6, 1)
    )
    assert not LedgerEntry.objects.filter(deputy=deputy, rule__code="B05").exists()
    url = reverse("admin:training_quiz_change", args=[t.quiz.pk])
    response = staff_client.post(url, quiz_post(t.quiz, is_active=False), follow=True)
    assert response.status_code == 200
    assert "新结业 1 人" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.completed_on == datetime.date(2026, 5, 10)
    assert LedgerEntry.objects.filter(deputy=deputy, rule__code="B05").count() == 1
    t.quiz.refresh_from_db()
    staff_client.post(url, quiz_post(t.quiz, is_active=True))
    assert not LedgerEntry.objects.filter(deputy=deputy, rule__code="B05").exists()
    assert AuditEvent.objects.filter(action="training.quiz.update").count() == 2


def test_adding_a_quiz_with_questions_warns_until_they_have_choices(staff_client):
    course = CourseFactory()
    data = {
        "course": str(course.pk),
        "title": "",
        "pass_mark": "80",
        "max_attempts": "3",
        "is_active": "on",
        **management("questions", 1, 0),
        "questions-0-order": "1",
        "questions-0-text": "代表小组活动多久开展一次？",
        "questions-0-kind": QuestionKind.SINGLE,
        "questions-0-points": "1",
    }
    response = staff_client.post(reverse("admin:training_quiz_add"), data, follow=True)
    assert response.status_code == 200
    quiz = Quiz.objects.get(course=course)
    assert (quiz.pass_mark, quiz.max_attempts) == (80, 3)
    assert quiz.questions.get().text == "代表小组活动多久开展一次？"
    assert "还不能作答" in response.content.decode()
    assert AuditEvent.objects.filter(action="training.quiz.create").exists()


def test_turning_a_question_single_needs_exactly_one_correct_choice(staff_client):
    t = build_quiz()  # q2 is multiple with two correct choices
    url = reverse("admin:training_quiz_change", args=[t.quiz.pk])
    data = quiz_post(t.quiz, questions={t.q2.pk: {"kind": QuestionKind.SINGLE}})
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert ERR_KIND_CHANGE % {"question": t.q2.text} in response.content.decode()
    t.q2.refresh_from_db()
    assert t.q2.kind == QuestionKind.MULTIPLE


def test_a_quiz_with_attempts_cannot_be_deleted(staff_client):
    t = build_quiz()
    attempt_of(t.quiz)
    url = reverse("admin:training_quiz_delete", args=[t.quiz.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert Quiz.objects.filter(pk=t.quiz.pk).exists()
    fresh = QuizFactory()
    staff_client.post(reverse("admin:training_quiz_delete", args=[fresh.pk]), {"post": "yes"})
    assert not Quiz.objects.filter(pk=fresh.pk).exists()


# --- questions and their choices -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "choices", "error"),
    [
        (QuestionKind.SINGLE, [("甲", True), ("乙", True)], ERR_SINGLE_ONE_CORRECT),
        (QuestionKind.SINGLE, [("甲", False), ("乙", False)], ERR_SINGLE_ONE_CORRECT),
        (QuestionKind.MULTIPLE, [("甲", False), ("乙", False)], ERR_MULTIPLE_SOME_CORRECT),
        (QuestionKind.MULTIPLE, [("甲", True)], ERR_TOO_FEW_CHOICES),
    ],
)
def test_choices_that_break_the_kind_are_refused(staff_client, kind, choices, error):
    question = QuestionFactory(kind=QuestionKind.SINGLE)
    url = reverse("admin:training_question_change", args=[question.pk])
    response = staff_client.post(url, question_post(question, kind, choices))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Choice.objects.exists()
    question.refresh_from_db()
    assert question.kind == QuestionKind.SINGLE


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        (QuestionKind.SINGLE, [("甲", True), ("乙", False), ("丙", False)]),
        (QuestionKind.MULTIPLE, [("甲", True), ("乙", True), ("丙", False)]),
    ],
)
def test_choices_that_fit_the_kind_are_saved(staff_client, kind, choices):
    question = QuestionFactory(kind=QuestionKind.SINGLE)
    url = reverse("admin:training_question_change", args=[question.pk])
    response = staff_client.post(url, question_post(question, kind, choices))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.kind == kind
    assert sorted(question.choices.values_list("text", "is_correct")) == sorted(choices)
    assert AuditEvent.objects.filter(action="training.question.save").count() == 1


def test_a_new_question_is_added_with_its_choices(staff_client):
    quiz = QuizFactory()
    data = question_post(
        Question(quiz=quiz, order=1, text="新的题目", points=2),
        QuestionKind.SINGLE,
        [("对", True), ("错", False)],
    )
    data = {k: v for k, v in data.items() if not k.endswith("-question")}
    response = staff_client.post(reverse("admin:training_question_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(text="新的题目")
    assert question.choices.filter(is_correct=True).count() == 1


# --- attempts --------------------------------------------------------------------------------


def test_attempts_list_with_deputy_course_and_score(staff_client):
    deputy = DeputyWithUserFactory(name="王代表")
    t = build_quiz()
    attempt_of(t.quiz, deputy=deputy, score=87.5)
    body = staff_client.get(ATTEMPTS).content.decode()
    assert "王代表" in body and t.quiz.course.title in body and "87.5" in body


def test_attempts_are_a_record_no_one_edits(staff_client):
    t = build_quiz()
    attempt = attempt_of(t.quiz, answers={str(t.q1.pk): [t.c["a"].pk]})
    change = reverse("admin:training_quizattempt_change", args=[attempt.pk])
    page = staff_client.get(change)
    assert page.status_code == 200
    assert f"1. {t.q1.text}：{t.c['a'].text}（对）" in page.content.decode()
    assert staff_client.post(change, {"score": "100"}).status_code == 403
    assert staff_client.get(reverse("admin:training_quizattempt_add")).status_code == 403
    delete = reverse("admin:training_quizattempt_delete", args=[attempt.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    attempt.refresh_from_db()
    assert attempt.score == 80


@pytest.mark.parametrize(
    "query",
    ["year=2026", "year=abc", "year=99999", "passed__exact=1", "passed__exact=x", "o=4", "q=王"],
)
def test_attempt_filters_never_500(staff_client, query):
    attempt_of(build_quiz().quiz)
    assert staff_client.get(f"{ATTEMPTS}?{query}").status_code in (200, 302)


def test_attempts_filter_by_passed_and_course_year(staff_client):
    this_year = build_quiz()
    last_year = build_quiz(course=CourseFactory(year=2025, title="去年的课程"))
    failed = attempt_of(this_year.quiz, passed=False, score=20)
    passed = attempt_of(last_year.quiz)

    def shown(query):
        body = staff_client.get(f"{ATTEMPTS}?{query}").content.decode()
        return {
            a.pk
            for a in (failed, passed)
            if reverse("admin:training_quizattempt_change", args=[a.pk]) in body
        }

    assert shown("") == {failed.pk, passed.pk}
    assert shown("year=2025") == {passed.pk}
    assert shown("passed__exact=0") == {failed.pk}
    assert shown(f"quiz__id__exact={this_year.quiz.pk}") == {failed.pk}  # the quiz list's link
