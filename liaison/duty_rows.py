"""A deputy's reception duties as list items, written in Python as the former template
``liaison/duty_row.html`` wrote them (the same HTML; tests/liaison/test_duty_rows.py compares
the two in both languages). The deputy dashboard's duty card and the 我的接待 page list them:
per row the template's include, ``with`` scope, two date and two time filters, a choice label
and three translations cost some 0.15 ms, a sixth of the duties page at district size
(issue #8). Every value is escaped here, and only the joined result is marked safe.

``past`` is the caller's to say: the 我的接待 page's include of the former template saw the
page's list of past duties as its ``past`` flag, so its coming rows were written as past ones
(an attendance badge, no address) whenever the deputy had any past duty."""

from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import NamedTuple

from django.utils.dates import WEEKDAYS
from django.utils.safestring import SafeString, mark_safe

from core.render_env import gettext as _
from core.texts import escaped

from .models import Duty, ReceptionTheme


class CardStation(NamedTuple):
    name: str
    address: str


class CardDay(NamedTuple):
    """A duty's reception day as its row shows it (``duty_rows_html`` reads these attributes
    of a ``ReceptionDay``): model instances of a few fields cost more to make than the rows."""

    date: date
    starts_at: time
    ends_at: time | None
    theme: str
    topic: str
    station: CardStation


class CardDuty(NamedTuple):
    pk: int
    reception_day: CardDay
    attended: bool | None = None  # not read for a coming duty


# The columns of a duty's row as JSON (``duty_from_row``): the dashboard's card reads the first
# eight, the 我的接待 page all nine.
DUTY_ROW = (
    "pk",
    *(f"reception_day__{name}" for name in ("date", "starts_at", "ends_at", "theme", "topic")),
    "reception_day__station__name",
    "reception_day__station__address",
    "attended",
)


def duty_from_row(row: Sequence) -> CardDuty:
    """A duty from its JSON row (``DUTY_ROW``, the attendance optional): dates and times as
    ISO text, the attendance true, false or unknown (None)."""
    pk, when, starts, ends, theme, topic, name, address, *attended = row
    day = CardDay(
        date.fromisoformat(when),
        time.fromisoformat(starts),
        time.fromisoformat(ends) if ends else None,
        theme,
        topic,
        CardStation(name, address),
    )
    # SQLite's JSON writes a boolean as 0 or 1: read it back as the flag it was.
    flag = attended[0] if attended else None
    return CardDuty(pk, day, None if flag is None else bool(flag))


def _clock(value: time) -> str:
    """``|time:"H:i"``."""
    return f"{value.hour:02d}:{value.minute:02d}"


def duty_rows_html(
    duties: Iterable["Duty | CardDuty"], *, today: date, past: bool = False
) -> SafeString:
    """The ``<li>`` of each duty (its reception day and station read: ``select_related``):
    the day (``n月j日``, the weekday, the hours), for a past duty its attendance badge, for
    today's a "today" badge, then the station, the theme and topic, and for a coming duty the
    station's address."""
    themes = {value: str(label) for value, label in ReceptionTheme.choices}
    weekdays: dict[int, str] = {}
    if past:
        attended = '<span class="badge text-bg-success">{}</span>\n      '.format(
            escaped(_("已到岗"))
        )
        absent = '<span class="badge text-bg-secondary">{}</span>\n      '.format(
            escaped(_("未到岗"))
        )
        unknown = f'<span class="badge text-bg-light">{escaped(_("待登记"))}</span>'
    else:
        on_today = f'<span class="badge text-bg-danger">{escaped(_("今天"))}</span>'
    rows = []
    for duty in duties:
        day = duty.reception_day
        when = day.date
        weekday = weekdays.get(when.weekday())
        if weekday is None:
            weekday = weekdays[when.weekday()] = escaped(WEEKDAYS[when.weekday()])
        hours = _clock(day.starts_at)
        if day.ends_at:
            hours += f"–{_clock(day.ends_at)}"
        if past:
            if duty.attended:
                badge = attended
            elif duty.attended is False:
                badge = absent
            else:
                badge = unknown
            badge = f"\n      {badge}\n    "
        else:
            badge = on_today if when == today else ""
        station = day.station
        theme = escaped(themes.get(day.theme, day.theme))
        topic = f"：{escaped(day.topic)}" if day.topic else ""
        address = ""
        if station.address and not past:
            address = f'<div class="small text-muted">{escaped(station.address)}</div>'
        rows.append(
            '\n<li class="list-group-item">\n'
            '  <div class="d-flex justify-content-between">\n'
            f"    <strong>{when.month}月{when.day}日 {weekday} {hours}</strong>\n"
            f"    {badge}\n"
            "  </div>\n"
            f"  <div>{escaped(station.name)} · {theme}{topic}</div>\n"
            f"  {address}\n"
            "</li>"
        )
    # Safe: every value above is escaped, a number or a fixed text.
    return mark_safe("".join(rows))
