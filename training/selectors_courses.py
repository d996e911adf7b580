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
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from core import clock
from deputies.facts import prepared
from deputies.models import Deputy

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
        .order_by("completed_on", "-course__year", "course__title")
    )


def open_courses(deputy: Deputy, *, today: date | None = None) -> QuerySet[Course]:
    """Published courses of this year the deputy may still enrol in: not enrolled, enrolment
    not closed, not over (a session from today on, or none yet, e.g. online). Full courses stay
    listed (the page says so) so a deputy knows they exist."""
    today = today or clock.today()
    return (
        Course.objects.published()
        .filter(year=today.year)
        .filter(Q(enrol_until__isnull=True) | Q(enrol_until__gte=today))
        .exclude(enrollments__deputy=deputy)
        .annotate(
            next_session=Min("sessions__date", filter=Q(sessions__date__gte=today)),
            sessions_total=Count("sessions"),
        )
        .filter(Q(next_session__isnull=False) | Q(sessions_total=0))
        .select_related("topic")
        .order_by("next_session", "title")
    )


# What the home page shows of an open course and what its recommendations weigh.
HOME_COURSE_FIELDS = (
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


def home_open_courses(deputy: Deputy, *, today: date) -> list[Course]:
    """``open_courses`` with ``in_group`` (the course is meant for the deputy's professional
    group), reading only ``HOME_COURSE_FIELDS``: the home page's recommendations are chosen
    among these (``recommended_courses(candidates=...)``) and the rest is its open list, one
    query where the recommendations' candidates, the open list's ids and its page's rows
    were three. Compiled once per day and shape (``deputies.facts.prepared``)."""
    has_group = bool(deputy.group_id)
    ids = {"deputy": deputy.pk, **({"group": deputy.group_id} if has_group else {})}

    def build(deputy: int, group: int | None = None):
        Groups = Course.groups.through
        in_group = (
            Exists(Groups.objects.filter(course=OuterRef("pk"), professionalgroup=group))
            if group
            else Value(False)
        )
        return (
            open_courses(deputy, today=today)
            .select_related(None)
            .only(*HOME_COURSE_FIELDS)
            .annotate(in_group=in_group)
        )

    return prepared(("training:home-open", today, has_group), build, **ids)


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


def home_enrollments(deputy: Deputy, *, today: date) -> list[HomeEnrollment]:
    """``my_enrollments``, in its order, reading only what the home page shows (no enrolment,
    course or topic rows); compiled once per day (``deputies.facts.prepared``)."""
    rows = prepared(
        ("training:home-enrollments", today),
        lambda deputy: my_enrollments(deputy, today=today).values_list(
            "course_id", "course__title", *HomeEnrollment._fields[2:]
        ),
        deputy=deputy.pk,
    )
    return [HomeEnrollment(*row) for row in rows]


def course_visible_to(deputy: Deputy) -> QuerySet[Course]:
    """What a deputy may open: published courses, and any course they are enrolled in."""
    return Course.objects.filter(Q(is_published=True) | Q(enrollments__deputy=deputy)).distinct()


def course_sessions_for(course: Course, deputy: Deputy) -> list[CourseSession]:
    """The course's sessions, each with ``attended`` for this deputy (one query)."""
    return list(
        course.sessions.annotate(
            attended=Exists(
                Attendance.objects.filter(session=OuterRef("pk"), enrollment__deputy=deputy)
            )
        ).order_by("date", "starts_at")
    )


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
