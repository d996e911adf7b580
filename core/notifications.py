"""Stored notifications, plus an email after commit where the recipient has an address."""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction

from . import clock
from .models import Notification


def notification_send(
    *,
    recipient,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> Notification | None:
    """Store a notification; with a ``dedupe_key`` a second call for the same event does nothing.

    Returns the new notification, or ``None`` when this event was already notified.
    """
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None
    if recipient.email:
        from .tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.delay(note.pk))
    return note


def notification_send_many(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> list[Notification]:
    sent = []
    for recipient in {r.pk: r for r in recipients if r is not None}.values():
        note = notification_send(
            recipient=recipient, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
        )
        if note is not None:
            sent.append(note)
    return sent


def notification_mark_read(
    *, user, notification_ids: Iterable[int] | None = None, now: datetime | None = None
) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=now or clock.now())


def notification_email(*, notification_id: int) -> bool:
    """Email one stored notification once; returns whether a mail went out."""
    from django.conf import settings
    from django.core.mail import send_mail

    with transaction.atomic():
        note = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if note is None or not note.recipient.email:
            return False
        send_mail(
            subject=f"[{settings.LVZHI_COMMITTEE_NAME}] {note.title}",
            message=note.body or note.title,
            from_email=None,
            recipient_list=[note.recipient.email],
        )
        note.emailed_at = clock.now()
        note.save(update_fields=["emailed_at"])
    return True
