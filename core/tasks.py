from celery import shared_task
from django.core.management import call_command

from .notifications import notification_email


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    return notification_email(notification_id=notification_id)


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task
def ping(token: str) -> str:
    """Leave a trace that a worker really ran a task (used by health checks and tests)."""
    from .audit import audit_record

    audit_record(actor=None, action="celery.ping", summary=token)
    return token
