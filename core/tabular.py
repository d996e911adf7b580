"""Reading .csv/.xlsx sheets for all-or-nothing imports, and writing exports row by row.

Each importer declares its columns (the English header as canonical name, the Chinese header
first among the aliases, then the other headers staff actually use); this module turns a file
into rows keyed by canonical names, numbered as the spreadsheet shows them, so every error can
name its line. A file that cannot be read at all raises ``TableError`` with a message in the
user's language, never a library's English text. The import framework on top is
``core.importing``.

Every export starts with a title line (``title_line``: the committee's name, what the file is,
and when it was generated, on the committee's clock) above the header row, and is named with
the moment it was taken (``dated_filename``): a sheet passed on by e-mail still says whose it is
and how old. ``read_table`` skips such a line, so an export imports back as it is.
"""

import codecs
import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock

ERR_EMPTY_FILE = gettext_noop("文件是空的。")
ERR_NOT_XLSX = gettext_noop(
    "无法读取该文件：不是有效的 Excel（.xlsx）文件。旧版 .xls 请在 Excel 中另存为 .xlsx。"
)
ERR_NO_SHEET = gettext_noop("无法读取该文件：Excel 文件中没有工作表。")
ERR_CSV_ENCODING = gettext_noop("无法识别 CSV 文件的编码，请另存为 UTF-8。")
ERR_CSV_BROKEN = gettext_noop("无法读取该文件：CSV 格式有误（第 %(line)d 行附近）。")
ERR_WRONG_TYPE = gettext_noop("只支持 .csv 或 .xlsx 文件（收到 %(name)s）。")
ERR_MISSING_COLUMNS = gettext_noop("缺少必需的列：%(names)s。")
ERR_BAD_DATE = gettext_noop("日期格式应为 YYYY-MM-DD（收到“%(value)s”）。")
GENERATED_AT = gettext_noop("生成时间：%(time)s")
TIME_FORMAT = "%Y-%m-%d %H:%M"
FILENAME_STAMP = "%Y%m%d-%H%M"


class TableError(Exception):
    """The file as a whole cannot be read (wrong type, missing columns...)."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``name`` is the English header and the key rows are read into; ``aliases[0]`` is the
    Chinese header (written on templates and exports, translated for the user's language, and
    named in errors); further aliases are other headers staff use. Any of them is accepted.
    """

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def header(self) -> str:
        """The Chinese header as declared (a msgid: mark it with gettext_noop where declared)."""
        return self.aliases[0] if self.aliases else self.name

    @property
    def label(self) -> str:
        """The header in the user's language: on templates and in every error message."""
        return _(self.header)

    def accepted(self) -> set[str]:
        """Every header that means this column: English, Chinese, the other aliases, and the
        header as translated for each site language (a template downloaded in English reads
        back for a Chinese user)."""
        headers = {self.name, *self.aliases}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                headers.add(_(self.header))
        return {_normalise(h) for h in headers}

    def matches(self, header: str) -> bool:
        return _normalise(header) in self.accepted()


@dataclass
class Row:
    line: int
    values: dict[str, Any]

    def get(self, name: str) -> Any:
        return self.values.get(name)


@dataclass
class RowError:
    """A problem on one line (and column) of the sheet; ``line=None`` means the whole file."""

    line: int | None
    message: str
    column: str = ""

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        where = _("第 %(line)d 行") % {"line": self.line}
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}"


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do), or why it did nothing."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def file_errors(self) -> list[RowError]:
        """Errors about the file as a whole (unreadable, empty, missing columns)."""
        return [e for e in self.errors if e.line is None]

    def error_lines(self) -> list[str]:
        return [str(e) for e in self.errors]


def _normalise(text: str) -> str:
    return "".join(str(text).split()).lower().replace("_", "").replace("-", "")


