"""The deputy's suggestion card on their dashboard: the counts by status, the replies waiting
for their evaluation (满意度测评) and their five latest suggestions. No query of its own: the
counts (``panels.deputy_facts_source``) and the card's few rows (``card_facts``) come with the
deputy's other facts (``deputies.facts``) in the dashboard's one statement; the rows were two
queries of their own, ~0.3 ms each in process at district size."""

from datetime import date, datetime
from typing import Any, NamedTuple

from deputies.facts import Rows, deputy_facts, first_rows, register_facts

from .models import Status, Suggestion
from .panel_rows import card_html, counts_html, recent_html, to_evaluate_html

CARD = "suggestions.card"  # the card's own facts (no other page reads them)
LIMIT = 5
# A reply to evaluate: what the card shows, then its order (the list's: newest number first).
EVALUATE_FIELDS = ("pk", "title", "number", "year", "sequence", "created_at")
# One of the latest: what the card shows, then its order (last changed first).
RECENT_FIELDS = ("pk", "title", "status", "updated_at")


class Reply(NamedTuple):
    """A suggestion waiting for the deputy's evaluation, as the card shows it (a model
    instance of three fields cost ~20 µs to make, more than the card's line)."""

    pk: int
    title: str
    number: str


class Latest(NamedTuple):
    """One of the deputy's latest suggestions, as the card shows it."""

    pk: int
    title: str
    status: str

    def get_status_display(self) -> str:
        """The status's label, as the model's."""
        return str(dict(Status.choices).get(self.status, self.status))


def card_facts(today: date) -> dict:
    """The replies to evaluate (the first ``LIMIT`` in the deputy's list order, as the former
    query read them) and the ``LIMIT`` latest of the suggestions the deputy leads, then of
    those they co-sign without leading (each from its own index, as
    ``selectors.deputy_suggestion_ids``, whose UNION a fact cannot hold): the card's
    ``LIMIT`` latest are among these ten."""
    return {
        "to_evaluate": (
            first_rows(
                lambda deputy: Suggestion.objects.filter(lead_deputy=deputy, status=Status.REPLIED),
                "-year",
                "-sequence",
                "-created_at",
                "-pk",
                limit=LIMIT,
            ),
            Rows(*EVALUATE_FIELDS),
        ),
        "led": (
            first_rows(
                lambda deputy: Suggestion.objects.filter(lead_deputy=deputy),
                "-updated_at",
                "-pk",
                limit=LIMIT,
            ),
            Rows(*RECENT_FIELDS),
        ),
        "cosigned": (
            first_rows(
                lambda deputy: Suggestion.objects.filter(co_signers=deputy).exclude(
                    lead_deputy=deputy
                ),
                "-updated_at",
                "-pk",
                limit=LIMIT,
            ),
            Rows(*RECENT_FIELDS),
        ),
    }


def _moment(value: str) -> datetime:
    """A timestamp of a ``Rows`` fact (ISO text: PostgreSQL's with a "T" and the zone,
    SQLite's with a space) as a datetime, to sort by."""
    return datetime.fromisoformat(value)


def _evaluate_order(row: list) -> tuple:
    """The list's order (newest number first; PostgreSQL puts a missing one first), then the
    id: sorted by this, greatest first."""
    year, sequence = row[3], row[4]
    return (year is None, year or 0, sequence is None, sequence or 0, _moment(row[5]), row[0])


def _recent_order(row: list) -> tuple:
    """Last changed first, then the id: sorted by this, greatest first."""
    return (_moment(row[3]), row[0])


def deputy_panel(request) -> dict[str, Any] | None:
    known = deputy_facts(request)
    if known is None:
        return None
    counted = known["suggestions"]
    led, cosigned = counted["led"] or {}, counted["cosigned"] or {}
    counts = {value: led.get(value, 0) + cosigned.get(value, 0) for value in Status.values}
    card = known[CARD]
    to_evaluate = [
        Reply(*row[:3]) for row in sorted(card["to_evaluate"], key=_evaluate_order, reverse=True)
    ]
    latest = sorted([*card["led"], *card["cosigned"]], key=_recent_order, reverse=True)[:LIMIT]
    recent = [Latest(*row[:3]) for row in latest]
    by_status = [(label, counts[value]) for value, label in Status.choices if counts[value]]
    panel = {
        "total": sum(counts.values()),
        "counts": by_status,
        "counts_html": counts_html(by_status),
        "to_evaluate": to_evaluate,
        "to_evaluate_html": to_evaluate_html(to_evaluate),
        "recent": recent,
        "recent_html": recent_html(recent),
    }
    panel["html"] = card_html(panel)  # the card, written in Python
    return panel


def register() -> None:
    register_facts(CARD, card_facts)
