"""The deputy's facts (deputies.facts): every app's numbers for the dashboard in one statement,
compiled once a day and run for each deputy with their own id; never a stale number."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import compiled
from deputies import facts
from liaison.panels.duties import coming_duties_count
from performance.models import EntryStatus
from suggestions.panels import to_evaluate
from tests.liaison.factories import DutyFactory
from tests.performance.factories_pages import entry
from tests.suggestions.helpers import replied
from tests.training.factories import SurveyFactory

pytestmark = pytest.mark.django_db

PINNED = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = PINNED.date()


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(PINNED, tick=False):
        yield


def _rejected(deputy):
    return entry(
        deputy,
        "B02",
        status=EntryStatus.REJECTED,
        review_reason="缺少签到表",
        reviewed_at=timezone.now(),
    )


def _request(user):
    request = RequestFactory().get("/deputy/")
    request.user = user
    return request


def test_each_deputy_reads_their_own_facts_from_one_statement(deputy, other_deputy):
    _rejected(deputy)
    entry(deputy, "B01", status=EntryStatus.PENDING)
    replied(lead_deputy=deputy, title="关于加装电梯的建议", today=TODAY)
    DutyFactory(deputy=deputy, reception_day__date=TODAY + timedelta(days=3))
    survey = SurveyFactory()
    facts._STATEMENTS.clear()

    mine = facts.deputy_facts(_request(deputy.user))
    theirs = facts.deputy_facts(_request(other_deputy.user))

    assert len(facts._STATEMENTS) == 1  # compiled for the first, reused for the second
    assert mine["performance"]["returned"] == 1 and theirs["performance"]["returned"] == 0
    assert mine["performance"]["pending"] == 1 and theirs["performance"]["pending"] == 0
    assert to_evaluate(mine) == 1 and to_evaluate(theirs) == 0  # the led ones replied
    assert coming_duties_count(mine) == (1, TODAY + timedelta(days=3))
    assert coming_duties_count(theirs) == (0, None)
    for known in (mine, theirs):  # a survey neither has answered
        assert known["training"]["surveys"] == 1
        assert (known["training"]["survey"], known["training"]["survey_title"]) == (
            survey.pk,
            survey.title,
        )
    # the card's relations came with the facts
    assert mine.deputy.constituency == deputy.constituency
    assert mine.deputy.term == deputy.term


def test_a_new_request_reads_the_facts_afresh(deputy):
    assert facts.deputy_facts(_request(deputy.user))["performance"]["returned"] == 0
    _rejected(deputy)
    request = _request(deputy.user)
    assert facts.deputy_facts(request)["performance"]["returned"] == 1
    with CaptureQueriesContext(connection) as queries:  # within one request, read once
        facts.deputy_facts(request)
    assert len(queries) == 0


def test_the_dashboard_reads_the_facts_once(deputy_client, deputy):
    _rejected(deputy)
    with CaptureQueriesContext(connection) as queries:
        response = deputy_client.get("/deputy/")
    assert response.status_code == 200
    assert sum('"fact_0"' in q["sql"] for q in queries) == 1
    assert [todo.count for todo in response.context["todos"]] == [1]


def _entries(deputy):
    from performance.models import LedgerEntry

    return LedgerEntry.objects.filter(deputy=deputy).select_related("rule__rule_set")


def test_a_prepared_read_gives_what_the_queryset_gives_for_each_deputy(deputy, other_deputy):
    """``prepared`` compiles once and runs with each deputy's id: the same objects (related
    objects and annotations too), tuples, flat values and dicts as the queryset, afresh."""
    from django.db.models import Count

    from performance.models import LedgerEntry

    mine, theirs = _rejected(deputy), _rejected(other_deputy)
    shapes = {
        "models": lambda deputy: _entries(deputy).annotate(n=Count("evidence")).order_by("pk"),
        "tuples": lambda deputy: LedgerEntry.objects.filter(deputy=deputy).values_list(
            "pk", "status"
        ),
        "flat": lambda deputy: LedgerEntry.objects.filter(deputy=deputy).values_list(
            "pk", flat=True
        ),
        "dicts": lambda deputy: LedgerEntry.objects.filter(deputy=deputy).values("pk", "title"),
    }
    for name, build in shapes.items():
        for who in (deputy, other_deputy):
            got = facts.prepared(("test", name), build, deputy=who.pk)
            assert got == list(build(who.pk)) and len(got) == 1
    (got,) = facts.prepared(("test", "models"), shapes["models"], deputy=deputy.pk)
    assert got == mine and got.rule.rule_set.year == mine.rule.rule_set.year and got.n == 0
    assert facts.prepared(("test", "flat"), shapes["flat"], deputy=other_deputy.pk) == [theirs.pk]
    with CaptureQueriesContext(connection) as queries:
        facts.prepared(("test", "models"), shapes["models"], deputy=deputy.pk)
    assert len(queries) == 1
    _rejected(deputy)  # a new row is seen on the next read
    assert len(facts.prepared(("test", "flat"), shapes["flat"], deputy=deputy.pk)) == 2


def test_a_prepared_read_takes_tuples_of_ids(deputy, other_deputy):
    from performance.models import LedgerEntry

    rows = [_rejected(deputy), _rejected(other_deputy), _rejected(deputy)]

    def build(ids):
        return LedgerEntry.objects.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)

    for ids in [(rows[0].pk,), (rows[1].pk, rows[2].pk), (rows[2].pk, rows[0].pk), ()]:
        assert facts.prepared(("test", "ids"), build, ids=ids) == sorted(ids)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_facts_are_a_prepared_statement_with_the_id_as_its_parameter(
    deputy, other_deputy
):
    _rejected(deputy)
    facts._STATEMENTS.clear()
    compiled._LITERAL.clear()
    mine = facts.read_facts(deputy, TODAY).values
    with CaptureQueriesContext(connection) as queries:
        theirs = facts.read_facts(other_deputy, TODAY).values
        again = facts.read_facts(deputy, TODAY).values

    assert len(queries) == 2  # logged like any other query
    assert again == mine
    assert mine["performance"]["returned"] == 1
    assert theirs["performance"]["returned"] == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parameter_types::text FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"deputies_deputy"."constituency_id"%'],
        )
        (types,) = cursor.fetchone()
    assert types.count(",") == 0  # the deputy's id only; the day's dates are written in


def test_a_prepared_read_of_dicts_keeps_the_order_values_named(deputy, other_deputy):
    from django.db.models.functions import Length

    from deputies.models import Deputy

    def build(deputy):
        return (
            Deputy.objects.filter(pk=deputy)
            .annotate(name_length=Length("name"))
            .values("name_length", "code")
        )

    for someone in (deputy, other_deputy):
        assert facts.prepared(("test:dict-order",), build, deputy=someone.pk) == list(
            build(someone.pk)
        )


def test_a_page_reads_only_the_sources_it_names(deputy):
    """``keys`` (the training page): a statement of those sources alone, kept apart from the
    dashboard's; within a request, facts read for every source answer any page."""
    _rejected(deputy)
    facts._STATEMENTS.clear()
    request = _request(deputy.user)
    wanted = ("performance", facts.ACTIVITY_FACTS)
    some = facts.deputy_facts(request, keys=wanted)
    activities = {key for key in facts._SOURCES if key.startswith(facts.ACTIVITY_FACTS)}
    assert activities and set(some.values) == {"performance"} | activities
    assert some["performance"]["returned"] == 1
    with CaptureQueriesContext(connection) as queries:
        assert facts.deputy_facts(request, keys=wanted) is some
        assert facts.deputy_facts(_request(deputy.user), keys=wanted)["performance"]["returned"]
    assert len(queries) == 1 and len(facts._STATEMENTS) == 1  # compiled once, read afresh
    everything = facts.deputy_facts(request)
    assert set(everything.values) == set(facts._SOURCES) - facts._NAMED_ONLY
    assert everything["performance"] == some["performance"]
    with CaptureQueriesContext(connection) as queries:
        assert facts.deputy_facts(request, keys=("training",)) is everything
    assert len(queries) == 0


