"""The course report's (课程统计) table rows, one per enrolled deputy, written in Python as
``training/course_report.html``'s loop wrote them (the archive link from one reversal, the
decimals and the date as its filters would write them): a district's course has some eighty
enrolments, and the template's tags and filters per row were most of the page. The same HTML
as the former loop. Every value is escaped by ``format_html``; nothing here reads the
database (the view reads the report, ``selectors_course_report``)."""

from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.url_memo import pk_url_parts

from .selectors_course_report import NONE_SHOWN, CourseReport, DeputyLine, passed_text

ROW_HTML = """
      <tr>
        <td>{}</td>
        <td><a href="{}">{}</a></td>
        <td>{}/{}</td>
        <td>{}</td>
        <td>{}</td>
        <td>{}</td>
        <td>{}</td>
      </tr>
    """


def _row(data: CourseReport, d: DeputyLine, archive_url: str) -> SafeString:
    """One deputy's row, the HTML ``course_report.html`` wrote per row."""
    return format_html(
        ROW_HTML,
        d.code,
        archive_url,
        d.name,
        d.sessions_attended,
        d.sessions_total,
        floatformat(d.hours, 1),
        NONE_SHOWN if d.best_score is None else floatformat(d.best_score, 1),
        passed_text(data, d),
        f"{d.completed_on:%Y-%m-%d}" if d.completed_on else NONE_SHOWN,
    )


def deputy_rows_html(data: CourseReport) -> list[SafeString]:
    """The table's rows in the report's order, each linking to the deputy's learning archive."""
    head, tail = pk_url_parts("training:deputy_archive")
    return [_row(data, d, f"{head}/{d.deputy_id}/{tail}") for d in data.deputies]
