"""The staff follow-up page lists a bounded number of rows per card and links to the rest."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suggestions.models import (
    CheckKind,
    Commitment,
    CommitmentStatus,
    FollowUpCheck,
    Status,
    Suggestion,
)
from suggestions.selectors import OVERVIEW_ROWS, staff_overview
from tests.suggestions.factories import (
    HandlingUnitFactory,
    RegisteredSuggestionFactory,
    SuggestionFactory,
)

TODAY = date(2026, 11, 20)


def _overdue(n: int) -> None:
    unit = HandlingUnitFactory()
    for _i in range(n):
        RegisteredSuggestionFactory(
            status=Status.ASSIGNED,
            lead_unit=unit,
            assigned_on=date(2026, 6, 1),
            reply_deadline=date(2026, 9, 1),
            deadline_limit=date(2026, 12, 1),
        )


@pytest.mark.django_db
def test_cards_stop_at_the_row_limit_and_say_there_is_more():
    _overdue(OVERVIEW_ROWS + 2)
    overview = staff_overview(TODAY)
    assert len(overview["overdue"]) == OVERVIEW_ROWS
    assert overview["more_overdue"] is True
    assert overview["more_pending"] is False


@pytest.mark.django_db
def test_no_more_link_when_everything_fits():
    _overdue(OVERVIEW_ROWS)
    overview = staff_overview(TODAY)
    assert len(overview["overdue"]) == OVERVIEW_ROWS
    assert overview["more_overdue"] is False


@pytest.mark.django_db
def test_the_page_links_to_the_filtered_admin_list(staff_client, time_machine):
    time_machine.move_to("2026-11-20 10:00 +08:00", tick=False)
    _overdue(OVERVIEW_ROWS + 1)
    page = staff_client.get("/suggestions/staff/").content.decode()
    assert "?attention=overdue" in page
    listing = staff_client.get("/admin/suggestions/suggestion/?attention=overdue")
    assert listing.status_code == 200
    shown = listing.context["cl"].result_count
    assert shown == OVERVIEW_ROWS + 1 == Suggestion.objects.count()


@pytest.mark.django_db
def test_attention_filter_leaves_suggestions_not_overdue_out(staff_client, time_machine):
    time_machine.move_to("2026-11-20 10:00 +08:00", tick=False)
    _overdue(1)
    RegisteredSuggestionFactory(
        status=Status.ASSIGNED,
        lead_unit=HandlingUnitFactory(),
        assigned_on=date(2026, 10, 1),
        reply_deadline=date(2027, 1, 1),
        deadline_limit=date(2027, 4, 1),
    )
    for option, expected in (("overdue", 1), ("checks", 0), ("commitments", 0)):
        listing = staff_client.get(f"/admin/suggestions/suggestion/?attention={option}")
        assert listing.context["cl"].result_count == expected, option


@pytest.mark.django_db
def test_cards_show_the_most_urgent_rows_in_order():
    """The rows are picked before they are joined to their relations: still the most overdue
    first, and the same rows the whole ordered list starts with."""
    unit = HandlingUnitFactory()
    for day in (9, 3, 14, 1, 7, 11, 5, 2, 12, 8, 4, 6):
        RegisteredSuggestionFactory(
            status=Status.ASSIGNED,
            lead_unit=unit,
            assigned_on=date(2026, 6, 1),
            reply_deadline=date(2026, 9, day),
            deadline_limit=date(2026, 12, 1),
        )
    shown = [s for s, _days in staff_overview(TODAY)["overdue"]]
    expected = list(Suggestion.objects.order_by("reply_deadline", "pk")[:OVERVIEW_ROWS])
    assert shown == expected
    assert shown[0].lead_unit == unit  # joined to its relations


def _one_of_each_card(unit, n: int) -> None:
    """``n`` rows in each card: overdue, pending, checks due, commitments overdue."""
    for i in range(n):
        overdue = RegisteredSuggestionFactory(
            status=Status.ASSIGNED,
            lead_unit=unit,
            assigned_on=date(2026, 6, 1),
            reply_deadline=date(2026, 9, 1 + i),
            deadline_limit=date(2026, 12, 1),
        )
        SuggestionFactory(status=Status.SUBMITTED, submitted_on=date(2026, 11, 1 + i))
        FollowUpCheck.objects.create(
            suggestion=overdue, kind=CheckKind.choices[0][0], due_on=date(2026, 10, 1 + i)
        )
        Commitment.objects.create(
            suggestion=overdue,
            owner_unit=unit,
            content=f"承诺事项{i}",
            due_on=date(2026, 10, 1 + i),
            status=CommitmentStatus.OPEN,
        )


@pytest.mark.django_db
def test_cards_show_what_each_row_needs_with_the_same_queries_for_one_row_or_ten(
    staff_client, time_machine
):
    """Each card reads only the fields its rows show: what it prints is there, and a row reads
    nothing more on its own (the same number of queries for one row as for a full card)."""
    time_machine.move_to("2026-11-20 10:00 +08:00", tick=False)
    unit = HandlingUnitFactory()
    _one_of_each_card(unit, 1)
    staff_client.get("/suggestions/staff/")
    with CaptureQueriesContext(connection) as one:
        staff_client.get("/suggestions/staff/")
    _one_of_each_card(unit, OVERVIEW_ROWS - 1)
    with CaptureQueriesContext(connection) as full:
        page = staff_client.get("/suggestions/staff/").content.decode()
    assert len(one) == len(full)
    overview = staff_overview(TODAY)
    assert all(len(overview[card]) == OVERVIEW_ROWS for card in CARDS)
    for s, days in overview["overdue"]:
        assert f">{s.number} {s.title}</a>" in page and days > 0
        assert f'{s.number} {s.title}</a> <span class="text-muted">{unit.name}</span>' in page
    for s in overview["pending"]:
        assert f'>{s.title}</a> <span class="text-muted">{s.lead_deputy.name} · ' in page
        assert s.submitted_on.isoformat() in page
    for c in overview["due_checks"]:
        assert f"{c.get_kind_display()} · " in page and f">{c.suggestion}</a>" in page
    for c in overview["overdue_commitments"]:
        assert f'{c.content} <span class="text-muted">{unit.name} · ' in page
        assert f">{c.suggestion.number}</a>" in page


CARDS = ("overdue", "pending", "due_checks", "overdue_commitments")
