"""The organisers' report on one course (课程统计), as a page and as an .xlsx download. Staff
only: deputies and units get a 403, anonymous users the login page, an unknown course a 404.
The figures come from ``selectors_course_report``, so page and sheet always agree."""

from django.shortcuts import get_object_or_404, render
from django.urls import path

from accounts.access import role_required
from accounts.roles import Role
from core import clock
from core.tabular import generated_at, spooled_file_response

from ..selectors_course_report import (
    course_report,
    course_report_filename,
    course_report_queryset,
    course_report_xlsx,
    deputy_headers,
    passed_text,
    summary_lines,
)


def _report(pk: int):
    return course_report(get_object_or_404(course_report_queryset(), pk=pk))


@role_required(Role.STAFF)
def report(request, pk: int):
    data = _report(pk)
    rows = [{"line": d, "passed": passed_text(data, d)} for d in data.deputies]
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
