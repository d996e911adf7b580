"""Sign-in logs are kept a year: the weekly job deletes older ones, once, and a run with nothing
to delete writes nothing."""

from datetime import datetime, timedelta

import pytest
from axes.models import AccessFailureLog, AccessLog

from core.models import AuditEvent
from core.tasks import prune_access_logs

pytestmark = pytest.mark.django_db

NOW = datetime.fromisoformat("2026-11-29T03:45:00+08:00")


def _log(model, days_ago: int):
    row = model.objects.create(user_agent="ua", username="u", http_accept="*", path_info="/")
    # attempt_time is auto_now_add: set it after creation
    model.objects.filter(pk=row.pk).update(attempt_time=NOW - timedelta(days=days_ago))
    return row


def test_logs_older_than_a_year_are_deleted_once():
    old = [_log(AccessLog, 400), _log(AccessFailureLog, 366)]
    kept = [_log(AccessLog, 364), _log(AccessFailureLog, 10)]
    assert prune_access_logs(now=NOW.isoformat()) == 2
    assert not AccessLog.objects.filter(pk=old[0].pk).exists()
    assert not AccessFailureLog.objects.filter(pk=old[1].pk).exists()
    assert AccessLog.objects.filter(pk=kept[0].pk).exists()
    assert AccessFailureLog.objects.filter(pk=kept[1].pk).exists()
    event = AuditEvent.objects.get(action="core.access_logs_prune")
    assert event.data == {"days": 365, "access_logs": 1, "failure_logs": 1}

    assert prune_access_logs(now=NOW.isoformat()) == 0
    assert AuditEvent.objects.filter(action="core.access_logs_prune").count() == 1
