"""Statistics by registration year, for all, per lead unit and per category.

Counts come from one aggregate query per scope (GROUP BY lead unit / category); the median
days to reply comes from one ordered query of (group, days) pairs per scope. Both work on
PostgreSQL and SQLite.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .models import CONCLUDED_STATES, Category, Evaluation, HandlingUnit, Reply, Suggestion, Verdict

REPORT_HEADERS = [
    "范围",
    "名称",
    "立案数",
    "办结数",
    "办结率",
    "评价数",
    "满意数",
    "满意率",
    "超期数",
    "答复中位天数",
]
SCOPES = {"total": "合计", "unit": "主办单位", "category": "类别"}


@dataclass
class StatRow:
    scope: str
    name: str
    registered: int
    concluded: int
    evaluated: int
    satisfied: int
    overdue: int
    median_days_to_reply: float | None

    @property
    def completion_rate(self) -> Decimal | None:
        return _rate(self.concluded, self.registered)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _rate(self.satisfied, self.evaluated)

    @property
    def scope_label(self) -> str:
        return _(SCOPES[self.scope])


def _rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def annotated(year: int, as_of: date) -> QuerySet:
    """Registered suggestions of ``year`` with what was known on ``as_of``."""
    replies = Reply.objects.filter(suggestion=OuterRef("pk"), replied_on__lte=as_of)
    latest_eval = Evaluation.objects.filter(
        suggestion=OuterRef("pk"), evaluated_on__lte=as_of
    ).order_by("-evaluated_on", "-id")
    return (
        Suggestion.objects.filter(year=year, registered_on__lte=as_of)
        .annotate(
            # The deadline the first reply had to meet: a reopen sets a new one for the second.
            first_deadline=Coalesce("first_reply_deadline", "reply_deadline"),
            first_reply=Subquery(
                replies.order_by().values("suggestion").annotate(m=Min("replied_on")).values("m")
            ),
            latest_verdict=Subquery(latest_eval.values("verdict")[:1]),
        )
        .order_by()
    )


def _aggregates(qs: QuerySet, as_of: date, group: str | None) -> dict:
    measures = {
        "registered": Count("pk"),
        "concluded": Count("pk", filter=Q(status__in=CONCLUDED_STATES, concluded_on__lte=as_of)),
        "evaluated": Count("pk", filter=Q(latest_verdict__isnull=False)),
        "satisfied": Count("pk", filter=Q(latest_verdict=Verdict.SATISFIED)),
        "overdue": Count(
            "pk",
            filter=Q(first_reply__gt=F("first_deadline"))
            | Q(first_reply__isnull=True, first_deadline__lt=as_of),
        ),
    }
    if group is None:
        return {None: qs.aggregate(**measures)}
    return {row.pop(group): row for row in qs.values(group).annotate(**measures).order_by()}


def _medians(qs: QuerySet, group: str | None) -> dict:
    values = defaultdict(list)
    pairs = (
        qs.filter(first_reply__isnull=False, assigned_on__isnull=False)
        .values_list(group or "year", "assigned_on", "first_reply")
        .order_by()
    )
    for key, assigned_on, first_reply in pairs:
        values[None if group is None else key].append((first_reply - assigned_on).days)
    return {key: _tidy(median(days)) for key, days in values.items()}


def _tidy(value: float) -> int | float:
    """41.0 → 41, so whole and half days read alike on the page and in the files."""
    return int(value) if float(value).is_integer() else value


def suggestion_statistics(*, year: int, as_of: date) -> list[StatRow]:
    qs = annotated(year, as_of)
    rows: list[StatRow] = []
    names = {
        "lead_unit": dict(HandlingUnit.objects.values_list("pk", "name")),
        "category": dict(Category.objects.values_list("pk", "name")),
    }
    for scope, group in (("total", None), ("unit", "lead_unit"), ("category", "category")):
        counts = _aggregates(qs, as_of, group)
        medians = _medians(qs, group)
        keys = sorted(counts, key=lambda k: (k is None, names.get(group, {}).get(k, "")))
        for key in keys:
            if group is None:
                name = _("全部")
            elif key is None:
                name = _("未交办") if group == "lead_unit" else _("未分类")
            else:
                name = names[group][key]
            c = counts[key]
            rows.append(
                StatRow(
                    scope=scope,
                    name=name,
                    registered=c["registered"],
                    concluded=c["concluded"],
                    evaluated=c["evaluated"],
                    satisfied=c["satisfied"],
                    overdue=c["overdue"],
                    median_days_to_reply=medians.get(key),
                )
            )
    return rows


def _fmt_rate(rate: Decimal | None) -> str:
    return "" if rate is None else f"{rate}%"


def report_rows(rows: list[StatRow]) -> list[list]:
    return [
        [
            r.scope_label,
            r.name,
            r.registered,
            r.concluded,
            _fmt_rate(r.completion_rate),
            r.evaluated,
            r.satisfied,
            _fmt_rate(r.satisfaction_rate),
            r.overdue,
            "" if r.median_days_to_reply is None else r.median_days_to_reply,
        ]
        for r in rows
    ]
