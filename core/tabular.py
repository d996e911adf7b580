"""Reading .csv/.xlsx sheets for all-or-nothing imports.

Each importer declares its columns (canonical name plus the header aliases staff actually use,
Chinese or English); this module turns a file into rows keyed by canonical names, numbered as
the spreadsheet shows them, so every error can name its line.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _


class TableError(Exception):
    """The file as a whole cannot be read (wrong type, missing columns...)."""


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def matches(self, header: str) -> bool:
        wanted = _normalise(header)
        return wanted == _normalise(self.name) or wanted in {_normalise(a) for a in self.aliases}


@dataclass
class Row:
    line: int
    values: dict[str, Any]

    def get(self, name: str) -> Any:
        return self.values.get(name)


@dataclass
class RowError:
    line: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        where = _("第 %(line)d 行") % {"line": self.line}
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}"


@dataclass
class ImportResult:
    """What an import did, or why it did nothing."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

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
    if suffix == ".csv":
        raw_rows = _read_csv(source)
    elif suffix in {".xlsx", ".xlsm"}:
        raw_rows = _read_xlsx(source)
    else:
        raise TableError(_("只支持 .csv 或 .xlsx 文件（收到 %(name)s）。") % {"name": name})
    if not raw_rows:
        raise TableError(_("文件是空的。"))
    header, *body = raw_rows
    mapping: dict[int, str] = {}
    for index, title in enumerate(header):
        if title is None or str(title).strip() == "":
            continue
        for column in columns:
            if column.matches(str(title)) and column.name not in mapping.values():
                mapping[index] = column.name
                break
    missing = [c for c in columns if c.required and c.name not in mapping.values()]
    if missing:
        names = "、".join(f"{c.name}（{c.aliases[0]}）" if c.aliases else c.name for c in missing)
        raise TableError(_("缺少必需的列：%(names)s。") % {"names": names})
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


def _read_csv(source) -> list[list[Any]]:
    data = _as_bytes(source)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_("无法识别 CSV 文件的编码，请另存为 UTF-8。"))
    return [row for row in csv.reader(io.StringIO(text))]


def _read_xlsx(source) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(_as_bytes(source)), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise TableError(_("无法读取 Excel 文件：%(error)s") % {"error": exc}) from exc
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


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
        raise ValueError(
            _("日期格式应为 YYYY-MM-DD（收到“%(value)s”）。") % {"value": value}
        ) from exc


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
