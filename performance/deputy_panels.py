"""What the duty ledger adds to the deputy's dashboard: the score card, the capability
portrait (履职画像) and the ledger's rows of the merged to-do list. Reads only, and nothing of
its own: the year's rules, the deputy's assessment, the rank in the level and the portrait's
entries come with the deputy's other facts (``deputies.facts``) in the page's one statement."""

from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, JSONArray
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core import clock
from core.dashboard import Todo, register_panel, register_todo
from core.navigation import register_tab
from core.render_env import gettext as _
from core.url_memo import reverse_memo
from deputies.facts import DEPUTY, Rows, deputy_facts, register_facts, row_instance

from .card_html import portrait_card_html, score_card_html
from .models import Assessment, EntryStatus, LedgerEntry, Rule, RuleSet
from .panel_rows import bars_html, portrait_rows_html
from .portrait import PORTRAIT_ROW, deputy_portrait
from .rule_counts import RULE_CODE_FACTS
from .score_card import dimension_bars, next_step

# What the score card shows of the year's rules and of the deputy's assessment.
RULE_SET_FIELDS = (
    "pk",
    "year",
    "base_cap",
    "innovation_cap",
    "contribution_cap",
    "excellent_min",
    "competent_min",
    "basic_min",
    "frozen",
)
ASSESSMENT_FIELDS = (
    "pk",
    "rule_set",
    "deputy",
    "base",
    "innovation",
    "contribution",
    "total",
    "rank",
    "assessed_count",
    "grade",
    "duty_days",
)


def level_rank(assessment: Assessment, level: str) -> tuple[int, int]:
    """(rank, number assessed) among the deputies of ``level`` in the assessment's year, with
    ties sharing a rank as in the overall ranking; one query, from the (year, level, total)
    index (the level each was assessed at, ``Assessment.level``), as the dashboard's facts."""
    counts = Assessment.objects.filter(rule_set_id=assessment.rule_set_id, level=level).aggregate(
        n=Count("total"), above=Count("total", filter=Q(total__gt=assessment.total))
    )
    return counts["above"] + 1, counts["n"]


def portrait_panel(request, *, today: date | None = None) -> dict[str, Any] | None:
    known = deputy_facts(request, today=today)
    if known is None:
        return None
    portrait = deputy_portrait(
        known.deputy,
        today=today or clock.today(),
        counts=known.activity_counts,
        rows=known["performance"]["portrait"],
    )
    panel = {
        "portrait": portrait,
        "chart": portrait.chart(),
        "rows_html": portrait_rows_html(portrait.figures),
    }
    panel["html"] = portrait_card_html(panel)  # the card, written in Python
    return panel


def _level_rank(level: list[int] | None) -> tuple[int, int]:
    """(rank, number assessed) among the deputies of the same level, from the facts' [number
    assessed, number who scored more] (None when no one of the level is assessed)."""
    assessed, above = level or (0, 0)
    return above + 1, assessed


def year_score(known, year: int) -> tuple[RuleSet | None, Assessment | None]:
    """``year``'s rules and the deputy's assessment under them, from the facts (``facts``)."""
    ledger = known["performance"]
    rule_sets, assessments = ledger["rule_set"], ledger["assessment"]
    rule_set = row_instance(RuleSet, RULE_SET_FIELDS, rule_sets[0]) if rule_sets else None
    if not assessments or rule_set is None:
        return rule_set, None
    assessment = row_instance(Assessment, ASSESSMENT_FIELDS, assessments[0])
    assessment.rule_set = rule_set
    assessment.deputy = known.deputy
    return rule_set, assessment


def score_panel(request, *, today: date | None = None) -> dict | None:
    """The score card: the year's total, grade, ranks, duty days and dimension bars, the
    points to the next grade line and the entries waiting for staff."""
    known = deputy_facts(request, today=today)
    if known is None:
        return None
    year = (today or clock.today()).year
    rule_set, assessment = year_score(known, year)
    ledger = known["performance"]
    bars = dimension_bars(assessment, rule_set)
    panel = {
        "year": year,
        "rule_set": rule_set,
        "assessment": assessment,
        "level_rank": _level_rank(ledger["level"]) if assessment else None,
        "level_label": known.deputy.get_level_display(),
        "bars": bars,
        "bars_html": bars_html(bars),
        "next_step": next_step(assessment, rule_set),
        "pending": ledger["pending"],
    }
    panel["html"] = score_card_html(panel)  # the card, written in Python
    return panel


