"""Writes of the public-opinion index: weekly flags, notifying staff, and staff's decision on a
flag (adopt it as a candidate topic of the year's supervision menu, or dismiss it).

The counts and the rule are in ``liaison.selectors_index``. A flag is stored once per (ISO
week, community, category); computing a week again refreshes its numbers and adds the pairs
that newly meet the rule, never a second row. Staff are told once per flag: the flag's
``notified_at`` is claimed by a conditional UPDATE before anything is sent, and each
notification carries a dedupe key, so two runs at once (a retried Celery job) send nothing
twice.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role
from core import clock
from core.audit import audit_record
from core.notifications import notification_send_many
from performance.public import LedgerError, supervision_topic_propose

from ..models import FlagStatus, OpinionFlag
from ..selectors_index import index_rows, last_week, week_label, week_start

ERR_NOT_STAFF = gettext_noop("只有工委工作人员可以研判民意预警。")
ERR_FLAG_DECIDED = gettext_noop("该预警已处理（%(status)s），不能再次处理。")
ERR_REASON_REQUIRED = gettext_noop("请写明不予采纳的理由。")
NOTIFY_FLAG = "liaison.opinion_flag"
MAX_REASON_CHARS = 500


class OpinionIndexError(Exception):
    """A decision on a flag that is refused; the message is for the user, nothing was written."""


def _staff_required(actor: User | None) -> None:
    if actor is None or not user_has_role(actor, Role.STAFF):
        raise OpinionIndexError(_(ERR_NOT_STAFF))


def staff_recipients():
    """Active users in the committee staff role: who is told of a new flag."""
    return User.objects.filter(groups__name=Role.STAFF.value, is_active=True).distinct()


@transaction.atomic
def opinion_flags_compute(
    *, week: date | None = None, today: date | None = None
) -> list[OpinionFlag]:
    """Store a flag for every pair the rule flags in ``week`` (any day of it; by default the
    last complete week before ``today``). Returns that week's flags for those pairs."""
    week = week_start(week) if week else last_week(today=today)
    flagged = [row for row in index_rows(week=week) if row.flagged]
    if not flagged:
        return []
    pairs = Q()
    for row in flagged:
        pairs |= Q(community_id=row.community_id, category_id=row.category_id)
    known = set(OpinionFlag.objects.filter(pairs, week=week).values_list("community", "category"))
    OpinionFlag.objects.bulk_create(
        [
            OpinionFlag(
                week=week,
                community_id=row.community_id,
                category_id=row.category_id,
                week_count=row.week_count,
                baseline_mean=row.baseline_mean,
            )
            for row in flagged
        ],
        update_conflicts=True,
        unique_fields=["week", "community", "category"],
        update_fields=["week_count", "baseline_mean"],
    )
    new = [row for row in flagged if row.pair not in known]
    if new:
        audit_record(
            actor=None,
            action="liaison.opinion_flag.compute",
            summary=_("%(week)s 民意预警新增 %(n)d 条") % {"week": week_label(week), "n": len(new)},
            data={"week": week.isoformat(), "pairs": [list(row.pair) for row in new]},
        )
    return list(
        OpinionFlag.objects.filter(pairs, week=week)
        .select_related("community", "category")
        .order_by("-week_count", "pk")
    )


def _flag_text(flag: OpinionFlag) -> tuple[str, str]:
    title = _("民意预警：%(community)s · %(category)s（%(week)s）") % {
        "community": flag.community,
        "category": flag.category,
        "week": week_label(flag.week),
    }
    body = _("本周 %(n)d 件，前 8 周周均 %(mean)s 件。请到“民意指数”页面研判。") % {
        "n": flag.week_count,
        "mean": flag.baseline_mean,
    }
    return title, body


