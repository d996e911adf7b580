"""Periodic jobs of the training app (scheduled in ``config/beat.py``). Each calls one service
and is safe to run twice or at once: every reminder carries a dedupe key naming its event.

Beat calls them without arguments, so they work on the committee's calendar; a test or a
catch-up run passes ``today`` as an ISO date string (as it arrives through the broker)."""

from datetime import date

from core.tasks import periodic_task

from .services.reminders import quiz_deadline_reminders_send, session_reminders_send


def _day(today: str | None) -> date | None:
    return date.fromisoformat(today) if today else None


@periodic_task
def remind_sessions(today: str | None = None) -> int:
    return session_reminders_send(today=_day(today))


@periodic_task
def remind_quiz_deadlines(today: str | None = None) -> int:
    return quiz_deadline_reminders_send(today=_day(today))
