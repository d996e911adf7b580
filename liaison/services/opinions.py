"""Writes of residents' opinions: a submission from the public page (with its tracking code)
and staff's triage (assign, reply, close, merge duplicates), plus the once-only reminder for
opinions nobody has triaged in time.

Tracking codes are 10 characters drawn with ``secrets`` from an alphabet without look-alikes
(no 0/O, 1/I/L): 31^10 ≈ 8×10^14 codes, so guessing one is hopeless, the more so as lookups are
rate limited. A resident may type it in lower case or with spaces; ``normalise_code`` reads it.
"""

import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role
from core import clock
from core.audit import audit_record
from core.dashboard import admin_url
from core.notifications import notification_send, notification_send_many
from deputies.models import Community, Deputy
from deputies.models import Status as DeputyStatus
from suggestions.public import Category

from ..models import Opinion, OpinionStatus, Station
from ..selectors_visits import is_staff
from .visits import VisitError, normalise_phone

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")

ERR_NOT_STAFF = gettext_noop("只有工委工作人员可以分办、答复、办结或合并群众意见。")
ERR_EMPTY = gettext_noop("请填写意见内容。")
ERR_TOO_LONG = gettext_noop("意见内容不能超过 %(n)d 个字。")
ERR_CONSENT = gettext_noop("须同意隐私说明后才能提交。")
ERR_CATEGORY = gettext_noop("请选择有效的类别。")
ERR_COMMUNITY = gettext_noop("请选择有效的社区。")
ERR_STATION = gettext_noop("该站点不存在或已停用。")
ERR_DEPUTY = gettext_noop("该代表不存在或已不在任。")
ERR_NAME_TOO_LONG = gettext_noop("联系人姓名过长。")
ERR_ASSIGN_TARGET = gettext_noop("请选择分办的代表或站点。")
ERR_FINISHED = gettext_noop("已办结或已合并的意见不能再处理。")
ERR_REPLY_EMPTY = gettext_noop("请填写答复内容。")
ERR_MERGE_SELF = gettext_noop("请选择至少两条意见，并指定保留哪一条。")
ERR_MERGE_TARGET_MERGED = gettext_noop("保留的意见本身已被合并，请选择其他意见。")
ERR_NO_CODE = gettext_noop("暂时无法生成查询码，请稍后再试。")

REPLY_MAX = 4000


class OpinionError(Exception):
    """A refusal with a message for the user; nothing has been written."""


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """What a resident typed, as a code (upper case, no spaces or dashes); "" if it cannot be."""
    code = re.sub(r"[\s\-]", "", value or "").upper()
    return code if CODE_RE.match(code) else ""


def _require_staff(actor: User | None) -> None:
    if actor is not None and not is_staff(actor):
        raise OpinionError(_(ERR_NOT_STAFF))


