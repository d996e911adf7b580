"""Reads behind the deputy's training pages: their enrolments with progress, the courses open
to them, one course as they see it. Each is a fixed number of queries whatever the data:
progress comes from subqueries per shown row, never from joins that multiply rows."""

from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from core import clock
from core.sql import CodepointOrder
from deputies.facts import (
    DEPUTY,
    DeputyFacts,
    Rows,
    decimal,
    first_rows,
    prepared,
    row_instance,
)
from deputies.models import Deputy, ProfessionalGroup

from .models import (
    Attendance,
    Course,
    CourseSession,
    Enrollment,
    Quiz,
    QuizAttempt,
    Survey,
    SurveyResponse,
)


def _next_session(today: date, outer: str = "pk") -> Subquery:
    """The first day of the course's sessions from ``today`` on (None when none is left)."""
    return Subquery(
        CourseSession.objects.filter(course=OuterRef(outer), date__gte=today)
        .order_by("date")
        .values("date")[:1]
    )


UNMARKED_WITHIN_DAYS = 30
COMING_WITHIN_DAYS = 7


def unmarked_sessions(today: date) -> QuerySet[CourseSession]:
    """Sessions of the last month with deputies enrolled but no attendance recorded: the clerk
    has a sign-in sheet to enter."""
    return CourseSession.objects.filter(
        date__lte=today,
        date__gt=today - timedelta(days=UNMARKED_WITHIN_DAYS),
        course__enrolled_count__gt=0,
    ).exclude(Exists(Attendance.objects.filter(session=OuterRef("pk"))))


def coming_sessions(today: date) -> QuerySet[CourseSession]:
    """Sessions of the coming week: sign-in sheets and rooms to prepare."""
    return CourseSession.objects.filter(
        date__gt=today, date__lte=today + timedelta(days=COMING_WITHIN_DAYS)
    )


def my_enrollments(deputy: Deputy, *, today: date | None = None) -> QuerySet[Enrollment]:
    """The deputy's enrolments, newest course first, each with sessions (total, attended),
    hours attended, the next session, and the quiz state (has an active one, passed)."""
    today = today or clock.today()
    sessions = CourseSession.objects.filter(course=OuterRef("course")).values("course")
    attended = Attendance.objects.filter(enrollment=OuterRef("pk")).values("enrollment")
    return (
        Enrollment.objects.filter(deputy=deputy)
        .select_related("course", "course__topic")
        .annotate(
            sessions_total=Coalesce(
                Subquery(sessions.annotate(n=Count("pk")).values("n")[:1]), Value(0)
            ),
            sessions_attended=Coalesce(
                Subquery(attended.annotate(n=Count("pk")).values("n")[:1]), Value(0)
            ),
            hours=Coalesce(
                Subquery(attended.annotate(h=Sum("hours")).values("h")[:1]),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=6, decimal_places=1),
            ),
            next_session=_next_session(today, "course"),
            has_quiz=Exists(Quiz.objects.filter(course=OuterRef("course"), is_active=True)),
            quiz_passed=Exists(QuizAttempt.objects.filter(enrollment=OuterRef("pk"), passed=True)),
        )
        # Courses under way first (no completion date), on every database: PostgreSQL puts
        # NULL last when not told, SQLite first.
        .order_by(F("completed_on").asc(nulls_first=True), "-course__year", "course__title")
    )


def open_courses(deputy, group, *, today: date) -> QuerySet[Course]:
    """Published courses of this year the deputy may still enrol in: not enrolled, enrolment
    not closed, not over (a session from today on, or none yet, e.g. online), each with
    ``next_session`` and ``in_group`` (meant for the deputy's professional group). Full
    courses stay listed (the page says so) so a deputy knows they exist. ``deputy`` and
    ``group`` are ids, or ``OuterRef``s as seen from within the courses' subqueries (the
    courses read as one of the deputy's facts); a deputy without a group (None) has no
    course in their group. Every measure a subquery of the course's own rows: no join that
    multiplies rows, no grouping."""
    # The first session's day, None when there is none: per course by the (course, date)
    # index, where ``~Exists`` was hashed over every session of the district (PostgreSQL
    # turns an ``EXISTS`` in an ``OR`` into a scan of the whole table, growing with it).
    first = CourseSession.objects.filter(course=OuterRef("pk")).order_by("date").values("date")
    Groups = Course.groups.through
    return (
        Course.objects.published()
        .filter(year=today.year)
        .filter(Q(enrol_until__isnull=True) | Q(enrol_until__gte=today))
        .exclude(Exists(Enrollment.objects.filter(course=OuterRef("pk"), deputy=deputy)))
        .annotate(
            next_session=_next_session(today),
            in_group=Exists(Groups.objects.filter(course=OuterRef("pk"), professionalgroup=group)),
        )
        .alias(first_session=Subquery(first[:1]))
        .filter(Q(next_session__isnull=False) | Q(first_session__isnull=True))
    )


