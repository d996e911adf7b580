"""Activities with an attendance roll, and the menu-style supervision topics deputies sign
up for."""

from datetime import date, datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record
from deputies.models import Deputy

from ..models import (
    ABSENCE_RULE,
    Activity,
    Attendance,
    AttendanceStatus,
    SupervisionTopic,
    TopicSignup,
)
from .credits import Credit, ledger_credit_many
from .errors import (
    ERR_ACTIVITY_NOT_HELD,
    ERR_ROLL_CLOSED,
    ERR_ROLL_EMPTY,
    ERR_TOPIC_NOT_PUBLISHED,
    ERR_TOPIC_PAST,
    LedgerError,
    deputy_self_required,
    staff_required,
)
from .recompute import recompute_on_commit
from .rules import rule_by_code

# --- activities and menu-style supervision -------------------------------------------------


@transaction.atomic
def topic_publish(
    *, topics: QuerySet[SupervisionTopic], actor: User | None = None, now: datetime | None = None
) -> int:
    """Publish the menu's unpublished topics to deputies; returns how many. Staff only."""
    staff_required(actor)
    ids = list(topics.filter(published_at__isnull=True).values_list("pk", flat=True))
    done = SupervisionTopic.objects.filter(pk__in=ids).update(published_at=now or clock.now())
    if done:
        audit_record(
            actor=actor,
            action="performance.topic_publish",
            summary=_("发布监督菜单议题 %(n)d 项") % {"n": done},
            data={"ids": ids},
        )
    return done


@transaction.atomic
def topic_signup(
    *,
    topic: SupervisionTopic,
    deputy: Deputy,
    actor: User | None = None,
    withdraw: bool = False,
    today: date | None = None,
) -> bool:
    """Sign a deputy up for a published topic (or withdraw); returns whether anything changed.
    Only the deputy themself (or the system) signs up: the menu is the deputy's own choice."""
    deputy_self_required(actor, deputy)
    if topic.published_at is None:
        raise LedgerError(_(ERR_TOPIC_NOT_PUBLISHED))
    if topic.year < (today or clock.today()).year:
        raise LedgerError(_(ERR_TOPIC_PAST) % {"year": topic.year})
    if withdraw:
        changed = TopicSignup.objects.filter(topic=topic, deputy=deputy).delete()[0] > 0
    else:
        changed = TopicSignup.objects.get_or_create(topic=topic, deputy=deputy)[1]
    if changed:
        audit_record(
            actor=actor,
            action="performance.topic_withdraw" if withdraw else "performance.topic_signup",
            target=topic,
            summary=f"{deputy} {topic}",
        )
    return changed


@transaction.atomic
def activity_roll_add(
    *, activity: Activity, deputies: QuerySet[Deputy], actor: User | None = None
) -> int:
    """Put deputies (e.g. a professional group, or every deputy of a level) on the roll as
    present; those already on it are left as they are. Returns how many were added. Staff
    only."""
    staff_required(actor)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.roll_closed_at is not None:
        raise LedgerError(_(ERR_ROLL_CLOSED))
    on_roll = set(activity.attendances.values_list("deputy_id", flat=True))
    added = Attendance.objects.bulk_create(
        [
            Attendance(activity=activity, deputy_id=pk)
            for pk in deputies.values_list("pk", flat=True)
            if pk not in on_roll
        ],
        ignore_conflicts=True,
    )
    if added:
        audit_record(
            actor=actor,
            action="performance.activity_roll_add",
            target=activity,
            summary=_("%(a)s 增加参加代表 %(n)d 人") % {"a": activity, "n": len(added)},
        )
    return len(added)


@transaction.atomic
def activity_close_roll(
    *,
    activity: Activity,
    actor: User | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> int:
    """Close the attendance roll: present deputies are credited under the activity's rule,
    unexcused absences get the B07 deduction. Safe to repeat (credits are idempotent). Staff
    only. A year without rules is refused rather than closed without credits: a closed roll
    cannot be closed again, so its credits would be lost."""
    staff_required(actor)
    today, now = today or clock.today(), now or clock.now()
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.roll_closed_at is not None:
        raise LedgerError(_(ERR_ROLL_CLOSED))
    attendances = list(activity.attendances.select_related("deputy"))
    if not attendances:
        raise LedgerError(_(ERR_ROLL_EMPTY))
    if activity.occurred_on > today:
        raise LedgerError(_(ERR_ACTIVITY_NOT_HELD) % {"date": activity.occurred_on.isoformat()})
    rule_by_code(activity.occurred_on.year, activity.rule_code, today=today)  # NoRuleSetError
    credits = [
        Credit(
            deputy=attendance.deputy,
            rule_code=activity.rule_code if present else ABSENCE_RULE,
            source=attendance,
            occurred_on=activity.occurred_on,
            title=activity.title if present else _("无故缺席：%(t)s") % {"t": activity.title},
            description=activity.place,
        )
        for attendance in attendances
        if attendance.status != AttendanceStatus.EXCUSED
        for present in [attendance.status == AttendanceStatus.PRESENT]
    ]
    ledger_credit_many(credits=credits, actor=actor, today=today, now=now)
    credited = len(credits)
    activity.roll_closed_at = now
    activity.save(update_fields=["roll_closed_at"])
    audit_record(
        actor=actor,
        action="performance.activity_close_roll",
        target=activity,
        summary=_("%(a)s 结束点名，记入 %(n)d 人次") % {"a": activity, "n": credited},
    )
    recompute_on_commit([activity.occurred_on.year])
    return credited


@transaction.atomic
def supervision_topic_propose(
    *, year: int, title: str, description: str = "", actor: User | None = None
) -> SupervisionTopic:
    """Put a candidate topic on ``year``'s menu, unpublished: staff review and publish it with
    the rest of the menu (``topic_publish``). Another app proposes (the liaison index adopts a
    flag); a topic of the same title that year is reused, not duplicated. Staff only."""
    staff_required(actor)
    topic, created = SupervisionTopic.objects.get_or_create(
        year=year, title=title[:100], defaults={"description": description}
    )
    if created:
        audit_record(
            actor=actor,
            action="performance.topic_propose",
            target=topic,
            summary=_("提出监督菜单候选议题：%(t)s") % {"t": topic},
        )
    return topic
