"""The deputy's quiz page and attempt page, for each role: the page never carries the
correct answers (byte for byte the same whichever choice is right), a POST is scored on the
server and leads to the deputy's own result, bad values re-show the form with nothing
written, the correct choices appear only once passed or out of attempts, and the page costs
the same number of queries however long the quiz."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from performance.models import LedgerEntry
from tests.accounts.factories import StaffUserFactory
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
from training.models import Choice, QuestionKind, QuizAttempt
from training.services.enrolment import attendance_set
from training.services.quizzes import (
    ERR_ALREADY_PASSED,
    ERR_DEADLINE_PASSED,
    ERR_FOREIGN_CHOICE,
    ERR_NO_ATTEMPTS_LEFT,
    ERR_NOT_ENROLLED,
    ERR_UNANSWERED,
)

from .test_quizzes import build_quiz

pytestmark = pytest.mark.django_db
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def t(deputy):
    t = build_quiz(pass_mark=60, max_attempts=2)
    t.course = t.quiz.course
    t.enrollment = EnrollmentFactory(course=t.course, deputy=deputy)
    return t


def quiz_url(t):
    return reverse("training:quiz", args=[t.course.pk])


def post_of(t, q1="a", q2="cd", q3="g"):
    return {
        f"q{t.q1.pk}": [str(t.c[x].pk) for x in q1],
        f"q{t.q2.pk}": [str(t.c[x].pk) for x in q2],
        f"q{t.q3.pk}": [str(t.c[x].pk) for x in q3],
    }


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- roles -----------------------------------------------------------------------------------


def test_anonymous_users_go_to_the_login_page(client, t):
    attempt = QuizAttempt.objects.create(
        quiz=t.quiz, enrollment=t.enrollment, number=1, score=50, passed=False, submitted_at=NOW
    )
    for url in (quiz_url(t), reverse("training:attempt", args=[attempt.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(quiz_url(t), post_of(t)).status_code == 302
    assert QuizAttempt.objects.count() == 1


def test_staff_and_unit_users_get_403(t, unit_user):
    attempt = QuizAttempt.objects.create(
        quiz=t.quiz, enrollment=t.enrollment, number=1, score=50, passed=False, submitted_at=NOW
    )
    for user in (StaffUserFactory(), unit_user):
        client = login(user)
        assert client.get(quiz_url(t)).status_code == 403
        assert client.post(quiz_url(t), post_of(t)).status_code == 403
        assert client.get(reverse("training:attempt", args=[attempt.pk])).status_code == 403
    assert QuizAttempt.objects.count() == 1


def test_another_deputys_attempt_is_404(t, other_deputy):
    attempt = QuizAttempt.objects.create(
        quiz=t.quiz, enrollment=t.enrollment, number=1, score=50, passed=False, submitted_at=NOW
    )
    url = reverse("training:attempt", args=[attempt.pk])
    assert login(other_deputy.user).get(url).status_code == 404
    assert login(t.enrollment.deputy.user).get(url).status_code == 200


def test_unknown_course_no_quiz_or_unknown_attempt_is_404(deputy_client, deputy):
    plain = CourseFactory()
    EnrollmentFactory(course=plain, deputy=deputy)
    assert deputy_client.get(reverse("training:quiz", args=[plain.pk])).status_code == 404
    assert deputy_client.get(reverse("training:quiz", args=[999_999])).status_code == 404
    assert deputy_client.get(reverse("training:attempt", args=[999_999])).status_code == 404
    assert deputy_client.get("/training/courses/abc/quiz/").status_code == 404


def test_an_unpublished_course_quiz_is_404_unless_enrolled(deputy_client, deputy):
    hidden = QuizFactory(course=CourseFactory(is_published=False))
    url = reverse("training:quiz", args=[hidden.course.pk])
    assert deputy_client.get(url).status_code == 404
    EnrollmentFactory(course=hidden.course, deputy=deputy)
    assert deputy_client.get(url).status_code == 200


def test_a_deputy_not_enrolled_is_told_so(other_deputy, t):
    client = login(other_deputy.user)
    response = client.get(quiz_url(t))
    body = response.content.decode()
    assert response.status_code == 200
    assert ERR_NOT_ENROLLED % {"course": t.course.title} in body
    assert 'id="quiz-form"' not in body and t.q1.text not in body
    response = client.post(quiz_url(t), post_of(t))
    assert response.status_code == 200
    assert ERR_NOT_ENROLLED % {"course": t.course.title} in response.content.decode()
    assert not QuizAttempt.objects.exists()


# --- the quiz page ---------------------------------------------------------------------------


def test_the_page_offers_radios_and_checkboxes_with_pass_mark_and_attempts(deputy_client, t):
    body = deputy_client.get(quiz_url(t)).content.decode()
    assert t.q1.text in body and all(c.text in body for c in t.c.values())
    assert body.count('type="radio"') == 4 and body.count('type="checkbox"') == 3
    assert "60 分及格" in body and "还可作答 2 次（共 2 次）" in body
    assert "is_correct" not in body and "正确答案" not in body


def test_the_page_is_the_same_whichever_choice_is_correct(deputy_client, t):
    def page():
        return CSRF.sub(b"", deputy_client.get(quiz_url(t)).content)

    before = page()
    Choice.objects.filter(question=t.q1).update(is_correct=False)
    Choice.objects.filter(pk=t.c["b"].pk).update(is_correct=True)
    Choice.objects.filter(question=t.q2).update(is_correct=True)
    assert page() == before


def test_the_page_costs_the_same_however_long_the_quiz(
    deputy_client, t, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30) as small:
        deputy_client.get(quiz_url(t))
    for _ in range(8):
        question = QuestionFactory(quiz=t.quiz, kind=QuestionKind.MULTIPLE)
        ChoiceFactory.create_batch(4, question=question)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = deputy_client.get(quiz_url(t)).content.decode()
    assert body.count("<fieldset") == 11


# --- submitting ------------------------------------------------------------------------------


def test_a_right_answer_sheet_passes_and_leads_to_its_result(deputy_client, t):
    response = deputy_client.post(quiz_url(t), post_of(t))
    attempt = QuizAttempt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:attempt", args=[attempt.pk])
    assert attempt.score == 100 and attempt.passed and attempt.submitted_at == NOW
    body = deputy_client.get(response["Location"]).content.decode()
    assert 'id="attempt-score">100.0<' in body and "通过" in body and "全部答对" in body
    assert body.count("lv-correct") == 4  # passed: the answers may be seen (a, c, d, g)


def test_a_failed_attempt_names_the_wrong_questions_and_hides_the_answers(deputy_client, t):
    response = deputy_client.post(quiz_url(t), post_of(t, q1="b", q2="c"))
    body = deputy_client.get(response["Location"]).content.decode()
    assert 'id="attempt-score">25.0<' in body and "未通过" in body
    assert "答错的题目：第 1 题、第 2 题" in body
    assert "lv-correct" not in body and "还可作答 1 次" in body
    # The last attempt, failed too: now the correct choices are shown.
    response = deputy_client.post(quiz_url(t), post_of(t, q1="b", q2="c"))
    body = deputy_client.get(response["Location"]).content.decode()
    assert body.count("lv-correct") == 4  # a, c, d, g
    assert "再次作答" not in body


def test_beyond_the_limit_the_page_refuses_and_nothing_is_written(deputy_client, t):
    for _ in range(2):
        deputy_client.post(quiz_url(t), post_of(t, q1="b", q2="c"))
    audits = AuditEvent.objects.count()
    response = deputy_client.post(quiz_url(t), post_of(t))
    body = response.content.decode()
    assert response.status_code == 200
    assert ERR_NO_ATTEMPTS_LEFT % {"max": 2} in body and 'id="quiz-form"' not in body
    assert QuizAttempt.objects.count() == 2 and AuditEvent.objects.count() == audits


def test_a_passed_quiz_is_not_offered_again(deputy_client, t):
    deputy_client.post(quiz_url(t), post_of(t))
    body = deputy_client.get(quiz_url(t)).content.decode()
    assert ERR_ALREADY_PASSED in body and 'id="quiz-form"' not in body


def test_after_the_deadline_the_quiz_is_closed(deputy_client, t):
    t.course.deadline = datetime.date(2026, 5, 31)
    t.course.save()
    body = deputy_client.get(quiz_url(t)).content.decode()
    message = ERR_DEADLINE_PASSED % {"course": t.course.title, "date": t.course.deadline}
    assert message in body and 'id="quiz-form"' not in body
    assert deputy_client.post(quiz_url(t), post_of(t)).status_code == 200
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda t, data: data.pop(f"q{t.q2.pk}"), ERR_UNANSWERED % {"n": 2}),
        (lambda t, data: data.update({f"q{t.q1.pk}": ["abc"]}), ERR_FOREIGN_CHOICE % {"n": 1}),
        (lambda t, data: data.update({f"q{t.q3.pk}": ["999999"]}), ERR_FOREIGN_CHOICE % {"n": 3}),
        (
            lambda t, data: data.update({f"q{t.q1.pk}": [str(t.c["g"].pk)]}),
            ERR_FOREIGN_CHOICE % {"n": 1},
        ),
        (
            lambda t, data: data.update({f"q{t.q2.pk}": [str(t.c["c"].pk), "x1"]}),
            ERR_FOREIGN_CHOICE % {"n": 2},
        ),
        (lambda t, data: data.update({f"q{t.q3.pk}": [""]}), ERR_UNANSWERED % {"n": 3}),
    ],
)
def test_bad_values_reshow_the_form_with_nothing_written(deputy_client, t, tamper, message):
    data = post_of(t)
    tamper(t, data)
    data["q999999"] = ["1"]  # an unknown question is ignored: the form asks its own
    response = deputy_client.post(quiz_url(t), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and 'id="quiz-form"' in body
    assert not QuizAttempt.objects.exists()
    assert not AuditEvent.objects.filter(action="training.quiz.submit").exists()


def test_passing_completes_the_course_and_credits_b05_once(deputy_client, deputy, t):
    rule_set(2026)
    staff = StaffUserFactory()
    session = CourseSessionFactory(course=t.course, date=datetime.date(2026, 5, 20))
    attendance_set(session=session, deputies=[deputy], actor=staff)
    deputy_client.post(quiz_url(t), post_of(t, q1="b", q2="c"))
    assert not LedgerEntry.objects.filter(deputy=deputy, rule__code="B05").exists()
    deputy_client.post(quiz_url(t), post_of(t))
    t.enrollment.refresh_from_db()
    assert t.enrollment.completed_on == datetime.date(2026, 6, 1)
    assert LedgerEntry.objects.filter(deputy=deputy, rule__code="B05").count() == 1
    deputy_client.post(quiz_url(t), post_of(t))  # refused: already passed
    assert LedgerEntry.objects.filter(deputy=deputy, rule__code="B05").count() == 1
