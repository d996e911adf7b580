"""The year's learning hours per deputy (``training_report``): the sheet committees hand on.

One row per deputy who served in the year, by code: hours by track and in total, summed over
the attendance at sessions dated in the year, and how many distinct courses they attended.
Two queries whatever the size: one grouped over the year's attendance, one for the deputies,
read with ``iterator()`` and written row by row (CSV line by line, xlsx in write-only mode).

The header row is the column keys the issue names (``deputy_code``, ``basics_hours``...): the
file is read by other programs as much as by people, and ``core.tabular.read_table`` reads it
back with ``REPORT_COLUMNS`` (whose Chinese headers are accepted too). Above it, as on every
export, the title line names the committee, the report and when it was generated
(``core.tabular.title_line``; ``read_table`` skips it). The xlsx adds a second sheet, 说明, that
gives each key its Chinese header.
"""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.tabular import STREAM_CHUNK, Column, Sheet, title_line, write_csv, write_xlsx
from deputies.models import Deputy

from .models import Attendance, Track
from .services import TrainingError

REPORT_COLUMNS = [
    Column("deputy_code", (gettext_noop("代表编号"),)),
    Column("name", (gettext_noop("姓名"),)),
    Column("basics_hours", (gettext_noop("基础履职学时"),)),
    Column("topical_hours", (gettext_noop("专题提升学时"),)),
    Column("practice_hours", (gettext_noop("实践攻坚学时"),)),
    Column("total_hours", (gettext_noop("总学时"),)),
    Column("courses_attended", (gettext_noop("参加课程数"),)),
]
FORMATS = ("csv", "xlsx")
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the course table's plausible years
HOURS_STEP = Decimal("0.1")
ZERO = Decimal("0")
TRACK_SUMS = {
    "basics": Track.BASICS,
    "topical": Track.TOPICAL,
    "practice": Track.PRACTICE,
}

ERR_BAD_YEAR = gettext_noop("年度应为 %(first)d 到 %(last)d 之间的整数（收到“%(value)s”）。")
ERR_BAD_FORMAT = gettext_noop("不支持的格式“%(fmt)s”，可选：csv、xlsx。")
ERR_UNKNOWN_SUFFIX = gettext_noop(
    "无法从文件名“%(name)s”判断格式：请用 .csv 或 .xlsx 结尾，或用 --format 指定。"
)
ERR_SUFFIX_DIFFERS = gettext_noop("输出文件“%(name)s”的扩展名与格式 %(fmt)s 不符。")


def report_headers() -> list[str]:
    return [column.name for column in REPORT_COLUMNS]


def report_year(value: Any) -> int:
    """The year asked for, or :class:`TrainingError` saying what a year may be."""
    try:
        year = int(str(value).strip())
    except ValueError:
        year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise TrainingError(
            _(ERR_BAD_YEAR) % {"first": FIRST_YEAR, "last": LAST_YEAR, "value": value}
        )
    return year


def report_format(fmt: str | None, filename: str) -> str:
    """``fmt`` if given, else the output's extension; a name that says the other format is
    refused rather than written misleadingly."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    name = Path(filename).name
    if fmt is not None and fmt not in FORMATS:
        raise TrainingError(_(ERR_BAD_FORMAT) % {"fmt": fmt})
    if fmt is None:
        if suffix not in FORMATS:
            raise TrainingError(_(ERR_UNKNOWN_SUFFIX) % {"name": name})
        return suffix
    if suffix in FORMATS and suffix != fmt:
        raise TrainingError(_(ERR_SUFFIX_DIFFERS) % {"name": name, "fmt": fmt})
    return fmt


def report_deputies(year: int) -> QuerySet[Deputy]:
    """Deputies who served in ``year``: of a term overlapping it (``held_office_between``) and
    still in office when it began (a deputy who left the year before has no row; one who left
    during the year keeps theirs)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return Deputy.objects.serving_on(start).held_office_between(start, end)


def hours_by_deputy(year: int) -> dict[int, tuple[Decimal, Decimal, Decimal, Decimal, int]]:
    """Deputy id → (basics, topical, practice, total hours, distinct courses), over the
    attendance at sessions dated in ``year``: one grouped query."""
    dated = Q(session__date__gte=date(year, 1, 1), session__date__lte=date(year, 12, 31))
    sums = {
        key: Sum("hours", filter=Q(session__course__track=track))
        for key, track in TRACK_SUMS.items()
    }
    rows = (
        Attendance.objects.filter(dated)
        .values("enrollment__deputy_id")
        .annotate(**sums, total=Sum("hours"), courses=Count("session__course_id", distinct=True))
        .order_by()
    )
    return {
        row["enrollment__deputy_id"]: (
            *(_hours(row[key]) for key in TRACK_SUMS),
            _hours(row["total"]),
            row["courses"],
        )
        for row in rows
    }


def _hours(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(HOURS_STEP)


def report_rows(year: int) -> Iterator[list[Any]]:
    """The report's rows in code order, read while they are written."""
    hours = hours_by_deputy(year)
    nothing = (_hours(None),) * 4 + (0,)
    deputies = report_deputies(year).order_by("code").values_list("pk", "code", "name")
    for pk, code, name in deputies.iterator(chunk_size=STREAM_CHUNK):
        yield [code, name, *hours.get(pk, nothing)]


def _legend() -> list[list[str]]:
    return [[column.name, column.label] for column in REPORT_COLUMNS]


def training_report_write(
    *, year: int, fmt: str, target: IO[bytes], now: datetime | None = None
) -> int:
    """Write the year's report to a binary file row by row; returns the number of deputies.
    Cells go through ``core.tabular``'s writers, which make formula-like text harmless."""
    if fmt not in FORMATS:
        raise TrainingError(_(ERR_BAD_FORMAT) % {"fmt": fmt})
    headers = report_headers()
    title = _("%(year)s年度培训学时") % {"year": year}
    caption = title_line(title, now=now)
    if fmt == "csv":
        return write_csv(target, headers, report_rows(year), caption=caption)
    widths = [max(10, len(h) + 2) for h in headers]
    sheets = [
        Sheet(
            title,
            headers,
            report_rows(year),
            bold_header=True,
            widths=widths,
            freeze_header=True,
            caption=caption,
        ),
        Sheet(_("说明"), [_("列"), _("含义")], _legend(), bold_header=True, widths=[20, 20]),
    ]
    return write_xlsx(target, sheets)[0]
