"""Celery tasks: thin, idempotent wrappers around one service each."""

from celery import shared_task
from django.utils import timezone

from .reminders import reminders_send
from .scoring import ScoringError, assessment_compute


@shared_task
def recompute_assessment(year: int) -> int:
    """Bring one year's assessment up to date; a frozen year is left alone. Returns the number
    of changed rows (0 on a second run)."""
    try:
        return assessment_compute(year=year).changed
    except ScoringError:
        return 0


@shared_task
def recompute_current_year() -> int:
    return recompute_assessment(timezone.localdate().year)


@shared_task
def send_idle_reminders() -> int:
    return reminders_send()