def read_table(
    source: str | Path | IO[bytes], columns: list[Column], filename: str = ""
) -> list[Row]:
    """Read every non-empty row of a .csv or .xlsx file into canonical column names."""
    name = filename or str(getattr(source, "name", source))
    suffix = Path(name).suffix.lower()
    if suffix not in {".csv", ".xlsx", ".xlsm"}:
        raise TableError(_(ERR_WRONG_TYPE) % {"name": Path(name).name or name})
    data = _as_bytes(source)
    if not data.strip():
        raise TableError(_(ERR_EMPTY_FILE))
    raw_rows = _read_csv(data) if suffix == ".csv" else _read_xlsx(data)
    if not raw_rows:
        raise TableError(_(ERR_EMPTY_FILE))
    accepted = {column.name: column.accepted() for column in columns}
    mapping = _header_mapping(raw_rows[0], columns, accepted)
    first_line = 2
    if not mapping and len(raw_rows) > 1:
        # An export of ours: its first line is the title line (``title_line``), the header
        # is the second. A file whose first line names no column at all is read that way too.
        below = _header_mapping(raw_rows[1], columns, accepted)
        if below:
            mapping, raw_rows, first_line = below, raw_rows[1:], 3
    _header, *body = raw_rows
    missing = [c for c in columns if c.required and c.name not in mapping.values()]
    if missing:
        names = "、".join(f"{c.name}（{c.label}）" if c.aliases else c.name for c in missing)
        raise TableError(_(ERR_MISSING_COLUMNS) % {"names": names})
    rows = []
    for offset, raw in enumerate(body, start=first_line):
        values = {mapping[i]: _clean(value) for i, value in enumerate(raw) if i in mapping}
        if all(v in (None, "") for v in values.values()):
            continue
        rows.append(Row(line=offset, values=values))
    return rows


