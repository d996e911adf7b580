"""Import of the suggestions a committee already tracks in a spreadsheet.

Each row enters the state its dates imply (registered → assigned → replied → evaluated →
concluded), with a history row per step marked as imported. Nothing is written unless every
row is good; unknown deputies are always errors, unknown units and categories unless
``create_missing``.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.audit import audit_record
from core.tabular import Column, ImportResult, Row, RowError, TableError, parse_date, read_table
from deputies.models import Deputy

from .models import (
    CHECK_ORDER,
    Category,
    Evaluation,
    FollowUpCheck,
    HandlingUnit,
    Kind,
    RegistrationCounter,
    Reply,
    ResultClass,
    Status,
    StatusChange,
    Suggestion,
    Verdict,
)
from .workflow import add_months, registration_number_next

COLUMNS = [
    Column("number", ("编号", "立案编号", "建议编号")),
    Column("title", ("标题", "案由", "建议标题"), required=True),
    Column("kind", ("类型", "类别（议案/建议）")),
    Column("category", ("类别", "分类", "建议类别")),
    Column("lead_deputy_code", ("领衔代表编号", "代表编号", "lead_deputy"), required=True),
    Column("lead_unit", ("主办单位", "承办单位")),
    Column("registered_on", ("立案日期",)),
    Column("assigned_on", ("交办日期",)),
    Column("deadline", ("答复期限", "办理期限")),
    Column("replied_on", ("答复日期",)),
    Column("result_class", ("办理结果", "答复类别", "结果类别")),
    Column("evaluation", ("评价", "代表评价", "满意度")),
    Column("implementation_score", ("落实度",)),
    Column("concluded_on", ("办结日期",)),
    Column("body", ("内容", "建议内容")),
]
LABELS = {c.name: c.aliases[0] if c.aliases else c.name for c in COLUMNS}
DATE_FIELDS = ("registered_on", "assigned_on", "deadline", "replied_on", "concluded_on")
NUMBER_RE = re.compile(r"^(\d{4})-(\d{1,5})$")

ERR_REQUIRED = gettext_noop("必填。")
ERR_BAD_CHOICE = gettext_noop("“%(value)s”无效，可选：%(choices)s。")
ERR_UNKNOWN_DEPUTY = gettext_noop("找不到代表编号 %(code)s。")
ERR_UNKNOWN_UNIT = gettext_noop("找不到承办单位“%(name)s”（可用 --create-missing 自动创建）。")
ERR_UNKNOWN_CATEGORY = gettext_noop("找不到类别“%(name)s”（可用 --create-missing 自动创建）。")
ERR_BAD_NUMBER = gettext_noop("编号应为“年度-序号”，例如 2026-017。")
ERR_NUMBER_TAKEN = gettext_noop("编号 %(number)s 已存在。")
ERR_NUMBER_DUPLICATE = gettext_noop("编号 %(number)s 在文件中重复（另见第 %(other)d 行）。")
ERR_NUMBER_YEAR = gettext_noop("编号的年度与立案日期不一致。")
ERR_NUMBER_NEEDS_REGISTRATION = gettext_noop("有编号的建议须填写立案日期。")
ERR_ORDER = gettext_noop("“%(later)s”不能早于“%(earlier)s”。")
ERR_NEEDS = gettext_noop("填写了“%(field)s”就必须填写“%(needed)s”。")
ERR_DEADLINE_RANGE = gettext_noop("答复期限须晚于交办日期且不超过交办后 %(months)d 个月。")
ERR_FUTURE = gettext_noop("日期不能晚于今天。")
ERR_SCORE = gettext_noop("落实度须为 0–100 的整数。")


@dataclass
class _Parsed:
    line: int
    values: dict[str, Any] = field(default_factory=dict)


def _choice(value: str, choices) -> str | None:
    text = str(value).strip()
    for code, label in choices.choices:
        if text.lower() == str(code).lower() or text == str(label) or str(label).startswith(text):
            return code
    return None


def _parse_row(row: Row, errors: list[RowError], today: date) -> _Parsed | None:
    out = _Parsed(row.line)
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(RowError(row.line, message, LABELS.get(column, column)))

    def text(name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value).strip()

    out.values["title"] = text("title")
    if not out.values["title"]:
        err("title", _(ERR_REQUIRED))
    out.values["body"] = text("body") or out.values["title"]
    out.values["code"] = text("lead_deputy_code")
    if not out.values["code"]:
        err("lead_deputy_code", _(ERR_REQUIRED))
    out.values["unit"] = text("lead_unit")
    out.values["category"] = text("category")
    kind = text("kind")
    out.values["kind"] = _choice(kind, Kind) if kind else Kind.SUGGESTION
    if out.values["kind"] is None:
        err("kind", _(ERR_BAD_CHOICE) % {"value": kind, "choices": "、".join(Kind.labels)})
    for name, choices, target in (
        ("result_class", ResultClass, "result_class"),
        ("evaluation", Verdict, "verdict"),
    ):
        raw = text(name)
        out.values[target] = _choice(raw, choices) if raw else None
        if raw and out.values[target] is None:
            labels = "A、B、C" if choices is ResultClass else "、".join(choices.labels)
            err(name, _(ERR_BAD_CHOICE) % {"value": raw, "choices": labels})
    raw_score = text("implementation_score")
    out.values["score"] = None
    if raw_score:
        if raw_score.isdigit() and 0 <= int(raw_score) <= 100:
            out.values["score"] = int(raw_score)
        else:
            err("implementation_score", _(ERR_SCORE))
    for name in DATE_FIELDS:
        raw = row.get(name)
        out.values[name] = None
        if raw in (None, ""):
            continue
        try:
            out.values[name] = parse_date(raw)
        except ValueError as exc:
            err(name, str(exc))
            continue
        if out.values[name] > today:
            err(name, _(ERR_FUTURE))
    number = text("number")
    out.values["number"] = None
    if number:
        match = NUMBER_RE.match(number)
        if not match:
            err("number", _(ERR_BAD_NUMBER))
        else:
            year, seq = int(match[1]), int(match[2])
            out.values["number"] = (year, seq, f"{year}-{seq:03d}")
    if len(errors) > before:
        return None

    v = out.values
    needs = [
        ("number", "registered_on"),
        ("assigned_on", "registered_on"),
        ("assigned_on", "lead_unit"),
        ("deadline", "assigned_on"),
        ("replied_on", "assigned_on"),
        ("replied_on", "result_class"),
        ("result_class", "replied_on"),
        ("evaluation", "replied_on"),
        ("implementation_score", "evaluation"),
        ("concluded_on", "replied_on"),
    ]
    present = {
        "number": v["number"],
        "registered_on": v["registered_on"],
        "assigned_on": v["assigned_on"],
        "lead_unit": v["unit"],
        "deadline": v["deadline"],
        "replied_on": v["replied_on"],
        "result_class": v["result_class"],
        "evaluation": v["verdict"],
        "implementation_score": v["score"],
        "concluded_on": v["concluded_on"],
    }
    for name, needed in needs:
        if present[name] and not present[needed]:
            err(name, _(ERR_NEEDS) % {"field": LABELS[name], "needed": LABELS[needed]})
    chain = ["registered_on", "assigned_on", "replied_on", "concluded_on"]
    known = [(n, v[n]) for n in chain if v[n]]
    for (earlier, d1), (later, d2) in pairwise(known):
        if d2 < d1:
            err(later, _(ERR_ORDER) % {"later": LABELS[later], "earlier": LABELS[earlier]})
    if v["deadline"] and v["assigned_on"]:
        limit = add_months(v["assigned_on"], settings.LVZHI_SUGGESTIONS_MAX_MONTHS)
        if not v["assigned_on"] < v["deadline"] <= limit:
            err(
                "deadline",
                _(ERR_DEADLINE_RANGE) % {"months": settings.LVZHI_SUGGESTIONS_MAX_MONTHS},
            )
    if v["number"] and v["registered_on"] and v["number"][0] != v["registered_on"].year:
        err("number", _(ERR_NUMBER_YEAR))
    return None if len(errors) > before else out


def _resolve(parsed: list[_Parsed], errors: list[RowError], create_missing: bool) -> dict:
    codes = {p.values["code"] for p in parsed}
    deputies = {d.code: d for d in Deputy.objects.filter(code__in=codes)}
    units = {u.name: u for u in HandlingUnit.objects.all()}
    units.update({u.short_name: u for u in units.values() if u.short_name})
    categories = {c.name: c for c in Category.objects.all()}
    wanted_numbers = [p.values["number"][2] for p in parsed if p.values["number"]]
    taken = set(
        Suggestion.objects.filter(number__in=wanted_numbers).values_list("number", flat=True)
    )
    seen: dict[str, int] = {}
    for p in parsed:
        v = p.values
        if v["code"] not in deputies:
            errors.append(
                RowError(
                    p.line, _(ERR_UNKNOWN_DEPUTY) % {"code": v["code"]}, LABELS["lead_deputy_code"]
                )
            )
        if v["unit"] and v["unit"] not in units and not create_missing:
            errors.append(
                RowError(p.line, _(ERR_UNKNOWN_UNIT) % {"name": v["unit"]}, LABELS["lead_unit"])
            )
        if v["category"] and v["category"] not in categories and not create_missing:
            errors.append(
                RowError(
                    p.line, _(ERR_UNKNOWN_CATEGORY) % {"name": v["category"]}, LABELS["category"]
                )
            )
        if v["number"]:
            number = v["number"][2]
            if number in taken:
                errors.append(
                    RowError(p.line, _(ERR_NUMBER_TAKEN) % {"number": number}, LABELS["number"])
                )
            elif number in seen:
                errors.append(
                    RowError(
                        p.line,
                        _(ERR_NUMBER_DUPLICATE) % {"number": number, "other": seen[number]},
                        LABELS["number"],
                    )
                )
            seen.setdefault(number, p.line)
    return {"deputies": deputies, "units": units, "categories": categories}


def suggestions_import(
    *,
    source: str | Path | IO[bytes],
    filename: str = "",
    create_missing: bool = False,
    actor: User | None = None,
) -> ImportResult:
    result = ImportResult()
    try:
        rows = read_table(source, COLUMNS, filename=filename)
    except TableError as exc:
        result.errors.append(RowError(1, str(exc)))
        return result
    today = timezone.localdate()
    parsed = [p for row in rows if (p := _parse_row(row, result.errors, today)) is not None]
    refs = _resolve(parsed, result.errors, create_missing)
    if result.errors:
        result.errors.sort(key=lambda e: e.line)
        return result
    with transaction.atomic():
        # Explicit numbers first, so generated ones continue after them.
        for p in parsed:
            if p.values["number"]:
                year, seq, _n = p.values["number"]
                counter, _c = RegistrationCounter.objects.select_for_update().get_or_create(
                    year=year
                )
                if counter.last_number < seq:
                    counter.last_number = seq
                    counter.save(update_fields=["last_number"])
        for p in parsed:
            _create(p, refs, actor)
            result.created += 1
        audit_record(
            actor=actor,
            action="suggestions.import",
            summary=_("导入议案建议 %(n)d 件") % {"n": result.created},
            data={"file": filename or str(source), "created": result.created},
        )
    return result


def _get_or_create(refs: dict, key: str, model, name: str):
    if name not in refs[key]:
        refs[key][name] = model.objects.create(name=name)
    return refs[key][name]


def _create(p: _Parsed, refs: dict, actor: User | None) -> Suggestion:
    v = p.values
    deputy = refs["deputies"][v["code"]]
    category = (
        _get_or_create(refs, "categories", Category, v["category"]) if v["category"] else None
    )
    unit = _get_or_create(refs, "units", HandlingUnit, v["unit"]) if v["unit"] else None
    s = Suggestion(
        kind=v["kind"],
        title=v["title"][:120],
        body=v["body"],
        category=category,
        lead_deputy=deputy,
        imported=True,
        status=Status.SUBMITTED,
    )
    steps: list[tuple[Status, date | None]] = [(Status.SUBMITTED, v["registered_on"])]
    if v["registered_on"]:
        s.registered_on = v["registered_on"]
        s.submitted_on = v["registered_on"]
        if v["number"]:
            s.year, s.sequence, s.number = v["number"]
        else:
            s.year = v["registered_on"].year
            s.sequence, s.number = registration_number_next(s.year)
        s.status = Status.REGISTERED
        steps.append((Status.REGISTERED, v["registered_on"]))
    if v["assigned_on"]:
        s.lead_unit = unit
        s.assigned_on = v["assigned_on"]
        s.deadline_limit = add_months(v["assigned_on"], settings.LVZHI_SUGGESTIONS_MAX_MONTHS)
        s.reply_deadline = v["deadline"] or add_months(
            v["assigned_on"], settings.LVZHI_SUGGESTIONS_REPLY_MONTHS
        )
        s.status = Status.ASSIGNED
        steps.append((Status.ASSIGNED, v["assigned_on"]))
    if v["replied_on"]:
        s.first_replied_on = v["replied_on"]
        s.first_reply_deadline = s.reply_deadline
        s.status = Status.REPLIED
        steps.append((Status.IN_HANDLING, v["assigned_on"]))
        steps.append((Status.REPLIED, v["replied_on"]))
    evaluated_on = v["concluded_on"] or v["replied_on"]
    if v["verdict"]:
        s.status = Status.EVALUATED
        steps.append((Status.EVALUATED, evaluated_on))
    if v["concluded_on"]:
        s.concluded_on = v["concluded_on"]
        s.status = Status.CONCLUDED
        steps.append((Status.CONCLUDED, v["concluded_on"]))
    s.save()
    if v["replied_on"]:
        reply = Reply.objects.create(
            suggestion=s,
            unit=unit,
            replied_on=v["replied_on"],
            result_class=v["result_class"],
            imported=True,
        )
        if v["verdict"]:
            Evaluation.objects.create(
                suggestion=s,
                reply=reply,
                deputy=deputy,
                verdict=v["verdict"],
                implementation_score=v["score"],
                evaluated_on=evaluated_on,
            )
    if v["concluded_on"]:
        for kind, months in zip(CHECK_ORDER, settings.LVZHI_SUGGESTIONS_CHECK_MONTHS, strict=False):
            FollowUpCheck.objects.create(
                suggestion=s, kind=kind, due_on=add_months(v["concluded_on"], months)
            )
    previous = ""
    history = []
    for status, day in steps:
        history.append(
            StatusChange(
                suggestion=s,
                from_status=previous,
                to_status=status,
                actor=actor,
                comment=_("从表格导入（第 %(line)d 行）") % {"line": p.line},
                happened_on=day or timezone.localdate(),
                imported=True,
            )
        )
        previous = status
    StatusChange.objects.bulk_create(history)
    return s
