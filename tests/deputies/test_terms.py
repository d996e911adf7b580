"""The change-over (换届) across the boundary of the 17th term (2022–2026) and the 18th."""

import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.test import override_settings

from core import clock
from core.audit import AuditEvent
from core.demo import DemoContext
from deputies import demo
from deputies.models import Deputy, MembershipEnd, Status, Term, TermMembership
from deputies.services import (
    ERR_STATUS_DATE_IN_FUTURE,
    ERR_STATUS_TERM_ENDED,
    DeputyError,
    deputy_set_status,
    term_current_or_create,
)
from deputies.terms import (
    ERR_ALREADY_CHANGED_OVER,
    ERR_END_BEFORE_START,
    ERR_GAP,
    ERR_NO_TERM,
    ERR_NOT_NEXT,
    ERR_NOT_SERVING,
    ERR_NOT_STAFF,
    ERR_OVERLAP,
    REASON_TERM_ENDED,
    TermChangeOverError,
    change_over_roster,
    register_reelection_advice,
    term_change_over,
    term_next_window,
    term_window_for,
)
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.deputies.factories import DeputyFactory, TermFactory

pytestmark = pytest.mark.django_db

OLD_END = date(2026, 12, 31)
NEW_START = date(2027, 1, 1)
NEW_END = date(2031, 12, 31)
AFTER_NEW_YEAR = date(2027, 1, 5)


@pytest.fixture
def old_term():
    return TermFactory(number=17, start_date=date(2022, 1, 1), end_date=OLD_END)


@pytest.fixture
def roster(old_term):
    return {
        "stays": DeputyFactory(code="A1", term=old_term),
        "goes": DeputyFactory(code="B1", term=old_term),
        "resigned": DeputyFactory(
            code="C1",
            term=old_term,
            status=Status.RESIGNED,
            status_date=date(2025, 5, 1),
            status_reason="工作调动",
        ),
    }


def change_over(continuing, actor=None, today=AFTER_NEW_YEAR, **overrides):
    arguments = {
        "new_term_number": 18,
        "start_date": NEW_START,
        "end_date": NEW_END,
        "continuing": continuing,
        "actor": actor,
        "today": today,
        **overrides,
    }
    return term_change_over(**arguments)


def test_change_over_moves_the_continuing_and_ends_the_others(roster, old_term):
    staff = StaffUserFactory()
    result = change_over([roster["stays"]], actor=staff)

    assert (result.term.number, result.previous, result.continued, result.ended) == (
        18,
        old_term,
        1,
        1,
    )
    stays, goes, resigned = (Deputy.objects.get(pk=roster[k].pk) for k in roster)
    assert stays.term == result.term and stays.status == Status.SERVING
    assert stays.first_elected_term == old_term and not stays.is_new  # 连任, not 新任
    assert goes.term == old_term
    assert (goes.status, goes.status_date, goes.status_reason) == (
        Status.TERM_ENDED,
        OLD_END,
        REASON_TERM_ENDED,
    )
    assert resigned.status == Status.RESIGNED and resigned.status_date == date(2025, 5, 1)
    event = AuditEvent.objects.get(action="deputies.term_change_over")
    assert event.actor == staff and event.data["continued"] == [stays.pk]
    assert event.data["ended"] == [goes.pk]


def test_memberships_record_every_term(roster, old_term):
    change_over([roster["stays"]])
    history = {
        (m.deputy.code, m.term.number): (m.joined_on, m.left_on, m.end_reason)
        for m in TermMembership.objects.select_related("deputy", "term")
    }
    assert history == {
        ("A1", 17): (date(2022, 1, 1), OLD_END, MembershipEnd.CONTINUED),
        ("A1", 18): (NEW_START, None, ""),
        ("B1", 17): (date(2022, 1, 1), OLD_END, MembershipEnd.TERM_ENDED),
        ("C1", 17): (date(2022, 1, 1), date(2025, 5, 1), MembershipEnd.RESIGNED),
    }


def test_serving_on_is_right_on_both_sides_of_the_boundary(roster):
    change_over([roster["stays"]])
    last_day = set(Deputy.objects.serving_on(OLD_END).values_list("code", flat=True))
    first_day = set(Deputy.objects.serving_on(NEW_START).values_list("code", flat=True))
    assert last_day == {"A1", "B1"}
    assert first_day == {"A1"}


