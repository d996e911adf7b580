"""The deputy's training pages (phone-first): 我的培训 (recommended courses with their reasons,
their courses with progress, courses open for enrolment, a survey waiting) and one course's
page with enrolment. Anonymous users go to the login page; other roles get a 403."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import deputy_required
from core import clock
from core.paging import FirstRows, first_page
from deputies.facts import deputy_facts

from ..home_html import completed_lines, course_lines, course_prefix, current_lines, survey_lines
from ..models import Enrollment
from ..selectors_courses import (
    HOME,
    HOME_OPEN,
    OPEN_PER_PAGE,
    RECOMMENDED_SHOWN,
    course_page,
    course_visible_to,
    home_rows,
)
from ..selectors_recommend import RECOMMEND_FACTS, recommended_courses
from ..services import TrainingError
from ..services.enrolment import course_enrol, course_withdraw


@deputy_required
def home(request):
    deputy, today = request.deputy, clock.today()
    number = request.GET.get("page")
    first = first_page(number)
    # One statement (the deputy's facts, of the sources this page reads, prepared once per
    # day as on the dashboard): the gap rules with their ledger and activity counts, the
    # survey choices, the year's hours and completed courses, and the page's own rows (the
    # first courses open to the deputy and their count, or on a later page of the open list
    # all of them, their enrolments, the surveys waiting).
    keys = ("training", HOME, *RECOMMEND_FACTS, *(() if first else (HOME_OPEN,)))
    known = deputy_facts(request, today=today, keys=keys)
    rows = home_rows(known)
    # The first recommendations, read ranked (one query); the rest of the open courses, in
    # their order, is the open list.
    recommended = recommended_courses(deputy, today=today, limit=RECOMMENDED_SHOWN, facts=known)
    shown = {r.course.pk for r in recommended}
    listed = [c for c in rows.courses if c.pk not in shown]
    if first:  # the recommended are among the open courses counted
        listed = FirstRows(listed[:OPEN_PER_PAGE], rows.open_count - len(shown))
    page = Paginator(listed, OPEN_PER_PAGE).get_page(number)
    current = [e for e in rows.enrollments if e.completed_on is None]
    completed = [e for e in rows.enrollments if e.completed_on is not None][:5]
    prefix = course_prefix()
    return render(
        request,
        "training/home.html",
        {
            "recommended": recommended,
            "recommended_html": course_lines([(r.course, r.reasons) for r in recommended], prefix),
            "open_html": course_lines([(c, []) for c in page.object_list], prefix),
            "current": current,
            "current_html": current_lines(current, prefix),
            "completed": completed,
            "completed_html": completed_lines(completed, prefix),
            "page": page,
            "surveys": rows.surveys,
            "surveys_html": survey_lines(rows.surveys),
            "summary": {
                "year": today.year,
                "hours": known["training"]["hours"] or Decimal("0"),
                "completed": known["training"]["completed"],
            },
            "today": today,
            "course_prefix": prefix,
        },
    )


@deputy_required
def course(request, pk: int):
    deputy, today = request.deputy, clock.today()
    page = course_page(deputy, pk, today=today)
    if page is None:
        raise Http404
    item = page.course
    # Why the course is recommended to the deputy, if it is: the rules and counts it weighs
    # read with the deputy's facts (one statement), then the course alone.
    known = deputy_facts(request, today=today, keys=RECOMMEND_FACTS)
    found = recommended_courses(deputy, today=today, facts=known, course_id=item.pk)
    reasons = found[0].reasons if found else []
    enrollment = page.enrollment
    return render(
        request,
        "training/course.html",
        {
            "course": item,
            "enrollment": enrollment,
            "sessions": page.sessions,
            "groups": page.groups,
            "reasons": reasons,
            "has_quiz": hasattr(item, "quiz") and item.quiz.is_active,
            "may_enrol": enrollment is None
            and not item.is_full
            and (item.enrol_until is None or item.enrol_until >= today),
            "today": today,
        },
    )


@require_POST
@deputy_required
def enrol(request, pk: int):
    item = get_object_or_404(course_visible_to(request.deputy), pk=pk)
    try:
        course_enrol(course=item, deputy=request.deputy, actor=request.user)
    except TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已报名“%(course)s”。") % {"course": item.title})
    return redirect("training:course", pk=item.pk)


@require_POST
@deputy_required
def withdraw(request, pk: int):
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("course", "deputy"), course_id=pk, deputy=request.deputy
    )
    try:
        course_withdraw(enrollment=enrollment, actor=request.user)
    except TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已取消报名。"))
    return redirect("training:course", pk=pk)


urlpatterns = [
    path("", home, name="home"),
    path("courses/<int:pk>/", course, name="course"),
    path("courses/<int:pk>/enrol/", enrol, name="enrol"),
    path("courses/<int:pk>/withdraw/", withdraw, name="withdraw"),
]