def _header_mapping(
    header: list[Any], columns: list[Column], accepted: dict[str, set[str]]
) -> dict[int, str]:
    """Cell index → canonical column name, for the cells of ``header`` that name a column."""
    mapping: dict[int, str] = {}
    for index, title in enumerate(header):
        if title is None or str(title).strip() == "":
            continue
        for column in columns:
            wanted = _normalise(str(title))
            if wanted in accepted[column.name] and column.name not in mapping.values():
                mapping[index] = column.name
                break
    return mapping


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _unescape(value.strip())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _read_csv(data: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_(ERR_CSV_ENCODING))
    if "\x00" in text:  # a binary file that happened to decode
        raise TableError(_(ERR_CSV_ENCODING))
    # The csv module refuses a field over its limit (131,072 by default) with a bare _csv.Error;
    # let any cell of this file through, so the importer can name the row of a cell too long.
    if csv.field_size_limit() <= len(text):
        csv.field_size_limit(len(text) + 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as exc:
        raise TableError(_(ERR_CSV_BROKEN) % {"line": reader.line_num}) from exc


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (BadZipFile, KeyError...) for junk
        raise TableError(_(ERR_NOT_XLSX)) from exc
    try:
        if not workbook.worksheets:
            raise TableError(_(ERR_NO_SHEET))
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    except TableError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip fails while reading
        raise TableError(_(ERR_NOT_XLSX)) from exc
    finally:
        workbook.close()


def _as_bytes(source) -> bytes:
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def parse_date(value: Any) -> date:
    """Accept a spreadsheet date cell or ISO text (2026-03-01, also 2026/3/1)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError as exc:
        raise ValueError(_(ERR_BAD_DATE) % {"value": value}) from exc


# --- Writing ------------------------------------------------------------------------------
# Exports write row by row from any iterable (a generator over ``queryset.iterator()`` keeps
# memory flat however many rows there are): CSV line by line, xlsx through openpyxl's
# write-only mode (rows go to a temporary file, never to a sheet held in memory).

# A cell starting with one of these is a formula to Excel (or LibreOffice) opening a CSV, and
# openpyxl writes a text starting with "=" as a formula: an exported name such as
# "=HYPERLINK(...)" would run on the reader's machine. Such text is written behind an
# apostrophe, which the spreadsheet shows as text and ``read_table`` strips again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"
STREAM_CHUNK = 2000  # rows fetched per query by the exports' ``iterator(chunk_size=...)``


def formula_safe(value: Any) -> Any:
    """``value`` as it can go into a cell: text that would start a formula gets an apostrophe
    in front; numbers, dates and other text pass unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return FORMULA_ESCAPE + value
    return value


def _unescape(value: str) -> str:
    """Undo ``formula_safe`` on reading, so an exported file imports back unchanged."""
    if value.startswith(FORMULA_ESCAPE) and value[1:2] and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def _csv_cell(value: Any) -> Any:
    value = formula_safe(value)
    return str(value) if isinstance(value, Decimal) else value


class _Line:
    """A file-like target for ``csv.writer`` that hands back the line just written."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text = text


def generated_at(now: datetime | None = None) -> str:
    """``now`` on the committee's clock (Asia/Shanghai, the project's time zone), to the
    minute: what an export or a printout says about when it was taken."""
    return _local(now).strftime(TIME_FORMAT)


def _local(now: datetime | None) -> datetime:
    return timezone.localtime(now or clock.now(), timezone.get_default_timezone())


def title_line(title: Any = "", *, now: datetime | None = None) -> list[str]:
    """The first line of every export: the committee's name, what the file holds (if said)
    and ``生成时间：YYYY-MM-DD HH:MM``. ``read_table`` skips it when the file comes back."""
    cells = [settings.LVZHI_COMMITTEE_NAME]
    if str(title):
        cells.append(str(title))
    cells.append(_(GENERATED_AT) % {"time": generated_at(now)})
    return cells


def csv_chunks(
    headers: list[str], rows: Iterable[Iterable[Any]], *, caption: list[Any] | None = None
) -> Iterator[bytes]:
    """The CSV file as byte chunks, one per row after a UTF-8 BOM (so Excel shows Chinese):
    nothing but the current row is ever held. ``caption`` (a ``title_line``) goes above the
    header."""
    line = _Line()
    writer = csv.writer(line)
    yield codecs.BOM_UTF8
    if caption:
        writer.writerow([_csv_cell(c) for c in caption])
        yield line.text.encode("utf-8")
    writer.writerow([_csv_cell(h) for h in headers])
    yield line.text.encode("utf-8")
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        yield line.text.encode("utf-8")


def write_csv(
    target: IO[bytes],
    headers: list[str],
    rows: Iterable[Iterable[Any]],
    *,
    caption: list[Any] | None = None,
) -> int:
    """Write the CSV to a binary file row by row (``caption`` above the header); returns the
    number of data rows."""
    written = 0

    def counted() -> Iterator[Iterable[Any]]:
        nonlocal written
        for row in rows:
            written += 1
            yield row

    for chunk in csv_chunks(headers, counted(), caption=caption):
        target.write(chunk)
    return written


@dataclass
class Sheet:
    """One worksheet of an xlsx export: its rows may be any iterable (a generator is read
    once, while the sheet is written). ``caption`` (a ``title_line``) is written above the
    header: the first sheet of every export has one."""

    title: str
    headers: list[str]
    rows: Iterable[Iterable[Any]]
    bold_header: bool = False
    widths: list[int] | None = None
    freeze_header: bool = False
    caption: list[Any] | None = None


def _xlsx_cell(value: Any) -> Any:
    value = formula_safe(value)
    return float(value) if isinstance(value, Decimal) else value


def write_xlsx(target: str | Path | IO[bytes], sheets: Iterable[Sheet]) -> list[int]:
    """Write an xlsx in openpyxl's write-only mode, sheet after sheet, row by row; returns the
    number of data rows of each sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    counts = []
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31] or None)
        for index, width in enumerate(sheet.widths or [], start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        if sheet.freeze_header:
            worksheet.freeze_panes = "A3" if sheet.caption else "A2"
        if sheet.caption:
            worksheet.append([_xlsx_cell(c) for c in sheet.caption])
        header = []
        for title in sheet.headers:
            cell = WriteOnlyCell(worksheet, value=_xlsx_cell(title))
            if sheet.bold_header:
                cell.font = Font(bold=True)
            header.append(cell)
        worksheet.append(header)
        count = 0
        for row in sheet.rows:
            worksheet.append([_xlsx_cell(v) for v in row])
            count += 1
        counts.append(count)
    if not counts:  # a workbook needs a sheet
        workbook.create_sheet()
    workbook.save(target)
    return counts


def write_table(
    path: str | Path,
    headers: list[str],
    rows: Iterable[Iterable[Any]],
    title: str = "",
    *,
    now: datetime | None = None,
) -> int:
    """Write an export to .csv (UTF-8 with BOM, so Excel opens Chinese correctly) or .xlsx,
    row by row, under its title line; returns the number of data rows."""
    path = Path(path)
    caption = title_line(title, now=now)
    if path.suffix.lower() == ".csv":
        with path.open("wb") as target:
            return write_csv(target, headers, rows, caption=caption)
    return write_xlsx(path, [Sheet(title, headers, rows, caption=caption)])[0]


def table_bytes(
    fmt: str,
    headers: list[str],
    rows: Iterable[Iterable[Any]],
    title: str = "",
    *,
    caption: list[Any] | None = None,
) -> bytes:
    """A .csv (UTF-8 with BOM, so Excel shows Chinese) or .xlsx file in memory: for small
    tables (import templates, a page's statistics); exports stream (``table_stream_response``)."""
    if fmt == "csv":
        return b"".join(csv_chunks(headers, rows, caption=caption))
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet(title, headers, rows, caption=caption)])
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "png": "image/png",
}


