"""Periodic jobs (scheduled in ``config/beat.py``). Each calls one service; the reminders are
idempotent through notification dedupe keys, the scores through ``update_or_create``.

Beat calls them without arguments, so they work on the committee's today; a test or a catch-up
run passes ``today`` (a date, or its ISO string as it arrives through the broker)."""

from datetime import date

from core import clock
from core.tasks import periodic_task

from .reminders import reminders_send
from .scoring import unit_scores_refresh


def _day(today: date | str | None) -> date:
    if today is None:
        return clock.today()
    return date.fromisoformat(today) if isinstance(today, str) else today


@periodic_task
def send_reminders(today: date | str | None = None) -> dict[str, int]:
    return reminders_send(today=_day(today)).sent


@periodic_task
def remind_deadlines(today: date | str | None = None) -> dict[str, int]:
    return reminders_send(today=_day(today), kinds=("deadline_soon",)).sent


@periodic_task
def flag_overdue(today: date | str | None = None) -> dict[str, int]:
    return reminders_send(today=_day(today), kinds=("reply_overdue", "commitment_overdue")).sent


@periodic_task
def remind_checks(today: date | str | None = None) -> dict[str, int]:
    return reminders_send(today=_day(today), kinds=("check_due",)).sent


@periodic_task
def remind_quarterly_reports(today: date | str | None = None) -> dict[str, int]:
    return reminders_send(today=_day(today), kinds=("report_missing",)).sent


@periodic_task
def refresh_unit_scores(today: date | str | None = None) -> dict[int, int]:
    """This year and last year: ratings of last year's conclusions may still come in."""
    year = _day(today).year
    return {y: unit_scores_refresh(year=y) for y in (year - 1, year)}
