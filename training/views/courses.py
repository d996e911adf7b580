"""The deputy's training pages (phone-first): 我的培训 (recommended courses with their reasons,
their courses with progress, courses open for enrolment, a survey waiting) and one course's
page with enrolment. Anonymous users go to the login page; other roles get a 403."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
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
    HomeEnrollment,
    course_sessions_for,
    course_visible_to,
    home_enrollments,
    home_open_courses,
    my_enrollments,
    open_surveys,
)
from ..selectors_recommend import RECOMMEND_FACTS, recommended_courses
from ..services import TrainingError
from ..services.enrolment import course_enrol, course_withdraw

RECOMMENDED_SHOWN = 5
SURVEYS_SHOWN = 3
OPEN_PER_PAGE = 10


@deputy_required
def home(request):
    deputy, today = request.deputy, clock.today()
    # The deputy's facts (one prepared statement, as on the dashboard, of the sources this
    # page reads) answer the gap rules with their ledger and activity counts, the survey
    # choices and the year's hours and completed courses: six queries fewer.
    known = deputy_facts(request, today=today, keys=("training", *RECOMMEND_FACTS))
    # The courses open to the deputy, read once: the recommendations are chosen among them
    # and the rest, in their order, is the open list (each read compiled once per shape and
    # day, ``deputies.facts.prepared``, run with the deputy's ids).
    courses = home_open_courses(deputy, today=today)
    recommended = recommended_courses(
        deputy, today=today, limit=RECOMMENDED_SHOWN, facts=known, candidates=courses
    )
    shown = {r.course.pk for r in recommended}
    page = Paginator([c for c in courses if c.pk not in shown], OPEN_PER_PAGE).get_page(
        request.GET.get("page")
    )
    enrollments = home_enrollments(deputy, today=today)
    current = [e for e in enrollments if e.completed_on is None]
    completed = [e for e in enrollments if e.completed_on is not None][:5]
    surveys = prepared(
        ("training:home-surveys", today),
        lambda deputy: open_surveys(deputy, today=today).values_list("pk", "title", "closes_on")[
            :SURVEYS_SHOWN
        ],
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
            "current_html": _current_lines(current, prefix),
            "completed": completed,
            "completed_html": _completed_lines(completed, prefix),
            "page": page,
            "surveys": surveys,
            "surveys_html": _survey_lines(surveys),
            "summary": {
                "year": today.year,
                "hours": known["training"]["hours"] or Decimal("0"),
                "completed": known["training"]["completed"],
            },
            "today": today,
            "course_prefix": prefix,
        },
    )


def _survey_lines(surveys: list[tuple[int, str, date]]) -> str:
    """The surveys waiting for the deputy, written here as the template wrote them."""
    prefix, go = pk_url_prefix("training:survey"), conditional_escape(_("去填写"))
    lines = []
    for pk, title, closes_on in surveys:
        please = _("请填写“%(t)s”（%(d)s 截止），帮助我们安排您需要的培训。") % {
            "t": conditional_escape(title),
            "d": f"{closes_on.month}月{closes_on.day}日",
        }
        lines.append(
            '\n<div class="alert alert-warning d-flex justify-content-between '
            'align-items-center">\n'
            f"  <span>{please}</span>\n"
            f'  <a class="btn btn-sm btn-warning flex-shrink-0 ms-2" href="{prefix}{int(pk)}/">'
            f"{go}</a>\n"
            "</div>\n"
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(lines))


def _current_lines(current: list[HomeEnrollment], prefix: str) -> str:
    """The courses being taken, written here as the template wrote them (the same HTML): a
    progress bar, the next session and the quiz's state per line."""
    sessions, progress = conditional_escape(_("课次")), conditional_escape(_("出勤进度"))
    passed = f'<span class="badge text-bg-success">{conditional_escape(_("测试已通过"))}</span>'
    waiting = f'<span class="badge text-bg-warning">{conditional_escape(_("待测试"))}</span>'
    next_at = _("下次上课 %(d)s")
    lines = []
    for e in current:
        attended, total = int(e.sessions_attended), int(e.sessions_total)
        width = str(round(attended / (total or 1) * 100))  # as {% widthratio %}
        day = ""
        if e.next_session:
            day = next_at % {"d": f"{e.next_session.month}月{e.next_session.day}日"}
        quiz = (passed if e.quiz_passed else waiting) if e.has_quiz else ""
        lines.append(
            "\n    "
            '<a class="list-group-item list-group-item-action" '
            f'href="{prefix}{int(e.course_id)}/">\n'
            '      <div class="d-flex justify-content-between">'
            f"<strong>{conditional_escape(e.title)}</strong>"
            f'<span class="small">{attended}/{total} {sessions}</span></div>\n'
            f'      <div class="progress my-1" role="progressbar" aria-label="{progress}" '
            f'aria-valuenow="{attended}" aria-valuemin="0" aria-valuemax="{total}" '
            'style="height: 6px">\n'
            f'        <div class="progress-bar bg-danger" style="width: {width}%"></div>\n'
            "      </div>\n"
            '      <div class="small text-muted">\n'
            f"        {day}\n"
            f"        {quiz}\n"
            "      </div>\n"
            "    </a>\n    "
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(lines))


def _completed_lines(completed: list[HomeEnrollment], prefix: str) -> str:
    """The latest completed courses, written here as the template wrote them."""
    hours = conditional_escape(_("学时"))
    lines = [
        "\n    "
        '<li class="list-group-item d-flex justify-content-between">'
        f'<a href="{prefix}{int(e.course_id)}/">{conditional_escape(e.title)}</a>'
        f'<span class="small text-muted">{e.completed_on:%Y-%m-%d} · '
        f"{floatformat(e.hours, '-1')} {hours}</span></li>\n    "
        for e in completed
    ]
    # Safe: every value above is escaped (a number's format is digits and separators).
    return mark_safe("".join(lines))


def _course_lines(courses: list[tuple[Course, list[str]]], prefix: str) -> str:
    """The home page's course lines (recommended, with their reasons, and open for enrolment)
    written here as the template wrote them (the same HTML): per line a dozen tags, lookups,
    translations and the choices' labels cost more than the rest of the page."""
    # As the template's tags: a translated word escaped, a blocktranslate's text not (its
    # values are).
    anytime, full = conditional_escape(_("随时学习")), conditional_escape(_("名额已满"))
    starts, seats = _("%(d)s 开课"), _("余 %(n)s 个名额")
    # The choices' labels escaped once per page, as ``get_FOO_display`` gives them (it hashes
    # every lazy label of the field on each call).
    tracks, formats = (
        {
            value: conditional_escape(label)
            for value, label in Course._meta.get_field(name).flatchoices
        }
        for name in ("track", "format")
    )
    lines = []
    for course, reasons in courses:
        fmt = course.format
        meta = f"{formats.get(fmt, conditional_escape(fmt))} · " if fmt else ""
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
            f"{tracks.get(course.track, conditional_escape(course.track))}</span>\n"
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
