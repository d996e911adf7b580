"""Bring in the ledgers committees already keep in Excel: all rows or none."""

from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.audit import audit_record
from core.tabular import Column, ImportResult, RowError, TableError, parse_date, read_table
from deputies.models import Deputy

from .models import EntryStatus, LedgerEntry, Rule, SourceKind
from .services import LedgerError, entry_check, recompute_on_commit, rule_by_code

LEDGER_COLUMNS = [
    Column("deputy_code", aliases=("代表编号", "编号"), required=True),
    Column("date", aliases=("日期", "履职日期"), required=True),
    Column("rule_code", aliases=("规则编号", "积分规则", "规则"), required=True),
    Column("title", aliases=("事项", "履职事项", "标题", "内容"), required=True),
    Column("place", aliases=("地点",)),
    Column("description", aliases=("情况说明", "说明", "备注")),
]
ERR_UNKNOWN_DEPUTY = gettext_noop("找不到代表编号 %(code)s。")
ERR_REQUIRED = gettext_noop("不能为空。")
ERR_DUPLICATE_IN_FILE = gettext_noop("与第 %(other)d 行重复。")
ERR_ALREADY_RECORDED = gettext_noop("台账中已有相同记录（同一代表、日期、规则和事项）。")
ERR_TOO_LONG = gettext_noop("不能超过 %(n)d 个字。")


def _label(name: str) -> str:
    column = next(c for c in LEDGER_COLUMNS if c.name == name)
    return column.aliases[0]


@transaction.atomic
def ledger_import(
    *, source: str | Path | IO[bytes], filename: str = "", actor: User | None = None
) -> ImportResult:
    """Create verified entries from a sheet; with any row error nothing is written."""
    result = ImportResult()
    try:
        rows = read_table(source, LEDGER_COLUMNS, filename=filename)
    except TableError as exc:
        result.errors.append(RowError(1, str(exc)))
        return result
    codes = {str(r.get("deputy_code") or "").strip() for r in rows}
    deputies = {d.code: d for d in Deputy.objects.filter(code__in=codes)}
    seen: dict[tuple, int] = {}
    entries: list[LedgerEntry] = []
    rules: dict[tuple[int, str], Rule] = {}
    now = timezone.now()
    for row in rows:
        errors_before = len(result.errors)
        values = {k: str(v).strip() if v is not None else "" for k, v in row.values.items()}
        for name in ("deputy_code", "date", "rule_code", "title"):
            if not values.get(name):
                result.errors.append(RowError(row.line, _(ERR_REQUIRED), _label(name)))
        if len(result.errors) > errors_before:
            continue
        deputy = deputies.get(values["deputy_code"])
        if deputy is None:
            result.errors.append(
                RowError(
                    row.line,
                    _(ERR_UNKNOWN_DEPUTY) % {"code": values["deputy_code"]},
                    _label("deputy_code"),
                )
            )
            continue
        try:
            occurred_on = parse_date(row.get("date"))
        except ValueError as exc:
            result.errors.append(RowError(row.line, str(exc), _label("date")))
            continue
        if len(values["title"]) > 200:
            result.errors.append(RowError(row.line, _(ERR_TOO_LONG) % {"n": 200}, _label("title")))
            continue
        try:
            rule_key = (occurred_on.year, values["rule_code"].upper())
            if rule_key not in rules:
                rules[rule_key] = rule_by_code(*rule_key)
            rule = rules[rule_key]
            entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=False)
        except LedgerError as exc:
            result.errors.append(RowError(row.line, str(exc)))
            continue
        key = (deputy.pk, rule.pk, occurred_on, values["title"])
        if key in seen:
            result.errors.append(
                RowError(row.line, _(ERR_DUPLICATE_IN_FILE) % {"other": seen[key]})
            )
            continue
        seen[key] = row.line
        entries.append(
            LedgerEntry(
                deputy=deputy,
                rule=rule,
                occurred_on=occurred_on,
                title=values["title"],
                place=values.get("place", "")[:100],
                description=values.get("description", ""),
                source_kind=SourceKind.STAFF,
                status=EntryStatus.VERIFIED,
                reviewed_by=actor,
                reviewed_at=now,
                created_by=actor,
            )
        )
    if not result.errors and entries:
        existing = LedgerEntry.objects.filter(
            deputy__in={e.deputy_id for e in entries},
            occurred_on__in={e.occurred_on for e in entries},
        ).values_list("deputy_id", "rule_id", "occurred_on", "title")
        for key in set(existing) & set(seen):
            result.errors.append(RowError(seen[key], _(ERR_ALREADY_RECORDED)))
        result.errors.sort(key=lambda e: e.line)
    if result.errors:
        transaction.set_rollback(True)
        return result
    LedgerEntry.objects.bulk_create(entries)
    result.created = len(entries)
    audit_record(
        actor=actor,
        action="performance.ledger_import",
        summary=_("导入履职台账 %(n)d 条") % {"n": result.created},
        data={"file": filename or str(source), "created": result.created},
    )
    recompute_on_commit({e.occurred_on.year for e in entries})
    return result
