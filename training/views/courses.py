"""The deputy's training pages (phone-first): 我的培训 (recommended courses with their reasons,
their courses with progress, courses open for enrolment, a survey waiting) and one course's
page with enrolment. Anonymous users go to the login page; other roles get a 403."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import deputy_required
from core import clock
from core.url_memo import pk_url_prefix
from deputies.facts import deputy_facts, prepared

from ..models import Course, Enrollment
from ..selectors_courses import (
    course_sessions_for,
    course_visible_to,
    my_enrollments,
    open_courses,
    open_surveys,
)
from ..selectors_recommend import RECOMMEND_FACTS, recommended_courses
from ..services import TrainingError
from ..services.enrolment import course_enrol, course_withdraw

RECOMMENDED_SHOWN = 5
OPEN_PER_PAGE = 10


@deputy_required
def home(request):
    deputy, today = request.deputy, clock.today()
    # The deputy's facts (one prepared statement, as on the dashboard, of the sources this
    # page reads) answer the gap rules with their ledger and activity counts, the survey
    # choices and the year's hours and completed courses: six queries fewer.
    known = deputy_facts(request, today=today, keys=("training", *RECOMMEND_FACTS))
    recommended = recommended_courses(deputy, today=today, limit=RECOMMENDED_SHOWN, facts=known)
    shown = tuple(sorted(r.course.pk for r in recommended))
    # Each read compiled once per shape and day (``deputies.facts.prepared``), run with the
    # deputy's ids: building these querysets cost more than running them.
    enrollments = prepared(
        ("training:enrollments", today),
        lambda deputy: my_enrollments(deputy, today=today),
        deputy=deputy.pk,
    )
    current = [e for e in enrollments if e.completed_on is None]
    completed = [e for e in enrollments if e.completed_on is not None][:5]
    # The open courses' ids in their order, then the rows of the page asked for: two queries,
    # as a count and a slice were.
    page = Paginator(
        prepared(
            ("training:open-ids", today),
            lambda deputy, shown: (
                open_courses(deputy, today=today).exclude(pk__in=shown).values_list("pk", flat=True)
            ),
            deputy=deputy.pk,
            shown=shown,
        ),
        OPEN_PER_PAGE,
    ).get_page(request.GET.get("page"))
    page.object_list = prepared(
        ("training:open-page", today),
        lambda deputy, ids: open_courses(deputy, today=today).filter(pk__in=ids),
        deputy=deputy.pk,
        ids=tuple(page.object_list),
    )
    surveys = prepared(
        ("training:home-surveys", today),
        lambda deputy: open_surveys(deputy, today=today)[:3],
        deputy=deputy.pk,
    )
    prefix = _course_prefix()
    return render(
        request,
        "training/home.html",
        {
            "recommended": recommended,
            "recommended_html": _course_lines([(r.course, r.reasons) for r in recommended], prefix),
            "open_html": _course_lines([(c, []) for c in page.object_list], prefix),
            "current": current,
            "completed": completed,
            "page": page,
            "surveys": surveys,
            "summary": {
                "year": today.year,
                "hours": known["training"]["hours"] or Decimal("0"),
                "completed": known["training"]["completed"],
            },
            "today": today,
            "course_prefix": prefix,
        },
    )


def _course_lines(courses: list[tuple[Course, list[str]]], prefix: str) -> str:
    """The home page's course lines (recommended, with their reasons, and open for enrolment)
    written here as the template wrote them (the same HTML): per line a dozen tags, lookups,
    translations and the choices' labels cost more than the rest of the page."""
    # As the template's tags: a translated word escaped, a blocktranslate's text not (its
    # values are).
    anytime, full = conditional_escape(_("随时学习")), conditional_escape(_("名额已满"))
    starts, seats = _("%(d)s 开课"), _("余 %(n)s 个名额")
    lines = []
    for course, reasons in courses:
        meta = f"{conditional_escape(course.get_format_display())} · " if course.format else ""
        day = course.next_session
        meta += starts % {"d": f"{day.month}月{day.day}日"} if day else anytime
        if course.capacity:
            left = f'<span class="text-danger">{full}</span>' if course.is_full else ""
            meta += " · " + (left or seats % {"n": int(course.seats_left)})
        why = ""
        if reasons:
            items = "".join(f"<li>{conditional_escape(reason)}</li>" for reason in reasons)
            why = f'<ul class="small mb-0 ps-3 text-success">{items}</ul>'
        lines.append(
            f'\n    <a class="list-group-item list-group-item-action" href="{prefix}'
            f'{int(course.pk)}/">\n'
            '  <div class="d-flex justify-content-between align-items-start gap-2">\n'
            f"    <strong>{conditional_escape(course.title)}</strong>\n"
            '    <span class="badge text-bg-light border flex-shrink-0">'
            f"{conditional_escape(course.get_track_display())}</span>\n"
            "  </div>\n"
            '  <div class="small text-muted">\n'
            f"    {meta}\n"
            "  </div>\n"
            f"  {why}\n"
            "</a>\n\n    "
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(lines))


def _course_prefix() -> str:
    """``/training/courses/``: a course's page is this plus ``<pk>/``, reversed once per page
    instead of once per link."""
    return pk_url_prefix("training:course")


@deputy_required
def course(request, pk: int):
    deputy, today = request.deputy, clock.today()
    item = get_object_or_404(course_visible_to(deputy).select_related("topic"), pk=pk)
    enrollment = my_enrollments(deputy, today=today).filter(course=item).first()
    reasons = next(
        (r.reasons for r in recommended_courses(deputy, today=today) if r.course.pk == item.pk),
        [],
    )
    return render(
        request,
        "training/course.html",
        {
            "course": item,
            "enrollment": enrollment,
            "sessions": course_sessions_for(item, deputy),
            "groups": list(item.groups.all()),
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
