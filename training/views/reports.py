"""The organisers' report on one course (课程统计), as a page and as an .xlsx download. Staff
only: deputies and units get a 403, anonymous users the login page, an unknown course a 404.
The figures come from ``selectors_course_report``, so page and sheet always agree."""

from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import floatformat
from django.urls import path, reverse

from accounts.access import role_required
from accounts.roles import Role
from core import clock
from core.tabular import generated_at, spooled_file_response

from ..selectors_course_report import (
    NONE_SHOWN,
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
    # Each row's values written once here (the archive link from one reversal, the decimals
    # and the date formatted as the template's filters would): a district's course has some
    # fifty enrolments, and the template's filters and reversals per row were most of the page.
    head, tail = reverse("training:deputy_archive", args=[0]).rsplit("/0/", 1)
    rows = [
        {
            "line": d,
            "passed": passed_text(data, d),
            "archive_url": f"{head}/{d.deputy_id}/{tail}",
            "hours": floatformat(d.hours, 1),
            "best_score": NONE_SHOWN if d.best_score is None else floatformat(d.best_score, 1),
            "completed_on": f"{d.completed_on:%Y-%m-%d}" if d.completed_on else NONE_SHOWN,
        }
        for d in data.deputies
    ]
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