def test_a_pages_own_rows_are_read_only_where_named(deputy):
    """A source registered ``named_only`` (a page's own rows): the dashboard, reading every
    source, leaves it out; a page naming it reads it, even after every other source's facts
    were read in the same request (they do not hold it)."""
    from deputies.models import Deputy

    facts.register_facts(
        "test.own",
        lambda today: {"name": (Deputy.objects.filter(pk=facts.DEPUTY), "name")},
        named_only=True,
    )
    try:
        request = _request(deputy.user)
        everything = facts.deputy_facts(request)
        assert "test.own" not in everything.values
        with CaptureQueriesContext(connection) as queries:
            own = facts.deputy_facts(request, keys=("performance", "test.own"))
        assert len(queries) == 1 and own["test.own"]["name"] == deputy.name
        assert set(own.values) == {"performance", "test.own"}
        with CaptureQueriesContext(connection) as queries:
            assert facts.deputy_facts(request, keys=("performance",)) is everything
        assert len(queries) == 0
        facts.register_facts("test.own", lambda today: {})  # no longer named only
        assert "test.own" not in facts._NAMED_ONLY
    finally:
        facts._SOURCES.pop("test.own", None)
        facts._NAMED_ONLY.discard("test.own")
        facts._STATEMENTS.clear()


def test_a_rows_fact_gives_every_row_and_an_empty_list_for_none(deputy, other_deputy):
    from performance.models import LedgerEntry

    mine = [_rejected(deputy), _rejected(deputy)]
    facts.register_facts(
        "test.rows",
        lambda today: {
            "entries": (
                LedgerEntry.objects.filter(deputy=facts.DEPUTY),
                facts.Rows("pk", "status", "occurred_on", "rule__points"),
            )
        },
    )
    try:
        read = facts.read_facts(deputy, TODAY, keys=("test.rows",))["test.rows"]["entries"]
        none = facts.read_facts(other_deputy, TODAY, keys=("test.rows",))["test.rows"]["entries"]
    finally:
        facts._SOURCES.pop("test.rows")
        facts._STATEMENTS.clear()
    assert none == []
    assert sorted(row[0] for row in read) == sorted(e.pk for e in mine)
    for pk, status, occurred_on, points in read:
        stored = next(e for e in mine if e.pk == pk)
        assert status == stored.status and occurred_on == stored.occurred_on.isoformat()
        assert facts.decimal(points) == stored.rule.points
    # as a model instance: the ORM's values, the rest deferred
    entry = facts.row_instance(LedgerEntry, ("pk", "status", "occurred_on"), read[0][:3])
    assert entry.occurred_on == LedgerEntry.objects.get(pk=entry.pk).occurred_on
    assert entry.get_deferred_fields() >= {"title", "rule_id"}
