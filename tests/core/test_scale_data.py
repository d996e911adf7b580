"""generate_scale_data: a tiny run has every level, entry status and suggestion state, rows the
services could have written, the same facts for the same seed, a share for d001, and scores."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from core import clock
from core.scale import ScaleContext
from deputies.models import Deputy, Level, Term, TermMembership
from deputies.terms import term_window_for
from performance.models import (
    Assessment,
    EntryEvidence,
    EntryStatus,
    LedgerEntry,
    RuleSet,
    SourceKind,
)
from suggestions.models import (
    CommitmentStatus,
    Evaluation,
    FollowUpCheck,
    PublicRating,
    Reply,
    Status,
    StatusChange,
    Suggestion,
    Verdict,
)
from tests.core.scale_pages import grow
from tests.deputies.factories import DeputyWithUserFactory

DEPUTIES, ENTRIES, SUGGESTIONS = 12, 5, 30


def _run(today: date, seed: int = 7) -> ScaleContext:
    return grow(
        deputies=DEPUTIES,
        entries_per_deputy=ENTRIES,
        suggestions=SUGGESTIONS,
        today=today,
        seed=seed,
    )


def _facts() -> dict:
    """What must not depend on ids or wall-clock timestamps."""
    return {
        "deputies": sorted(
            Deputy.objects.values_list("code", "name", "level", "mobile", "status", "group__name")
        ),
        "entries": sorted(
            LedgerEntry.objects.values_list(
                "deputy__code",
                "rule__rule_set__year",
                "rule__code",
                "occurred_on",
                "status",
                "title",
                "source_kind",
            )
        ),
        "suggestions": sorted(
            Suggestion.objects.values_list(
                "title",
                "status",
                "number",
                "lead_deputy__code",
                "lead_unit__name",
                "submitted_on",
                "registered_on",
                "assigned_on",
                "first_replied_on",
                "concluded_on",
                "closed_on",
                "public_token",
            ),
            key=str,
        ),
        "evaluations": sorted(
            Evaluation.objects.values_list(
                "suggestion__number", "verdict", "implementation_score", "evaluated_on"
            ),
            key=str,
        ),
        "assessments": sorted(
            Assessment.objects.values_list("rule_set__year", "deputy__code", "total", "rank")
        ),
    }


class _Rollback(Exception):
    pass


def _facts_of_a_fresh_run(today: date, seed: int) -> dict:
    """Run on the test database and roll it back: the next run starts from the same state."""
    try:
        with transaction.atomic():
            _run(today, seed)
            facts = _facts()
            raise _Rollback
    except _Rollback:
        pass
    assert not Deputy.objects.exists()
    return facts


@pytest.mark.django_db
def test_command_creates_the_sizes_asked_for_on_an_empty_database():
    out = io.StringIO()
    call_command(
        "generate_scale_data",
        deputies=DEPUTIES,
        entries_per_deputy=ENTRIES,
        suggestions=SUGGESTIONS,
        stdout=out,
    )
    today = clock.today()
    years = [today.year - 2, today.year - 1, today.year]
    assert Deputy.objects.count() == DEPUTIES
    assert set(Deputy.objects.values_list("level", flat=True)) == set(Level.values)
    assert TermMembership.objects.filter(left_on__isnull=True).count() == (
        Deputy.objects.filter(term=Term.current(today=today)).filter(status="serving").count()
    )
    typed = LedgerEntry.objects.exclude(source_kind=SourceKind.AUTOMATIC)
    assert typed.count() == DEPUTIES * ENTRIES
    assert set(typed.values_list("status", flat=True)) == set(EntryStatus.values)
    assert EntryEvidence.objects.exists()
    assert set(RuleSet.objects.values_list("year", flat=True)) == set(years)
    assert Suggestion.objects.count() == SUGGESTIONS
    assert set(Suggestion.objects.values_list("status", flat=True)) == set(Status.values)
    assert Suggestion.co_signers.through.objects.exists()
    for model in (Reply, Evaluation, FollowUpCheck, PublicRating):
        assert model.objects.exists(), model
    # The suggestions credited C01 through the ledger's door, and the assessment ran after.
    assert LedgerEntry.objects.filter(rule__code="C01").exists()
    for year in years:
        assessed = Assessment.objects.filter(rule_set__year=year)
        if year == today.year:
            # Everyone in office today (one in 25 left with the previous term, if it reaches
            # into the three years).
            assert assessed.count() == Deputy.objects.filter(status="serving").count() > 0
        credited = LedgerEntry.objects.filter(
            rule__rule_set__year=year, rule__code="C01", status=EntryStatus.VERIFIED
        ).count()
        assert sum(a.counts.get("C01", 0) for a in assessed) == credited
    output = out.getvalue()
    assert "suggestions.Suggestion" in output and "用时" in output


@pytest.mark.django_db
def test_rows_are_ones_the_services_could_have_written():
    today = clock.today()
    _run(today)
    for entry in LedgerEntry.objects.select_related("deputy"):
        assert entry.occurred_on <= today
        assert entry.status == EntryStatus.PENDING or entry.reviewed_at is not None
    for s in Suggestion.objects.prefetch_related("history", "replies", "evaluations", "checks"):
        steps = [h.happened_on for h in sorted(s.history.all(), key=lambda h: h.pk)]
        assert steps == sorted(steps), s
        assert all(day <= today for day in steps)
        if steps:
            assert s.history.order_by("-pk").first().to_status == s.status
        dates = [
            d
            for d in (
                s.submitted_on,
                s.registered_on,
                s.assigned_on,
                s.first_replied_on,
                s.concluded_on,
                s.closed_on,
            )
            if d
        ]
        assert dates == sorted(dates), s
        evaluations = sorted(s.evaluations.all(), key=lambda e: (e.evaluated_on, e.pk))
        if s.status == Status.EVALUATED:
            assert evaluations[-1].verdict != Verdict.UNSATISFIED or s.reopen_count == 1
        if s.status == Status.CLOSED:
            assert sorted(c.kind for c in s.checks.all() if c.done_on) == sorted(
                ["progress", "effect", "feedback"]
            )
            assert not s.commitments.filter(status=CommitmentStatus.OPEN).exists()
    numbers = list(Suggestion.objects.exclude(number=None).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert StatusChange.objects.count() >= Suggestion.objects.exclude(status=Status.DRAFT).count()


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    today = clock.today()
    first = _facts_of_a_fresh_run(today, seed=11)
    second = _facts_of_a_fresh_run(today, seed=11)
    other = _facts_of_a_fresh_run(today, seed=12)
    assert first["suggestions"]
    assert first == second
    assert first["suggestions"] != other["suggestions"]


@pytest.mark.django_db
def test_demo_deputy_d001_gets_a_share_on_top_of_existing_data():
    today = clock.today()
    number, start_date, end_date = term_window_for(today)
    term = Term.objects.create(number=number, start_date=start_date, end_date=end_date)
    previous = Term.objects.create(
        number=number - 1,
        start_date=date(start_date.year - 5, 1, 1),
        end_date=start_date - timedelta(days=1),
    )
    # The demo deputy, re-elected at the last change-over (saving opens the current membership).
    d001 = DeputyWithUserFactory(
        code="D001", term=term, first_elected_term=previous, user__username="d001"
    )
    TermMembership.objects.create(
        deputy=d001,
        term=previous,
        joined_on=previous.start_date,
        left_on=previous.end_date,
        end_reason="continued",
    )
    context = _run(today)
    assert Deputy.objects.count() == DEPUTIES + 1
    assert LedgerEntry.objects.filter(deputy=d001, source_type__isnull=True).count() == ENTRIES
    assert Suggestion.objects.filter(lead_deputy=d001).exists()
    assert Assessment.objects.filter(deputy=d001, rule_set__year=today.year).exists()
    serving = Deputy.objects.filter(status="serving").count()
    assert context.data["assessed"][today.year] == serving >= DEPUTIES - 1
    # A second run adds another roster after the first one's, with new codes.
    _run(today, seed=8)
    assert Deputy.objects.count() == 2 * DEPUTIES + 1
    assert Suggestion.objects.count() == 2 * SUGGESTIONS


@pytest.mark.django_db
def test_the_clerk_gets_an_admin_log_the_desk_reads_by_an_index():
    """The staff desk lists the clerk's latest admin actions: the scale data gives the clerk a
    district's log over the three years, and the log has an index on (user, time)."""
    from django.contrib.admin.models import LogEntry
    from django.db import connection

    from accounts.models import User
    from core.templatetags.staff_desk import RECENT_ACTIONS, recent_actions
    from deputies.scale import ADMIN_ACTIONS_PER_DEPUTY

    today = clock.today()
    _run(today)
    clerk = User.objects.get(username="clerk")
    log = LogEntry.objects.filter(user=clerk)
    assert log.count() == DEPUTIES * ADMIN_ACTIONS_PER_DEPUTY
    newest = log.order_by("-action_time").first().action_time
    oldest = log.order_by("action_time").first().action_time
    assert newest.date() <= today and oldest.year >= today.year - 2
    shown = recent_actions(clerk)
    assert [e.pk for e in shown] == list(log.values_list("pk", flat=True)[:RECENT_ACTIONS])
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "django_admin_log")
    assert indexes["core_admin_log_user_time"]["columns"] == ["user_id", "action_time"]
