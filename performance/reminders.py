"""Reminders to deputies who have recorded nothing for a while (履职提醒)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record
from core.notifications import notification_send
from deputies.models import Deputy

from .models import EntryStatus, IdleReminder
from .services.errors import staff_required

REMINDER_KIND = "performance.idle"
MAX_REMINDERS = 2


@transaction.atomic
def reminders_send(*, today: date | None = None) -> int:
    """Remind every serving deputy idle for LVZHI_LEDGER_IDLE_DAYS (and once more after the
    repeat period); returns how many reminders were recorded. Running twice on a day sends
    nothing new: the reminder row and the notification's dedupe key are both unique. A deputy
    without a login gets the reminder row (staff remind them in person) but no notification."""
    today = today or clock.today()
    idle_cutoff = today - timedelta(days=settings.LVZHI_LEDGER_IDLE_DAYS)
    repeat_cutoff = today - timedelta(days=settings.LVZHI_LEDGER_REMINDER_REPEAT_DAYS)
    idle = list(
        Deputy.objects.serving()
        .filter(term__start_date__lte=today, term__end_date__gte=today)
        .annotate(
            last_entry=Max(
                "ledger_entries__occurred_on",
                filter=~Q(ledger_entries__status=EntryStatus.REJECTED)
                & Q(ledger_entries__rule__points__gt=0),
            )
        )
        .annotate(idle_since=Coalesce("last_entry", "term__start_date"))
        .filter(idle_since__lte=idle_cutoff)
        .select_related("user")
    )
    previous: dict[tuple[int, date], list[IdleReminder]] = {}
    for reminder in IdleReminder.objects.filter(deputy__in=[d.pk for d in idle]):
        previous.setdefault((reminder.deputy_id, reminder.idle_since), []).append(reminder)
    sent = 0
    for deputy in idle:
        earlier = previous.get((deputy.pk, deputy.idle_since), [])
        if len(earlier) >= MAX_REMINDERS:
            continue
        if earlier and max(r.sent_on for r in earlier) > repeat_cutoff:
            continue
        sequence = len(earlier) + 1
        _reminder, created = IdleReminder.objects.get_or_create(
            deputy=deputy,
            idle_since=deputy.idle_since,
            sequence=sequence,
            defaults={"sent_on": today},
        )
        if not created:
            continue
        sent += 1
        if deputy.user is None:
            continue  # no login: staff remind by phone; the row still counts for the talk list
        days = (today - deputy.idle_since).days
        notification_send(
            recipient=deputy.user,
            kind=REMINDER_KIND,
            title=_("履职提醒：您已 %(d)d 天没有履职记录") % {"d": days},
            body=_(
                "您最近一次履职记录在 %(since)s。请及时参加活动或申报履职情况；"
                "如有遗漏，可在“我的履职档案”中申报或提出补记。"
            )
            % {"since": deputy.idle_since.isoformat()},
            url=reverse("performance:my_ledger"),
            dedupe_key=f"performance:idle:{deputy.pk}:{deputy.idle_since.isoformat()}:{sequence}",
        )
    if sent:
        audit_record(
            actor=None,
            action="performance.reminders_send",
            summary=_("发送履职提醒 %(n)d 条") % {"n": sent},
        )
    return sent


@transaction.atomic
def talk_record(
    *, reminder: IdleReminder, on: date, note: str = "", actor: User | None = None
) -> IdleReminder:
    """Record staff's talk (提醒谈话) with a deputy reminded twice. Staff only."""
    staff_required(actor)
    reminder.talked_on, reminder.talk_note = on, note[:200]
    reminder.save(update_fields=["talked_on", "talk_note"])
    audit_record(
        actor=actor, action="performance.talk_record", target=reminder, summary=str(reminder)
    )
    return reminder
