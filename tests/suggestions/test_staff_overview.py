"""The staff follow-up page lists a bounded number of rows per card and links to the rest."""

from datetime import date

import pytest
from django.conf import settings
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
from suggestions.selectors_staff import OVERVIEW_ROWS, staff_overview
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
    shown = [row for row, _days in staff_overview(TODAY)["overdue"]]
    expected = Suggestion.objects.order_by("reply_deadline", "pk")[:OVERVIEW_ROWS]
    assert [row[0] for row in shown] == list(expected.values_list("pk", flat=True))
    assert shown[0][-1] == unit.name  # joined to its relations


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
    for (_pk, title, number, _deadline, _unit), days in overview["overdue"]:
        assert f">{number} {title}</a>" in page and days > 0
        assert f'{number} {title}</a> <span class="text-muted">{unit.name}</span>' in page
    for _pk, title, submitted_on, deputy in overview["pending"]:
        assert f'>{title}</a> <span class="text-muted">{deputy} · ' in page
        assert submitted_on.isoformat() in page
    for _pk, kind, _due, _id, title, number in overview["due_checks"]:
        assert f"{CheckKind(kind).label} · " in page and f">{number} {title}</a>" in page
    for _pk, content, _due, _unit, _id, number in overview["overdue_commitments"]:
        assert f'{content} <span class="text-muted">{unit.name} · ' in page
        assert f">{number}</a>" in page


CARDS = ("overdue", "pending", "due_checks", "overdue_commitments")


# --- the status badges: the live states read afresh, the settled ones kept ten minutes --------


def _plain_counts() -> dict[str, int]:
    """Each state's count read the plain way, every state present (zero if none)."""
    counts = dict.fromkeys(Status.values, 0)
    for status in Suggestion.objects.values_list("status", flat=True):
        counts[status] += 1
    return counts


def _badges(overview) -> tuple[dict[str, int], dict[str, int]]:
    return (
        {value: n for _label, n, value in overview["status_counts"]},
        {value: n for _label, n, value in overview["settled_counts"]},
    )


def _closed(unit) -> Suggestion:
    return RegisteredSuggestionFactory(
        status=Status.CLOSED,
        lead_unit=unit,
        assigned_on=date(2026, 1, 5),
        reply_deadline=date(2026, 3, 5),
        deadline_limit=date(2026, 7, 5),
        concluded_on=date(2026, 5, 1),
        closed_on=date(2026, 6, 1),
    )


def test_the_badges_split_every_state_once():
    """Every state is a badge exactly once, live (read afresh) or settled (kept): a state added
    later is counted somewhere, and what a clerk acts on is never kept."""
    from suggestions.selectors_staff import STAFF_LIVE_STATES, STAFF_SETTLED_STATES

    assert sorted([*STAFF_LIVE_STATES, *STAFF_SETTLED_STATES]) == sorted(Status)
    assert not set(STAFF_LIVE_STATES) & set(STAFF_SETTLED_STATES)
    assert {Status.SUBMITTED, Status.REGISTERED, Status.ASSIGNED, Status.EVALUATED} <= set(
        STAFF_LIVE_STATES
    )
    assert {Status.CONCLUDED, Status.CLOSED} <= set(STAFF_SETTLED_STATES)


@pytest.mark.django_db
def test_live_counts_are_fresh_and_settled_counts_are_kept_ten_minutes(time_machine):
    """A clerk who has just registered a suggestion sees it move at once; the concluded and
    closed totals are as counted up to ten minutes ago, then counted again — both equal to a
    plain count of every state."""
    time_machine.move_to("2026-11-20 10:00 +08:00", tick=False)
    unit = HandlingUnitFactory()
    _overdue(2)
    _closed(unit)
    submitted = SuggestionFactory(status=Status.SUBMITTED, submitted_on=date(2026, 11, 1))
    SuggestionFactory()  # a draft
    live, settled = _badges(staff_overview(TODAY))
    assert {**live, **settled} == _plain_counts()
    assert (live[Status.SUBMITTED], settled[Status.CLOSED], settled[Status.DRAFT]) == (1, 1, 1)

    Suggestion.objects.filter(pk=submitted.pk).update(
        status=Status.REGISTERED, year=2001, sequence=999, number="2001-999",
        registered_on=date(2026, 11, 20),
    )  # fmt: skip
    _closed(unit)
    time_machine.move_to("2026-11-20 10:09 +08:00", tick=False)
    live, settled = _badges(staff_overview(TODAY))
    assert (live[Status.SUBMITTED], live[Status.REGISTERED]) == (0, 1)  # at once
    assert live == {s: n for s, n in _plain_counts().items() if s in live}
    assert settled[Status.CLOSED] == 1  # as counted at 10:00

    time_machine.move_to("2026-11-20 10:11 +08:00", tick=False)
    live, settled = _badges(staff_overview(TODAY))
    assert settled[Status.CLOSED] == 2
    assert {**live, **settled} == _plain_counts()


@pytest.mark.django_db
def test_the_page_says_when_the_settled_counts_were_counted(staff_client, time_machine):
    time_machine.move_to("2026-11-20 10:00 +08:00", tick=False)
    _closed(HandlingUnitFactory())
    SuggestionFactory(status=Status.SUBMITTED, submitted_on=date(2026, 11, 1))
    staff_client.get("/suggestions/staff/")  # counted at 10:00
    time_machine.move_to("2026-11-20 10:04 +08:00", tick=False)
    page = staff_client.get("/suggestions/staff/").content.decode()
    assert "10:00 统计，每 10 分钟更新" in page
    settled = page[page.index("staff-settled-counts") :]
    assert "已销号 1</a>" in settled and "已提交" not in settled
    assert "已提交 1</a>" in page[: page.index("staff-settled-counts")]
    # The cockpit's words, translated already (kept per language: counted now in English).
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = staff_client.get("/suggestions/staff/").content.decode()
    assert "Counted at 10:04, every 10 minutes" in english


# --- one statement for everything read afresh ---------------------------------------------


@pytest.mark.django_db
def test_the_cards_calendar_and_live_badges_are_one_statement(time_machine):
    """Every card's rows, the calendar's exceptions and the live badges come in one statement
    (the settled badges, once kept, read nothing); the overdue card's working days still count
    the calendar's holidays and worked weekend days, as ``working_days_between`` does."""
    from core.models import CalendarDay
    from core.workdays import working_days_between

    time_machine.move_to("2026-11-20 10:00 +08:00", tick=False)
    _one_of_each_card(HandlingUnitFactory(), 3)
    for day, kind in (
        (date(2026, 10, 1), CalendarDay.Kind.HOLIDAY),
        (date(2026, 10, 2), CalendarDay.Kind.HOLIDAY),
        (date(2026, 9, 27), CalendarDay.Kind.WORKDAY),  # a Sunday worked
        (date(2026, 8, 3), CalendarDay.Kind.HOLIDAY),  # before every deadline
    ):
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind})
    assert CalendarDay.objects.filter(date__gt=date(2026, 9, 1), date__lte=TODAY).count() >= 3
    staff_overview(TODAY)  # the settled badges counted and kept
    with CaptureQueriesContext(connection) as queries:
        overview = staff_overview(TODAY)
    assert len(queries) == 1
    deadlines = [date(2026, 9, 1 + i) for i in range(3)]
    assert [days for _row, days in overview["overdue"]] == [
        working_days_between(d, TODAY) for d in deadlines
    ]
    assert all(len(overview[card]) == 3 for card in CARDS)
    assert isinstance(overview["pending"][0][2], date)
