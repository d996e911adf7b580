"""The learning archive (学习档案): a deputy's own at ``archive/`` and, for staff, any deputy's
at ``archive/<pk>/``, each with its printable PDF. A deputy never reaches the staff addresses,
not even with their own pk (403): their archive lives at the address without one, so no URL
holds a deputy id a deputy could change. Anonymous users go to the login page."""

from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import floatformat
from django.urls import path
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.access import deputy_required, role_required
from accounts.roles import Role
from core import clock
from core.privacy import export_record
from core.tabular import file_response
from deputies.facts import deputy_facts

from ..pdf import archive_pdf, archive_pdf_filename
from ..selectors_archive import (
    CourseLine,
    HoursRow,
    QuizLine,
    archive_deputy_queryset,
    learning_archive,
    track_labels,
)


def _page(request, deputy, *, staff_view: bool):
    archive = learning_archive(deputy)
    return render(
        request,
        "training/archive.html",
        {
            "archive": archive,
            "deputy": deputy,
            "tracks": track_labels(),
            "staff_view": staff_view,
            "years_html": _years_html(archive.years),
            "completed_html": _completed_html(archive.completed),
            "in_progress_html": _in_progress_html(archive.in_progress),
            "quizzes_html": _quizzes_html(archive.quizzes),
        },
    )


# The archive's rows, written here as the template's loops wrote them (the same HTML): their
# filters and translations per row were a third of the page. Every value is escaped.


def _one_place(value) -> str:
    return floatformat(value, 1)  # as the template's ``|floatformat:1``


def _years_html(years: list[HoursRow]) -> SafeString:
    lines = []
    for row in years:
        cells = "".join(f'<td class="text-end">{_one_place(h)}</td>' for h in row.cells)
        lines.append(
            f'\n      <tr data-year="{localize(row.year)}"><td>{localize(row.year)}</td>{cells}'
            f'<td class="text-end fw-semibold">{_one_place(row.total)}</td></tr>\n    '
        )
    return mark_safe("".join(lines))


def _kind(line: CourseLine) -> str:
    """The course's track, and its format if it has one."""
    if line.format:
        return f"{conditional_escape(line.track)} · {conditional_escape(line.format)}"
    return conditional_escape(line.track)


def _completed_html(completed: list[CourseLine]) -> SafeString:
    hours, done = conditional_escape(_("学时")), conditional_escape(_("结业"))
    return mark_safe(
        "".join(
            '\n    <div class="list-group-item">\n'
            '      <div class="d-flex justify-content-between gap-2">'
            f'<span class="fw-semibold">{conditional_escape(c.title)}</span>'
            f'<span class="small text-nowrap">{_one_place(c.hours)} {hours}</span></div>\n'
            f'      <div class="small text-muted">{_kind(c)} · {done} '
            f"{c.completed_on:%Y-%m-%d}</div>\n"
            "    </div>\n  "
            for c in completed
        )
    )


def _in_progress_html(in_progress: list[CourseLine]) -> SafeString:
    hours, attended = conditional_escape(_("学时")), _("出勤 %(n)s/%(total)s 次")
    lines = []
    for c in in_progress:
        sat = attended % {"n": localize(c.sessions_attended), "total": localize(c.sessions_total)}
        lines.append(
            '\n    <div class="list-group-item">\n'
            '      <div class="d-flex justify-content-between gap-2">'
            f'<span class="fw-semibold">{conditional_escape(c.title)}</span>'
            f'<span class="small text-nowrap">{sat}</span></div>\n'
            f'      <div class="small text-muted">{_kind(c)} · {_one_place(c.hours)} '
            f"{hours}</div>\n"
            "    </div>\n  "
        )
    return mark_safe("".join(lines))


def _quizzes_html(quizzes: list[QuizLine]) -> SafeString:
    used, best = _("已作答 %(used)s/%(allowed)s 次"), conditional_escape(_("最高得分"))
    states = {
        "passed": ("text-bg-success", conditional_escape(_("通过"))),
        "failed": ("text-bg-warning", conditional_escape(_("未通过"))),
        "none": ("text-bg-light border", conditional_escape(_("未作答"))),
    }
    lines = []
    for q in quizzes:
        state = "passed" if q.passed else "failed" if q.attempts_used else "none"
        badge, label = states[state]
        score = "—" if q.best_score is None else _one_place(q.best_score)
        tried = used % {"used": localize(q.attempts_used), "allowed": localize(q.attempts_allowed)}
        lines.append(
            '\n    <div class="list-group-item d-flex justify-content-between gap-2">\n'
            f'      <div><div class="fw-semibold">{conditional_escape(q.title)}</div>\n'
            f'        <div class="small text-muted">{tried} · {best} {score}</div></div>\n'
            f'      <span class="align-self-center badge {badge}">{label}</span>\n'
            "    </div>\n  "
        )
    return mark_safe("".join(lines))


def _pdf(deputy):
    now = clock.now()
    content = archive_pdf(learning_archive(deputy), now=now)
    return file_response(content, archive_pdf_filename(deputy, now=now))


def _deputy(pk: int):
    return get_object_or_404(archive_deputy_queryset(), pk=pk)


def _own(request):
    """The request's deputy with the term the archive's header shows: read by the deputy's
    facts statement of no source (``deputies.facts``: the deputy's row with their
    constituency, group and term, compiled once per day and prepared), where reading
    ``deputy.term`` built and planned a query of its own."""
    deputy_facts(request, keys=())
    return request.deputy


@deputy_required
def archive(request):
    return _page(request, _own(request), staff_view=False)


@deputy_required
def archive_pdf_view(request):
    return _pdf(_own(request))


@role_required(Role.STAFF)
def deputy_archive(request, deputy_pk: int):
    return _page(request, _deputy(deputy_pk), staff_view=True)


@role_required(Role.STAFF)
def deputy_archive_pdf(request, deputy_pk: int):
    """Staff print a deputy's record: recorded (a deputy's own printout is not)."""
    deputy = _deputy(deputy_pk)
    export_record(
        actor=request.user,
        export="training.archive_export",
        count=1,
        filters={"deputy": deputy.pk},
        summary=f"{deputy.code} {deputy.name}",
    )
    return _pdf(deputy)


urlpatterns = [
    path("archive/", archive, name="archive"),
    path("archive/pdf/", archive_pdf_view, name="archive_pdf"),
    path("archive/<int:deputy_pk>/", deputy_archive, name="deputy_archive"),
    path("archive/<int:deputy_pk>/pdf/", deputy_archive_pdf, name="deputy_archive_pdf"),
]
