"""An API call and the equivalent web action leave the same rows and the same audit entries
(issue #13, item 3): each main write is done once through the web page and once through the
API, from the same starting point (a savepoint rolled back between them), and what changed is
compared table by table: rows added, rows changed, and the audit rows (action, target type,
source, actor, which fields the history names)."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.auth import token_pair_issue
from core.models import AuditEvent
from tests.api import matrix as api_matrix
from tests.security import matrix as web_matrix
from tests.security.matrix import ANONYMOUS, DEPUTY_A, UNIT_U


def _tables() -> dict[str, dict]:
    """Every row of the project's tables (the API's own tokens aside), by pk."""
    snapshot = {}
    for label in settings.LOCAL_APPS:
        if label == "api":
            continue
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows = model._base_manager.order_by().values()
            snapshot[model._meta.label] = {row[model._meta.pk.attname]: row for row in rows}
    return snapshot


def _effect(action) -> dict:
    """What ``action`` changed, in a savepoint that is then rolled back."""
    with transaction.atomic():
        before = _tables()
        last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        status = action()
        after = _tables()
        audits = sorted(
            (a.action, a.target_type, a.source, a.actor_id, tuple(sorted(a.changes or {})))
            for a in AuditEvent.objects.filter(pk__gt=last_audit).exclude(action__startswith="api.")
        )
        transaction.set_rollback(True)
    tables = {}
    for label, rows in after.items():
        old = before[label]
        added = len(set(rows) - set(old))
        changed = sum(1 for pk, row in rows.items() if pk in old and old[pk] != row)
        removed = len(set(old) - set(rows))
        if added or changed or removed:
            tables[label] = (added, changed, removed)
    tables.pop("core.AuditEvent", None)  # compared row by row below
    return {"status": status, "tables": tables, "audits": audits}


def web(world, role, name, body, **kwargs):
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    url = reverse(name, kwargs=kwargs or None)
    return lambda: client.post(url, body).status_code


def api(world, role, name, body, **kwargs):
    client = APIClient()
    if world.users[role] is not None:
        pair = token_pair_issue(user=world.users[role], client="pairwise")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access}")
    url = reverse(name, kwargs=kwargs or None)
    return lambda: client.post(url, body, format="json").status_code


CASES = [
    # (web URL name, API URL name, role, the object in the path)
    ("performance:submit", "api:entries", DEPUTY_A, None),
    ("suggestions:create", "api:suggestions", DEPUTY_A, None),
    ("suggestions:submit", "api:suggestion_submit", DEPUTY_A, "draft_a"),
    ("suggestions:evaluate", "api:suggestion_evaluate", DEPUTY_A, "replied_a"),
    ("suggestions:unit_reply", "api:unit_reply", UNIT_U, "handling_a"),
    ("suggestions:unit_extension", "api:unit_extension", UNIT_U, "handling_a"),
    ("liaison:visit_new", "api:visits", DEPUTY_A, None),
    ("training:enrol", "api:enrol", DEPUTY_A, "course_open"),
    ("training:quiz", "api:quiz", DEPUTY_A, "course"),
    ("liaison:opinion_new", "api:opinions", ANONYMOUS, None),
]


def _api_body(name: str, world) -> dict:
    body = api_matrix.BODIES[name](world, None)
    if name == "api:entries":  # the web matrix's title and date, the same rule
        return body | {"title": "矩阵提交的履职", "occurred_on": "2026-06-01"}
    if name == "api:suggestions":
        return body | {"title": web_matrix.draft(world)["title"]}
    return body


@pytest.mark.parametrize(("web_name", "api_name", "role", "target"), CASES)
def test_the_api_and_the_web_leave_the_same_rows(web_name, api_name, role, target, world, db):
    kwargs = {"pk": getattr(world, target).pk} if target else {}
    by_web = _effect(web(world, role, web_name, web_matrix.BODIES[web_name](world), **kwargs))
    by_api = _effect(api(world, role, api_name, _api_body(api_name, world), **kwargs))
    assert by_web["status"] in (200, 302) and by_api["status"] in (200, 201)
    assert by_web["tables"], "the web action changed nothing: the comparison would prove nothing"
    assert by_api["tables"] == by_web["tables"]
    assert by_api["audits"] == by_web["audits"]


def test_marking_a_notification_read_is_the_same(world, db):
    a = world.notice_a.pk
    by_web = _effect(web(world, DEPUTY_A, "notifications_read", {"id": a}))
    by_api = _effect(api(world, DEPUTY_A, "api:notification_read", {}, pk=a))
    assert by_web["tables"] == by_api["tables"] == {"core.Notification": (0, 1, 0)}
    assert by_api["audits"] == by_web["audits"]
