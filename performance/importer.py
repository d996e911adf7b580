"""Bring in the ledgers committees already keep in Excel: all rows or none (``core.importing``)."""

from datetime import date
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.importing import ERR_EMPTY_CELL, Importer
from core.tabular import Column, ImportResult, Row, parse_date
from deputies.models import Deputy

from .models import LedgerEntry, Rule, SourceKind
from .services import (
    LedgerError,
    entry_build,
    entry_check,
    recompute_on_commit,
    rule_by_code,
)

LEDGER_COLUMNS = [
    Column("deputy_code", aliases=(gettext_noop("代表编号"), "编号"), required=True),
    Column("date", aliases=(gettext_noop("日期"), "履职日期"), required=True),
    Column("rule_code", aliases=(gettext_noop("规则编号"), "积分规则", "规则"), required=True),
    Column("title", aliases=(gettext_noop("事项"), "履职事项", "标题", "内容"), required=True),
    Column("place", aliases=(gettext_noop("地点"),)),
    Column("description", aliases=(gettext_noop("情况说明"), "说明", "备注")),
]
ERR_UNKNOWN_DEPUTY = gettext_noop("找不到代表编号 %(code)s。")
ERR_DUPLICATE_IN_FILE = gettext_noop("与第 %(other)d 行重复。")
ERR_ALREADY_RECORDED = gettext_noop("台账中已有相同记录（同一代表、日期、规则和事项）。")
ERR_TOO_LONG = gettext_noop("不能超过 %(n)d 个字。")
MAX_LENGTHS = {"title": 200, "place": 100}


class LedgerImporter(Importer):
    """Verified entries from a sheet; with any row error nothing is written."""

    columns = LEDGER_COLUMNS
    audit_action = "performance.ledger_import"
    audit_summary = gettext_noop("导入履职台账 %(created)d 条")
    success_message = gettext_noop("已导入 %(created)d 条履职记录（已核实）。")

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.deputies: dict[str, Deputy] = {}
        self.rules: dict[tuple[int, str], Rule] = {}
        self.seen: dict[tuple, int] = {}
        self.now = clock.now()

    def prepare(self, rows: list[Row]) -> None:
        codes = {str(r.get("deputy_code") or "").strip() for r in rows}
        self.deputies = {d.code: d for d in Deputy.objects.filter(code__in=codes)}

    def parse_row(self, row: Row) -> LedgerEntry | None:
        values = {k: str(v).strip() if v is not None else "" for k, v in row.values.items()}
        missing = [n for n in ("deputy_code", "date", "rule_code", "title") if not values.get(n)]
        for name in missing:
            self.error(row.line, _(ERR_EMPTY_CELL), name)
        if missing:
            return None
        deputy = self.deputies.get(values["deputy_code"])
        if deputy is None:
            message = _(ERR_UNKNOWN_DEPUTY) % {"code": values["deputy_code"]}
            self.error(row.line, message, "deputy_code")
            return None
        try:
            occurred_on = parse_date(row.get("date"))
        except ValueError as exc:
            self.error(row.line, str(exc), "date")
            return None
        for name, limit in MAX_LENGTHS.items():
            if len(values.get(name, "")) > limit:
                self.error(row.line, _(ERR_TOO_LONG) % {"n": limit}, name)
                return None
        try:
            rule_key = (occurred_on.year, values["rule_code"].upper())
            if rule_key not in self.rules:
                self.rules[rule_key] = rule_by_code(*rule_key, today=self.today)
            rule = self.rules[rule_key]
            entry_check(
                deputy=deputy,
                rule=rule,
                occurred_on=occurred_on,
                future_ok=False,
                today=self.today,
            )
        except LedgerError as exc:
            self.error(row.line, str(exc))
            return None
        key = (deputy.pk, rule.pk, occurred_on, values["title"])
        if key in self.seen:
            self.error(row.line, _(ERR_DUPLICATE_IN_FILE) % {"other": self.seen[key]})
            return None
        self.seen[key] = row.line
        return entry_build(
            deputy=deputy,
            rule=rule,
            occurred_on=occurred_on,
            title=values["title"],
            place=values.get("place", ""),
            description=values.get("description", ""),
            source_kind=SourceKind.STAFF,
            verified=True,
            actor=self.actor,
            now=self.now,
        )

    def check(self, parsed: list[LedgerEntry]) -> None:
        """A row the ledger already holds would be counted twice."""
        if self.errors or not parsed:
            return
        existing = LedgerEntry.objects.filter(
            deputy__in={e.deputy_id for e in parsed},
            occurred_on__in={e.occurred_on for e in parsed},
        ).values_list("deputy_id", "rule_id", "occurred_on", "title")
        for key in set(existing) & set(self.seen):
            self.error(self.seen[key], _(ERR_ALREADY_RECORDED))

    def write(self, parsed: list[LedgerEntry], result: ImportResult) -> None:
        LedgerEntry.objects.bulk_create(parsed)
        result.created = len(parsed)

    def after_write(self, parsed: list[LedgerEntry], result: ImportResult) -> None:
        recompute_on_commit({e.occurred_on.year for e in parsed})

    def template_rows(self) -> list[list[Any]]:
        year = self.today.year
        return [
            ["D001", f"{year}-03-01", "B01", _("参加代表小组活动"), _("东湖社区代表之家"), ""],
            ["D002", f"{year}-03-12", "B03", _("进站接待选民"), _("代表联络站"), ""],
        ]


def ledger_import(
    *,
    source: str | Path | IO[bytes],
    filename: str = "",
    actor: User | None = None,
    today: date | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Create verified entries from a sheet, all rows or none."""
    importer = LedgerImporter(actor=actor, today=today)
    return importer.run(source=source, filename=filename, dry_run=dry_run)
