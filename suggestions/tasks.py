"""Periodic jobs (scheduled in ``config/beat.py``). Each calls one service; the reminders are
idempotent through notification dedupe keys, the scores through ``update_or_create``."""

from celery import shared_task
from django.utils import timezone

from .reminders import reminders_send
from .scoring import unit_scores_refresh


@shared_task
def send_reminders() -> dict[str, int]:
    return reminders_send().sent


@shared_task
def remind_deadlines() -> dict[str, int]:
    return reminders_send(kinds=("deadline_soon",)).sent


@shared_task
def flag_overdue() -> dict[str, int]:
    return reminders_send(kinds=("reply_overdue", "commitment_overdue")).sent


@shared_task
def remind_checks() -> dict[str, int]:
    return reminders_send(kinds=("check_due",)).sent


@shared_task
def remind_quarterly_reports() -> dict[str, int]:
    return reminders_send(kinds=("report_missing",)).sent


@shared_task
def refresh_unit_scores() -> dict[int, int]:
    """This year and last year: ratings of last year's conclusions may still come in."""
    year = timezone.localdate().year
    return {y: unit_scores_refresh(year=y) for y in (year - 1, year)}
