"""Writes to the roster: status changes, login accounts (the import is ``deputies.importer``)."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role
from core.audit import audit_record

from .models import (
    Deputy,
    Status,
    Term,
)


class DeputyError(Exception):
    """A roster change that breaks a rule; the message is for the user."""


ERR_STATUS_NEEDS_REASON = gettext_noop("离任须填写日期和原因。")
ERR_STATUS_DATE_IN_FUTURE = gettext_noop("离任日期不能晚于今天。")


def term_current_or_create(*, today: date | None = None) -> Term:
    """The term in office today; on an empty system, the one described in settings."""
    term = Term.current(today)
    if term is not None:
        return term
    term, _created = Term.objects.get_or_create(
        number=settings.LVZHI_DEFAULT_TERM_NUMBER,
        defaults={
            "start_date": settings.LVZHI_DEFAULT_TERM_START,
            "end_date": settings.LVZHI_DEFAULT_TERM_END,
        },
    )
    return term


@transaction.atomic
def deputy_set_status(
    *, deputy: Deputy, status: str, on: date | None, reason: str = "", actor: User | None = None
) -> Deputy:
    """Record that a deputy resigned or was terminated (or returns to serving)."""
    from django.utils import timezone

    if status == Status.SERVING:
        deputy.status, deputy.status_date, deputy.status_reason = Status.SERVING, None, ""
    else:
        if on is None or not reason.strip():
            raise DeputyError(_(ERR_STATUS_NEEDS_REASON))
        if on > timezone.localdate():
            raise DeputyError(_(ERR_STATUS_DATE_IN_FUTURE))
        deputy.status, deputy.status_date, deputy.status_reason = status, on, reason.strip()
    deputy.save(update_fields=["status", "status_date", "status_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="deputies.set_status",
        target=deputy,
        summary=f"{deputy} → {deputy.get_status_display()}",
        data={"status": status, "on": on.isoformat() if on else None, "reason": reason},
    )
    return deputy


@transaction.atomic
def deputy_account_create(
    *, deputy: Deputy, password: str, username: str | None = None, actor: User | None = None
) -> User:
    """Give a deputy a login (username defaults to the deputy code) in the deputy role."""
    from django.contrib.auth.models import Group

    if deputy.user_id:
        raise DeputyError(_("该代表已有登录账号。"))
    user = User.objects.create_user(
        username=username or deputy.code.lower(),
        password=password,
        full_name=deputy.name,
        phone=deputy.mobile,
        email=deputy.email,
    )
    user.groups.add(Group.objects.get(name=Role.DEPUTY.value))
    deputy.user = user
    deputy.save(update_fields=["user", "updated_at"])
    audit_record(actor=actor, action="deputies.account_create", target=deputy, summary=str(deputy))
    return user
