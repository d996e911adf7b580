"""Working days under China's official calendar: weekends off, public holidays off, and the
make-up working days (调休) on. Exceptions are kept in ``CalendarDay`` (staff-editable, pre-filled
from the ``chinesecalendar`` package); each function reads the exceptions of its range in one
query, so callers can use them freely."""

from datetime import date, timedelta

from .models import CalendarDay

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _exceptions(start: date, end: date) -> dict[date, str]:
    return dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    )


def _is_working(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    return _is_working(day, _exceptions(day, day))


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (``n`` >= 0; 0 returns ``start``)."""
    if n < 0:
        raise ValueError("n must not be negative")
    # Seven calendar days hold at least five working days except around long holidays; read a
    # generous window and widen it in the rare case it is not enough.
    window = n * 2 + 30
    while True:
        exceptions = _exceptions(start, start + timedelta(days=window))
        day, counted = start, 0
        for _offset in range(window):
            if counted == n:
                return day
            day += timedelta(days=1)
            if _is_working(day, exceptions):
                counted += 1
        if counted == n:
            return day
        window *= 2


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    total = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if _is_working(day, exceptions):
            total += 1
    return total


def calendar_load_from_package(*, years: list[int] | None = None) -> int:
    """Add the holidays and make-up days the ``chinesecalendar`` package knows; keeps staff
    edits (existing dates are left alone). Returns how many days were added."""
    from chinese_calendar import constants

    rows = []
    for kind, source in (
        (CalendarDay.Kind.HOLIDAY, constants.holidays),
        (CalendarDay.Kind.WORKDAY, constants.workdays),
    ):
        for day, name in source.items():
            if years and day.year not in years:
                continue
            if kind == CalendarDay.Kind.HOLIDAY and day.weekday() >= 5:
                continue  # a weekend holiday changes nothing; keep the table to real exceptions
            rows.append(CalendarDay(date=day, kind=kind, name=HOLIDAY_NAMES.get(name, name)))
    existing = set(
        CalendarDay.objects.filter(date__in=[r.date for r in rows]).values_list("date", flat=True)
    )
    new = [r for r in rows if r.date not in existing]
    CalendarDay.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