def test_a_change_over_recorded_before_the_old_term_ends_keeps_them_in_office(roster):
    change_over([roster["stays"]], today=date(2026, 12, 15))
    in_office = set(Deputy.objects.serving_on(date(2026, 12, 20)).values_list("code", flat=True))
    assert in_office == {"A1", "B1"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"new_term_number": 19}, ERR_NOT_NEXT % {"expected": 18, "current": 17}),
        (
            {"start_date": date(2026, 12, 31)},
            ERR_OVERLAP % {"start": "2026-12-31", "end": "2026-12-31"},
        ),
        ({"start_date": date(2027, 2, 1)}, ERR_GAP % {"next": "2027-01-01"}),
        ({"end_date": NEW_START}, ERR_END_BEFORE_START),
    ],
)
def test_change_over_refuses_a_term_that_does_not_follow(roster, overrides, message):
    with pytest.raises(TermChangeOverError) as refused:
        change_over([roster["stays"]], **overrides)
    assert str(refused.value) == message
    assert list(Term.objects.values_list("number", flat=True)) == [17]
    assert Deputy.objects.get(pk=roster["goes"].pk).status == Status.SERVING


def test_change_over_refuses_running_twice(roster):
    change_over([roster["stays"]])
    with pytest.raises(TermChangeOverError) as refused:
        change_over([roster["stays"]])
    assert str(refused.value) == ERR_ALREADY_CHANGED_OVER % {"number": 18}
    with pytest.raises(TermChangeOverError):  # even recorded again before the new term began
        change_over([], today=date(2026, 12, 20))
    assert Term.objects.count() == 2


def test_change_over_refuses_a_continuing_deputy_who_is_not_serving(roster):
    with pytest.raises(TermChangeOverError) as refused:
        change_over([roster["stays"], roster["resigned"]])
    assert str(refused.value) == ERR_NOT_SERVING % {
        "number": 17,
        "names": str(roster["resigned"]),
    }
    assert Term.objects.count() == 1
    assert Deputy.objects.get(pk=roster["stays"].pk).term.number == 17


def test_change_over_is_for_staff_only(roster):
    with pytest.raises(TermChangeOverError) as refused:
        change_over([roster["stays"]], actor=UserFactory())
    assert str(refused.value) == ERR_NOT_STAFF
    assert Term.objects.count() == 1


def test_change_over_needs_a_term_begun():
    TermFactory(number=18, start_date=NEW_START, end_date=NEW_END)
    with pytest.raises(TermChangeOverError) as refused:
        change_over([], today=date(2026, 6, 1), new_term_number=19)
    assert str(refused.value) == ERR_NO_TERM


def test_roster_offers_the_recommended_first(roster, old_term, monkeypatch):
    monkeypatch.setattr("deputies.terms._REELECTION_ADVICE", {})
    register_reelection_advice("test", lambda term: [roster["goes"].pk])
    rows = change_over_roster(old_term)
    assert [(d.code, recommended) for d, recommended in rows] == [("B1", True), ("A1", False)]


def test_next_window_is_five_years_from_the_day_after():
    term = Term(number=17, start_date=date(2022, 1, 1), end_date=OLD_END)
    assert term_next_window(term) == (18, NEW_START, NEW_END)
    leap = Term(number=3, start_date=date(2023, 3, 1), end_date=date(2028, 2, 28))
    assert term_next_window(leap) == (4, date(2028, 2, 29), date(2033, 2, 28))


@pytest.mark.parametrize(
    ("day", "window"),
    [
        (date(2026, 12, 1), (17, date(2022, 1, 1), date(2026, 12, 31))),
        (date(2027, 3, 15), (18, date(2027, 1, 1), date(2031, 12, 31))),
        (date(2031, 6, 1), (18, date(2027, 1, 1), date(2031, 12, 31))),
        (date(2032, 1, 1), (19, date(2032, 1, 1), date(2036, 12, 31))),
        (date(2019, 7, 1), (16, date(2017, 1, 1), date(2021, 12, 31))),
    ],
)
@override_settings(LVZHI_DEFAULT_TERM_START=None, LVZHI_DEFAULT_TERM_END=None)
def test_default_term_covers_any_day(day, window):
    assert term_window_for(day) == window


@override_settings(
    LVZHI_DEFAULT_TERM_NUMBER=9,
    LVZHI_DEFAULT_TERM_START=date(2024, 7, 1),
    LVZHI_DEFAULT_TERM_END=date(2029, 6, 30),
)
def test_explicit_settings_win_while_they_cover_the_day():
    assert term_window_for(date(2027, 3, 15)) == (9, date(2024, 7, 1), date(2029, 6, 30))
    assert term_window_for(date(2030, 3, 15))[1] == date(2027, 1, 1)  # stale: the cycle


