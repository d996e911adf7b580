"""Stored notifications, plus an email after commit where the recipient has an address."""

from collections.abc import Iterable
from datetime import datetime

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Window

from . import clock
from .models import Notification

# The unread badge is on every page: its count is kept in the cache until a notification is
# sent or read (after commit), with a short lifetime as a safety net for other writers (admin).
UNREAD_CACHE_SECONDS = 300


def _unread_key(user_id: int) -> str:
    return f"lvzhi:notifications:unread:{user_id}"


def unread_count(user) -> int:
    """The user's unread notifications, from the cache when it holds them (no query)."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user).unread().count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def _forget_unread(user_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(_unread_key(user_id)))


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
    _forget_unread(recipient.pk)
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
    _forget_unread(user.pk)
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


NOTIFICATIONS_PER_PAGE = 20


MAX_PAGE_ASKED = 100_000  # pages of notices; a user has at most a few hundred


def notification_page(user, number, fields: tuple[str, ...]) -> Page:
    """Page ``number`` of the user's notices, newest first, as ``Paginator.get_page`` gives it
    (a number that is not one: the first page; beyond the last or below one: the last), each
    notice the tuple of its ``fields``. The notices and their count are one query, the count
    a window over the user's notices (``COUNT(*) OVER ()``): the page made two, a count and
    the page's rows. A number past the last page (a link edited by hand) finds no row, then
    asks the count and the last page: three; a number below one asks those two."""
    notes = user.notifications.values_list(*fields)
    paginator = Paginator(notes, NOTIFICATIONS_PER_PAGE)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    # A number no page can have (past any real count, or an offset the database cannot hold)
    # is past the last page without asking.
    rows = _counted_rows(user, fields, wanted) if 1 <= wanted <= MAX_PAGE_ASKED else []
    if rows:
        paginator.count = rows[0][-1]
    elif wanted == 1:
        paginator.count = 0
    else:  # past the last page or below the first: the last page, as get_page answers
        wanted = paginator.num_pages
        rows = _counted_rows(user, fields, wanted)
    return Page([row[:-1] for row in rows], wanted, paginator)


def _counted_rows(user, fields: tuple[str, ...], number: int) -> list[tuple]:
    """The rows of page ``number``, each ending with the count of all the user's notices."""
    start = (number - 1) * NOTIFICATIONS_PER_PAGE
    counted = user.notifications.annotate(notes_in_all=Window(Count("*")))
    rows = counted.values_list(*fields, "notes_in_all")
    return list(rows[start : start + NOTIFICATIONS_PER_PAGE])
