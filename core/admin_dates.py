"""Dates and datetimes written as Django's ``formats.localize`` writes them, the format read
and split once per page.

A list's date column (an opinion's ``submitted_at``, an audit event's time) holds a different
value in every row, so a per-page memo of the text does not help: each cell went through
``localize``, which looks the format up, splits it with a regular expression and calls a
``DateFormat`` method per letter (~40 µs a cell, 2 ms a page of 50 rows). ``DateText`` splits
the request's format once; the numeric letters (``Y n j H i``: all of zh-hans's) are written
directly, any other letter through the same ``DateFormat`` method Django calls, so the text is
Django's own in every language.
"""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateformat import DateFormat, TimeFormat, re_escaped, re_formatchars

# The letters whose text is the value's own number (as ``DateFormat``'s methods write them).
DIRECT: dict[str, Callable[[datetime.date], str]] = {
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
}
TIME_LETTERS = frozenset(name for name in vars(TimeFormat) if len(name) == 1)


class DateText:
    """``formats.localize(value)`` for one kind of value (``datetime.datetime`` with the
    request's ``DATETIME_FORMAT``, ``datetime.date`` with its ``DATE_FORMAT``), made for one
    page: the language and time zone are the request's."""

    def __init__(self, kind: type) -> None:
        self.kind = kind
        # The page's time zone, read once (a request-local value: ~5 µs a read, a list of
        # twenty opinions read it twenty times).
        self.zone = timezone.get_current_timezone()
        format_string = formats.get_format(
            "DATETIME_FORMAT" if kind is datetime.datetime else "DATE_FORMAT"
        )
        # Each part: literal text (a str), a letter's direct writer, or a letter (a 1-tuple)
        # whose text is ``DateFormat``'s method of that name.
        self.parts: list = []
        self.exact = True  # False: a date format with a time letter (Django raises)
        for i, piece in enumerate(re_formatchars.split(str(format_string))):
            if i % 2:
                if kind is datetime.date and piece in TIME_LETTERS:
                    self.exact = False
                self.parts.append(DIRECT.get(piece) or (piece,))
            elif piece:
                self.parts.append(re_escaped.sub(r"\1", piece))

    def __call__(self, value) -> str:
        """The text of ``value`` (of this ``kind``; a datetime in the current time zone as
        ``timezone.template_localtime`` puts it)."""
        if not self.exact:
            return formats.localize(value)
        if (
            self.kind is datetime.datetime
            and settings.USE_TZ
            and not timezone.is_naive(value)
            and getattr(value, "convert_to_local_time", True)
        ):
            value = value.astimezone(self.zone)  # timezone.template_localtime
        formatter = None
        out = []
        for part in self.parts:
            if type(part) is str:
                out.append(part)
            elif type(part) is tuple:
                if formatter is None:
                    formatter = DateFormat(value)
                out.append(str(getattr(formatter, part[0])()))
            else:
                out.append(part(value))
        return "".join(out)
