"""Celery tasks: thin, idempotent wrappers around one service each."""

from datetime import date

from core import clock
from core.tasks import periodic_task

from .reminders import reminders_send
from .scoring import ScoringError, assessment_compute


@periodic_task
def recompute_assessment(year: int) -> int:
    """Bring one year's assessment up to date; a frozen year is left alone. Returns the number
    of changed rows (0 on a second run)."""
    try:
        return assessment_compute(year=year).changed
    except ScoringError:
        return 0


@periodic_task
def recompute_current_year(today: str | None = None) -> int:
    """The nightly catch-up of the running year. ``today`` (ISO date) pins the clock."""
    day = date.fromisoformat(today) if today else clock.today()
    return recompute_assessment(day.year)


@periodic_task
def send_idle_reminders(today: str | None = None) -> int:
    """The daily reminder run. ``today`` (ISO date) pins the clock."""
    return reminders_send(today=date.fromisoformat(today) if today else None)
