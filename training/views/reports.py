"""The organisers' report on one course (课程统计), as a page and as an .xlsx download. Staff
only: deputies and units get a 403, anonymous users the login page, an unknown course a 404.
The figures come from ``selectors_course_report``, so page and sheet always agree."""

from django.http import Http404
from django.shortcuts import render
from django.urls import path

from accounts.access import role_required
from accounts.roles import Role
from core import clock
from core.tabular import generated_at, spooled_file_response

from ..course_report_html import deputy_rows_html
from ..selectors_course_report import (
    course_for_report,
    course_report,
    course_report_filename,
    course_report_xlsx,
    deputy_headers,
    summary_lines,
)


def _report(pk: int):
    course = course_for_report(pk)
    if course is None:
        raise Http404
    return course_report(course)


@role_required(Role.STAFF)
def report(request, pk: int):
    data = _report(pk)
    return render(
        request,
        "training/course_report.html",
        {
            "report": data,
            "course": data.course,
            "summary": summary_lines(data),
            "headers": deputy_headers(),
            "rows": deputy_rows_html(data),
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
