"""Enrolment (报名) and attendance (签到).

Capacity holds under concurrent enrolment because the seat is taken by one conditional UPDATE
(``enrolled_count + 1`` only while below capacity) in the same transaction as the enrolment
row; the course's check constraint refuses any path that does not go through here.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.audit import audit_record
from deputies.models import Deputy, Status

from ..models import Attendance, Course, CourseSession, Enrollment, Source
from .common import TrainingError, is_staff, self_or_staff_required, staff_required
from .completion import completion_refresh

ERR_FULL = gettext_noop("“%(course)s”名额已满。")
ERR_ALREADY_ENROLLED = gettext_noop("%(deputy)s 已报名“%(course)s”。")
ERR_NOT_PUBLISHED = gettext_noop("“%(course)s”尚未发布，不能报名。")
ERR_ENROLMENT_CLOSED = gettext_noop("“%(course)s”报名已于 %(date)s 截止。")
ERR_NOT_SERVING = gettext_noop("%(deputy)s 不是在任代表，不能报名培训。")
ERR_HAS_ATTENDANCE = gettext_noop("已有出勤记录，不能取消报名；请联系工作人员。")
ERR_SESSION_NOT_YET = gettext_noop("课次 %(date)s 还没到，出勤须在当天或之后登记。")
ERR_NOT_ENROLLED = gettext_noop("%(deputy)s 未报名“%(course)s”，请先报名。")
ERR_HOURS_RANGE = gettext_noop("学时须大于 0 且不超过 12，最多一位小数。")


def seats_take(needed: dict[int, int]) -> bool:
    """Take ``needed[course_id]`` seats in each course in one UPDATE, with the condition of
    ``course_enrol``'s (the count may only rise while it stays within capacity), so a
    concurrent enrolment cannot push a course past its capacity. False, and nothing changed
    that the caller's rollback would not undo, when some course lacks the seats."""
    needed = {course_id: n for course_id, n in needed.items() if n}
    if not needed:
        return True
    fits = Q()
    for course_id, n in needed.items():
        fits |= Q(pk=course_id) & (
            Q(capacity__isnull=True) | Q(enrolled_count__lte=F("capacity") - n)
        )
    add = Case(*(When(pk=pk, then=Value(n)) for pk, n in needed.items()), default=Value(0))
    taken = Course.objects.filter(fits).update(enrolled_count=F("enrolled_count") + add)
    return taken == len(needed)


def _take_seat(course: Course) -> None:
    if not seats_take({course.pk: 1}):
        raise TrainingError(_(ERR_FULL) % {"course": course.title})


@transaction.atomic
def course_enrol(
    *,
    course: Course,
    deputy: Deputy,
    actor: User | None,
    source: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Enrollment:
    """Enrol ``deputy`` in ``course``. A deputy enrols themself in a published course until its
    enrolment deadline; staff may enrol anyone serving in any course. Refuses a full course
    and a second enrolment."""
    self_or_staff_required(actor, deputy)
    now = now or clock.now()
    today = today or clock.day_of(now)
    by_staff = actor is None or is_staff(actor)
    source = source or (Source.STAFF if by_staff else Source.SELF)
    if deputy.status != Status.SERVING:
        raise TrainingError(_(ERR_NOT_SERVING) % {"deputy": deputy})
    if not by_staff:
        if not course.is_published:
            raise TrainingError(_(ERR_NOT_PUBLISHED) % {"course": course.title})
        if course.enrol_until is not None and today > course.enrol_until:
            raise TrainingError(
                _(ERR_ENROLMENT_CLOSED) % {"course": course.title, "date": course.enrol_until}
            )
    already = _(ERR_ALREADY_ENROLLED) % {"deputy": deputy, "course": course.title}
    if Enrollment.objects.filter(course=course, deputy=deputy).exists():
        raise TrainingError(already)
    _take_seat(course)
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                course=course,
                deputy=deputy,
                source=source,
                enrolled_at=now,
                enrolled_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as exc:  # a concurrent request enrolled the same deputy
        raise TrainingError(already) from exc
    course.refresh_from_db(fields=["enrolled_count"])
    audit_record(
        actor=actor,
        action="training.enrol",
        target=enrollment,
        summary=str(enrollment),
        data={"course": course.pk, "deputy": deputy.code, "source": source},
    )
    return enrollment


@transaction.atomic
def course_withdraw(*, enrollment: Enrollment, actor: User | None) -> None:
    """Cancel an enrolment and free its seat; refused once a session was attended (the
    record of learning stays)."""
    self_or_staff_required(actor, enrollment.deputy)
    if enrollment.attendances.exists():
        raise TrainingError(_(ERR_HAS_ATTENDANCE))
    course_id, summary = enrollment.course_id, str(enrollment)
    data = {"course": course_id, "deputy": enrollment.deputy.code}
    enrollment.delete()
    Course.objects.filter(pk=course_id, enrolled_count__gt=0).update(
        enrolled_count=F("enrolled_count") - 1
    )
    audit_record(actor=actor, action="training.withdraw", summary=summary, data=data)


def check_hours(hours: Decimal) -> Decimal:
    """Hours as the sheets and the admin may give them: > 0, ≤ 12, at most one decimal."""
    try:
        value = Decimal(str(hours))
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise TrainingError(_(ERR_HOURS_RANGE)) from exc
    if not value.is_finite() or value <= 0 or value > 12 or value != value.quantize(Decimal("0.1")):
        raise TrainingError(_(ERR_HOURS_RANGE))
    return value


@transaction.atomic
def attendance_set(
    *,
    session: CourseSession,
    deputies: Iterable[Deputy],
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Make the session's attendance exactly ``deputies`` (each enrolled in the course): add
    the new ones at the session's hours, remove the others; then completion (and B05) follows.
    Staff only, on or after the session's day. Returns (added, removed)."""
    staff_required(actor)
    now = now or clock.now()
    today = today or clock.day_of(now)
    if session.date > today:
        raise TrainingError(_(ERR_SESSION_NOT_YET) % {"date": session.date})
    course = session.course
    wanted = {d.pk: d for d in deputies}
    enrollments = {
        e.deputy_id: e
        for e in Enrollment.objects.select_for_update()
        .filter(course=course, deputy_id__in=list(wanted))
        .select_related("deputy")
    }
    for pk, deputy in wanted.items():
        if pk not in enrollments:
            raise TrainingError(_(ERR_NOT_ENROLLED) % {"deputy": deputy, "course": course.title})
    current = {
        a.enrollment.deputy_id: a for a in session.attendances.select_related("enrollment__deputy")
    }
    new = [enrollments[pk] for pk in wanted if pk not in current]
    gone = [a for pk, a in current.items() if pk not in wanted]
    Attendance.objects.filter(pk__in=[a.pk for a in gone]).delete()
    Attendance.objects.bulk_create(
        [
            Attendance(
                enrollment=e,
                session=session,
                hours=session.hours,
                source=Source.STAFF,
                recorded_by=actor,
                recorded_at=now,
            )
            for e in new
        ]
    )
    if new or gone:
        audit_record(
            actor=actor,
            action="training.attendance.set",
            target=session,
            summary=str(session),
            data={
                "added": sorted(e.deputy.code for e in new),
                "removed": sorted(a.enrollment.deputy.code for a in gone),
            },
        )
        touched = [*new, *(a.enrollment for a in gone)]
        completion_refresh(enrollments=touched, actor=actor, today=today)
    return len(new), len(gone)
