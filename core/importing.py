"""One import framework for every spreadsheet the committee brings in.

An importer is a subclass of ``Importer`` that declares its sheet once:

- ``columns``: ``core.tabular.Column`` with the English header as ``name`` and the Chinese header
  first among the aliases (either is accepted; templates carry the header in the user's
  language);
- ``prepare(rows)``: optionally load what the rows refer to in a few queries;
- ``parse_row(row)``: turn one line into data or add ``RowError``s naming the line and column
  (``RowForm`` runs a Django form per row and names the columns of its errors);
- ``check(parsed)``: rules across rows and against the database (duplicates, unknown codes);
- ``write(parsed, result)``: create or update, counting into ``result``; errors found only
  while writing (``full_clean``) are added to ``result.errors`` and undo everything.

``Importer.run`` reads the file, reports a file that cannot be read as one file-level error in
the user's language, checks every cell's length, then parses, checks and writes in one
transaction that is rolled back if any row is bad. ``dry_run=True`` goes through the writes too
and rolls them back, so it reports exactly what a real run would refuse. ``today`` (default
``core.clock.today()``) is an argument, for rules such as "not after today".

The admin pages are ``core.admin_import.ImportAdminMixin``; the management commands are
``core.import_command.ImportCommand``.
"""

from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User

from . import clock
from .audit import audit_record
from .tabular import Column, ImportResult, Row, RowError, TableError, parse_date, read_table

# Excel itself holds at most 32,767 characters in a cell; nothing the committee imports is
# longer than a few thousand. A longer cell is a mistake (a pasted document, a broken quote).
MAX_CELL_CHARS = 32_767

ERR_NO_ROWS = gettext_noop("文件中除表头外没有数据行。")
ERR_UNREADABLE = gettext_noop("无法读取该文件：%(name)s。")
ERR_CELL_TOO_LONG = gettext_noop("内容过长（%(length)d 个字），每格不能超过 %(max)d 个字。")
ERR_BAD_CHOICE = gettext_noop("“%(value)s”不是有效的值，可选：%(choices)s。")
ERR_FUTURE = gettext_noop("日期不能晚于今天。")
ERR_EMPTY_CELL = gettext_noop("不能为空。")
ERR_SAVE_CONFLICT = gettext_noop(
    "保存时与已有数据冲突（可能有人同时修改了相同记录），未导入任何记录，请重试。"
)
DRY_RUN_MESSAGE = gettext_noop(
    "检查通过：共 %(rows)d 行，可新增 %(created)d 条、更新 %(updated)d 条。"
    "本次只是检查，没有写入任何记录。"
)


def choices_text(choices) -> str:
    """The labels of a choices enum joined for a message (labels are lazy: str() each)."""
    return "、".join(str(label) for label in choices.labels)


def choice_from_text(value: Any, choices, *, prefix: bool = False) -> str | None:
    """The code of a choice written as its code (any case) or its label; ``prefix`` also
    accepts the start of a label (满意 for 满意度高...). ``None`` when nothing matches."""
    text = str(value).strip()
    if not text:
        return None
    for code, label in choices.choices:
        label = str(label)
        if text.lower() == str(code).lower() or text == label:
            return code
        if prefix and label.startswith(text):
            return code
    return None


class SheetChoiceField(forms.CharField):
    """A cell holding one of ``choices``, by code or label; a bad value names the choices."""

    def __init__(self, choices, *, prefix: bool = False, **kwargs):
        self.sheet_choices, self.prefix = choices, prefix
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        code = choice_from_text(text, self.sheet_choices, prefix=self.prefix)
        if code is None:
            raise ValidationError(
                _(ERR_BAD_CHOICE) % {"value": text, "choices": choices_text(self.sheet_choices)}
            )
        return code


