"""What the duty ledger adds to the deputy's dashboard besides the score card
(``views.dashboard_panel``): the capability portrait (履职画像) and the ledger's rows of the
merged to-do list. Reads only, in a fixed number of queries whatever the amount of data."""

from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import JSONArray
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core import clock
from core.dashboard import Todo, register_panel, register_todo
from core.navigation import register_tab
from deputies.facts import DEPUTY, deputy_facts, register_facts

from .models import Assessment, EntryStatus, LedgerEntry
from .portrait import deputy_portrait


def level_rank(assessment: Assessment, level: str) -> tuple[int, int]:
    """(rank, number assessed) among the deputies of ``level`` in the assessment's year, with
    ties sharing a rank as in the overall ranking; one query."""
    counts = Assessment.objects.filter(
        rule_set_id=assessment.rule_set_id, deputy__level=level
    ).aggregate(n=Count("pk"), above=Count("pk", filter=Q(total__gt=assessment.total)))
    return counts["above"] + 1, counts["n"]


def portrait_panel(request, *, today: date | None = None) -> dict[str, Any] | None:
    known = deputy_facts(request, today=today)
    if known is None:
        return None
    portrait = deputy_portrait(
        known.deputy, today=today or clock.today(), counts=known.activity_counts
    )
    return {"portrait": portrait, "chart": portrait.chart()}


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
    card), and ``level``: [deputies of the same level assessed, how many of them scored more]
    for ``today``'s year (as ``level_rank``), both counted in one pass over the year's
    assessments (a scan of some thousand rows at district size, whatever the level)."""
    mine = Assessment.objects.filter(rule_set__year=today.year, deputy=OuterRef(DEPUTY))
    above = Q(total__gt=Subquery(mine.order_by().values("total")[:1]))
    return {
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
            Assessment.objects.filter(rule_set__year=today.year, deputy__level=OuterRef("level")),
            JSONArray(Count("pk"), Count("pk", filter=above)),
        ),
    }


def deputy_todos(request, *, today: date | None = None) -> list[Todo]:
    known = deputy_facts(request, today=today)
    if known is None:
        return []
    url = reverse("performance:my_ledger")
    return [
        Todo(
            label=_("被退回的履职记录"),
            count=known["performance"]["returned"],
            hint=_("修改后可重新提交"),
            url=f"{url}?status={EntryStatus.REJECTED}",
        )
    ]


def register() -> None:
    """The portrait panel, the ledger's to-dos and the deputy's 履职 and 记录 tabs."""
    register_panel(
        Role.DEPUTY, "performance.portrait", "performance/_portrait.html", portrait_panel, 12
    )
    register_todo(Role.DEPUTY, "performance", deputy_todos, order=10)
    register_facts("performance", facts)
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
