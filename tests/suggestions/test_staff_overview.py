"""The staff follow-up page lists a bounded number of rows per card and links to the rest."""

from datetime import date

import pytest

from suggestions.models import Status, Suggestion
from suggestions.selectors import OVERVIEW_ROWS, staff_overview
from tests.suggestions.factories import HandlingUnitFactory, RegisteredSuggestionFactory

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
