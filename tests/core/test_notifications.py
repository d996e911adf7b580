import pytest
from django.core import mail

from core.audit import audit_record
from core.models import AuditEvent, Notification
from core.notifications import notification_mark_read, notification_send
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_same_event_notifies_once():
    user = UserFactory()
    first = notification_send(recipient=user, kind="reminder", title="请补录", dedupe_key="k:1")
    second = notification_send(recipient=user, kind="reminder", title="请补录", dedupe_key="k:1")
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=user).count() == 1


def test_without_key_every_call_is_stored():
    user = UserFactory()
    notification_send(recipient=user, kind="info", title="a")
    notification_send(recipient=user, kind="info", title="b")
    assert user.notifications.count() == 2


def test_email_goes_out_after_commit_only_with_an_address(django_capture_on_commit_callbacks):
    with_mail = UserFactory(email="deputy@example.org")
    without = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        note = notification_send(recipient=with_mail, kind="info", title="交办通知")
        notification_send(recipient=without, kind="info", title="交办通知")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["deputy@example.org"]
    assert "交办通知" in mail.outbox[0].subject
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_mark_read_only_touches_own_notifications():
    owner, other = UserFactory(), UserFactory()
    mine = notification_send(recipient=owner, kind="info", title="a")
    theirs = notification_send(recipient=other, kind="info", title="b")
    assert notification_mark_read(user=owner, notification_ids=[mine.pk, theirs.pk]) == 1
    assert Notification.objects.unread().filter(pk=theirs.pk).exists()


def test_notification_pages(client):
    user = UserFactory()
    notification_send(recipient=user, kind="info", title="您有一条新提醒")
    client.force_login(user)
    page = client.get("/notifications/")
    assert "您有一条新提醒" in page.content.decode()
    response = client.post("/notifications/read/", {"next": "https://evil.example/"})
    assert response.url == "/notifications/"
    assert not Notification.objects.unread().filter(recipient=user).exists()


def test_notifications_need_login(client):
    assert client.get("/notifications/").status_code == 302


def test_audit_record_names_the_target():
    user = UserFactory()
    event = audit_record(actor=user, action="test.action", target=user, summary="x")
    assert event.target_type == "accounts.user" and event.target_id == str(user.pk)
    assert AuditEvent.objects.filter(action="test.action").count() == 1
