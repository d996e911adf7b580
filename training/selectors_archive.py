"""The learning archive (学习档案) of one deputy: hours by year and track, the courses they
completed and those still in progress, and their quiz results.

The page, the staff view of a deputy and the printable PDF all read it from here, so they can
never disagree. It takes two queries whatever the record holds: one grouped sum of attended
hours by (year, track), and one list of enrolments whose progress and quiz results come from
subqueries per row (joining attendances and attempts together would multiply rows and inflate
the sums).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    Max,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear

from deputies.facts import prepared
from deputies.models import Deputy

from .models import Attendance, CourseSession, Enrollment, QuizAttempt, Track

ZERO = Decimal("0")
TRACKS = tuple(Track)  # the column order of the hours table: basics, topical, practice


@dataclass
class HoursRow:
    """Hours of one year (or of all years: ``year`` None), per track and in total."""

    year: int | None
    by_track: dict[str, Decimal] = field(default_factory=lambda: {t.value: ZERO for t in TRACKS})

    @property
    def cells(self) -> list[Decimal]:
        """The track columns in ``TRACKS`` order: templates and the PDF lay them out alike."""
        return [self.by_track[t.value] for t in TRACKS]

    @property
    def total(self) -> Decimal:
        return sum(self.by_track.values(), ZERO)

    def add(self, track: str, hours: Decimal) -> None:
        if track in self.by_track:
            self.by_track[track] += hours


@dataclass(frozen=True)
class CourseLine:
    """One enrolment as the archive shows it."""

    course_id: int
    title: str
    year: int
    track: str
    format: str
    completed_on: date | None
    sessions_attended: int
    sessions_total: int
    hours: Decimal


@dataclass(frozen=True)
class QuizLine:
    """The deputy's standing on one course's quiz: attempts used of those allowed, the best
    score (None before a first attempt) and whether any attempt passed."""

    course_id: int
    title: str
    attempts_used: int
    attempts_allowed: int
    best_score: Decimal | None
    passed: bool
    is_active: bool


@dataclass
class LearningArchive:
    deputy: Deputy
    years: list[HoursRow]
    total: HoursRow
    completed: list[CourseLine]
    in_progress: list[CourseLine]
    quizzes: list[QuizLine]

    @property
    def is_empty(self) -> bool:
        return not (self.years or self.completed or self.in_progress or self.quizzes)


def track_labels() -> list[str]:
    """The track headers, in the order of ``HoursRow.cells``."""
    return [str(t.label) for t in TRACKS]


def _hours_by_year(deputy: Deputy) -> tuple[list[HoursRow], HoursRow]:
    """Attended hours grouped by the session's calendar year and the course's track: the year
    a deputy sat in the room, as ``training_report`` counts it, not the course's year."""
    rows: dict[int, HoursRow] = {}
    total = HoursRow(year=None)
    grouped = prepared(("training:archive-hours",), _hours_query, deputy=deputy.pk)
    for row in grouped:
        year, track, hours = row["year"], row["enrollment__course__track"], row["hours"] or ZERO
        rows.setdefault(year, HoursRow(year=year)).add(track, Decimal(hours))
        total.add(track, Decimal(hours))
    return [rows[y] for y in sorted(rows)], total


def _hours_query(deputy: int):
    return (
        Attendance.objects.filter(enrollment__deputy=deputy)
        .annotate(year=ExtractYear("session__date"))
        .values("year", "enrollment__course__track")
        .annotate(hours=Sum("hours"))
        .order_by()
    )


def _grouped(qs, key: str, value, output_field) -> Subquery:
    """One aggregate of ``qs`` per ``key`` (the outer row's reference), as a subquery."""
    return Subquery(
        qs.values(key).annotate(v=value).values("v").order_by(), output_field=output_field
    )


def _enrollments(deputy: int):
    """The deputy's enrolments with the course (and its quiz) joined, and each row's progress
    and quiz standing as subqueries: one query."""
    one_decimal = DecimalField(max_digits=8, decimal_places=1)
    sessions = CourseSession.objects.filter(course=OuterRef("course"))
    attended = Attendance.objects.filter(enrollment=OuterRef("pk"))
    # Attempts on the course's own quiz only (one quiz per course, but say so).
    attempts = QuizAttempt.objects.filter(
        enrollment=OuterRef("pk"), quiz__course=OuterRef("course")
    )
    return (
        Enrollment.objects.filter(deputy=deputy)
        .select_related("course", "course__quiz")
        .annotate(
            n_sessions=Coalesce(_grouped(sessions, "course", Count("pk"), IntegerField()), 0),
            n_attended=Coalesce(_grouped(attended, "enrollment", Count("pk"), IntegerField()), 0),
            n_hours=Coalesce(
                _grouped(attended, "enrollment", Sum("hours"), one_decimal),
                Value(ZERO),
                output_field=one_decimal,
            ),
            n_attempts=Coalesce(_grouped(attempts, "enrollment", Count("pk"), IntegerField()), 0),
            best_score=_grouped(attempts, "enrollment", Max("score"), one_decimal),
            n_passed=Coalesce(
                _grouped(attempts.filter(passed=True), "enrollment", Count("pk"), IntegerField()),
                0,
            ),
        )
        .order_by("-course__year", "course__track", "course__title", "pk")
    )


def _quiz_of(enrollment: Enrollment):
    """The course's quiz joined by ``select_related`` (a reverse one-to-one: missing raises)."""
    try:
        return enrollment.course.quiz
    except ObjectDoesNotExist:
        return None


def learning_archive(deputy: Deputy) -> LearningArchive:
    """The deputy's archive in two queries. Completed courses are those the completion service
    marked (``completed_on``); every other enrolment is in progress. A quiz appears while it is
    active, or once the deputy has attempted it (a record stays a record)."""
    years, total = _hours_by_year(deputy)
    completed: list[CourseLine] = []
    in_progress: list[CourseLine] = []
    quizzes: list[QuizLine] = []
    # Both reads compiled once per process and run with the deputy's id
    # (``deputies.facts.prepared``): building them cost more than running them.
    for e in prepared(("training:archive-enrollments",), _enrollments, deputy=deputy.pk):
        course = e.course
        line = CourseLine(
            course_id=course.pk,
            title=course.title,
            year=course.year,
            track=course.get_track_display(),
            format=course.get_format_display() if course.format else "",
            completed_on=e.completed_on,
            sessions_attended=e.n_attended,
            sessions_total=e.n_sessions,
            hours=Decimal(e.n_hours),
        )
        (completed if e.completed_on else in_progress).append(line)
        quiz = _quiz_of(e)
        if quiz is not None and (quiz.is_active or e.n_attempts):
            quizzes.append(
                QuizLine(
                    course_id=course.pk,
                    title=course.title,
                    attempts_used=e.n_attempts,
                    attempts_allowed=quiz.max_attempts,
                    best_score=e.best_score,
                    passed=e.n_passed > 0,
                    is_active=quiz.is_active,
                )
            )
    completed.sort(key=lambda c: (c.completed_on, c.title), reverse=True)
    return LearningArchive(deputy, years, total, completed, in_progress, quizzes)


def archive_deputy_queryset():
    """Deputies as the archive heads them (their term joined for the header)."""
    return Deputy.objects.select_related("term")