def returned_entries(deputy, *, today: date) -> int:
    """Entries of the open year that staff returned (未通过): the deputy may correct and
    resubmit them (重新提交) until the year is closed."""
    return LedgerEntry.objects.filter(
        deputy=deputy,
        status=EntryStatus.REJECTED,
        rule__rule_set__year=today.year,
        rule__rule_set__frozen=False,
    ).count()


def facts(today: date) -> dict:
    """The ledger's numbers on the deputy's dashboard, read with the other apps' facts
    (``deputies.facts``): entries returned this year (the to-do), entries pending (the score
    card), ``level``: [deputies of the same level assessed, how many of them scored more]
    for ``today``'s year (as ``level_rank``), both counted in one pass over the level's
    entries of the (year, level, total) index (``Assessment.level``, kept by the scoring: no
    join to deputies, no read of the rows; before, the year's thousand rows at district size
    were scanned and joined to deputies by level, ~1 ms of the statement's ~3.5); the
    year's rules and the deputy's assessment (the score card, ``year_score``) and the year's
    rules with the deputy's verified entries of each counted (the portrait,
    ``portrait.PORTRAIT_ROW``; the entries themselves were read before, ~0.15 ms more)."""
    mine = Assessment.objects.filter(rule_set__year=today.year, deputy=OuterRef(DEPUTY))
    # The deputy's verified entries of a rule, counted from the (deputy, rule) index of the
    # verified ones (``PORTRAIT_ROW``).
    verified = (
        LedgerEntry.objects.filter(
            deputy=OuterRef(DEPUTY), rule=OuterRef("pk"), status=EntryStatus.VERIFIED
        )
        .order_by()
        .values("rule")
        .annotate(n=Count("*"))
    )
    above = Q(total__gt=Subquery(mine.order_by().values("total")[:1]))
    return {
        "rule_set": (RuleSet.objects.filter(year=today.year), Rows(*RULE_SET_FIELDS)),
        "assessment": (
            Assessment.objects.filter(rule_set__year=today.year, deputy=DEPUTY),
            Rows(*ASSESSMENT_FIELDS),
        ),
        "portrait": (
            Rule.objects.filter(rule_set__year=today.year).annotate(
                n=Coalesce(Subquery(verified.values("n")[:1]), 0)
            ),
            Rows(*PORTRAIT_ROW),
        ),
        "returned": (
            LedgerEntry.objects.filter(
                deputy=DEPUTY,
                status=EntryStatus.REJECTED,
                rule__rule_set__year=today.year,
                rule__rule_set__frozen=False,
            ),
            Count("pk"),
        ),
        "pending": (
            LedgerEntry.objects.filter(deputy=DEPUTY, status=EntryStatus.PENDING),
            Count("pk"),
        ),
        "level": (
            Assessment.objects.filter(rule_set__year=today.year, level=OuterRef("level")),
            JSONArray(Count("total"), Count("total", filter=above)),
        ),
    }


def deputy_todos(request, *, today: date | None = None) -> list[Todo]:
    known = deputy_facts(request, today=today)
    if known is None:
        return []
    url = reverse_memo("performance:my_ledger")  # once per process
    return [
        Todo(
            label=_("被退回的履职记录"),
            count=known["performance"]["returned"],
            hint=_("修改后可重新提交"),
            url=f"{url}?status={EntryStatus.REJECTED}",
        )
    ]


def rule_code_facts(today: date) -> dict:
    """The rule code of each of the deputy's entries dated in ``today``'s year that is not
    rejected: ``ledger_rule_counts`` for the deputy's own pages (the training card's and page's
    gap rules), read with the facts."""
    return {
        "codes": (
            LedgerEntry.objects.filter(deputy=DEPUTY, occurred_on__year=today.year).exclude(
                status=EntryStatus.REJECTED
            ),
            Rows("rule__code"),
        )
    }


def register() -> None:
    """The score card, the portrait panel, the ledger's to-dos and the deputy's 履职 and 记录
    tabs."""
    register_panel(Role.DEPUTY, "performance", "performance/_panel.html", score_panel, 10)
    register_panel(
        Role.DEPUTY, "performance.portrait", "performance/_portrait.html", portrait_panel, 12
    )
    register_todo(Role.DEPUTY, "performance", deputy_todos, order=10)
    register_facts("performance", facts)
    register_facts(RULE_CODE_FACTS, rule_code_facts)
    register_tab(
        "performance.ledger",
        gettext_lazy("履职"),
        "performance:my_ledger",
        "journal-check",
        roles=[Role.DEPUTY],
        order=20,
    )
    register_tab(
        "performance.submit",
        gettext_lazy("记录"),
        "performance:submit",
        "camera",
        roles=[Role.DEPUTY],
        order=30,
        primary=True,
    )
