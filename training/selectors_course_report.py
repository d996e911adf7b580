"""The organisers' report on one course (课程统计): who enrolled, attended, completed, and how the
quiz went, with every rate shown as numerator and denominator so a reader can check it.

``Rate`` is the one place a rate is computed and written ("12/20 = 60.0%", or "—" when nothing
could be counted); the page, the .xlsx export and the tests all use it. The report takes three
queries whatever the enrolment: the sessions with their attendance counts, the enrolments with
each deputy's progress and quiz standing (subqueries per row, read as plain values), and the
quiz itself is joined to the course by the caller. The summary is counted from the enrolment
rows already read.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.sql import json_rows
from core.tabular import Sheet, dated_filename, title_line, write_xlsx
from deputies.facts import prepared, row_instance

from .models import Attendance, Course, CourseSession, Enrollment, Quiz, QuizAttempt

NONE_SHOWN = "—"
ONE_DECIMAL = Decimal("0.1")
RATE_TEXT = gettext_noop("%(n)d/%(d)d = %(pct)s%%")
AVERAGE_TEXT = gettext_noop("%(avg)s（%(n)d 人）")


@dataclass(frozen=True)
class Rate:
    """``numerator`` of ``denominator``. The percentage has one decimal, rounded half up; a
    denominator of 0 has no percentage (never a division by zero) and reads "—"."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(
            ONE_DECIMAL, rounding=ROUND_HALF_UP
        )

    def __str__(self) -> str:
        percent = self.percent
        if percent is None:
            return NONE_SHOWN
        return _(RATE_TEXT) % {"n": self.numerator, "d": self.denominator, "pct": percent}


@dataclass(frozen=True)
class Average:
    """A mean over ``n`` values, one decimal; "—" over none."""

    total: Decimal
    n: int

    @property
    def value(self) -> Decimal | None:
        if not self.n:
            return None
        return (self.total / self.n).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        value = self.value
        return NONE_SHOWN if value is None else _(AVERAGE_TEXT) % {"avg": value, "n": self.n}


@dataclass(frozen=True)
class SessionLine:
    session: CourseSession
    present: Rate


@dataclass(frozen=True)
class DeputyLine:
    enrollment_id: int
    deputy_id: int
    code: str
    name: str
    sessions_attended: int
    sessions_total: int
    hours: Decimal
    attempts: int
    best_score: Decimal | None
    passed: bool
    completed_on: date | None


@dataclass
class CourseReport:
    course: Course
    quiz: Quiz | None
    enrolled: int
    attended: Rate  # at least one session, of the enrolled
    completed: Rate  # of the enrolled
    sessions: list[SessionLine]
    attempted: Rate | None  # of the enrolled; None when the course has no quiz
    passed: Rate | None  # of those who attempted
    best_average: Average | None  # of each attempter's best score
    deputies: list[DeputyLine]


def _quiz_of(course: Course) -> Quiz | None:
    try:
        return course.quiz
    except ObjectDoesNotExist:
        return None


_PER_ROW = ("n_attended", "n_hours")
_PER_ROW_QUIZ = (*_PER_ROW, "n_attempts", "best_score", "n_passed")


def _per_row(qs, value, output_field) -> Subquery:
    return Subquery(
        qs.values("enrollment").annotate(v=value).values("v").order_by(),
        output_field=output_field,
    )


def _sessions(course: int):
    return (
        CourseSession.objects.filter(course=course)
        .annotate(present=Count("attendances", filter=Q(attendances__enrollment__course=course)))
        .order_by("date", "starts_at", "pk")
    )