@override_settings(LVZHI_DEFAULT_TERM_START=None, LVZHI_DEFAULT_TERM_END=None)
def test_an_empty_system_gets_a_term_covering_today():
    term = term_current_or_create(today=date(2027, 3, 15))
    assert (term.number, term.start_date, term.end_date) == (18, NEW_START, NEW_END)


def test_before_the_change_over_new_deputies_join_the_last_term(old_term):
    assert term_current_or_create(today=date(2027, 3, 15)) == old_term
    assert Term.objects.count() == 1


def test_status_service_leaves_the_end_of_a_term_to_the_change_over(roster):
    change_over([roster["stays"]])
    goes = Deputy.objects.get(pk=roster["goes"].pk)
    with pytest.raises(DeputyError) as refused:
        deputy_set_status(deputy=goes, status=Status.SERVING, on=None)
    assert str(refused.value) == ERR_STATUS_TERM_ENDED % {"deputy": goes}
    with pytest.raises(DeputyError):
        deputy_set_status(
            deputy=roster["stays"], status=Status.TERM_ENDED, on=NEW_START, reason="x"
        )


def test_status_service_takes_today_as_an_argument(old_term):
    deputy = DeputyFactory(term=old_term)
    with pytest.raises(DeputyError) as refused:
        deputy_set_status(
            deputy=deputy,
            status=Status.RESIGNED,
            on=date(2026, 6, 2),
            reason="工作调动",
            today=date(2026, 6, 1),
        )
    assert str(refused.value) == ERR_STATUS_DATE_IN_FUTURE
    deputy_set_status(
        deputy=deputy,
        status=Status.RESIGNED,
        on=date(2026, 6, 1),
        reason="工作调动",
        today=date(2026, 6, 1),
    )
    membership = TermMembership.objects.get(deputy=deputy)
    assert (membership.left_on, membership.end_reason) == (date(2026, 6, 1), "resigned")
    deputy_set_status(deputy=deputy, status=Status.SERVING, on=None, today=date(2026, 6, 1))
    membership.refresh_from_db()
    assert (membership.left_on, membership.end_reason) == (None, "")


def test_a_term_changed_by_hand_closes_the_old_membership(old_term):
    deputy = DeputyFactory(term=old_term)
    deputy.term = TermFactory(number=18, start_date=NEW_START, end_date=NEW_END)
    deputy.save()
    assert list(
        TermMembership.objects.filter(deputy=deputy)
        .order_by("term__number")
        .values_list("term__number", "left_on", "end_reason")
    ) == [(17, OLD_END, "continued"), (18, None, "")]


def test_database_refuses_two_open_memberships_or_one_without_reason(old_term):
    deputy = DeputyFactory(term=old_term)
    new_term = TermFactory(number=18, start_date=NEW_START, end_date=NEW_END)
    with pytest.raises(IntegrityError), transaction.atomic():
        TermMembership.objects.create(deputy=deputy, term=new_term, joined_on=NEW_START)
    with pytest.raises(IntegrityError), transaction.atomic():
        TermMembership.objects.filter(deputy=deputy).update(left_on=OLD_END)


def test_migration_backfills_the_current_term(roster, old_term):
    TermMembership.objects.all().delete()
    migration = importlib.import_module("deputies.migrations.0003_term_membership")
    migration.backfill_memberships(django_apps, None)
    assert set(
        TermMembership.objects.values_list("deputy__code", "term__number", "left_on", "end_reason")
    ) == {
        ("A1", 17, None, ""),
        ("B1", 17, None, ""),
        ("C1", 17, date(2025, 5, 1), "resigned"),
    }


@pytest.mark.parametrize("moment", [datetime(2027, 3, 15, 10), datetime(2031, 6, 1, 10)])
@override_settings(LVZHI_DEFAULT_TERM_START=None, LVZHI_DEFAULT_TERM_END=None)
def test_demo_roster_is_serving_whatever_the_date(moment):
    with time_machine.travel(moment.replace(tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        today = clock.today()
        context = DemoContext(today=today)
        demo.seed(context)
        term = context.data["term"]
        assert term == Term.current(today=today)
        assert term.start_date <= today <= term.end_date
        assert Term.objects.filter(number=term.number - 1, end_date__lt=term.start_date).exists()
        serving = Deputy.objects.serving_on(today).filter(term=term)
        assert serving.count() == len(context.data["deputies"]) == 60
        re_elected = TermMembership.objects.filter(
            term__number=term.number - 1, end_reason=MembershipEnd.CONTINUED
        )
        assert re_elected.count() == 20  # every third deputy served the previous term
        demo.seed(DemoContext(today=today))  # idempotent
        assert Term.objects.count() == 2 and Deputy.objects.count() == 60
        assert TermMembership.objects.count() == 80
