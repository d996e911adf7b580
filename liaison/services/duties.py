"""Reception days (接待日) and the deputies on duty: scheduling, the roster, attendance (which
credits B03 through the ledger door) and the reminder the day before.

B03 and the deputy's own submission: the ledger decides who wins the day (first wins, see
``performance.public``). Marking a duty attended credits the day unless the deputy already
has a B03 entry dated that day; un-marking withdraws the automatic entry (refused once the
year is frozen) and lets another attended duty of the same day take the credit over.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role
from core import clock
from core.audit import audit_record
from core.notifications import notification_send
from deputies.models import Deputy, Status
from performance.public import LedgerError, ledger_credit, ledger_withdraw

from ..models import Duty, ReceptionDay, ReceptionTheme, Station

B03 = "B03"
NOTIFY_DUTY_REMINDER = "liaison.duty_reminder"

ERR_NOT_PERMITTED = gettext_noop("只有工委工作人员可以安排接待日和登记到岗。")
ERR_STATION_INACTIVE = gettext_noop("“%(station)s”已停用，不能再安排接待日。")
ERR_SLOT_TAKEN = gettext_noop("该站点同一日期同一时间已有接待安排。")
ERR_ENDS_BEFORE_START = gettext_noop("结束时间须晚于开始时间。")
ERR_BAD_THEME = gettext_noop("无效的接待类型。")
ERR_DAY_IN_PAST = gettext_noop("不能把接待日安排在今天以前。")
ERR_DEPUTY_NOT_SERVING = gettext_noop("%(deputy)s 不是在任代表，不能安排值班。")
ERR_NOT_YET = gettext_noop("接待日 %(date)s 还没到，到岗情况须在当天或之后登记。")
ERR_MARKED_DUTY_REMOVED = gettext_noop(
    "%(deputy)s 的到岗情况已登记，不能从值班名单中移除；请先撤销到岗登记。"
)
ERR_LEDGER = gettext_noop("履职档案未能记分：%(reason)s")


class DutyError(Exception):
    """A reception-day or duty write that breaks a rule; the message is for the user."""


def _staff_required(actor: User | None) -> None:
    if actor is not None and not user_has_role(actor, Role.STAFF):
        raise DutyError(_(ERR_NOT_PERMITTED))


def _check_deputies(deputies: Iterable[Deputy]) -> list[Deputy]:
    chosen = list({d.pk: d for d in deputies}.values())
    for deputy in chosen:
        if deputy.status != Status.SERVING:
            raise DutyError(_(ERR_DEPUTY_NOT_SERVING) % {"deputy": deputy})
    return chosen


@transaction.atomic
def reception_day_schedule(
    *,
    station: Station,
    on: date,
    starts_at: time,
    ends_at: time | None = None,
    theme: str = ReceptionTheme.REGULAR,
    topic: str = "",
    note: str = "",
    deputies: Iterable[Deputy] = (),
    actor: User | None,
    today: date | None = None,
) -> ReceptionDay:
    """Put a reception day on a station's calendar with the deputies on duty. Staff only; an
    active station, a date from today on, a free slot, serving deputies."""
    _staff_required(actor)
    today = today or clock.today()
    if not station.is_active:
        raise DutyError(_(ERR_STATION_INACTIVE) % {"station": station})
    if on < today:
        raise DutyError(_(ERR_DAY_IN_PAST))
    if theme not in ReceptionTheme.values:
        raise DutyError(_(ERR_BAD_THEME))
    if ends_at is not None and ends_at <= starts_at:
        raise DutyError(_(ERR_ENDS_BEFORE_START))
    chosen = _check_deputies(deputies)
    if ReceptionDay.objects.filter(station=station, date=on, starts_at=starts_at).exists():
        raise DutyError(_(ERR_SLOT_TAKEN))
    try:
        with transaction.atomic():
            day = ReceptionDay.objects.create(
                station=station,
                date=on,
                starts_at=starts_at,
                ends_at=ends_at,
                theme=theme,
                topic=topic.strip(),
                note=note,
            )
    except IntegrityError as exc:  # a concurrent schedule took the slot
        raise DutyError(_(ERR_SLOT_TAKEN)) from exc
    Duty.objects.bulk_create([Duty(reception_day=day, deputy=d) for d in chosen])
    audit_record(
        actor=actor,
        action="liaison.reception_day.schedule",
        target=day,
        summary=str(day),
        data={"deputies": sorted(d.code for d in chosen)},
    )
    return day


@transaction.atomic
def duty_set(
    *, reception_day: ReceptionDay, deputies: Iterable[Deputy], actor: User | None
) -> tuple[int, int]:
    """Make the day's roster exactly ``deputies``: add the new ones, remove the others. A
    duty whose attendance is already marked is never removed silently. Returns (added,
    removed). Staff only."""
    _staff_required(actor)
    day = ReceptionDay.objects.select_for_update().get(pk=reception_day.pk)
    wanted = {d.pk: d for d in deputies}
    current = {duty.deputy_id: duty for duty in day.duties.select_related("deputy")}
    new = _check_deputies(d for pk, d in wanted.items() if pk not in current)
    gone = [duty for pk, duty in current.items() if pk not in wanted]
    for duty in gone:
        if duty.attended is not None:
            raise DutyError(_(ERR_MARKED_DUTY_REMOVED) % {"deputy": duty.deputy})
    Duty.objects.filter(pk__in=[d.pk for d in gone]).delete()
    Duty.objects.bulk_create([Duty(reception_day=day, deputy=d) for d in new])
    if new or gone:
        audit_record(
            actor=actor,
            action="liaison.duty.set",
            target=day,
            summary=str(day),
            data={
                "added": sorted(d.code for d in new),
                "removed": sorted(d.deputy.code for d in gone),
            },
        )
    return len(new), len(gone)


def _credit(duty: Duty, actor: User | None, today: date) -> None:
    day = duty.reception_day
    ledger_credit(
        deputy=duty.deputy,
        rule_code=B03,
        source=duty,
        occurred_on=day.date,
        title=_("%(station)s接待日值班") % {"station": day.station.name},
        description=day.topic or day.get_theme_display(),
        actor=actor,
        today=today,
    )


@transaction.atomic
def duty_mark_attendance(
    *, duty: Duty, attended: bool | None, actor: User | None, today: date | None = None
) -> Duty:
    """Record whether the deputy was at the station. Attended credits B03 once (idempotent;
    skipped when the deputy already has a B03 entry that day). Un-marking withdraws the
    automatic credit and lets another attended duty of that day take it. Staff only; not
    before the day; a ledger refusal (frozen year, deputy out of office) writes nothing."""
    _staff_required(actor)
    today = today or clock.today()
    duty = (
        Duty.objects.select_for_update(of=("self",))
        .select_related("reception_day__station", "deputy")
        .get(pk=duty.pk)
    )
    day = duty.reception_day
    if day.date > today:
        raise DutyError(_(ERR_NOT_YET) % {"date": day.date.isoformat()})
    before = duty.attended
    duty.attended = attended
    duty.save(update_fields=["attended"])
    try:
        if attended:
            _credit(duty, actor, today)
        elif before:
            ledger_withdraw(
                deputy=duty.deputy,
                rule_code=B03,
                source=duty,
                reason=_("撤销接待日到岗登记"),
                actor=actor,
            )
            others = (
                Duty.objects.filter(deputy=duty.deputy, reception_day__date=day.date, attended=True)
                .exclude(pk=duty.pk)
                .select_related("reception_day__station", "deputy")
            )
            for other in others:
                _credit(other, actor, today)
    except LedgerError as exc:
        raise DutyError(_(ERR_LEDGER) % {"reason": exc}) from exc
    if before != attended:
        audit_record(
            actor=actor,
            action="liaison.duty.attendance",
            target=duty,
            summary=f"{duty.deputy} {day}",
            data={"attended": attended, "before": before},
        )
    return duty


def duty_mark_many(
    *, duties: Iterable[Duty], attended: bool, actor: User | None, today: date | None = None
) -> tuple[int, list[str]]:
    """:func:`duty_mark_attendance` for the admin action: each duty on its own, so one refused
    duty (a future day) does not undo the others. Returns (marked, errors)."""
    marked, errors = 0, []
    for duty in duties:
        try:
            duty_mark_attendance(duty=duty, attended=attended, actor=actor, today=today)
            marked += 1
        except DutyError as exc:
            errors.append(f"{duty}：{exc}")
    return marked, errors


def duty_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each deputy on duty tomorrow (Asia/Shanghai), once per duty.

    Each duty is claimed by a conditional UPDATE (``reminded_at`` still empty) before its
    notification is written, in the same transaction: two runs at once (beat twice, a retry)
    never both claim a duty, and a failure rolls the claim back so the next run retries it.
    Deputies without a login are claimed but nobody can be notified. Returns how many
    notifications were sent."""
    now = now or clock.now()
    tomorrow = clock.day_of(now) + timedelta(days=1)
    candidates = list(
        Duty.objects.filter(reception_day__date=tomorrow, reminded_at__isnull=True)
        .exclude(attended=False)
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in candidates:
        with transaction.atomic():
            claimed = Duty.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue
            duty = Duty.objects.select_related("reception_day__station", "deputy__user").get(pk=pk)
            user = duty.deputy.user
            if user is None or not user.is_active:
                continue
            day = duty.reception_day
            note = notification_send(
                recipient=user,
                kind=NOTIFY_DUTY_REMINDER,
                title=_("明天 %(time)s 在%(station)s接待选民")
                % {"time": day.starts_at.strftime("%H:%M"), "station": day.station.name},
                body=_("%(date)s %(start)s 起，%(address)s。%(topic)s")
                % {
                    "date": day.date.isoformat(),
                    "start": day.starts_at.strftime("%H:%M"),
                    "address": day.station.address or day.station.name,
                    "topic": day.topic,
                },
                url=reverse("liaison:my_duties"),
                dedupe_key=f"{NOTIFY_DUTY_REMINDER}:{duty.pk}",
            )
            sent += note is not None
    return sent