def _per_row_values(quiz: int | None) -> dict[str, Subquery]:
    attendances = Attendance.objects.filter(enrollment=OuterRef("pk"))
    per_row = {
        "n_attended": _per_row(attendances, Count("pk"), IntegerField()),
        "n_hours": _per_row(
            attendances, Sum("hours"), DecimalField(max_digits=8, decimal_places=1)
        ),
    }
    if quiz is not None:
        # The quiz is known: its attempts by its key (not joined to the course on every row).
        # Without a quiz there are no attempts to count.
        attempts = QuizAttempt.objects.filter(enrollment=OuterRef("pk"), quiz=quiz)
        per_row |= {
            "n_attempts": _per_row(attempts, Count("pk"), IntegerField()),
            "best_score": _per_row(
                attempts, Max("score"), DecimalField(max_digits=5, decimal_places=1)
            ),
            "n_passed": _per_row(attempts.filter(passed=True), Count("pk"), IntegerField()),
        }
    return per_row


def _enrollment_rows(fields: list[str], course: int, quiz: int | None = None):
    # Plain values, not model instances: a district's course has some eighty enrolments.
    return (
        Enrollment.objects.filter(course=course)
        .annotate(**_per_row_values(quiz))
        .order_by("deputy__code", "pk")
        .values_list(*fields)
    )


# A session as the report reads it with its course (``course_for_report``): what the summary
# shows of it (its day), what it is sorted by, and the enrolled deputies present.
SESSION_ROW = ("pk", "date", "starts_at")


