"""The one clock of the project.

Everything that depends on "today" or "now" takes it as a keyword argument that defaults to
these helpers, so tests pass dates instead of hoping for them, and the suite passes on any day
(CI also runs it under faketime in another year). Tests that must move the clock for code that
cannot take an argument (a view, a beat task) use ``time-machine``.
"""

from datetime import date, datetime

from django.utils import timezone


def today() -> date:
    """The committee's calendar day (its ``TIME_ZONE``, Asia/Shanghai), not the server's UTC
    date, whatever time zone a request may have activated. Read from the setting's zone
    directly: the active zone is a request-local value (``asgiref.local.Local``), ~8 µs a read
    where none is set, and a deputy's dashboard asks for the day some fifteen times."""
    return datetime.now(tz=timezone.get_default_timezone()).date()


def now() -> datetime:
    """An aware datetime for timestamps (reviewed_at, decided_at, ...)."""
    return timezone.now()


def day_of(moment: datetime | None) -> date:
    """The committee's calendar day of ``moment``, or today when none is given: a service told
    only ``now`` judges dates against that moment's day, not the real one."""
    return timezone.localdate(moment) if moment is not None else today()
