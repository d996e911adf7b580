"""How long records about people's sign-ins are kept.

django-axes writes a row for every sign-in (``AccessLog``) and every failed one
(``AccessFailureLog``), with the client address and browser. They answer "who signed in as
whom, from where" during an inquiry, which is asked about months, not years, later; kept for
ever they are personal data with no purpose. A year is kept (``ACCESS_LOG_DAYS``), the weekly
beat job deletes the rest. Lockout counters (``AccessAttempt``) are axes' own business (they
expire with the cool-off) and are left alone.
"""

from datetime import datetime, timedelta

from axes.models import AccessFailureLog, AccessLog
from django.db import transaction

from . import clock
from .audit import audit_record

ACCESS_LOG_DAYS = 365


@transaction.atomic
def access_logs_prune(*, days: int = ACCESS_LOG_DAYS, now: datetime | None = None) -> int:
    """Delete sign-in and failed sign-in logs older than ``days``; return how many. A run with
    nothing to delete writes nothing (no audit row)."""
    cutoff = (now or clock.now()) - timedelta(days=days)
    logs, _detail = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _detail = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    if logs or failures:
        audit_record(
            actor=None,
            action="core.access_logs_prune",
            summary=f"删除 {days} 天前的登录记录 {logs} 条、登录失败记录 {failures} 条",
            data={"days": days, "access_logs": logs, "failure_logs": failures},
        )
    return logs + failures
