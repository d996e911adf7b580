"""Daily reminders. Each event has a ``dedupe_key`` naming it (the suggestion and the deadline,
the commitment, the check, the project and quarter), so the job can run any number of times
and each person is reminded of each event once."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from core import clock
from core.notifications import notification_send_many

from .models import OPEN_HANDLING, Commitment, CommitmentStatus, FollowUpCheck, Suggestion
from .selectors import missing_quarterly_reports, overdue_working_days
from .workflow import deputy_url, deputy_users, staff_url, staff_users, unit_url, unit_users


@dataclass
class ReminderResult:
    sent: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, notes: list) -> None:
        self.sent[kind] = self.sent.get(kind, 0) + len(notes)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def _send(result, kind, units, title, body, url_unit, url_staff, key):
    result.add(
        kind,
        notification_send_many(
            recipients=unit_users([u for u in units if u is not None]),
            kind=f"suggestion.reminder.{kind}",
            title=title,
            body=body,
            url=url_unit,
            dedupe_key=key,
        ),
    )
    result.add(
        kind,
        notification_send_many(
            recipients=staff_users(),
            kind=f"suggestion.reminder.{kind}",
            title=title,
            body=body,
            url=url_staff,
            dedupe_key=key,
        ),
    )


KINDS = ("deadline_soon", "reply_overdue", "commitment_overdue", "check_due", "report_missing")


@transaction.atomic
def reminders_send(*, today: date | None = None, kinds: tuple[str, ...] = KINDS) -> ReminderResult:
    """Send the reminders of ``kinds`` due on ``today`` (each event once, however often run)."""
    today = today or clock.today()
    result = ReminderResult()
    if "deadline_soon" in kinds:
        _deadline_soon(result, today)
    if "reply_overdue" in kinds:
        _reply_overdue(result, today)
    if "commitment_overdue" in kinds:
        _commitment_overdue(result, today)
    if "check_due" in kinds:
        _check_due(result, today)
    if "report_missing" in kinds:
        _report_missing(result, today)
    return result


def _open_suggestions():
    return Suggestion.objects.filter(status__in=OPEN_HANDLING).select_related("lead_unit")


def _deadline_soon(result: ReminderResult, today: date) -> None:
    soon = today + timedelta(days=settings.LVZHI_SUGGESTIONS_REMIND_DAYS)
    for s in _open_suggestions().filter(reply_deadline__gte=today, reply_deadline__lte=soon):
        _send(
            result,
            "deadline_soon",
            [s.lead_unit],
            _("答复期限将至：%(s)s") % {"s": s},
            _("请于 %(d)s 前答复（还有 %(n)d 天）。")
            % {"d": s.reply_deadline.isoformat(), "n": (s.reply_deadline - today).days},
            unit_url(s),
            staff_url(s),
            f"suggestion:{s.pk}:deadline-soon:{s.reply_deadline.isoformat()}",
        )


def _reply_overdue(result: ReminderResult, today: date) -> None:
    overdue = list(_open_suggestions().filter(reply_deadline__lt=today))
    workdays = overdue_working_days([s.reply_deadline for s in overdue], today)
    for s, n in zip(overdue, workdays, strict=True):
        _send(
            result,
            "reply_overdue",
            [s.lead_unit],
            _("答复已超期：%(s)s") % {"s": s},
            _("答复期限 %(d)s，已超期 %(n)d 个工作日。")
            % {"d": s.reply_deadline.isoformat(), "n": n},
            unit_url(s),
            staff_url(s),
            f"suggestion:{s.pk}:overdue:{s.reply_deadline.isoformat()}",
        )


def _commitment_overdue(result: ReminderResult, today: date) -> None:
    commitments = Commitment.objects.filter(
        status=CommitmentStatus.OPEN, due_on__lt=today
    ).select_related("suggestion__lead_deputy__user", "owner_unit")
    for c in commitments:
        title = _("承诺事项逾期未兑现：%(c)s") % {"c": c.content[:60]}
        body = _("%(s)s，承诺 %(d)s 前完成。") % {"s": c.suggestion, "d": c.due_on.isoformat()}
        key = f"commitment:{c.pk}:overdue:{c.due_on.isoformat()}"
        _send(
            result,
            "commitment_overdue",
            [c.owner_unit],
            title,
            body,
            unit_url(c.suggestion),
            staff_url(c.suggestion),
            key,
        )
        # A commitment past its date is missed as far as the deputies are concerned.
        result.add(
            "commitment_overdue",
            notification_send_many(
                recipients=deputy_users(c.suggestion),
                kind="suggestion.commitment",
                title=title,
                body=body,
                url=deputy_url(c.suggestion),
                dedupe_key=key,
            ),
        )


def _check_due(result: ReminderResult, today: date) -> None:
    checks = (
        FollowUpCheck.objects.filter(done_on__isnull=True, due_on__lte=today)
        # An import of past years' concluded suggestions brings checks long due; staff see them
        # on the dashboard, but they are not news to remind anyone of.
        .exclude(suggestion__imported=True, due_on__lt=TruncDate("suggestion__created_at"))
        .select_related("suggestion__lead_unit")
    )
    for check in checks:
        # Staff record the check; the lead unit is told so it can prepare the evidence.
        _send(
            result,
            "check_due",
            [check.suggestion.lead_unit],
            _("%(k)s到期：%(s)s") % {"k": check.get_kind_display(), "s": check.suggestion},
            _("计划于 %(d)s 进行，请记录检查情况。") % {"d": check.due_on.isoformat()},
            unit_url(check.suggestion),
            staff_url(check.suggestion),
            f"check:{check.pk}:due",
        )


def _report_missing(result: ReminderResult, today: date) -> None:
    for project, year, quarter in missing_quarterly_reports(today):
        s = project.suggestion
        _send(
            result,
            "report_missing",
            [s.lead_unit],
            _("攻坚项目季度述职未提交：%(s)s") % {"s": s},
            _("%(y)d 年第 %(q)d 季度的述职报告尚未提交。") % {"y": year, "q": quarter},
            unit_url(s),
            staff_url(s),
            f"tough:{project.pk}:report:{year}Q{quarter}",
        )