class SheetDateField(forms.Field):
    """A cell holding a date: a real spreadsheet date or text such as 2026-03-01 or 2026/3/1."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_date(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class Importer:
    """Subclass per kind of sheet; see the module docstring. Instances hold one run's options."""

    columns: ClassVar[list[Column]] = []
    audit_action: ClassVar[str] = ""
    # gettext_noop patterns with %(created)d and %(updated)d
    audit_summary: ClassVar[str] = ""
    success_message: ClassVar[str] = ""

    def __init__(self, *, actor: User | None = None, today: date | None = None, **options: Any):
        self.actor = actor
        self.today = today or clock.today()
        self.options = options
        self.errors: list[RowError] = []

    # --- what a subclass provides ---------------------------------------------------------------

    def prepare(self, rows: list[Row]) -> None:
        """Load what the rows refer to in a few queries, before any row is parsed."""

    def parse_row(self, row: Row) -> Any | None:
        """The data of one line, or ``None`` after adding its errors with ``self.error``."""
        raise NotImplementedError

    def check(self, parsed: list[Any]) -> None:
        """Rules across rows and against the database; add errors with ``self.error``."""

    def write(self, parsed: list[Any], result: ImportResult) -> None:
        """Save every parsed row, counting into ``result``; runs inside the transaction."""
        raise NotImplementedError

    def after_write(self, parsed: list[Any], result: ImportResult) -> None:
        """Work once the rows are saved for real (not in a dry run), e.g. queue a recompute."""

    def template_rows(self) -> list[list[Any]]:
        """Example lines for the downloadable template (headers come from ``columns``)."""
        return []

    # --- helpers --------------------------------------------------------------------------------

    def label(self, name: str) -> str:
        """The header of column ``name`` in the user's language, for error messages."""
        for column in self.columns:
            if column.name == name:
                return column.label
        return ""

    def error(self, line: int | None, message: str, column: str = "") -> None:
        """Record an error on ``line`` in the column named ``column`` (its canonical name)."""
        self.errors.append(RowError(line, message, self.label(column) if column else ""))

    def form_errors(self, line: int, form: forms.Form, fields: dict[str, str] | None = None):
        """Every error of a row form, each naming its column (``fields`` maps form field names
        that differ from column names)."""
        for name, messages in form.errors.items():
            column = "" if name == "__all__" else (fields or {}).get(name, name)
            for message in messages:
                self.error(line, message, column)

    @classmethod
    def headers(cls) -> list[str]:
        """The template's header line, in the user's language."""
        return [column.label for column in cls.columns]

    def message(self, result: ImportResult) -> str:
        """What happened, for the admin's message and the command's last line."""
        pattern = DRY_RUN_MESSAGE if result.dry_run else self.success_message
        return _(pattern) % {
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
        }

    # --- the run --------------------------------------------------------------------------------

    def run(
        self, *, source: str | Path | IO[bytes], filename: str = "", dry_run: bool = False
    ) -> ImportResult:
        """Import every row or none; with ``dry_run`` check everything and write nothing."""
        result = ImportResult(dry_run=dry_run)
        self.errors = result.errors
        try:
            rows = read_table(source, self.columns, filename=filename)
        except TableError as exc:
            self.error(None, str(exc))
            return result
        except OSError:
            self.error(None, _(ERR_UNREADABLE) % {"name": filename or source})
            return result
        if not rows:
            self.error(None, _(ERR_NO_ROWS))
            return result
        result.rows = len(rows)
        try:
            with transaction.atomic():
                self._run_rows(rows, result, filename or str(source))
        except IntegrityError:
            # A constraint the checks could not foresee (a concurrent import of the same
            # codes): the savepoint is gone, the caller's transaction is still usable.
            self.error(None, _(ERR_SAVE_CONFLICT))
        if result.errors:
            result.created = result.updated = 0
        result.errors.sort(key=lambda e: e.line or 0)
        return result

    def _run_rows(self, rows: list[Row], result: ImportResult, source_name: str) -> None:
        """Parse, check and write inside one transaction, so whatever a lookup creates on the
        way is undone with a refused file or a dry run."""
        self.prepare(rows)
        parsed = []
        for row in rows:
            if self._cells_fit(row) and (data := self.parse_row(row)) is not None:
                parsed.append(data)
        self.check(parsed)
        if not result.errors:
            self.write(parsed, result)
        if result.errors or result.dry_run:
            transaction.set_rollback(True)
            return
        audit_record(
            actor=self.actor,
            action=self.audit_action,
            summary=_(self.audit_summary) % {"created": result.created, "updated": result.updated},
            data={"file": source_name, "created": result.created, "updated": result.updated},
        )
        self.after_write(parsed, result)

    def _cells_fit(self, row: Row) -> bool:
        fits = True
        for name, value in row.values.items():
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                message = _(ERR_CELL_TOO_LONG) % {"length": len(value), "max": MAX_CELL_CHARS}
                self.error(row.line, message, name)
                fits = False
        return fits


class RowForm(forms.Form):
    """A Django form for one sheet line; its fields are named after the columns. The importer
    passes ``today`` so date rules need no clock of their own. With ``empty_cells_say_empty``
    a required cell left empty says "不能为空" (a sheet has cells, not form fields)."""

    empty_cells_say_empty = False

    def __init__(self, *args, today: date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)
        if self.empty_cells_say_empty:
            for field in self.fields.values():
                if "required" in field.error_messages:
                    field.error_messages["required"] = _(ERR_EMPTY_CELL)

    @classmethod
    def for_row(cls, row: Row, **kwargs) -> "RowForm":
        data = {name: "" if value is None else value for name, value in row.values.items()}
        return cls(data=data, **kwargs)

    def not_in_future(self, *names: str) -> None:
        """Dates of things that happened cannot lie after today."""
        for name in names:
            value = self.cleaned_data.get(name)
            if value and value > self.today:
                self.add_error(name, _(ERR_FUTURE))