# The home page's own rows, read with the deputy's facts (``deputies.facts``, a source read
# only where a page names it): the first open courses and how many there are, the deputy's
# enrolments and the first surveys waiting, where each was a query of its own (issue #8: ~0.3
# ms each at district size, their round trip and conversion more than the database's work).
# Only the first open courses: at the start of the year some ninety are open to a deputy at
# district scale, and reading them all cost more than the rest of the page; the open list's
# later pages read them all (``HOME_OPEN``).
HOME = "training.home"
HOME_OPEN = "training.home.open"
SURVEYS_SHOWN = 3
RECOMMENDED_SHOWN = 5
OPEN_PER_PAGE = 10
# The open list's first page leaves out the courses recommended above it (among the open).
OPEN_FIRST = OPEN_PER_PAGE + RECOMMENDED_SHOWN
# What the home page shows of an open course and what its recommendations weigh (fields, as
# ``row_instance`` takes them), then the two annotations.
HOME_COURSE_FIELDS = (
    "pk",
    "title",
    "track",
    "format",
    "topic",
    "for_new",
    "for_reelected",
    "specialty_keywords",
    "capacity",
    "enrolled_count",
)
OPEN_ROW = (*HOME_COURSE_FIELDS, "next_session", "in_group")
# The open list's order: next session (none last), title by code point (as ``home_rows``
# sorts in Python), id.
OPEN_ORDER = (F("next_session").asc(nulls_last=True), CodepointOrder("title"), "pk")
SURVEY_ROW = ("pk", "title", "closes_on")


class HomeEnrollment(NamedTuple):
    """An enrolment as the home page shows it (``my_enrollments``' values)."""

    course_id: int
    title: str
    completed_on: date | None
    sessions_total: int
    sessions_attended: int
    hours: Decimal
    next_session: date | None
    has_quiz: bool
    quiz_passed: bool


# ``HomeEnrollment``'s values, then what the enrolments are sorted by.
ENROLLMENT_ROW = ("course_id", "course__title", *HomeEnrollment._fields[2:], "course__year")


def _open(today: date) -> QuerySet[Course]:
    """``open_courses`` as one of the deputy's facts: the deputy and their group as seen from
    within the courses' subqueries."""
    return open_courses(OuterRef(DEPUTY), OuterRef(OuterRef("group_id")), today=today)


def home_facts(today: date) -> dict:
    """The home page's rows as the deputy's facts (``Rows``, sorted again by ``home_rows``)."""
    # The first open courses, picked in a subquery of their own: the deputy and the group one
    # level further out there.
    first = open_courses(
        OuterRef(OuterRef(DEPUTY)), OuterRef(OuterRef(OuterRef("group_id"))), today=today
    ).order_by(*OPEN_ORDER)
    return {
        "open": (
            _open(today).filter(pk__in=Subquery(first.values("pk")[:OPEN_FIRST])),
            Rows(*OPEN_ROW),
        ),
        "open_count": (_open(today), Count("pk")),
        "enrollments": (my_enrollments(DEPUTY, today=today), Rows(*ENROLLMENT_ROW)),
        "surveys": (
            # Picked in a subquery of their own, within which the answers' is one more.
            first_rows(
                lambda deputy: open_surveys(OuterRef(deputy), today=today),
                "closes_on",
                "pk",
                limit=SURVEYS_SHOWN,
            ),
            Rows(*SURVEY_ROW),
        ),
    }


def home_open_facts(today: date) -> dict:
    """Every open course (``HOME_OPEN``), for the open list's later pages."""
    return {"open": (_open(today), Rows(*OPEN_ROW))}


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


class HomeRows(NamedTuple):
    # Open to the deputy, by next session (none last), title, id: the first ``OPEN_FIRST``,
    # or all of them when read with ``HOME_OPEN``.
    courses: list[Course]
    open_count: int  # how many are open
    enrollments: list[HomeEnrollment]  # in ``my_enrollments``' order
    surveys: list[tuple[int, str, date]]  # the first waiting, closing soonest first