def opinion_submit(
    *,
    category: Category,
    community: Community,
    description: str,
    consent: bool,
    contact_name: str = "",
    contact_phone: str = "",
    station: Station | None = None,
    deputy: Deputy | None = None,
    now: datetime | None = None,
) -> Opinion:
    """Store a resident's opinion with a fresh tracking code. Everything is checked here too
    (not only by the form): the page is public."""
    now = now or clock.now()
    description = (description or "").strip()
    if not description:
        raise OpinionError(_(ERR_EMPTY))
    limit = settings.LVZHI_OPINION_MAX_CHARS
    if len(description) > limit:
        raise OpinionError(_(ERR_TOO_LONG) % {"n": limit})
    if not consent:
        raise OpinionError(_(ERR_CONSENT))
    if category is None or not category.is_active:
        raise OpinionError(_(ERR_CATEGORY))
    if community is None or not community.is_active:
        raise OpinionError(_(ERR_COMMUNITY))
    if station is not None and not station.is_active:
        raise OpinionError(_(ERR_STATION))
    if deputy is not None and deputy.status != DeputyStatus.SERVING:
        raise OpinionError(_(ERR_DEPUTY))
    contact_name = " ".join((contact_name or "").split())
    if len(contact_name) > Opinion._meta.get_field("contact_name").max_length:
        raise OpinionError(_(ERR_NAME_TOO_LONG))
    try:
        contact_phone = normalise_phone(contact_phone)
    except VisitError as exc:
        raise OpinionError(str(exc)) from exc
    for _attempt in range(5):
        try:
            with transaction.atomic():
                opinion = Opinion.objects.create(
                    tracking_code=new_tracking_code(),
                    station=station,
                    deputy=deputy,
                    category=category,
                    community=community,
                    description=description,
                    contact_name=contact_name,
                    contact_phone=contact_phone,
                    consent=True,
                    submitted_at=now,
                    submitted_on=clock.day_of(now),
                )
                audit_record(
                    actor=None,
                    action="liaison.opinion.submit",
                    target=opinion,
                    summary=opinion.tracking_code,
                    data={
                        "station": getattr(station, "pk", None),
                        "deputy": getattr(deputy, "pk", None),
                    },
                )
                return opinion
        except IntegrityError:  # the code was drawn before (astronomically rare): draw again
            continue
    raise OpinionError(_(ERR_NO_CODE))


def _locked(opinion: Opinion) -> Opinion:
    locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if locked.status in (OpinionStatus.CLOSED, OpinionStatus.MERGED):
        raise OpinionError(_(ERR_FINISHED))
    return locked


@transaction.atomic
def opinion_assign(
    *,
    opinion: Opinion,
    actor: User | None,
    deputy: Deputy | None = None,
    station: Station | None = None,
    now: datetime | None = None,
) -> Opinion:
    """Assign (分办) to a deputy and/or a station; the deputy is notified."""
    _require_staff(actor)
    if deputy is None and station is None:
        raise OpinionError(_(ERR_ASSIGN_TARGET))
    opinion = _locked(opinion)
    opinion.assigned_deputy = deputy
    opinion.assigned_station = station
    if opinion.status == OpinionStatus.NEW:
        opinion.status = OpinionStatus.ASSIGNED
    opinion.save(update_fields=["assigned_deputy", "assigned_station", "status"])
    audit_record(
        actor=actor,
        action="liaison.opinion.assign",
        target=opinion,
        summary=str(deputy or station),
        data={"deputy": getattr(deputy, "pk", None), "station": getattr(station, "pk", None)},
    )
    if deputy is not None and deputy.user_id:
        notification_send(
            recipient=deputy.user,
            kind="liaison.opinion.assigned",
            title=_("有一条群众意见分办给您：%(code)s") % {"code": opinion.tracking_code},
            body=opinion.description[:200],
            url=reverse("liaison:my_opinions"),
            dedupe_key=f"liaison.opinion.assigned:{opinion.pk}:{deputy.pk}",
        )
    return opinion


@transaction.atomic
def opinion_reply(
    *, opinion: Opinion, reply: str, actor: User | None, now: datetime | None = None
) -> Opinion:
    """Write the reply the resident sees on the tracking page (a new reply replaces the old)."""
    _require_staff(actor)
    reply = (reply or "").strip()
    if not reply:
        raise OpinionError(_(ERR_REPLY_EMPTY))
    opinion = _locked(opinion)
    opinion.reply = reply[:REPLY_MAX]
    opinion.replied_at = now or clock.now()
    opinion.status = OpinionStatus.REPLIED
    opinion.save(update_fields=["reply", "replied_at", "status"])
    audit_record(
        actor=actor, action="liaison.opinion.reply", target=opinion, summary=opinion.reply[:80]
    )
    return opinion


