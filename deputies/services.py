"""Writes to the roster: status changes, login accounts (the import is ``deputies.importer``)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role
from core import clock
from core.audit import audit_record

from .models import Deputy, Status, Term
from .terms import term_current_or_last, term_window_for


class DeputyError(Exception):
    """A roster change that breaks a rule; the message is for the user."""


ERR_STATUS_NEEDS_REASON = gettext_noop("离任须填写日期和原因。")
ERR_STATUS_DATE_IN_FUTURE = gettext_noop("离任日期不能晚于今天。")
ERR_STATUS_TERM_ENDED = gettext_noop(
    "%(deputy)s：届满离任只能通过换届办理，届满离任的代表也不能在此恢复在任。"
)


def term_current_or_create(*, today: date | None = None) -> Term:
    """The term new deputies join: the one in office ``today``; between a term's end and the
    change-over, the last one begun (the change-over carries its deputies on); on an empty
    system, a term covering ``today`` (see :func:`deputies.terms.term_window_for`)."""
    today = today or clock.today()
    term = term_current_or_last(today=today)
    if term is not None:
        return term
    number, start_date, end_date = term_window_for(today)
    term, _created = Term.objects.get_or_create(
        number=number, defaults={"start_date": start_date, "end_date": end_date}
    )
    return term


@transaction.atomic
def deputy_set_status(
    *,
    deputy: Deputy,
    status: str,
    on: date | None,
    reason: str = "",
    actor: User | None = None,
    today: date | None = None,
) -> Deputy:
    """Record that a deputy resigned or was terminated (or returns to serving).

    The end of a term is not recorded here: the change-over (``deputies.terms``) ends it for
    everyone who does not continue, and a deputy whose term ended cannot be put back into it.
    """
    today = today or clock.today()
    if Status.TERM_ENDED in (status, deputy.status):
        raise DeputyError(_(ERR_STATUS_TERM_ENDED) % {"deputy": deputy})
    if status == Status.SERVING:
        deputy.status, deputy.status_date, deputy.status_reason = Status.SERVING, None, ""
    else:
        if on is None or not reason.strip():
            raise DeputyError(_(ERR_STATUS_NEEDS_REASON))
        if on > today:
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
    """Give a deputy a login (username defaults to the deputy code) in the deputy role. A
    password staff chose is temporary: the deputy sets their own at the first login."""
    from django.contrib.auth.models import Group

    if deputy.user_id:
        raise DeputyError(_("该代表已有登录账号。"))
    user = User.objects.create_user(
        username=username or deputy.code.lower(),
        password=password,
        full_name=deputy.name,
        phone=deputy.mobile,
        email=deputy.email,
        must_change_password=actor is not None,
    )
    user.groups.add(Group.objects.get(name=Role.DEPUTY.value))
    deputy.user = user
    deputy.save(update_fields=["user", "updated_at"])
    audit_record(actor=actor, action="deputies.account_create", target=deputy, summary=str(deputy))
    return user