def home_rows(known: DeputyFacts) -> HomeRows:
    """The home page's rows from the deputy's facts (read with ``HOME`` among their keys,
    and ``HOME_OPEN`` for every open course), in the orders the page's own queries gave them:
    the open courses by next session (none last), then title, id; the enrolments under way
    first, then those completed by date, each newest course first, then title; the surveys
    closing soonest first."""
    rows = known[HOME]
    everything = known.values.get(HOME_OPEN)
    courses = []
    for row in sorted(
        (everything or rows)["open"], key=lambda r: (r[-2] is None, r[-2] or "", r[1], r[0])
    ):  # next session, title, pk
        course = row_instance(Course, HOME_COURSE_FIELDS, row[:-2])
        course.next_session, course.in_group = _day(row[-2]), bool(row[-1])
        courses.append(course)
    ordered = sorted(
        rows["enrollments"], key=lambda r: (r[2] is not None, r[2] or "", -r[-1], r[1], r[0])
    )  # completed on (none first), the course's year (newest first), title
    enrollments = [
        HomeEnrollment(
            course_id,
            title,
            _day(completed_on),
            int(total or 0),
            int(attended or 0),
            decimal(hours) or Decimal("0"),
            _day(next_session),
            bool(has_quiz),
            bool(quiz_passed),
        )
        for (
            course_id,
            title,
            completed_on,
            total,
            attended,
            hours,
            next_session,
            has_quiz,
            quiz_passed,
            _year,
        ) in ordered
    ]
    surveys = [
        (pk, title, date.fromisoformat(closes_on))
        for pk, title, closes_on in sorted(rows["surveys"], key=lambda r: (r[2], r[0]))
    ]
    return HomeRows(courses, rows["open_count"], enrollments, surveys)


def course_visible_to(deputy: Deputy | int) -> QuerySet[Course]:
    """What a deputy may open: published courses, and any course they are enrolled in."""
    mine = Enrollment.objects.filter(course=OuterRef("pk"), deputy=deputy)
    return Course.objects.filter(Q(is_published=True) | Exists(mine))


def course_sessions_for(course: Course | int, deputy: Deputy | int) -> QuerySet[CourseSession]:
    """The course's sessions, each with ``attended`` for this deputy."""
    attended = Attendance.objects.filter(session=OuterRef("pk"), enrollment__deputy=deputy)
    return (
        CourseSession.objects.filter(course=course)
        .annotate(attended=Exists(attended))
        .order_by("date", "starts_at", "pk")
    )


class CoursePage(NamedTuple):
    course: Course  # with its topic and quiz (``hasattr(course, "quiz")`` asks no query)
    enrollment: Enrollment | None  # the deputy's, as ``my_enrollments`` reads it
    sessions: list[CourseSession]  # with ``attended``
    groups: list[ProfessionalGroup]  # the professional groups it is meant for


def course_page(deputy: Deputy, pk: int, *, today: date) -> CoursePage | None:
    """One course as the deputy's page shows it, None where they may not open it. Four reads,
    each compiled once a day and process (``deputies.facts.prepared``): building them cost
    the page more than running them (issue #8)."""
    found = prepared(
        ("training:course-page",),
        lambda deputy, course: (
            course_visible_to(deputy).filter(pk=course).select_related("topic", "quiz")
        ),
        deputy=deputy.pk,
        course=pk,
    )
    if not found:
        return None
    enrolments = prepared(
        ("training:course-enrolment", today),
        lambda deputy, course: my_enrollments(deputy, today=today).filter(course=course),
        deputy=deputy.pk,
        course=pk,
    )
    sessions = prepared(
        ("training:course-sessions",), course_sessions_for, course=pk, deputy=deputy.pk
    )
    groups = prepared(
        ("training:course-groups",),
        lambda course: ProfessionalGroup.objects.filter(courses=course),
        course=pk,
    )
    return CoursePage(found[0], enrolments[0] if enrolments else None, sessions, groups)


def open_surveys(deputy: Deputy | OuterRef, *, today: date | None = None) -> QuerySet[Survey]:
    """Published surveys open today the deputy has not answered. ``deputy`` may be an
    ``OuterRef`` (as seen from the answers' subquery) when the list is itself a subquery."""
    today = today or clock.today()
    return (
        Survey.objects.filter(is_published=True, opens_on__lte=today, closes_on__gte=today)
        .exclude(Exists(SurveyResponse.objects.filter(survey=OuterRef("pk"), deputy=deputy)))
        .order_by("closes_on")
    )


def _total(queryset: QuerySet, aggregate) -> Subquery:
    """``aggregate`` over ``queryset`` as a scalar subquery (None over no rows)."""
    return Subquery(queryset.order_by().values(_one=Value(1)).annotate(v=aggregate).values("v")[:1])


def year_summary(deputy: Deputy, year: int) -> dict:
    """Hours attended and courses completed in ``year``: one query, both scalar subqueries on
    the deputy's row (compiled once per year: ``deputies.facts.prepared``)."""
    (row,) = prepared(
        ("training:year-summary", year),
        lambda deputy: Deputy.objects.filter(pk=deputy).values(
            hours=_total(
                Attendance.objects.filter(enrollment__deputy=deputy, session__date__year=year),
                Sum("hours"),
            ),
            completed=_total(
                Enrollment.objects.filter(deputy=deputy, completed_on__year=year), Count("pk")
            ),
        ),
        deputy=deputy.pk,
    )
    return {"year": year, "hours": row["hours"] or Decimal("0"), "completed": row["completed"] or 0}
