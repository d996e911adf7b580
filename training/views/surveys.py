"""Needs-survey pages: the deputy answers a survey once (phone-first), then reads their answers
back; staff read the summary (rate, option counts, text answers, who has not answered).

A survey not open today is a page that says so, never an error; a refused answer is the form
again with the message naming the question, nothing stored."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.access import deputy_required, role_required
from accounts.roles import Role
from core import clock

from ..forms_surveys import SurveyForm
from ..models import Survey
from ..selectors_surveys import deputy_response, response_rows, survey_questions, survey_summary
from ..services.common import TrainingError
from ..services.surveys import survey_check_open, survey_submit


@deputy_required
def survey(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk, is_published=True)  # drafts: no title leaks
    questions = survey_questions(survey)
    response = deputy_response(survey, request.deputy)
    if response is not None:  # answered: read-only, whatever the method
        return render(
            request,
            "training/survey_answers.html",
            {
                "survey": survey,
                "response": response,
                "rows": response_rows(response, questions),
            },
        )
    try:
        survey_check_open(survey, today=clock.today())
    except TrainingError as exc:
        return render(
            request, "training/survey_closed.html", {"survey": survey, "message": str(exc)}
        )
    # Bound on any POST, even an empty one (nothing ticked): ``request.POST or None`` would
    # show a blank form without saying what is missing.
    data = request.POST if request.method == "POST" else None
    form = SurveyForm(data, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            survey_submit(
                survey=survey, deputy=request.deputy, answers=form.answers(), actor=request.user
            )
        except TrainingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已提交，感谢您填写需求调查。"))
            return redirect("training:survey", pk=survey.pk)
    return render(
        request,
        "training/survey_form.html",
        {"survey": survey, "form": form, "questions": questions},
    )


@role_required(Role.STAFF)
def summary(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    data = survey_summary(survey, text_page=request.GET.get("page"))
    return render(
        request,
        "training/survey_summary.html",
        {"survey": survey, "summary": data, "page": data.texts},
    )


urlpatterns = [
    path("surveys/<int:pk>/", survey, name="survey"),
    path("surveys/<int:pk>/summary/", summary, name="survey_summary"),
]
