"""The learning archive (学习档案) of one deputy: hours by year and track, the courses they
completed and those still in progress, and their quiz results.

The page, the staff view of a deputy and the printable PDF all read it from here, so they can
never disagree. It takes one query whatever the record holds: the list of enrolments whose
progress, quiz results and attended hours by year come from subqueries per row (joining
attendances and attempts together would multiply rows and inflate the sums).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    JSONField,
    Max,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, JSONArray

from core.sql import JSONList
from deputies.facts import DEPUTY, DeputyFacts, Rows, decimal, prepared
from deputies.models import Deputy

from .models import Attendance, Course, CourseSession, Enrollment, QuizAttempt, Track

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


def _grouped(qs, key: str, value, output_field) -> Subquery:
    """One aggregate of ``qs`` per ``key`` (the outer row's reference), as a subquery."""
    return Subquery(
        qs.values(key).annotate(v=value).values("v").order_by(), output_field=output_field
    )


class _Row(NamedTuple):
    """An archive's row (``_enrollments``: the values of ``COLUMNS``)."""

    course_id: int
    title: str
    year: int
    track: str
    format: str
    completed_on: date | None
    n_attended: int
    n_sessions: int
    n_hours: Decimal
    n_attempts: int
    best_score: Decimal | None
    n_passed: int
    quiz_id: int | None
    quiz_active: bool | None
    max_attempts: int | None
    attended: list | None  # [year, hours] of each attendance


# The columns of an archive's row, in ``_Row``'s order.
COLUMNS = (
    "course_id",
    "course__title",
    "course__year",
    "course__track",
    "course__format",
    "completed_on",
    "n_attended",
    "n_sessions",
    "n_hours",
    "n_attempts",
    "best_score",
    "n_passed",
    "course__quiz__id",
    "course__quiz__is_active",
    "course__quiz__max_attempts",
    "attended",
)


def _enrollments(deputy: int):
    """The deputy's enrolments with the course (and its quiz) joined, and each row's progress,
    quiz standing and attendances (``[year, hours]`` of each, the session's year) as
    subqueries: one query, the values of ``COLUMNS``."""
    one_decimal = DecimalField(max_digits=8, decimal_places=1)
    sessions = CourseSession.objects.filter(course=OuterRef("course"))
    attended = Attendance.objects.filter(enrollment=OuterRef("pk"))
    # Attempts on the course's own quiz only (one quiz per course, but say so).
    attempts = QuizAttempt.objects.filter(
        enrollment=OuterRef("pk"), quiz__course=OuterRef("course")
    )
    # The session's day read by its key: joined, PostgreSQL hashed every session of the
    # district once per enrolment (~0.05 ms each, growing with the sessions held).
    day = CourseSession.objects.filter(pk=OuterRef("session_id")).order_by().values("date")
    day = Subquery(day[:1])
    by_year = JSONArray(ExtractYear(day), F("hours"))
    return (
        Enrollment.objects.filter(deputy=deputy)
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
            attended=_grouped(attended, "enrollment", JSONList(by_year), JSONField()),
        )
        .order_by("-course__year", "course__track", "course__title", "pk")
        .values_list(*COLUMNS)
    )


def _labels(name: str) -> dict[str, str]:
    """A course field's choices' labels, as ``get_FOO_display`` gives them (which hashes every
    lazy label of the field on each call)."""
    return {value: str(label) for value, label in Course._meta.get_field(name).flatchoices}


# The deputy's own archive reads its rows with the deputy's facts (``deputies.facts``: a
# source only pages naming it read), in the statement that reads the term its header shows:
# one round trip where there were two (issue #8).
ARCHIVE = "training.archive"
_DATES, _DECIMALS = frozenset({5}), frozenset({8, 10})  # the places of ``_Row``'s


def archive_facts(today: date) -> dict:
    """The archive's rows (``COLUMNS``, then the enrolment's pk) as one of the deputy's facts."""
    rows = _enrollments(DEPUTY)
    return {"rows": (rows, Rows(*COLUMNS, "pk"))}


def archive_rows(known: DeputyFacts) -> list[_Row]:
    """The archive's rows from the deputy's facts (read with ``ARCHIVE`` among their keys), in
    ``_enrollments``' order (the newest course first, then the track, the title and the
    enrolment), each value as the ORM reads it (dates and decimals from JSON)."""
    ordered = sorted(known[ARCHIVE]["rows"], key=lambda r: (-r[2], r[3], r[1], r[-1]))
    return [_Row(*(_read(i, value) for i, value in enumerate(row[:-1]))) for row in ordered]


def _read(place: int, value):
    """A ``_Row`` value read from JSON: its dates from ISO text, its decimals as the column
    holds them."""
    if value is None:
        return None
    if place in _DATES:
        return date.fromisoformat(value)
    return decimal(value) if place in _DECIMALS else value


def learning_archive(deputy: Deputy, rows: list[_Row] | None = None) -> LearningArchive:
    """The deputy's archive in one query. Completed courses are those the completion service
    marked (``completed_on``); every other enrolment is in progress. A quiz appears while it is
    active, or once the deputy has attempted it (a record stays a record). Hours by year are
    the attended hours by the session's calendar year and the course's track: the year a
    deputy sat in the room, as ``training_report`` counts it, not the course's year.
    ``rows``: the deputy's rows as a page read them with its facts (``archive_rows``)."""
    years: dict[int, HoursRow] = {}
    total = HoursRow(year=None)
    completed: list[CourseLine] = []
    in_progress: list[CourseLine] = []
    quizzes: list[QuizLine] = []
    tracks, formats = _labels("track"), _labels("format")
    if rows is None:
        # Compiled once per process and run with the deputy's id (``deputies.facts.
        # prepared``): building it cost more than running it.
        found = prepared(("training:archive-enrollments",), _enrollments, deputy=deputy.pk)
        rows = [_Row(*row) for row in found]
    for e in rows:
        # JSON numbers: the hours as the column holds them (``deputies.facts.decimal``).
        for sat_in, hours in e.attended or []:
            hours = ZERO if hours is None else decimal(hours)
            years.setdefault(int(sat_in), HoursRow(year=int(sat_in))).add(e.track, hours)
            total.add(e.track, hours)
        line = CourseLine(
            course_id=e.course_id,
            title=e.title,
            year=e.year,
            track=tracks.get(e.track, e.track),
            format=formats.get(e.format, e.format) if e.format else "",
            completed_on=e.completed_on,
            sessions_attended=e.n_attended,
            sessions_total=e.n_sessions,
            hours=Decimal(e.n_hours),
        )
        (completed if e.completed_on else in_progress).append(line)
        if e.quiz_id is not None and (e.quiz_active or e.n_attempts):
            quizzes.append(
                QuizLine(
                    course_id=e.course_id,
                    title=e.title,
                    attempts_used=e.n_attempts,
                    attempts_allowed=e.max_attempts,
                    best_score=e.best_score,
                    passed=e.n_passed > 0,
                    is_active=e.quiz_active,
                )
            )
    completed.sort(key=lambda c: (c.completed_on, c.title), reverse=True)
    ordered = [years[y] for y in sorted(years)]
    return LearningArchive(deputy, ordered, total, completed, in_progress, quizzes)


def archive_deputy_queryset():
    """Deputies as the archive heads them (their term joined for the header)."""
    return Deputy.objects.select_related("term")
