"""The ledger page's small reads in one statement: ``year``'s rule set, its rules, the deputy's
assessment under them, the deputy's last ten disputes, their commendations in force, the
years the page offers and whether ``year`` is published.

Each was a query of its own (issue #8: five or six statements of ~0.1-0.2 ms of round trip
and conversion each at district size, besides the ORM's work on their rows). Here they are
scalar subqueries of one row of the deputy, each of several rows as a JSON array
(``core.sql.JSONList``), compiled once per year and process (``deputies.facts.prepared``) and
run with the deputy's id: only the SQL is kept, every read is fresh, and every subquery names
the deputy (or no deputy at all: the years and publications are the same for everyone).
"""

import json
from datetime import UTC, datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import JSONArray
from django.utils import timezone

from core.sql import json_rows
from deputies.facts import prepared, row_instance
from deputies.models import Deputy

from .models import (
    Assessment,
    Commendation,
    CommendedDeputy,
    Dispute,
    LedgerEntry,
    Publication,
    Rule,
    RuleSet,
)

DISPUTES_SHOWN = 10
# The fields each JSON row carries, in order (the readers below build instances of them).
DISPUTE_FIELDS = ("pk", "kind", "entry", "title", "note", "status", "resolution", "created_at")
COMMENDATION_FIELDS = ("pk", "title", "deciding_body", "document_no", "decided_on")
RULE_SET_FIELDS = tuple(f.attname for f in RuleSet._meta.concrete_fields)
RULE_FIELDS = tuple(f.attname for f in Rule._meta.concrete_fields)
ASSESSMENT_FIELDS = tuple(f.attname for f in Assessment._meta.concrete_fields)


def _json_row(queryset, fields) -> Subquery:
    """The queryset's first row as one JSON array of ``fields`` (NULL when none)."""
    return Subquery(
        queryset.order_by().values(_row=JSONArray(*(F(name) for name in fields))).values("_row")[:1]
    )


def _build(year: int):
    def build(deputy):
        latest = (
            Dispute.objects.filter(deputy=OuterRef(OuterRef("pk")))
            .order_by("-created_at", "-pk")
            .values("pk")[:DISPUTES_SHOWN]
        )
        disputes = json_rows(
            Dispute.objects.filter(pk__in=Subquery(latest)),
            *DISPUTE_FIELDS[:2],
            "entry_id",
            "entry__title",
            *DISPUTE_FIELDS[3:],
        )
        commendations = json_rows(
            CommendedDeputy.objects.filter(
                deputy=OuterRef("pk"), commendation__withdrawn_on__isnull=True
            ),
            "pk",
            "commendation_id",
            *(f"commendation__{name}" for name in COMMENDATION_FIELDS[1:]),
        )
        return Deputy.objects.filter(pk=deputy).values(
            side_rule_set=_json_row(RuleSet.objects.filter(year=year), RULE_SET_FIELDS),
            side_rules=json_rows(Rule.objects.filter(rule_set__year=year), *RULE_FIELDS),
            side_assessment=_json_row(
                Assessment.objects.filter(deputy=OuterRef("pk"), rule_set__year=year),
                ASSESSMENT_FIELDS,
            ),
            side_disputes=disputes,
            side_commendations=commendations,
            side_years=json_rows(RuleSet.objects.all(), "year"),
            side_published=Exists(Publication.objects.filter(year=year)),
        )

    return build


def _aware(value: datetime) -> datetime:
    """A time read from JSON: SQLite writes it without its zone (stored as UTC)."""
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _year_score(row: dict) -> tuple[RuleSet | None, Assessment | None]:
    """The rules and the assessment, as ``performance.views._year_score`` read them."""
    found = row.get("side_rule_set")
    if not found:
        return None, None
    rule_set = row_instance(RuleSet, RULE_SET_FIELDS, found)
    for name in ("frozen_at", "created_at"):
        value = getattr(rule_set, name)
        setattr(rule_set, name, None if value is None else _aware(value))
    found = row.get("side_assessment")
    if not found:
        return rule_set, None
    assessment = row_instance(Assessment, ASSESSMENT_FIELDS, found)
    if isinstance(assessment.counts, str):  # SQLite's JSON_ARRAY keeps a JSON column as text
        assessment.counts = json.loads(assessment.counts)
    if assessment.computed_at is not None:
        assessment.computed_at = _aware(assessment.computed_at)
    Assessment._meta.get_field("rule_set").set_cached_value(assessment, rule_set)
    return rule_set, assessment


def _disputes(rows: list) -> list[Dispute]:
    found = []
    for pk, kind, entry_id, entry_title, title, note, status, resolution, created in rows:
        dispute = row_instance(
            Dispute,
            ("pk", "kind", "entry", "title", "note", "status", "resolution", "created_at"),
            [pk, kind, entry_id, title, note, status, resolution, created],
        )
        dispute.created_at = _aware(dispute.created_at)
        entry = None
        if entry_id is not None:
            entry = LedgerEntry.from_db("default", ["id", "title"], [entry_id, entry_title])
        Dispute._meta.get_field("entry").set_cached_value(dispute, entry)
        found.append(dispute)
    found.sort(key=lambda d: (d.created_at, d.pk), reverse=True)
    return found


def _commendations(rows: list) -> list[CommendedDeputy]:
    found = []
    for pk, commendation_id, *values in rows:
        commendation = row_instance(Commendation, COMMENDATION_FIELDS, [commendation_id, *values])
        row = CommendedDeputy.from_db("default", ["id", "commendation_id"], [pk, commendation_id])
        CommendedDeputy._meta.get_field("commendation").set_cached_value(row, commendation)
        found.append(row)
    found.sort(key=lambda r: (r.commendation.decided_on, r.commendation_id), reverse=True)
    return found


def ledger_side(deputy_id: int, year: int) -> dict[str, Any]:
    """The ledger page's ``rule_set``, ``rules`` (in code order) and ``assessment`` (``year``'s
    rules and the deputy's assessment under them, or None), ``disputes`` (newest first, at most
    ten), ``commendations`` (in force, latest decided first), ``years`` (every rule set's and
    ``year``, newest first) and ``published`` (whether a quarter of ``year`` is), in one
    query."""
    found = prepared(("performance:ledger-side", year), _build(year), deputy=deputy_id)
    row = found[0] if found else {}
    years = {y for (y,) in row.get("side_years") or []}
    rule_set, assessment = _year_score(row)
    rules = [row_instance(Rule, RULE_FIELDS, found) for found in row.get("side_rules") or []]
    rules.sort(key=lambda rule: rule.code)  # as the model orders them, codes being unique
    for rule in rules:  # as ``rule_set.rules.all()`` would have them
        rule.rule_set = rule_set
    return {
        "rules": rules if rule_set is not None else None,
        "rule_set": rule_set,
        "assessment": assessment,
        "disputes": _disputes(row.get("side_disputes") or []),
        "commendations": _commendations(row.get("side_commendations") or []),
        "years": sorted({*years, year}, reverse=True),
        "published": bool(row.get("side_published")),
    }
