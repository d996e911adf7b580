"""Training reminders (Celery beat, ``training.tasks``): a session tomorrow, and a quiz not yet
passed in the week before the course's deadline.

Each reminder carries a ``dedupe_key`` naming its event (the session and the deputy; the
enrollment), and the notification table's unique (recipient, key) makes the second write of the
same event a no-op: running a job twice, or two workers at once, notifies once. A job that
missed a day still reminds of a quiz deadline later in the week (once).

Whom to remind is read in a fixed number of queries whatever the number of deputies; only the
notification writes grow with it. Only deputies with an active login are reminded; a withdrawn
enrolment has no row, so it is never reminded.
"""

from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock
from core.notifications import notification_send
from deputies.models import Status

from ..models import CourseSession, Enrollment, QuizAttempt

NOTIFY_SESSION = "training.session_reminder"
NOTIFY_QUIZ_DEADLINE = "training.quiz_deadline"
QUIZ_REMINDER_DAYS = 7

SESSION_TITLE = gettext_noop("明天（%(date)s）“%(course)s”上课")
SESSION_BODY = gettext_noop("%(time)s，%(where)s，%(hours)s 学时。请准时参加。")
SESSION_STARTS = gettext_noop("%(time)s 开始")
SESSION_TIME_UNSET = gettext_noop("上课时间另行通知")
QUIZ_TITLE = gettext_noop("“%(course)s”的测试将于 %(date)s 截止")
QUIZ_BODY = gettext_noop(
    "您还没有通过这门课程的测试，还可以作答 %(left)d 次。通过测试并参加全部课次即可结业。"
)


# Whom a reminder can reach: a serving deputy with an active login.
REACHABLE = Q(deputy__status=Status.SERVING, deputy__user__is_active=True)


def session_reminders_send(*, today: date | None = None) -> int:
    """Remind every deputy enrolled in a course that meets tomorrow, once per (session,
    deputy). Two queries; returns how many notifications were written."""
    today = today or clock.today()
    tomorrow = today + timedelta(days=1)
    sessions = {
        s.course_id: s for s in CourseSession.objects.filter(date=tomorrow).select_related("course")
    }
    if not sessions:
        return 0
    enrollments = Enrollment.objects.filter(REACHABLE, course_id__in=list(sessions))
    sent = 0
    for enrollment in enrollments.select_related("deputy__user"):
        session = sessions[enrollment.course_id]
        course = session.course
        starts = (
            _(SESSION_STARTS) % {"time": session.starts_at.strftime("%H:%M")}
            if session.starts_at
            else _(SESSION_TIME_UNSET)
        )
        note = notification_send(
            recipient=enrollment.deputy.user,
            kind=NOTIFY_SESSION,
            title=_(SESSION_TITLE) % {"date": session.date.isoformat(), "course": course.title},
            body=_(SESSION_BODY)
            % {
                "time": starts,
                "where": session.place or session.link or course.title,
                "hours": session.hours,
            },
            url=reverse("training:course", args=[course.pk]),
            dedupe_key=f"{NOTIFY_SESSION}:{session.pk}:{enrollment.deputy_id}",
        )
        sent += note is not None
    return sent


def quiz_deadline_reminders_send(*, today: date | None = None) -> int:
    """Remind each enrolled deputy who has not passed an active quiz and has attempts left,
    from seven days before the course's deadline until the deadline, once per enrolment. One
    query; returns how many notifications were written."""
    today = today or clock.today()
    passed = QuizAttempt.objects.filter(enrollment=OuterRef("pk"), passed=True)
    enrollments = (
        Enrollment.objects.filter(
            REACHABLE,
            course__deadline__gte=today,
            course__deadline__lte=today + timedelta(days=QUIZ_REMINDER_DAYS),
            course__quiz__is_active=True,
        )
        .exclude(Exists(passed))
        .annotate(used=Count("attempts", filter=Q(attempts__quiz=F("course__quiz"))))
        .filter(used__lt=F("course__quiz__max_attempts"))
        .select_related("course__quiz", "deputy__user")
    )
    sent = 0
    for enrollment in enrollments:
        course = enrollment.course
        note = notification_send(
            recipient=enrollment.deputy.user,
            kind=NOTIFY_QUIZ_DEADLINE,
            title=_(QUIZ_TITLE) % {"course": course.title, "date": course.deadline.isoformat()},
            body=_(QUIZ_BODY) % {"left": course.quiz.max_attempts - enrollment.used},
            url=reverse("training:quiz", args=[course.pk]),
            dedupe_key=f"{NOTIFY_QUIZ_DEADLINE}:{enrollment.pk}",
        )
        sent += note is not None
    return sent