def _content_type(filename: str) -> str:
    return CONTENT_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def dated_filename(stem: str, fmt: str, *, now: datetime | None = None) -> str:
    """``<stem>-<YYYYMMDD>-<HHMM>.<fmt>``: every export says when it was taken (on the
    committee's clock), and two taken the same day do not overwrite each other."""
    return f"{stem}-{_local(now):{FILENAME_STAMP}}.{fmt}"


def file_response(content: bytes, filename: str):
    """A download: the content type follows the file name's suffix."""
    from django.http import HttpResponse

    response = HttpResponse(content, content_type=_content_type(filename))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(
    fmt: str,
    headers: list[str],
    rows: Iterable[Iterable[Any]],
    *,
    filename: str,
    title: str = "",
    stamped: bool = True,
    now: datetime | None = None,
):
    """``table_bytes`` as a download (small tables only): an export, under its title line and
    named ``<filename>-<YYYYMMDD>-<HHMM>.<fmt>``; with ``stamped=False`` (a blank import
    template) neither, just ``<filename>.<fmt>``."""
    if not stamped:
        return file_response(table_bytes(fmt, headers, rows, title=title), f"{filename}.{fmt}")
    moment = now or clock.now()
    content = table_bytes(fmt, headers, rows, title=title, caption=title_line(title, now=moment))
    return file_response(content, dated_filename(filename, fmt, now=moment))


def _in_language(chunks: Iterable[bytes], language: str | None) -> Iterator[bytes]:
    """Produce ``chunks`` in the request's language: a streamed body is written after the
    view has returned, when the middleware's language may no longer be active."""
    iterator = iter(chunks)
    while True:
        with translation.override(language):
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk


def stream_response(chunks: Iterable[bytes], filename: str):
    """A download whose body is produced while it is sent (``StreamingHttpResponse``)."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(
        _in_language(chunks, translation.get_language()), content_type=_content_type(filename)
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def spooled_file_response(write: Callable[[IO[bytes]], Any], filename: str):
    """A download of a file that must be complete before it is sent (xlsx is a zip, PDF has a
    cross-reference table): ``write`` fills a temporary file on disk, which is then streamed
    in blocks and deleted, so neither the rows nor the file sit in memory."""
    from django.http import FileResponse

    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    try:
        write(target)
        target.seek(0)
    except BaseException:
        target.close()
        raise
    return FileResponse(
        target, as_attachment=True, filename=filename, content_type=_content_type(filename)
    )


def table_stream_response(
    fmt: str,
    headers: list[str],
    rows: Iterable[Iterable[Any]],
    *,
    filename: str,
    title: str = "",
    now: datetime | None = None,
):
    """An export of any size, under its title line: CSV streamed row by row (rows are read
    while the response is sent), xlsx written row by row to a temporary file. ``filename`` is
    the full name (``dated_filename``)."""
    caption = title_line(title, now=now)
    if fmt == "csv":
        return stream_response(csv_chunks(headers, rows, caption=caption), filename)
    return spooled_file_response(
        lambda target: write_xlsx(target, [Sheet(title, headers, rows, caption=caption)]),
        filename,
    )
