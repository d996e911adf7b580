"""The annual assessment, computed set-based in the database.

One INSERT ... SELECT ... ON CONFLICT statement scores every deputy serving in the year. The
innermost SELECT is an ORM query over deputies left-joined to their verified entries of the
year, with one filtered COUNT per rule (the rules are a handful of configuration rows, so the
query is built from them). Around it, each rule's points are clipped to the rule cap, summed
per dimension and clipped to [0, cap], ranked with a window function and graded with a CASE.
The upsert only touches rows whose numbers changed, so a second run writes nothing; the rule
set row is locked (SELECT ... FOR UPDATE) meanwhile, so two runs at once queue, not interleave.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.audit import audit_record
from core.history_queryset import record_returned, recording, upsert_returning_changes
from deputies.models import Deputy

from .access import ERR_NOT_PERMITTED, acts_as_staff
from .models import Assessment, Dimension, EntryStatus, Grade, Rule, RuleSet

ERR_YEAR_FROZEN = gettext_noop("%(year)s 年度考核已封存，不能重新计算。如确需更正，请先解除封存。")
ERR_NO_RULE_SET = gettext_noop("%(year)s 年度尚未设置积分规则。")
ERR_UNFREEZE_REASON = gettext_noop("解除封存须说明理由。")


class ScoringError(Exception):
    """The assessment cannot be (re)computed; the message is for the user."""


def _staff_required(actor: User | None) -> None:
    """Computing, closing and reopening a year is the committee's (or the system's) work."""
    if not acts_as_staff(actor):
        raise ScoringError(_(ERR_NOT_PERMITTED))


def assessment_reference_date(year: int, today: date | None = None) -> date:
    """The day whose roster is assessed: year end, or today while the year is running."""
    today = today or clock.today()
    return max(date(year, 1, 1), min(date(year, 12, 31), today))


def serving_deputies(year: int, today: date | None = None) -> QuerySet[Deputy]:
    """Deputies ranked in ``year``: they belonged to a term overlapping the year (their current
    one, or an earlier one left at a change-over) and are in office on the reference date (a
    deputy who left before it is not assessed). After a change-over, the old term's last year
    still ranks those who continued and those whose term ended; a deputy new in the next term
    is not assessed for the years before it."""
    ref = assessment_reference_date(year, today)
    return Deputy.objects.serving_on(ref).held_office_between(date(year, 1, 1), date(year, 12, 31))


def counts_queryset(rules: list[Rule], year: int, today: date | None = None) -> QuerySet:
    """One row per assessed deputy: their level, how many verified entries under each rule,
    and duty days (distinct dates with a verified entry). A single GROUP BY over a LEFT JOIN,
    so deputies with nothing recorded get zeros."""
    qs = serving_deputies(year, today).annotate(
        verified=FilteredRelation(
            "ledger_entries",
            condition=Q(
                ledger_entries__status=EntryStatus.VERIFIED,
                ledger_entries__rule__in=[r.pk for r in rules],
            ),
        )
    )
    counts = {f"n_{r.code}": Count("verified", filter=Q(verified__rule=r.pk)) for r in rules}
    return (
        qs.annotate(**counts, duty_days=Count("verified__occurred_on", distinct=True))
        .values("id", "level", *counts, "duty_days")
        .order_by()
    )


def _num(value: Decimal) -> str:
    return f"{Decimal(value):f}"


def _clipped(rule: Rule, column: str, least: str, greatest: str) -> str:
    raw = f"({column} * {_num(rule.points)})"
    if rule.yearly_cap is None:
        return raw
    if rule.points > 0:
        return f"{least}({raw}, {_num(rule.yearly_cap)})"
    return f"{greatest}({raw}, {_num(-rule.yearly_cap)})"


def scoring_sql(
    rule_set: RuleSet, rules: list[Rule], assessed: int, today: date | None = None
) -> tuple[str, list]:
    """The SELECT that yields every column of :class:`Assessment` for every assessed deputy.

    Three flat layers over :func:`counts_queryset`: rule sums clipped to the rule caps and
    dimensions clipped to [0, cap]; the total and its competition rank (RANK() window); the
    grade. Rule points and caps are inlined as numeric literals from the rule set.
    """
    q = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    least, greatest = ("LEAST", "GREATEST") if postgres else ("MIN", "MAX")
    counts_sql, params = counts_queryset(rules, rule_set.year, today).query.sql_with_params()
    dimension_sql = []
    for dimension in Dimension.values:
        parts = [
            _clipped(r, f"c.{q('n_' + r.code)}", least, greatest)
            for r in rules
            if r.dimension == dimension
        ] or ["0"]
        cap = _num(rule_set.dimension_cap(dimension))
        dimension_sql.append(
            f"{greatest}(0, {least}({' + '.join(parts)}, {cap})) AS {q(dimension)}"
        )
    # Verified entries under the positive base rules: none is the 劝辞 criterion "no base
    # duty all year" (``selectors.exit_subqueries``), kept on the row for the exit list.
    base_entries = " + ".join(
        f"c.{q('n_' + r.code)}" for r in rules if r.dimension == Dimension.BASE and r.points > 0
    )
    json_fn = "jsonb_build_object" if postgres else "json_object"
    pairs = ", ".join(f"'{r.code}', c.{q('n_' + r.code)}" for r in rules)
    quota = math.ceil(rule_set.excellence_quota * assessed)
    grade = (
        f"CASE WHEN t.total >= {_num(rule_set.excellent_min)} AND t.{q('rank')} <= {quota} "
        f"THEN '{Grade.EXCELLENT}' "
        f"WHEN t.total >= {_num(rule_set.competent_min)} THEN '{Grade.COMPETENT}' "
        f"WHEN t.total >= {_num(rule_set.basic_min)} THEN '{Grade.BASIC}' "
        f"ELSE '{Grade.INCOMPETENT}' END"
    )
    sql = (
        f"SELECT t.id, t.base, t.innovation, t.contribution, t.total, t.{q('rank')}, "
        f"{grade} AS grade, t.duty_days, t.counts, t.level, t.base_entries FROM ("
        f"SELECT d.*, d.base + d.innovation + d.contribution AS total, "
        f"RANK() OVER (ORDER BY d.base + d.innovation + d.contribution DESC) AS {q('rank')} "
        f"FROM (SELECT c.id, {', '.join(dimension_sql)}, c.duty_days, "
        f"{json_fn}({pairs}) AS counts, c.level, {base_entries or '0'} AS base_entries "
        f"FROM ({counts_sql}) c) d) t"
    )
    return sql, list(params)


# Every column the upsert writes; a row is rewritten when any of them changed, so a deputy
# whose level changed since the last run gets the new level (and rank within it) on the
# next, e.g. the nightly, recompute.
_COLUMNS = (
    "base",
    "innovation",
    "contribution",
    "total",
    "rank",
    "grade",
    "duty_days",
    "counts",
    "level",
    "base_entries",
)


def _upsert_sql(select_sql: str) -> str:
    table = connection.ops.quote_name(Assessment._meta.db_table)
    q = connection.ops.quote_name
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(
        f"{table}.{q(c)} {distinct} EXCLUDED.{q(c)}" for c in (*_COLUMNS, "assessed_count")
    )
    columns = ", ".join(q(c) for c in _COLUMNS)
    selected = ", ".join(f"s.{q(c)}" for c in _COLUMNS)
    updates = ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in (*_COLUMNS, "assessed_count"))
    return (
        f"INSERT INTO {table} (rule_set_id, deputy_id, assessed_count, computed_at, {columns}) "
        f"SELECT %s, s.{q('id')}, %s, %s, {selected} FROM ({select_sql}) s WHERE true "
        f"ON CONFLICT (rule_set_id, deputy_id) DO UPDATE SET {updates}, "
        f"computed_at = EXCLUDED.computed_at WHERE {changed}"
    )


def _upsert(rule_set: RuleSet, select_sql: str, params: list) -> int:
    """Write the year's scores; return how many rows were inserted or changed.

    Raw SQL writes no history by itself. Each deputy whose scores changed gets a history row
    with old and new values; the year's new rows are counted by the compute's audit row
    instead of one history row each (they are derived from the ledger, which has its own
    history, and ten thousand of them made the first computation of a year four times the
    cost of the scoring itself). On PostgreSQL the upsert returns the rows it wrote with their
    old values; elsewhere ``recording()`` compares the year's rows before and after."""
    upsert = _upsert_sql(select_sql)
    if connection.vendor == "postgresql":
        sql, attnames = upsert_returning_changes(Assessment, upsert, "rule_set_id = %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [rule_set.pk, *params])
            rows = cursor.fetchall()
        record_returned(Assessment, attnames, rows, creates=False)
        return len(rows)
    with (
        recording(Assessment.objects.filter(rule_set=rule_set), creates=False),
        connection.cursor() as cursor,
    ):
        cursor.execute(upsert, params)
        return cursor.rowcount


@dataclass
class ComputeResult:
    year: int
    assessed: int
    changed: int
    removed: int


@transaction.atomic
def assessment_compute(
    *, year: int, actor: User | None = None, today: date | None = None
) -> ComputeResult:
    """(Re)compute the assessment of ``year``. Running it again changes nothing. Staff or the
    system (the recompute task, commands) only."""
    _staff_required(actor)
    rule_set = RuleSet.objects.select_for_update().filter(year=year).first()
    if rule_set is None:
        raise ScoringError(_(ERR_NO_RULE_SET) % {"year": year})
    if rule_set.frozen:
        raise ScoringError(_(ERR_YEAR_FROZEN) % {"year": year})
    rules = list(rule_set.rules.all())
    serving = serving_deputies(year, today)
    assessed = serving.count()
    removed, _detail = (
        Assessment.objects.filter(rule_set=rule_set).exclude(deputy__in=serving.values("pk"))
    ).delete()
    changed = 0
    if assessed:
        select_sql, params = scoring_sql(rule_set, rules, assessed, today)
        now = connection.ops.adapt_datetimefield_value(clock.now())
        changed = _upsert(rule_set, select_sql, [rule_set.pk, assessed, now, *params])
    if changed or removed:
        audit_record(
            actor=actor,
            action="performance.assessment_compute",
            target=rule_set,
            summary=_("计算 %(year)s 年度考核：%(n)d 人参评，%(c)d 条变化")
            % {"year": year, "n": assessed, "c": changed + removed},
            data={"assessed": assessed, "changed": changed, "removed": removed},
        )
    return ComputeResult(year=year, assessed=assessed, changed=changed, removed=removed)


@transaction.atomic
def rule_set_freeze(
    *, year: int, actor: User | None = None, now: datetime | None = None
) -> RuleSet:
    """Close a year: compute it one last time, then refuse any further change. Staff only."""
    _staff_required(actor)
    assessment_compute(year=year, actor=actor)
    rule_set = RuleSet.objects.select_for_update().get(year=year)
    rule_set.frozen, rule_set.frozen_at = True, now or clock.now()
    rule_set.save(update_fields=["frozen", "frozen_at"])
    audit_record(
        actor=actor, action="performance.rule_set_freeze", target=rule_set, summary=str(rule_set)
    )
    return rule_set


@transaction.atomic
def rule_set_unfreeze(*, year: int, actor: User | None = None, reason: str) -> RuleSet:
    """Reopen a closed year (with a reason kept in the audit row) so it can be corrected.
    Staff only."""
    _staff_required(actor)
    if not (reason or "").strip():
        raise ScoringError(_(ERR_UNFREEZE_REASON))
    rule_set = RuleSet.objects.select_for_update().get(year=year)
    rule_set.frozen, rule_set.frozen_at = False, None
    rule_set.save(update_fields=["frozen", "frozen_at"])
    audit_record(
        actor=actor,
        action="performance.rule_set_unfreeze",
        target=rule_set,
        summary=str(rule_set),
        data={"reason": reason},
    )
    return rule_set


@dataclass
class RuleLine:
    rule: Rule
    count: int
    raw: Decimal
    score: Decimal
    capped: bool
    entries: list = field(default_factory=list)


@dataclass
class DimensionLine:
    dimension: str
    label: str
    cap: Decimal
    rules: list[RuleLine]
    raw: Decimal
    score: Decimal
    capped: bool
    floored: bool


def explain(rule_set: RuleSet, rules: list[Rule], counts: dict, entries=()) -> list[DimensionLine]:
    """Spell out how the counts of verified entries became the dimension scores."""
    by_rule: dict[int, list] = {}
    for entry in entries:
        by_rule.setdefault(entry.rule_id, []).append(entry)
    lines = []
    for dimension in Dimension:
        rule_lines = []
        for rule in (r for r in rules if r.dimension == dimension):
            count = int(counts.get(rule.code, 0) or 0)
            raw = rule.points * count if count else Decimal("0.0")
            score = raw
            if rule.yearly_cap is not None:
                score = min(raw, rule.yearly_cap) if rule.points > 0 else max(raw, -rule.yearly_cap)
            rule_lines.append(
                RuleLine(rule, count, raw, score, score != raw, by_rule.get(rule.pk, []))
            )
        raw = sum((line.score for line in rule_lines), Decimal("0"))
        cap = rule_set.dimension_cap(dimension)
        score = max(Decimal("0"), min(raw, cap))
        lines.append(
            DimensionLine(
                dimension=dimension.value,
                label=str(dimension.label),
                cap=cap,
                rules=rule_lines,
                raw=raw,
                score=score,
                capped=raw > cap,
                floored=raw < 0,
            )
        )
    return lines
