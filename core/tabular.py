"""Reading .csv/.xlsx sheets for all-or-nothing imports.

Each importer declares its columns (the English header as canonical name, the Chinese header
first among the aliases, then the other headers staff actually use); this module turns a file
into rows keyed by canonical names, numbered as the spreadsheet shows them, so every error can
name its line. A file that cannot be read at all raises ``TableError`` with a message in the
user's language, never a library's English text. The import framework on top is
``core.importing``.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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
    header, *body = raw_rows
    mapping: dict[int, str] = {}
    accepted = {column.name: column.accepted() for column in columns}
    for index, title in enumerate(header):
        if title is None or str(title).strip() == "":
            continue
        for column in columns:
            wanted = _normalise(str(title))
            if wanted in accepted[column.name] and column.name not in mapping.values():
                mapping[index] = column.name
                break
    missing = [c for c in columns if c.required and c.name not in mapping.values()]
    if missing:
        names = "、".join(f"{c.name}（{c.label}）" if c.aliases else c.name for c in missing)
        raise TableError(_(ERR_MISSING_COLUMNS) % {"names": names})
    rows = []
    for offset, raw in enumerate(body, start=2):
        values = {mapping[i]: _clean(value) for i, value in enumerate(raw) if i in mapping}
        if all(v in (None, "") for v in values.values()):
            continue
        rows.append(Row(line=offset, values=values))
    return rows


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
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


def write_table(
    path: str | Path, headers: list[str], rows: list[list[Any]], title: str = ""
) -> None:
    """Write rows to .csv (UTF-8 with BOM, so Excel opens Chinese correctly) or .xlsx."""
    path = Path(path)
    fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
    path.write_bytes(table_bytes(fmt, headers, rows, title=title))


def table_bytes(fmt: str, headers: list[str], rows: list[list[Any]], title: str = "") -> bytes:
    """A .csv (UTF-8 with BOM, so Excel shows Chinese) or .xlsx file in memory."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.title = title[:31]
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "png": "image/png",
}


def file_response(content: bytes, filename: str):
    """A download: the content type follows the file name's suffix."""
    from django.http import HttpResponse

    suffix = filename.rsplit(".", 1)[-1].lower()
    response = HttpResponse(
        content, content_type=CONTENT_TYPES.get(suffix, "application/octet-stream")
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(
    fmt: str, headers: list[str], rows: list[list[Any]], *, filename: str, title: str = ""
):
    """``table_bytes`` as a download named ``<filename>.<fmt>``."""
    return file_response(table_bytes(fmt, headers, rows, title=title), f"{filename}.{fmt}")
