"""The course report's (课程统计) table rows, one per enrolled deputy, written in Python as
``training/course_report.html``'s loop wrote them (the archive link from one reversal, the
decimals and the date as its filters would write them): a district's course has some eighty
enrolments, and the template's tags and filters per row were most of the page. The same HTML
as the former loop. Every value is escaped here; nothing here reads the
database (the view reads the report, ``selectors_course_report``)."""

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.texts import escaped
from core.url_memo import pk_url_parts

from .numbers_html import one_place
from .selectors_course_report import NONE_SHOWN, CourseReport, DeputyLine


def _row(d: DeputyLine, archive: tuple[str, str], passed: dict[bool, str]) -> str:
    """One deputy's row, the HTML ``course_report.html``'s loop wrote per row: the deputy's
    code and name escaped, the numbers as its filters wrote them (``numbers_html``: each
    value once per process), the quiz's answer of ``passed`` (worked out once per page)."""
    head, tail = archive
    best = NONE_SHOWN if d.best_score is None else one_place(d.best_score)
    answer = passed[bool(d.passed)] if d.attempts else NONE_SHOWN
    completed = f"{d.completed_on:%Y-%m-%d}" if d.completed_on else NONE_SHOWN
    return (
        "\n      <tr>\n"
        f"        <td>{escaped(d.code)}</td>\n"
        f'        <td><a href="{head}/{int(d.deputy_id)}/{tail}">{escaped(d.name)}</a>'
        "</td>\n"
        f"        <td>{int(d.sessions_attended)}/{int(d.sessions_total)}</td>\n"
        f"        <td>{one_place(d.hours)}</td>\n"
        f"        <td>{best}</td>\n"
        f"        <td>{answer}</td>\n"
        f"        <td>{completed}</td>\n"
        "      </tr>\n    "
    )


def deputy_rows_html(data: CourseReport) -> list[SafeString]:
    """The table's rows in the report's order, each linking to the deputy's learning archive."""
    head, tail = pk_url_parts("training:deputy_archive")
    archive = (escaped(head), escaped(tail))
    # ``passed_text``'s answers to an attempter, escaped: none without a quiz.
    if data.quiz is None:
        passed = {True: NONE_SHOWN, False: NONE_SHOWN}
    else:
        passed = {True: escaped(_("是")), False: escaped(_("否"))}
    # Safe: every value above is escaped, the numbers numbers or floatformat's.
    return [mark_safe(_row(d, archive, passed)) for d in data.deputies]
