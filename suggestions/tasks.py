from celery import shared_task
from django.utils import timezone

from .reminders import reminders_send
from .scoring import unit_scores_refresh


@shared_task
def send_reminders() -> dict[str, int]:
    return reminders_send().sent


@shared_task
def refresh_unit_scores() -> int:
    return unit_scores_refresh(year=timezone.localdate().year)
