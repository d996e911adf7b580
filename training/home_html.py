"""The deputy's training home (我的培训) rows, written in Python as ``training/home.html``'s
loops wrote them: the recommended and open courses' lines, the courses being taken, the latest
completed ones and the surveys waiting. The same HTML: tests/training/test_home_views.py
compares each with the former template loops in both languages. Per line the templates' dozen
tags, lookups, translations and choice labels cost more than the rest of the page.

Every value of a course, an enrolment or a survey is escaped here; a translated text is
escaped as ``{% translate %}`` wrote it, a blocktranslate's text is not (its values are); only
the joined result is marked safe. The view reads the rows (``selectors_courses``,
``selectors_recommend``) and renders; nothing here reads the database."""

from datetime import date

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.texts import escaped
from core.url_memo import pk_url_prefix

from .models import Course
from .numbers_html import few_places
from .selectors_courses import HomeEnrollment


def survey_lines(surveys: list[tuple[int, str, date]]) -> str:
    """The surveys waiting for the deputy, written as the template wrote them."""
    prefix, go = pk_url_prefix("training:survey"), escaped(_("去填写"))
    lines = []
    for pk, title, closes_on in surveys:
        please = _("请填写“%(t)s”（%(d)s 截止），帮助我们安排您需要的培训。") % {
            "t": escaped(title),
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


def current_lines(current: list[HomeEnrollment], prefix: str) -> str:
    """The courses being taken, written as the template wrote them (the same HTML): a
    progress bar, the next session and the quiz's state per line."""
    sessions, progress = escaped(_("课次")), escaped(_("出勤进度"))
    passed = f'<span class="badge text-bg-success">{escaped(_("测试已通过"))}</span>'
    waiting = f'<span class="badge text-bg-warning">{escaped(_("待测试"))}</span>'
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
            f"<strong>{escaped(e.title)}</strong>"
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


def completed_lines(completed: list[HomeEnrollment], prefix: str) -> str:
    """The latest completed courses, written as the template wrote them."""
    hours = escaped(_("学时"))
    lines = [
        "\n    "
        '<li class="list-group-item d-flex justify-content-between">'
        f'<a href="{prefix}{int(e.course_id)}/">{escaped(e.title)}</a>'
        f'<span class="small text-muted">{e.completed_on:%Y-%m-%d} · '
        f"{few_places(e.hours)} {hours}</span></li>\n    "
        for e in completed
    ]
    # Safe: every value above is escaped (a number's format is digits and separators).
    return mark_safe("".join(lines))


def course_lines(courses: list[tuple[Course, list[str]]], prefix: str) -> str:
    """The home page's course lines (recommended, with their reasons, and open for enrolment)
    written as the template wrote them (the same HTML): per line a dozen tags, lookups,
    translations and the choices' labels cost more than the rest of the page."""
    # As the template's tags: a translated word escaped, a blocktranslate's text not (its
    # values are).
    anytime, full = escaped(_("随时学习")), escaped(_("名额已满"))
    starts, seats = _("%(d)s 开课"), _("余 %(n)s 个名额")
    # The choices' labels escaped once per page, as ``get_FOO_display`` gives them (it hashes
    # every lazy label of the field on each call).
    tracks, formats = (
        {value: escaped(label) for value, label in Course._meta.get_field(name).flatchoices}
        for name in ("track", "format")
    )
    lines = []
    for course, reasons in courses:
        fmt = course.format
        meta = f"{formats.get(fmt, escaped(fmt))} · " if fmt else ""
        day = course.next_session
        meta += starts % {"d": f"{day.month}月{day.day}日"} if day else anytime
        if course.capacity:
            left = f'<span class="text-danger">{full}</span>' if course.is_full else ""
            meta += " · " + (left or seats % {"n": int(course.seats_left)})
        why = ""
        if reasons:
            items = "".join(f"<li>{escaped(reason)}</li>" for reason in reasons)
            why = f'<ul class="small mb-0 ps-3 text-success">{items}</ul>'
        lines.append(
            f'\n    <a class="list-group-item list-group-item-action" href="{prefix}'
            f'{int(course.pk)}/">\n'
            '  <div class="d-flex justify-content-between align-items-start gap-2">\n'
            f"    <strong>{escaped(course.title)}</strong>\n"
            '    <span class="badge text-bg-light border flex-shrink-0">'
            f"{tracks.get(course.track, escaped(course.track))}</span>\n"
            "  </div>\n"
            '  <div class="small text-muted">\n'
            f"    {meta}\n"
            "  </div>\n"
            f"  {why}\n"
            "</a>\n\n    "
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(lines))


def course_prefix() -> str:
    """``/training/courses/``: a course's page is this plus ``<pk>/``, reversed once per page
    instead of once per link."""
    return pk_url_prefix("training:course")