@transaction.atomic
def opinion_close(*, opinion: Opinion, actor: User | None, now: datetime | None = None) -> Opinion:
    """Close (办结) the opinion; the tracking page shows it closed with its reply, if any."""
    _require_staff(actor)
    opinion = _locked(opinion)
    opinion.status = OpinionStatus.CLOSED
    opinion.closed_at = now or clock.now()
    opinion.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="liaison.opinion.close", target=opinion)
    return opinion


@transaction.atomic
def opinion_merge(
    *,
    opinions: Iterable[Opinion],
    into: Opinion | None = None,
    actor: User | None,
    now: datetime | None = None,
) -> Opinion:
    """Merge duplicates into one surviving opinion (``into``, else the oldest). The others show
    已合并 and their tracking pages follow the survivor; duplicates of a merged row move along."""
    _require_staff(actor)
    pks = {o.pk for o in opinions}
    if into is not None:
        pks.add(into.pk)
    rows = list(
        Opinion.objects.select_for_update().filter(pk__in=pks).order_by("submitted_at", "pk")
    )
    if len(rows) < 2:
        raise OpinionError(_(ERR_MERGE_SELF))
    survivor = next(r for r in rows if r.pk == into.pk) if into is not None else None
    if survivor is None:
        candidates = [r for r in rows if r.status != OpinionStatus.MERGED]
        if not candidates:
            raise OpinionError(_(ERR_MERGE_TARGET_MERGED))
        survivor = candidates[0]
    if survivor.status == OpinionStatus.MERGED:
        raise OpinionError(_(ERR_MERGE_TARGET_MERGED))
    merged = [r for r in rows if r.pk != survivor.pk]
    for row in merged:
        row.status = OpinionStatus.MERGED
        row.merged_into = survivor
        row.save(update_fields=["status", "merged_into"])
    # Rows merged earlier into one of these now point at the survivor (no chains).
    Opinion.objects.filter(merged_into__in=[r.pk for r in merged]).update(merged_into=survivor)
    audit_record(
        actor=actor,
        action="liaison.opinion.merge",
        target=survivor,
        summary=", ".join(r.tracking_code for r in merged)[:255],
        data={"merged": [r.pk for r in merged]},
    )
    return survivor


def _staff_users():
    return User.objects.filter(groups__name=Role.STAFF.value, is_active=True).distinct()


def opinion_triage_reminders_send(*, now: datetime | None = None) -> int:
    """Remind staff, once per opinion, of opinions still new after LVZHI_OPINION_TRIAGE_DAYS
    days. Each opinion is marked (``triage_reminded_at``) in the same transaction as the
    notification, by a conditional update, so a second run (or two at once) sends nothing
    more. Returns how many opinions were reminded of."""
    now = now or clock.now()
    cutoff = now - timedelta(days=settings.LVZHI_OPINION_TRIAGE_DAYS)
    with transaction.atomic():
        due = list(
            Opinion.objects.filter(
                status=OpinionStatus.NEW, submitted_at__lt=cutoff, triage_reminded_at__isnull=True
            )
            .order_by("submitted_at", "pk")
            .values_list("pk", flat=True)
        )
        if not due:
            return 0
        marked = Opinion.objects.filter(pk__in=due, triage_reminded_at__isnull=True).update(
            triage_reminded_at=now
        )
        if not marked:
            return 0
        codes = list(
            Opinion.objects.filter(pk__in=due, triage_reminded_at=now).values_list(
                "tracking_code", flat=True
            )[:10]
        )
        notification_send_many(
            recipients=_staff_users(),
            kind="liaison.opinion.triage_overdue",
            title=_("%(n)d 条群众意见超过 %(d)d 天未分办")
            % {"n": marked, "d": settings.LVZHI_OPINION_TRIAGE_DAYS},
            body=_("查询码：%(codes)s") % {"codes": "、".join(codes)},
            url=admin_url("liaison_opinion_changelist", status__exact=OpinionStatus.NEW),
            dedupe_key=f"liaison.opinion.triage_overdue:{now:%Y%m%d%H%M%S}:{due[0]}:{marked}",
        )
        return marked
