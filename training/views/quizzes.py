"""The deputy's online tests (phone-first): a course's quiz as a form, scored on the server,
and the result of one attempt. The quiz page is drawn from question and choice texts only, so
it is the same page whichever choices are correct. A deputy sees only their own attempts
(another's is a 404); anonymous users go to the login page; other roles get a 403."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.access import deputy_required
from core import clock

from ..forms_quizzes import QuizForm
from ..models import Quiz
from ..selectors_quizzes import (
    attempt_review,
    deputy_attempts,
    deputy_enrollment,
    quiz_standing,
)
from ..services import TrainingError
from ..services.quizzes import quiz_attempt_submit, quiz_questions


@deputy_required
def quiz(request, pk: int):
    """``pk`` is the course's. An unpublished course's quiz exists only for those enrolled."""
    deputy, today = request.deputy, clock.today()
    item = get_object_or_404(Quiz.objects.select_related("course"), course_id=pk)
    enrollment = deputy_enrollment(course_id=pk, deputy=deputy)
    if enrollment is None and not item.course.is_published:
        raise Http404
    standing = quiz_standing(quiz=item, enrollment=enrollment, today=today)
    questions = quiz_questions(item) if standing.may_take else []
    form = QuizForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and standing.may_take and form.is_valid():
        try:
            attempt = quiz_attempt_submit(
                quiz=item,
                deputy=deputy,
                answers=form.answers(),
                actor=request.user,
                today=today,
            )
        except TrainingError as exc:
            form.add_error(None, str(exc))
        else:
            if attempt.passed:
                messages.success(request, _("恭喜，测试通过！"))
            return redirect("training:attempt", pk=attempt.pk)
    # A refused POST (passed or out of attempts in another tab) shows the page with the reason.
    return render(
        request,
        "training/quiz.html",
        {"quiz": item, "course": item.course, "standing": standing, "form": form},
    )


@deputy_required
def attempt(request, pk: int):
    """The result of one of the deputy's own attempts: score, pass or fail, which questions
    were wrong; the correct choices once the quiz is passed or no attempt is left."""
    deputy, today = request.deputy, clock.today()
    item = get_object_or_404(deputy_attempts(deputy), pk=pk)
    standing = quiz_standing(quiz=item.quiz, enrollment=item.enrollment, today=today)
    rows = attempt_review(
        attempt=item, questions=quiz_questions(item.quiz), reveal=standing.reveals_answers
    )
    return render(
        request,
        "training/quiz_attempt.html",
        {
            "attempt": item,
            "quiz": item.quiz,
            "course": item.quiz.course,
            "standing": standing,
            "rows": rows,
            "wrong": [r.number for r in rows if not r.right],
        },
    )


urlpatterns = [
    path("courses/<int:pk>/quiz/", quiz, name="quiz"),
    path("attempts/<int:pk>/", attempt, name="attempt"),
]