def _session_rows() -> Subquery:
    """The course's sessions as one JSON column of the course's row (``SESSION_ROW`` and the
    count present), so the report reads them with the course: one round trip less."""
    present = (
        Attendance.objects.filter(session=OuterRef("pk"), enrollment__course=OuterRef("course"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    sessions = CourseSession.objects.filter(course=OuterRef("pk")).annotate(
        present=Coalesce(Subquery(present, output_field=IntegerField()), 0)
    )
    return json_rows(sessions, *SESSION_ROW, "present")


def _read_sessions(rows: list | None) -> list[CourseSession]:
    """``_session_rows``' sessions in ``_sessions``' order (the day, the hour, none last, the
    key), each with ``present``."""
    sessions = []
    for row in sorted(rows or [], key=lambda r: (r[1], r[2] is None, r[2] or "", r[0])):
        session = row_instance(CourseSession, SESSION_ROW, row[:-1])
        session.present = row[-1]
        sessions.append(session)
    return sessions


def course_report(course: Course) -> CourseReport:
    """The report of ``course`` (fetched with ``course_report_queryset`` so its quiz comes
    along, or ``course_for_report``, with its sessions too): one more query whatever the
    enrolment (and one for the sessions when the course came without them), each compiled
    once per process (``deputies.facts.prepared``: the enrolments' statement has five
    subqueries per row)."""
    quiz = _quiz_of(course)
    if hasattr(course, "session_rows"):
        sessions = _read_sessions(course.session_rows)
    else:
        sessions = prepared(("training:course-report-sessions",), _sessions, course=course.pk)
    per_row = list(_PER_ROW if quiz is None else _PER_ROW_QUIZ)
    fields = ["pk", "deputy_id", "deputy__code", "deputy__name", "completed_on", *per_row]
    ids = {"course": course.pk} | ({} if quiz is None else {"quiz": quiz.pk})
    rows = prepared(
        ("training:course-report-enrollments",),
        lambda **ids: _enrollment_rows(fields, **ids),
        **ids,
    )
    total = len(sessions)
    deputies = []
    for row in rows:
        e = dict(zip(fields, row, strict=True))
        deputies.append(
            DeputyLine(
                enrollment_id=e["pk"],
                deputy_id=e["deputy_id"],
                code=e["deputy__code"],
                name=e["deputy__name"],
                sessions_attended=e["n_attended"] or 0,
                sessions_total=total,
                hours=Decimal(e["n_hours"] or 0),
                attempts=e.get("n_attempts") or 0,
                best_score=e.get("best_score"),
                passed=bool(e.get("n_passed")),
                completed_on=e["completed_on"],
            )
        )
    enrolled = len(deputies)
    attempters = [d for d in deputies if d.attempts]
    has_quiz = quiz is not None
    return CourseReport(
        course=course,
        quiz=quiz,
        enrolled=enrolled,
        attended=Rate(sum(1 for d in deputies if d.sessions_attended), enrolled),
        completed=Rate(sum(1 for d in deputies if d.completed_on), enrolled),
        sessions=[SessionLine(s, Rate(s.present, enrolled)) for s in sessions],
        attempted=Rate(len(attempters), enrolled) if has_quiz else None,
        passed=Rate(sum(1 for d in attempters if d.passed), len(attempters)) if has_quiz else None,
        best_average=Average(
            sum((Decimal(d.best_score) for d in attempters), Decimal(0)), len(attempters)
        )
        if has_quiz
        else None,
        deputies=deputies,
    )


def course_report_queryset():
    """Courses as the report reads them: the quiz joined (a reverse one-to-one)."""
    return Course.objects.select_related("quiz")


def course_for_report(pk: int) -> Course | None:
    """The course ``pk`` as ``course_report_queryset`` reads it, with its sessions
    (``session_rows``), by a statement compiled once per process; None if there is none."""
    found = prepared(
        ("training:course-report-course",),
        lambda course: (
            course_report_queryset().filter(pk=course).annotate(session_rows=_session_rows())
        ),
        course=pk,
    )
    return found[0] if found else None


# --- The .xlsx export ---------------------------------------------------------------------


def deputy_headers() -> list[str]:
    return [
        _("代表编号"),
        _("姓名"),
        _("出勤课次"),
        _("学时"),
        _("最高得分"),
        _("测试通过"),
        _("结业日期"),
    ]


def passed_text(report: CourseReport, line: DeputyLine) -> str:
    """是 / 否, or "—" where there is nothing to pass (no quiz, or not attempted)."""
    if report.quiz is None or not line.attempts:
        return NONE_SHOWN
    return _("是") if line.passed else _("否")


def summary_lines(report: CourseReport) -> list[tuple[str, str | int]]:
    """(label, value) pairs of the summary, in the order the page and the sheet show them:
    each rate as its text, the enrolment as a number (a sheet can sum it)."""
    lines: list[tuple[str, str | int]] = [
        (_("报名人数"), report.enrolled),
        (_("参训率（至少出勤一次）"), str(report.attended)),
        (_("结业率"), str(report.completed)),
    ]
    for s in report.sessions:
        label = _("课次 %(date)s 出勤率") % {"date": f"{s.session.date:%Y-%m-%d}"}
        lines.append((label, str(s.present)))
    if report.quiz is None:
        lines.append((_("在线测试"), _("本课程没有在线测试")))
    else:
        lines += [
            (_("测试参与率"), str(report.attempted)),
            (_("测试通过率"), str(report.passed)),
            (_("最高得分平均分"), str(report.best_average)),
        ]
    return lines


def _sheet_rows(report: CourseReport) -> Iterator[list[Any]]:
    yield []
    for label, value in summary_lines(report):
        yield [label, value]
    yield []
    yield deputy_headers()
    for d in report.deputies:
        yield [
            d.code,
            d.name,
            f"{d.sessions_attended}/{d.sessions_total}",
            d.hours,
            d.best_score if d.best_score is not None else NONE_SHOWN,
            passed_text(report, d),
            f"{d.completed_on:%Y-%m-%d}" if d.completed_on else NONE_SHOWN,
        ]


def course_report_xlsx(report: CourseReport, target, *, now: datetime | None = None) -> None:
    """Write the report as one sheet: a first line naming the committee, the course and when
    it was taken, the summary, then one row per deputy. Every cell goes through
    ``core.tabular``'s formula guard, so a title or name like ``=HYPERLINK(...)`` stays text."""
    first = title_line(report.course.title, now=now)
    write_xlsx(
        target,
        [Sheet(_("课程统计"), first, _sheet_rows(report), widths=[24, 28, 22, 10, 10, 10, 12])],
    )


def course_report_filename(report: CourseReport, *, now: datetime | None = None) -> str:
    return dated_filename(f"course-{report.course.pk}-report", "xlsx", now=now)
