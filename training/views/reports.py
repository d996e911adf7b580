"""The organisers' report on one course (课程统计), as a page and as an .xlsx download. Staff
only: deputies and units get a 403, anonymous users the login page, an unknown course a 404.
The figures come from ``selectors_course_report``, so page and sheet always agree."""

from django.http import Http404
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import path
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.access import role_required
from accounts.roles import Role
from core import clock
from core.tabular import generated_at, spooled_file_response
from core.url_memo import pk_url_parts

from ..selectors_course_report import (
    NONE_SHOWN,
    CourseReport,
    DeputyLine,
    course_for_report,
    course_report,
    course_report_filename,
    course_report_xlsx,
    deputy_headers,
    passed_text,
    summary_lines,
)

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


def _report(pk: int):
    course = course_for_report(pk)
    if course is None:
        raise Http404
    return course_report(course)


def _row_html(data: CourseReport, d: DeputyLine, archive_url: str) -> SafeString:
    """One row of the deputies' table, the HTML ``course_report.html`` wrote per row."""
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


@role_required(Role.STAFF)
def report(request, pk: int):
    data = _report(pk)
    # Each row written once here as the template wrote it (the archive link from one
    # reversal, the decimals and the date as its filters would write them): a district's
    # course has some eighty enrolments, and the template's tags and filters per row were
    # most of the page.
    head, tail = pk_url_parts("training:deputy_archive")
    rows = [_row_html(data, d, f"{head}/{d.deputy_id}/{tail}") for d in data.deputies]
    return render(
        request,
        "training/course_report.html",
        {
            "report": data,
            "course": data.course,
            "summary": summary_lines(data),
            "headers": deputy_headers(),
            "rows": rows,
            "generated_at": generated_at(),
        },
    )


@role_required(Role.STAFF)
def report_xlsx(request, pk: int):
    data, now = _report(pk), clock.now()
    return spooled_file_response(
        lambda target: course_report_xlsx(data, target, now=now),
        course_report_filename(data, now=now),
    )


urlpatterns = [
    path("courses/<int:pk>/report/", report, name="course_report"),
    path("courses/<int:pk>/report.xlsx", report_xlsx, name="course_report_xlsx"),
]
