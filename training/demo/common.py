"""What the training demo's parts share: the roster split by tier, and dates and moments
computed from ``context.today`` so the demo is valid on any day of any year."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from core.demo import DemoContext
from deputies.models import Deputy, Status

DEMO_CODE = "D001"  # the demo deputy (login d001)


@dataclass
class Calendar:
    """``today`` and the days a demo date may fall on: from the year's first day (or the
    current term's, when the term began later: nobody was in office before) to the year's
    last day (or the term's), so a course of the year meets inside its year."""

    today: date
    start: date
    end: date

    @classmethod
    def of(cls, context: DemoContext) -> "Calendar":
        today = context.today
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
        term = context.data.get("term")
        if term is not None and term.start_date <= today <= term.end_date:
            start, end = max(start, term.start_date), min(end, term.end_date)
        return cls(today=today, start=start, end=end)

    def day(self, offset: int) -> date:
        """``offset`` days from today, kept between ``start`` and ``end``: early in January
        the past sessions crowd onto the year's first days, late in December the coming ones
        onto its last days."""
        return min(max(self.start, self.today + timedelta(days=offset)), self.end)

    @property
    def now(self) -> datetime:
        """The seeding day's morning: timestamps agree with the ``today`` the demo is for."""
        return at(self.today, 9, 30)

    def when(self, day: date, hour: int, minute: int = 0) -> datetime:
        """``day`` at ``hour``, never after :attr:`now`."""
        return min(at(day, hour, minute), self.now)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class Roster:
    """The serving demo deputies with a login: the demo deputy apart (their state is set on
    purpose), the others split into new and re-elected deputies."""

    first: Deputy | None
    new: list[Deputy]
    reelected: list[Deputy]
    everyone: list[Deputy]

    @classmethod
    def of(cls, context: DemoContext) -> "Roster":
        given = context.data.get("deputies") or Deputy.objects.order_by("code")
        everyone = [d for d in given if d.status == Status.SERVING and d.user_id]
        everyone.sort(key=lambda d: d.code)
        first = next((d for d in everyone if d.code == DEMO_CODE), None)
        others = [d for d in everyone if d is not first]
        return cls(
            first=first,
            new=[d for d in others if d.is_new],
            reelected=[d for d in others if not d.is_new],
            everyone=everyone,
        )

    def others(self) -> list[Deputy]:
        return [d for d in self.everyone if d is not self.first]
