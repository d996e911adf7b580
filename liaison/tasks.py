"""Periodic jobs of the liaison app (scheduled in ``config/beat.py``). Each calls one service
and is safe to run twice or at once: the services claim each row (duty, opinion, flag) with a
conditional update before they notify.

Beat calls them without arguments, so they work on the committee's clock; a test or a catch-up
run passes ``now`` or ``today`` as an ISO string (as it arrives through the broker)."""

from datetime import date, datetime

from core.tasks import periodic_task

from .services.duties import duty_reminders_send
from .services.index import opinion_index_weekly
from .services.opinions import opinion_triage_reminders_send


def _moment(now: str | None) -> datetime | None:
    return datetime.fromisoformat(now) if now else None


@periodic_task
def remind_duties(now: str | None = None) -> int:
    return duty_reminders_send(now=_moment(now))


@periodic_task
def remind_untriaged_opinions(now: str | None = None) -> int:
    return opinion_triage_reminders_send(now=_moment(now))


@periodic_task
def compute_opinion_index(today: str | None = None) -> int:
    return opinion_index_weekly(today=date.fromisoformat(today) if today else None)
