"""The attendance sheet of one session (签到表), for committee staff: every deputy enrolled in
the course with a box each (ticked = present), saved through ``attendance_set`` so completion
and the B05 credit follow. Deputies and handling units get a 403, anonymous users the login
page. The page reads three queries whatever the roster's size, and works on a phone."""

from django.contrib import messages
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.access import role_required
from accounts.roles import Role
from core import clock
from core.admin_lists import subquery_count

from ..forms_attendance import AttendanceForm
from ..models import Attendance, CourseSession, Enrollment
from ..services import TrainingError
from ..services.enrolment import attendance_set

MSG_SAVED = gettext_noop("已保存 %(date)s 的出勤：新增 %(added)d 人，取消 %(removed)d 人。")
MSG_UNCHANGED = gettext_noop("出勤没有变化。")


def _roster(session: CourseSession) -> list[Enrollment]:
    """The course's enrolments with their deputies, each marked ``present`` and carrying the
    ``hours_here`` recorded for this session (None when absent): one query."""
    here = Attendance.objects.filter(enrollment=OuterRef("pk"), session=session)
    return list(
        Enrollment.objects.filter(course_id=session.course_id)
        .select_related("deputy")
        .annotate(present=Exists(here), hours_here=Subquery(here.values("hours")[:1]))
        .order_by("deputy__code")
    )


def _sessions(session: CourseSession) -> list[CourseSession]:
    """The course's sessions with their attendance counts, for moving between sheets."""
    return list(
        CourseSession.objects.filter(course_id=session.course_id)
        .annotate(n_present=subquery_count(Attendance, "session"))
        .order_by("date")
    )


def _admin_url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the admin is not mounted (a trimmed URLconf in a test)
        return ""


@role_required(Role.STAFF)
def attendance(request, pk: int):
    session = get_object_or_404(CourseSession.objects.select_related("course"), pk=pk)
    rows = _roster(session)
    roster = {e.deputy_id: e.deputy for e in rows}
    form = AttendanceForm(request.POST if request.method == "POST" else None, roster=roster)
    error = ""
    if form.is_bound:
        if form.is_valid():
            try:
                added, removed = attendance_set(
                    session=session, deputies=form.attended(), actor=request.user
                )
            except TrainingError as exc:
                error = str(exc)
            else:
                if added or removed:
                    values = {"date": f"{session.date:%Y-%m-%d}", "added": added}
                    messages.success(request, _(MSG_SAVED) % {**values, "removed": removed})
                else:
                    messages.info(request, _(MSG_UNCHANGED))
                return redirect("training:attendance", pk=session.pk)
        # Shown again as posted, so a refused save loses nothing the clerk ticked.
        ticked = {str(v) for v in request.POST.getlist("deputies")}
        for e in rows:
            e.present = str(e.deputy_id) in ticked
    future = session.date > clock.today()
    return render(
        request,
        "training/attendance.html",
        {
            "session": session,
            "course": session.course,
            "rows": rows,
            "present": sum(1 for e in rows if e.present),
            "form": form,
            "error": error,
            "future": future,
            "sessions": _sessions(session),
            "course_admin_url": _admin_url("admin:training_course_change", session.course_id),
        },
    )


urlpatterns = [
    path("sessions/<int:pk>/attendance/", attendance, name="attendance"),
]
