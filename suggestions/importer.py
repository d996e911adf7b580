"""Import of the suggestions a committee already tracks in a spreadsheet.

Each row enters the state its dates imply (registered → assigned → replied → evaluated →
concluded), with a history row per step marked as imported. Nothing is written unless every
row is good; unknown deputies are always errors, unknown units and categories unless
``create_missing``. Dates of things that happened (registered, assigned, replied, concluded) may
not lie after today; the reply deadline is a future date by nature. Built on ``core.importing``.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.importing import ERR_BAD_CHOICE, ERR_FUTURE, Importer, choice_from_text, choices_text
from core.tabular import Column, ImportResult, Row, parse_date
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
    Column("number", (gettext_noop("编号"), "立案编号", "建议编号")),
    Column("title", (gettext_noop("标题"), "案由", "建议标题"), required=True),
    Column("kind", (gettext_noop("类型"), "类别（议案/建议）")),
    Column("category", (gettext_noop("类别"), "分类", "建议类别")),
    Column(
        "lead_deputy_code",
        (gettext_noop("领衔代表编号"), "代表编号", "lead_deputy"),
        required=True,
    ),
    Column("lead_unit", (gettext_noop("主办单位"), "承办单位")),
    Column("registered_on", (gettext_noop("立案日期"),)),
    Column("assigned_on", (gettext_noop("交办日期"),)),
    Column("deadline", (gettext_noop("答复期限"), "办理期限")),
    Column("replied_on", (gettext_noop("答复日期"),)),
    Column("result_class", (gettext_noop("办理结果"), "答复类别", "结果类别")),
    Column("evaluation", (gettext_noop("评价"), "代表评价", "满意度")),
    Column("implementation_score", (gettext_noop("落实度"),)),
    Column("concluded_on", (gettext_noop("办结日期"),)),
    Column("body", (gettext_noop("内容"), "建议内容")),
]
DATE_FIELDS = ("registered_on", "assigned_on", "deadline", "replied_on", "concluded_on")
# Dates of things that happened; the reply deadline (答复期限) is the one date meant to be ahead.
PAST_DATE_FIELDS = ("registered_on", "assigned_on", "replied_on", "concluded_on")
NUMBER_RE = re.compile(r"^(\d{4})-(\d{1,5})$")

ERR_REQUIRED = gettext_noop("必填。")
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
ERR_SCORE = gettext_noop("落实度须为 0–100 的整数。")
ERR_TOO_LONG = gettext_noop("不能超过 %(n)d 个字。")


@dataclass
class _Parsed:
    line: int
    values: dict[str, Any] = field(default_factory=dict)


def _score(text: str) -> int | None:
    """落实度 as a whole number 0–100, or None (isdigit() alone lets "²" through to int())."""
    if not re.fullmatch(r"[0-9]{1,3}", text):
        return None
    score = int(text)
    return score if score <= 100 else None


# (column filled in, column it needs)
NEEDS = [
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


class SuggestionImporter(Importer):
    columns = COLUMNS
    audit_action = "suggestions.import"
    audit_summary = gettext_noop("导入议案建议 %(created)d 件")
    success_message = gettext_noop("已导入 %(created)d 件议案建议。")

    def __init__(self, *, create_missing: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.create_missing = create_missing

    def parse_row(self, row: Row) -> _Parsed | None:
        out = _Parsed(row.line)
        before = len(self.errors)

        def err(column: str, message: str) -> None:
            self.error(row.line, message, column)

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
        for name, value, model in (
            ("lead_unit", out.values["unit"], HandlingUnit),
            ("category", out.values["category"], Category),
        ):
            limit = model._meta.get_field("name").max_length
            if len(value) > limit:
                err(name, _(ERR_TOO_LONG) % {"n": limit})
        kind = text("kind")
        out.values["kind"] = choice_from_text(kind, Kind, prefix=True) if kind else Kind.SUGGESTION
        if out.values["kind"] is None:
            err("kind", _(ERR_BAD_CHOICE) % {"value": kind, "choices": choices_text(Kind)})
        for name, choices, target in (
            ("result_class", ResultClass, "result_class"),
            ("evaluation", Verdict, "verdict"),
        ):
            raw = text(name)
            out.values[target] = choice_from_text(raw, choices, prefix=True) if raw else None
            if raw and out.values[target] is None:
                labels = "A、B、C" if choices is ResultClass else choices_text(choices)
                err(name, _(ERR_BAD_CHOICE) % {"value": raw, "choices": labels})
        out.values["score"] = None
        if raw_score := text("implementation_score"):
            out.values["score"] = _score(raw_score)
            if out.values["score"] is None:
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
            if name in PAST_DATE_FIELDS and out.values[name] > self.today:
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
        if len(self.errors) > before:
            return None
        self._check_consistency(out)
        return None if len(self.errors) > before else out

    def _check_consistency(self, out: _Parsed) -> None:
        """The dates and fields of one row tell one story: each step needs the one before."""
        v = out.values

        def err(column: str, message: str) -> None:
            self.error(out.line, message, column)

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
        for name, needed in NEEDS:
            if present[name] and not present[needed]:
                err(name, _(ERR_NEEDS) % {"field": self.label(name), "needed": self.label(needed)})
        chain = ["registered_on", "assigned_on", "replied_on", "concluded_on"]
        known = [(n, v[n]) for n in chain if v[n]]
        for (earlier, d1), (later, d2) in pairwise(known):
            if d2 < d1:
                err(
                    later,
                    _(ERR_ORDER) % {"later": self.label(later), "earlier": self.label(earlier)},
                )
        if v["deadline"] and v["assigned_on"]:
            limit = add_months(v["assigned_on"], settings.LVZHI_SUGGESTIONS_MAX_MONTHS)
            if not v["assigned_on"] < v["deadline"] <= limit:
                err(
                    "deadline",
                    _(ERR_DEADLINE_RANGE) % {"months": settings.LVZHI_SUGGESTIONS_MAX_MONTHS},
                )
        if v["number"] and v["registered_on"] and v["number"][0] != v["registered_on"].year:
            err("number", _(ERR_NUMBER_YEAR))

    def check(self, parsed: list[_Parsed]) -> None:
        """Deputies, units, categories and numbers against the database and the file."""
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
                message = _(ERR_UNKNOWN_DEPUTY) % {"code": v["code"]}
                self.error(p.line, message, "lead_deputy_code")
            if v["unit"] and v["unit"] not in units and not self.create_missing:
                self.error(p.line, _(ERR_UNKNOWN_UNIT) % {"name": v["unit"]}, "lead_unit")
            if v["category"] and v["category"] not in categories and not self.create_missing:
                message = _(ERR_UNKNOWN_CATEGORY) % {"name": v["category"]}
                self.error(p.line, message, "category")
            if v["number"]:
                number = v["number"][2]
                if number in taken:
                    self.error(p.line, _(ERR_NUMBER_TAKEN) % {"number": number}, "number")
                elif number in seen:
                    message = _(ERR_NUMBER_DUPLICATE) % {"number": number, "other": seen[number]}
                    self.error(p.line, message, "number")
                seen.setdefault(number, p.line)
        self.refs = {"deputies": deputies, "units": units, "categories": categories}

    def write(self, parsed: list[_Parsed], result: ImportResult) -> None:
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
            _create(p, self.refs, self.actor, self.today)
            result.created += 1

    def template_rows(self) -> list[list[Any]]:
        """Two lines that import as they stand: one concluded last year, one still open."""
        assigned = self.today - timedelta(days=20)
        registered = assigned - timedelta(days=5)
        year = self.today.year - 1
        concluded = [
            f"{year}-001",
            _("关于增设校门口护学岗的建议"),
            _("建议"),
            _("教育"),
            "D001",
            _("区教育局"),
            f"{year}-03-01",
            f"{year}-03-05",
            f"{year}-06-05",
            f"{year}-05-20",
            "A",
            _("满意"),
            90,
            f"{year}-06-30",
            "",
        ]
        open_one = ["", _("关于老旧小区加装电梯的建议"), _("建议"), "", "D002", _("区住建局")]
        open_one += [registered.isoformat(), assigned.isoformat()] + [""] * 7
        return [concluded, open_one]


def suggestions_import(
    *,
    source: str | Path | IO[bytes],
    filename: str = "",
    create_missing: bool = False,
    actor: User | None = None,
    today: date | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Bring in a sheet of suggestions, all rows or none (see the module docstring)."""
    importer = SuggestionImporter(actor=actor, today=today, create_missing=create_missing)
    return importer.run(source=source, filename=filename, dry_run=dry_run)


def _get_or_create(refs: dict, key: str, model, name: str):
    if name not in refs[key]:
        refs[key][name] = model.objects.create(name=name)
    return refs[key][name]


def _create(p: _Parsed, refs: dict, actor: User | None, today: date) -> Suggestion:
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
        s.first_reply_days = (v["replied_on"] - v["assigned_on"]).days
        s.status = Status.REPLIED
        steps.append((Status.IN_HANDLING, v["assigned_on"]))
        steps.append((Status.REPLIED, v["replied_on"]))
    evaluated_on = v["concluded_on"] or v["replied_on"]
    if v["verdict"]:
        s.status = Status.EVALUATED
        s.latest_verdict = v["verdict"]
        s.latest_evaluated_on = evaluated_on
        s.latest_implementation_score = v["score"]
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
                happened_on=day or today,
                imported=True,
            )
        )
        previous = status
    StatusChange.objects.bulk_create(history)
    return s
