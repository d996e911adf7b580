"""Statistics by registration year, for all, per lead unit and per category.

Everything comes from ONE grouped query over the year's suggestions: GROUP BY (lead unit,
category, days to the first reply as known on ``as_of``) with the counts as filtered
aggregates. The totals, the per-unit and per-category rows and the medians are rolled up from
those groups in Python (counts add up; a median comes from the days' histogram). The facts the
counts need are kept on the row by the workflow (``first_replied_on``, ``first_reply_days``,
``latest_verdict``/``latest_evaluated_on``), so no row looks its replies or evaluations up;
a second small query finds the verdict that stood on ``as_of`` for the few suggestions
evaluated again after it.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .models import CONCLUDED_STATES, Category, Evaluation, HandlingUnit, Suggestion, Verdict

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
    replied = Q(first_replied_on__lte=as_of)
    return (
        Suggestion.objects.filter(year=year, registered_on__lte=as_of)
        .annotate(
            # The deadline the first reply had to meet: a reopen sets a new one for the second.
            first_deadline=Coalesce("first_reply_deadline", "reply_deadline"),
            reply_days=Case(
                When(replied & Q(assigned_on__isnull=False), then=F("first_reply_days")),
                default=None,
                output_field=IntegerField(),
            ),
        )
        .order_by()
    )


def _measures(as_of: date) -> dict:
    replied = Q(first_replied_on__lte=as_of)
    # The stored latest evaluation counts if it was made by ``as_of``; one made later is
    # replaced by the one current then (see ``_evaluated_later``).
    evaluated = Q(latest_evaluated_on__lte=as_of)
    return {
        "registered": Count("pk"),
        "concluded": Count("pk", filter=Q(status__in=CONCLUDED_STATES, concluded_on__lte=as_of)),
        "evaluated": Count("pk", filter=evaluated),
        "satisfied": Count("pk", filter=evaluated & Q(latest_verdict=Verdict.SATISFIED)),
        "overdue": Count(
            "pk",
            filter=(replied & Q(first_replied_on__gt=F("first_deadline")))
            | (~replied & Q(first_deadline__lt=as_of)),
        ),
    }


COUNTS = ("registered", "concluded", "evaluated", "satisfied", "overdue")
KEYS = ("lead_unit", "category", "reply_days")


def _groups(year: int, as_of: date) -> list[tuple]:
    """The one pass: (lead unit, category, days to the first reply, *counts) per group.

    The ORM builds the query; its rows are read straight from the cursor, as plain integers,
    because turning some thousand small rows into dicts would cost more than the query.
    """
    query = annotated(year, as_of).values(*KEYS).annotate(**_measures(as_of)).order_by()
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _evaluated_later(year: int, as_of: date) -> list[tuple]:
    """Groups for the suggestions evaluated again after ``as_of``: each counts as evaluated
    with the verdict that stood on ``as_of`` (if any evaluation did).

    Only a report dated in the past meets them (a re-evaluation after 不满意 and 重办); the
    evaluations of those few suggestions are read, newest first, and the first per suggestion
    made by ``as_of`` is the one that stood.
    """
    evaluations = (
        Evaluation.objects.filter(
            suggestion__year=year,
            suggestion__registered_on__lte=as_of,
            suggestion__latest_evaluated_on__gt=as_of,
            evaluated_on__lte=as_of,
        )
        .order_by("suggestion", "-evaluated_on", "-id")
        .values_list("suggestion", "suggestion__lead_unit", "suggestion__category", "verdict")
    )
    seen: set[int] = set()
    groups = []
    for suggestion, lead_unit, category, verdict in evaluations:
        if suggestion not in seen:
            seen.add(suggestion)
            groups.append(
                (lead_unit, category, None, 0, 0, 1, int(verdict == Verdict.SATISFIED), 0)
            )
    return groups


def _median(histogram: Counter) -> int | float | None:
    """The median of the days counted in ``histogram`` (the mean of the middle two if even)."""
    total = sum(histogram.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for days in sorted(histogram):
        seen += histogram[days]
        while middle and middle[0] < seen:
            found.append(days)
            middle.pop(0)
    return _tidy((found[0] + found[1]) / 2)


def _tidy(value: float) -> int | float:
    """41.0 → 41, so whole and half days read alike on the page and in the files."""
    return int(value) if float(value).is_integer() else value


def _roll_up(groups: list[tuple]) -> tuple[dict, dict]:
    """Counts and days histograms per unit and per category; the total adds the units up."""
    counts: dict[str, dict] = {"total": {}, "unit": {}, "category": {}}
    days: dict[str, dict] = {scope: defaultdict(Counter) for scope in counts}
    unit_counts, category_counts = counts["unit"], counts["category"]
    unit_days, category_days = days["unit"], days["category"]
    for lead_unit, category, reply_days, *measures in groups:
        for scope_counts, key in ((unit_counts, lead_unit), (category_counts, category)):
            row = scope_counts.get(key)
            if row is None:
                scope_counts[key] = list(measures)  # the other scope adds to its own copy
            else:
                row[0] += measures[0]
                row[1] += measures[1]
                row[2] += measures[2]
                row[3] += measures[3]
                row[4] += measures[4]
        if reply_days is not None and measures[0]:
            unit_days[lead_unit][reply_days] += measures[0]
            category_days[category][reply_days] += measures[0]
    total = [0] * len(COUNTS)
    for row in unit_counts.values():
        total = [a + b for a, b in zip(total, row, strict=True)]
    counts["total"][None] = total
    for histogram in unit_days.values():
        days["total"][None].update(histogram)
    return counts, days


def suggestion_statistics(*, year: int, as_of: date) -> list[StatRow]:
    names = {
        "lead_unit": dict(HandlingUnit.objects.values_list("pk", "name")),
        "category": dict(Category.objects.values_list("pk", "name")),
    }
    counts, days = _roll_up([*_groups(year, as_of), *_evaluated_later(year, as_of)])
    rows: list[StatRow] = []
    for scope, group in (("total", None), ("unit", "lead_unit"), ("category", "category")):
        labels = names.get(group, {})
        for key in sorted(counts[scope], key=lambda k: (k is None, labels.get(k, ""))):
            if group is None:
                name = _("全部")
            elif key is None:
                name = _("未交办") if group == "lead_unit" else _("未分类")
            else:
                name = labels[key]
            c = dict(zip(COUNTS, counts[scope][key], strict=True))
            rows.append(
                StatRow(
                    scope=scope,
                    name=name,
                    median_days_to_reply=_median(days[scope][key]),
                    **c,
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
