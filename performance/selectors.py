"""Reads shared by pages, admin, commands and reports."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from deputies.facts import prepared
from deputies.models import Deputy, Term

from .models import (
    Assessment,
    ConsequenceDecision,
    ConsequenceKind,
    Decision,
    EntryEvidence,
    EntryStatus,
    Grade,
    IdleReminder,
    LedgerEntry,
    ReportStatus,
    Rule,
    RuleSet,
    VoterReport,
)

REELECTION_YEARS = 3
EXIT_YEARS = 2


def standings(year: int) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(rule_set__year=year)
        .select_related("deputy", "rule_set")
        .order_by("rank", "deputy__code")
    )


def reelection_candidates(year: int) -> QuerySet[Deputy]:
    """连任推荐: 优秀 in each of the three years ending with ``year``."""
    years = range(year - REELECTION_YEARS + 1, year + 1)
    return (
        Deputy.objects.filter(
            assessments__rule_set__year__in=years, assessments__grade=Grade.EXCELLENT
        )
        .annotate(excellent_years=Count("assessments", distinct=True))
        .filter(excellent_years=REELECTION_YEARS)
        .with_relations()
        .order_by("code")
    )


def reelection_recommended_ids(term: Term) -> set[int]:
    """Whom the change-over (换届) offers first: deputies whose latest re-election decision in
    ``term``'s years is 推荐连任, and the ledger's own candidates (优秀 three years running up
    to the term's last assessed year) on whom staff have not decided otherwise. Registered with
    ``deputies.terms`` in ``apps.ready``."""
    latest = dict(
        ConsequenceDecision.objects.filter(
            kind=ConsequenceKind.REELECTION,
            year__gte=term.start_date.year,
            year__lte=term.end_date.year,
        )
        .order_by("year")
        .values_list("deputy_id", "decision")
    )
    recommended = {pk for pk, decision in latest.items() if decision == Decision.RECOMMENDED}
    last_year = Assessment.objects.filter(
        rule_set__year__gte=term.start_date.year, rule_set__year__lte=term.end_date.year
    ).aggregate(year=Max("rule_set__year"))["year"]
    if last_year is not None:
        candidates = reelection_candidates(last_year).values_list("pk", flat=True)
        recommended |= {pk for pk in candidates if pk not in latest}
    return recommended


@dataclass
class ExitCandidate:
    deputy: Deputy
    assessment: Assessment
    incompetent_twice: bool
    no_base_entry: bool

    @property
    def reasons(self) -> str:
        parts = []
        if self.incompetent_twice:
            parts.append(_("连续两年不称职"))
        if self.no_base_entry:
            parts.append(_("全年无基础履职记录"))
        return "；".join(parts)


def exit_subqueries(year: int) -> tuple[QuerySet[Assessment], Q]:
    """The two 劝辞 criteria on an assessment of ``year``: 不称职 the year before (a subquery
    on ``OuterRef("deputy")`` for ``Exists(...)``; with 不称职 this year, twice running), and
    no verified entry of the year's positive base rules (a condition on the row, no base duty
    all year: ``base_entries=0``, the partial index's own predicate). Shared by the exit list,
    the staff desk and the annual report so they never disagree.

    The base entries are counted by the scoring (``Assessment.base_entries``, written with the
    scores by ``scoring.assessment_compute``), so the criterion is as of the assessment's last
    computation, like its grade: a verified, rejected or reopened entry, or a rule changed,
    queues the year's recompute, and the nightly one catches up. Probing each assessed deputy's
    entries instead cost ~2.2 ms on every staff desk view at district size."""
    incompetent_before = Assessment.objects.filter(
        deputy=OuterRef("deputy"), rule_set__year=year - 1, grade=Grade.INCOMPETENT
    )
    return incompetent_before, Q(base_entries=0)


def exit_flags_query(year: int) -> QuerySet:
    """``(assessment id, "twice" or "no_base")`` for the year's assessments flagged 不称职 twice
    running, and without a base entry."""
    incompetent_before, no_base = exit_subqueries(year)
    # Each condition in its own branch of one UNION, each read from its own index: 不称职
    # by (year, grade), "no base entry" by the partial index of the year's rows whose
    # ``base_entries`` (kept by the scoring) is 0, instead of probing every assessed deputy's
    # entries (~1,000 probes at district size; the staff desk asks on every view).
    assessed = Assessment.objects.filter(rule_set__year=year)
    return (
        assessed.filter(Exists(incompetent_before), grade=Grade.INCOMPETENT)
        .annotate(why=Value("twice"))
        .values_list("pk", "why")
        .order_by()
        .union(
            assessed.filter(no_base)
            .annotate(why=Value("no_base"))
            .values_list("pk", "why")
            .order_by(),
            all=True,
        )
    )


def exit_flags(rows) -> tuple[set[int], set[int]]:
    """The ids of ``exit_flags_query``'s rows, (twice, no_base)."""
    twice, no_base = set(), set()
    for pk, why in rows:
        (twice if why == "twice" else no_base).add(pk)
    return twice, no_base


def _exit_flags(year: int) -> tuple[set[int], set[int]]:
    """Ids of the year's assessments flagged 不称职 twice running, and without a base entry."""
    return exit_flags(exit_flags_query(year))


def _exit_rows(twice: set[int], no_base: set[int], limit: int | None) -> list[ExitCandidate]:
    rows = (  # [0] matches nothing but keeps this one query when nobody qualifies
        Assessment.objects.filter(pk__in=sorted(twice | no_base) or [0])
        .select_related("deputy", "rule_set", "deputy__constituency")
        .order_by("rank", "deputy__code")
    )
    if limit is not None:
        rows = rows[:limit]
    return [ExitCandidate(a.deputy, a, a.pk in twice, a.pk in no_base) for a in rows]


def exit_candidates(year: int, *, limit: int | None = None) -> list[ExitCandidate]:
    """劝辞: 不称职 in ``year`` and the year before, or no verified base entry in ``year``
    (the first ``limit`` by rank when given)."""
    twice, no_base = _exit_flags(year)
    return _exit_rows(twice, no_base, limit)


def consequence_lists(year: int, *, limit: int | None = None) -> dict:
    """Both lists with the committee's decision on each, and their full lengths. With
    ``limit`` only the first rows are read (the cockpit shows ten of each): a district's lists
    run to hundreds of deputies."""
    decisions = {
        (d.deputy_id, d.kind): d
        for d in ConsequenceDecision.objects.filter(year=year).select_related("decided_by")
    }
    candidates = reelection_candidates(year)
    if limit is not None:
        reelection_total = candidates.count()
        candidates = candidates[:limit]
    reelect = [(d, decisions.get((d.pk, ConsequenceKind.REELECTION))) for d in candidates]
    twice, no_base = _exit_flags(year)
    exits = [
        (c, decisions.get((c.deputy.pk, ConsequenceKind.EXIT)))
        for c in _exit_rows(twice, no_base, limit)
    ]
    return {
        "reelection": reelect,
        "exit": exits,
        "reelection_total": reelection_total if limit is not None else len(reelect),
        "exit_total": len(twice | no_base),
    }


def reported_deputy_ids(year: int) -> set[int]:
    return set(
        VoterReport.objects.filter(
            plan__year=year, status__in=[ReportStatus.HELD, ReportStatus.VERIFIED]
        ).values_list("deputy_id", flat=True)
    )


def talk_list() -> QuerySet[IdleReminder]:
    """提醒谈话: second reminders not followed by any entry (a B07 absence is not duty done)
    and not yet talked through."""
    later_entry = LedgerEntry.objects.filter(
        deputy=OuterRef("deputy"), occurred_on__gt=OuterRef("idle_since"), rule__points__gt=0
    ).exclude(status=EntryStatus.REJECTED)
    return (
        IdleReminder.objects.filter(sequence__gte=2, talked_on__isnull=True)
        .annotate(answered=Exists(later_entry))
        .filter(answered=False)
        .select_related("deputy", "deputy__constituency")
        .order_by("sent_on", "deputy__code")
    )


def duty_days(deputy: Deputy, year: int) -> int:
    return (
        LedgerEntry.objects.verified()
        .filter(
            deputy=deputy, occurred_on__gte=date(year, 1, 1), occurred_on__lte=date(year, 12, 31)
        )
        .values("occurred_on")
        .distinct()
        .count()
    )


def verified_entries(deputy: Deputy, rule_set: RuleSet) -> QuerySet[LedgerEntry]:
    """The entries a deputy's score of ``rule_set``'s year counts, oldest first."""
    return (
        LedgerEntry.objects.verified()
        .filter(deputy=deputy, rule__rule_set=rule_set)
        .select_related("rule")
        .order_by("occurred_on", "id")
    )


class EntryLine:
    """A ledger entry as the deputy's ledger page and its breakdown show it, read as plain
    values (``ENTRY_LINE_FIELDS``): a hundred-odd entries of a busy deputy's year made as
    models with their rules cost more than the rest of the page (issue #8). The page adds
    ``rule`` (from the year's rules already read), labels and the evidence count."""

    __slots__ = (
        "date_label",
        "day_label",
        "evidence_count",
        "occurred_on",
        "pk",
        "review_reason",
        "rule",
        "rule_id",
        "status",
        "title",
    )

    def __init__(
        self, pk, rule_id, occurred_on, title, status, review_reason, evidence_count=0
    ) -> None:
        self.pk, self.rule_id, self.occurred_on = pk, rule_id, occurred_on
        self.title, self.status, self.review_reason = title, status, review_reason
        self.evidence_count = evidence_count

    def get_status_display(self) -> str:
        """As the model's: the state's label, or the stored value if it names none."""
        return _STATUS_LABELS.get(self.status, self.status)


_STATUS_LABELS = dict(EntryStatus.choices)
ENTRY_LINE_FIELDS = ("id", "rule_id", "occurred_on", "title", "status", "review_reason")


def year_entry_lines(deputy: Deputy, rule_set: RuleSet | None) -> list[EntryLine]:
    """Every entry of ``deputy`` under ``rule_set`` (its year's), newest first as the ledger
    lists them, as ``EntryLine``s with their evidence counted: one read from which the
    ledger page takes its counts by status, the verified entries its breakdown explains and
    the page of entries it lists with their attachments (four reads before). Compiled once
    (``deputies.facts.prepared``), run with the ids."""
    if rule_set is None:  # a year without rules has no entries (an entry names a rule)
        return []
    evidence = (
        EntryEvidence.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(n=Count("*"))
        .values("n")
    )
    rows = prepared(
        ("performance:year-entry-lines",),
        lambda deputy, rule_set: (
            LedgerEntry.objects.filter(deputy=deputy, rule__rule_set=rule_set)
            .annotate(evidence_count=Coalesce(Subquery(evidence), 0))
            .order_by(F("occurred_on").desc(), F("id").desc())
            .values_list(*ENTRY_LINE_FIELDS, "evidence_count")
        ),
        deputy=deputy.pk,
        rule_set=rule_set.pk,
    )
    return [EntryLine(*row) for row in rows]


def score_breakdown(
    deputy: Deputy,
    rule_set: RuleSet | None,
    assessment: Assessment | None,
    *,
    entries: bool = True,
    verified: list[EntryLine] | None = None,
    rules: list[Rule] | None = None,
) -> tuple[list, bool]:
    """The explained breakdown of ``deputy``'s score in ``rule_set``'s year, and whether the
    stored assessment is stale. The breakdown follows the verified entries it lists; the
    assessment (total, rank) is the last computation, so if entries were verified since, the
    page says it will catch up. ``entries=False`` leaves the entries out of the lines (the API).
    ``verified``: the year's verified entries oldest first, when the caller has read them
    (``year_entry_lines``); ``rules``: ``rule_set``'s rules in code order, when the caller has
    read them (``performance.ledger_side``). One place for the ledger page and the mobile
    API."""
    if rule_set is None:
        return [], False
    from .scoring import explain

    # Both compiled once (``deputies.facts.prepared``), run with the ids.
    if rules is None:
        rules = prepared(
            ("performance:rules",),
            lambda rule_set: Rule.objects.filter(rule_set=rule_set),
            rule_set=rule_set.pk,
        )
    if verified is None:
        verified = [
            EntryLine(*row, EntryStatus.VERIFIED, "")
            for row in prepared(
                ("performance:verified-lines",),
                lambda deputy, rule_set: (
                    verified_entries(deputy, rule_set)
                    .select_related(None)
                    .values_list("id", "rule_id", "occurred_on", "title")
                ),
                deputy=deputy.pk,
                rule_set=rule_set.pk,
            )
        ]
    for rule in rules:  # as ``rule_set.rules.all()`` would have them
        rule.rule_set = rule_set
    code_of = {r.pk: r.code for r in rules}
    counts = Counter(code_of[e.rule_id] for e in verified)
    stale = assessment is not None and counts != Counter(
        {code: n for code, n in assessment.counts.items() if n}
    )
    return explain(rule_set, rules, counts, verified if entries else ()), stale