def opinion_flags_notify(*, now: datetime | None = None) -> int:
    """Tell staff of every open flag not yet notified, once; returns how many flags were
    notified. Safe to run twice or at the same time (see the module docstring)."""
    now = now or clock.now()
    pending = list(
        OpinionFlag.objects.filter(status=FlagStatus.OPEN, notified_at__isnull=True)
        .select_related("community", "category")
        .order_by("week", "pk")
    )
    if not pending:
        return 0
    recipients = list(staff_recipients())
    url = reverse("liaison:opinion_index")
    notified = 0
    for flag in pending:
        with transaction.atomic():
            claimed = OpinionFlag.objects.filter(pk=flag.pk, notified_at__isnull=True).update(
                notified_at=now
            )
            if not claimed:
                continue  # another run took it
            title, body = _flag_text(flag)
            notification_send_many(
                recipients=recipients,
                kind=NOTIFY_FLAG,
                title=title,
                body=body,
                url=f"{url}?week={week_label(flag.week)}",
                dedupe_key=f"{NOTIFY_FLAG}:{flag.pk}",
            )
            notified += 1
    return notified


def opinion_index_weekly(*, today: date | None = None, now: datetime | None = None) -> int:
    """The weekly job: flag the week just ended, then tell staff of new flags. Returns how
    many flags were notified. Meant for Monday morning (the week before is complete)."""
    opinion_flags_compute(today=today)
    return opinion_flags_notify(now=now)


def _lock_open(flag: OpinionFlag) -> OpinionFlag:
    flag = (
        OpinionFlag.objects.select_for_update()
        .select_related("community", "category")
        .get(pk=flag.pk)
    )
    if flag.status != FlagStatus.OPEN:
        raise OpinionIndexError(_(ERR_FLAG_DECIDED) % {"status": flag.get_status_display()})
    return flag


def topic_title(flag: OpinionFlag) -> str:
    """The candidate topic's title: the same pair always proposes the same title, so a pair
    flagged again in another week joins the topic already on the menu."""
    return _("%(community)s%(category)s问题集中反映") % {
        "community": flag.community,
        "category": flag.category,
    }


@transaction.atomic
def opinion_flag_adopt(
    *,
    flag: OpinionFlag,
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
):
    """Adopt a flag as a candidate topic of this year's menu of supervision (菜单式监督),
    unpublished until staff publish the menu; returns the topic. Staff only."""
    _staff_required(actor)
    flag = _lock_open(flag)
    today, now = today or clock.today(), now or clock.now()
    description = _(
        "民意指数预警：%(community)s · %(category)s，%(week)s（%(start)s 至 %(end)s）"
        "共 %(n)d 件，前 8 周周均 %(mean)s 件。"
    ) % {
        "community": flag.community,
        "category": flag.category,
        "week": week_label(flag.week),
        "start": flag.week.isoformat(),
        "end": (flag.week + timedelta(days=6)).isoformat(),
        "n": flag.week_count,
        "mean": flag.baseline_mean,
    }
    try:
        topic = supervision_topic_propose(
            year=today.year, title=topic_title(flag), description=description, actor=actor
        )
    except LedgerError as exc:
        raise OpinionIndexError(str(exc)) from exc
    flag.status = FlagStatus.ADOPTED
    flag.topic = topic
    flag.decided_by = actor
    flag.decided_at = now
    flag.save(update_fields=["status", "topic", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="liaison.opinion_flag.adopt",
        target=flag,
        summary=_("民意预警列入监督议题：%(t)s") % {"t": topic},
        data={"topic": topic.pk, "year": topic.year},
    )
    return topic


@transaction.atomic
def opinion_flag_dismiss(
    *, flag: OpinionFlag, reason: str, actor: User | None, now: datetime | None = None
) -> OpinionFlag:
    """Dismiss a flag with the reason staff give (kept on the flag). Staff only."""
    _staff_required(actor)
    reason = (reason or "").strip()[:MAX_REASON_CHARS]
    if not reason:
        raise OpinionIndexError(_(ERR_REASON_REQUIRED))
    flag = _lock_open(flag)
    flag.status = FlagStatus.DISMISSED
    flag.decided_by = actor
    flag.decided_at = now or clock.now()
    flag.decision_note = reason
    flag.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="liaison.opinion_flag.dismiss",
        target=flag,
        summary=_("民意预警不予采纳：%(f)s") % {"f": flag},
        data={"reason": reason},
    )
    return flag
