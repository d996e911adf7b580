"""The learning archive's (学习档案) rows, written in Python as ``training/archive.html``'s
loops wrote them: the hours by year and track, the completed and current courses (the former
include folded in) and the quizzes. The same HTML: tests/training/test_archive.py compares each
with the former loops in both languages. Their filters and translations per row were a third
of the page.

Every value of the archive is escaped here; a translated word is escaped as ``{% translate %}``
wrote it, a blocktranslate's text is not (its values are); only the joined result is marked
safe. The view reads the archive (``selectors_archive.learning_archive``) and renders; nothing
here reads the database."""

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.texts import escaped

from .numbers_html import one_place
from .selectors_archive import CourseLine, HoursRow, QuizLine


def years_html(years: list[HoursRow]) -> SafeString:
    lines = []
    for row in years:
        cells = "".join(f'<td class="text-end">{one_place(h)}</td>' for h in row.cells)
        lines.append(
            f'\n      <tr data-year="{localize(row.year)}"><td>{localize(row.year)}</td>{cells}'
            f'<td class="text-end fw-semibold">{one_place(row.total)}</td></tr>\n    '
        )
    return mark_safe("".join(lines))


def _kind(line: CourseLine) -> str:
    """The course's track, and its format if it has one."""
    if line.format:
        return f"{escaped(line.track)} · {escaped(line.format)}"
    return escaped(line.track)


def completed_html(completed: list[CourseLine]) -> SafeString:
    hours, done = escaped(_("学时")), escaped(_("结业"))
    return mark_safe(
        "".join(
            '\n    <div class="list-group-item">\n'
            '      <div class="d-flex justify-content-between gap-2">'
            f'<span class="fw-semibold">{escaped(c.title)}</span>'
            f'<span class="small text-nowrap">{one_place(c.hours)} {hours}</span></div>\n'
            f'      <div class="small text-muted">{_kind(c)} · {done} '
            f"{c.completed_on:%Y-%m-%d}</div>\n"
            "    </div>\n  "
            for c in completed
        )
    )


def in_progress_html(in_progress: list[CourseLine]) -> SafeString:
    hours, attended = escaped(_("学时")), _("出勤 %(n)s/%(total)s 次")
    lines = []
    for c in in_progress:
        sat = attended % {"n": localize(c.sessions_attended), "total": localize(c.sessions_total)}
        lines.append(
            '\n    <div class="list-group-item">\n'
            '      <div class="d-flex justify-content-between gap-2">'
            f'<span class="fw-semibold">{escaped(c.title)}</span>'
            f'<span class="small text-nowrap">{sat}</span></div>\n'
            f'      <div class="small text-muted">{_kind(c)} · {one_place(c.hours)} '
            f"{hours}</div>\n"
            "    </div>\n  "
        )
    return mark_safe("".join(lines))


def quizzes_html(quizzes: list[QuizLine]) -> SafeString:
    used, best = _("已作答 %(used)s/%(allowed)s 次"), escaped(_("最高得分"))
    states = {
        "passed": ("text-bg-success", escaped(_("通过"))),
        "failed": ("text-bg-warning", escaped(_("未通过"))),
        "none": ("text-bg-light border", escaped(_("未作答"))),
    }
    lines = []
    for q in quizzes:
        state = "passed" if q.passed else "failed" if q.attempts_used else "none"
        badge, label = states[state]
        score = "—" if q.best_score is None else one_place(q.best_score)
        tried = used % {"used": localize(q.attempts_used), "allowed": localize(q.attempts_allowed)}
        lines.append(
            '\n    <div class="list-group-item d-flex justify-content-between gap-2">\n'
            f'      <div><div class="fw-semibold">{escaped(q.title)}</div>\n'
            f'        <div class="small text-muted">{tried} · {best} {score}</div></div>\n'
            f'      <span class="align-self-center badge {badge}">{label}</span>\n'
            "    </div>\n  "
        )
    return mark_safe("".join(lines))
