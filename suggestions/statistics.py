"""Statistics by registration year, for all, per lead unit and per category.

Everything comes from ONE grouped query over the year's suggestions: GROUP BY (lead unit,
category, days to the first reply as known on ``as_of``) with the counts as filtered
aggregates. The totals, the per-unit and per-category rows and the medians are rolled up from
those groups in Python (counts add up; a median comes from the days' histogram). The facts the
counts need are kept on the row by the workflow (``first_replied_on``, ``first_reply_days``,
``latest_verdict``/``latest_evaluated_on``), so no row looks its replies or evaluations up;
a second small query finds the verdict that stood on ``as_of`` for the few suggestions
evaluated again after it. The grouped query reads the covering index ``sugg_statistics_year``
alone; both queries are compiled once per process (``_compiled``), since compiling them cost
about as much as running them.
"""

from collections import Counter
from collections.abc import Callable
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


# Placeholders the statements are built with once; each run puts the real year and date in
# their parameter slots (``_compiled``).
_YEAR, _AS_OF = 9_876, date(1901, 2, 3)
_COMPILED: dict[tuple[str, str], tuple[str, list]] = {}


def _compiled(name: str, build: Callable[[int, date], QuerySet]) -> tuple[str, list]:
    """``build(year, as_of)``'s SQL, compiled once per process and database backend, and the
    parameters' slots: the year's, the date's or a constant.

    Compiling these querysets (annotations, filtered aggregates, joins) cost about as much as
    running them on a district's year, and their SQL is the same for every year and date."""
    key = (name, connection.vendor)
    if key not in _COMPILED:
        sql, params = build(_YEAR, _AS_OF).query.sql_with_params()
        # SQLite's backend passes dates as text.
        as_of_text = connection.ops.adapt_datefield_value(_AS_OF)
        slots = [
            "year"
            if p == _YEAR
            else "as_of"
            if p == _AS_OF
            else "as_of_text"
            if p == as_of_text
            else ("const", p)
            for p in params
        ]
        _COMPILED[key] = (sql, slots)
    return _COMPILED[key]


def _run(name: str, build: Callable[[int, date], QuerySet], year: int, as_of: date) -> list:
    sql, slots = _compiled(name, build)
    values = {
        "year": year,
        "as_of": as_of,
        "as_of_text": connection.ops.adapt_datefield_value(as_of),
    }
    params = [values[slot] if isinstance(slot, str) else slot[1] for slot in slots]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _groups_query(year: int, as_of: date) -> QuerySet:
    return annotated(year, as_of).values(*KEYS).annotate(**_measures(as_of)).order_by()


def _groups(year: int, as_of: date) -> list[tuple]:
    """The one pass: (lead unit, category, days to the first reply, *counts) per group.

    The ORM builds the query; its rows are read straight from the cursor, as plain integers,
    because turning some thousand small rows into dicts would cost more than the query.
    """
    return _run("groups", _groups_query, year, as_of)


def _evaluated_later_query(year: int, as_of: date) -> QuerySet:
    return (
        Evaluation.objects.filter(
            suggestion__year=year,
            suggestion__registered_on__lte=as_of,
            suggestion__latest_evaluated_on__gt=as_of,
            evaluated_on__lte=as_of,
        )
        .order_by("suggestion", "-evaluated_on", "-id")
        .values_list("suggestion", "suggestion__lead_unit", "suggestion__category", "verdict")
    )


def _evaluated_later(year: int, as_of: date) -> list[tuple]:
    """Groups for the suggestions evaluated again after ``as_of``: each counts as evaluated
    with the verdict that stood on ``as_of`` (if any evaluation did).

    Only a report dated in the past meets them (a re-evaluation after 不满意 and 重办); the
    evaluations of those few suggestions are read, newest first, and the first per suggestion
    made by ``as_of`` is the one that stood.
    """
    evaluations = _run("evaluated later", _evaluated_later_query, year, as_of)
    seen: set[int] = set()
    groups = []
    for suggestion, lead_unit, category, verdict in evaluations:
        if suggestion not in seen:
            seen.add(suggestion)
            groups.append(
                (lead_unit, category, None, 0, 0, 1, int(verdict == Verdict.SATISFIED), 0)
            )
    return groups


def _median(histogram: dict[int, int]) -> int | float | None:
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
    """Counts and days histograms per unit and per category; the total adds the units up.

    Written out for speed (a district's year has some five thousand groups; a helper function,
    a loop or a Counter per group doubled or tripled the time): plain dicts and lists."""
    unit_counts: dict = {}
    category_counts: dict = {}
    unit_days: dict = {}
    category_days: dict = {}
    for (
        lead_unit,
        category,
        reply_days,
        registered,
        concluded,
        evaluated,
        satisfied,
        overdue,
    ) in groups:
        row = unit_counts.get(lead_unit)
        if row is None:
            unit_counts[lead_unit] = [registered, concluded, evaluated, satisfied, overdue]
        else:
            row[0] += registered
            row[1] += concluded
            row[2] += evaluated
            row[3] += satisfied
            row[4] += overdue
        row = category_counts.get(category)
        if row is None:
            category_counts[category] = [registered, concluded, evaluated, satisfied, overdue]
        else:
            row[0] += registered
            row[1] += concluded
            row[2] += evaluated
            row[3] += satisfied
            row[4] += overdue
        if reply_days is not None and registered:
            histogram = unit_days.get(lead_unit)
            if histogram is None:
                unit_days[lead_unit] = {reply_days: registered}
            else:
                histogram[reply_days] = histogram.get(reply_days, 0) + registered
            histogram = category_days.get(category)
            if histogram is None:
                category_days[category] = {reply_days: registered}
            else:
                histogram[reply_days] = histogram.get(reply_days, 0) + registered
    total = [0] * len(COUNTS)
    for row in unit_counts.values():
        total = [a + b for a, b in zip(total, row, strict=True)]
    total_days: Counter = Counter()
    for histogram in unit_days.values():
        total_days.update(histogram)
    counts = {"total": {None: total}, "unit": unit_counts, "category": category_counts}
    days = {"total": {None: total_days}, "unit": unit_days, "category": category_days}
    return counts, days


def _names() -> dict[str, dict[int, str]]:
    """The units' and the categories' names, in one statement."""
    quote = connection.ops.quote_name
    units, categories = quote(HandlingUnit._meta.db_table), quote(Category._meta.db_table)
    names: dict[str, dict[int, str]] = {"lead_unit": {}, "category": {}}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 0, id, name FROM {units} UNION ALL SELECT 1, id, name FROM {categories}"
        )
        for table, pk, name in cursor.fetchall():
            names["category" if table else "lead_unit"][pk] = name
    return names


def suggestion_statistics(*, year: int, as_of: date) -> list[StatRow]:
    names = _names()
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
                    median_days_to_reply=_median(days[scope].get(key, {})),
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
