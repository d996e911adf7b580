"""The facts the statistics read from the suggestion row stay equal to what the replies and
evaluations say, through every way a suggestion moves; and the statistics and the unit scores
cost the same number of queries whatever the data."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from suggestions import services
from suggestions.importer import suggestions_import
from suggestions.models import Status, Suggestion, Verdict
from suggestions.scoring import unit_scores
from suggestions.statistics import suggestion_statistics
from tests.deputies.factories import DeputyFactory

from . import helpers
from .factories import CategoryFactory, HandlingUnitFactory

pytestmark = pytest.mark.django_db


def recomputed(s: Suggestion) -> dict:
    """The facts as the old statistics derived them, from the replies and evaluations."""
    first = s.replies.order_by("replied_on", "id").first()
    latest = s.evaluations.order_by("-evaluated_on", "-id").first()
    return {
        "first_replied_on": first and first.replied_on,
        "first_reply_days": first and (first.replied_on - s.assigned_on).days,
        "latest_verdict": latest.verdict if latest else "",
        "latest_evaluated_on": latest and latest.evaluated_on,
        "latest_implementation_score": latest and latest.implementation_score,
    }


def stored(s: Suggestion) -> dict:
    s.refresh_from_db()
    return {key: getattr(s, key) for key in recomputed(s)}


def test_reply_then_evaluation_store_the_facts():
    s = helpers.replied()
    assert stored(s) == recomputed(s)
    assert (s.first_replied_on, s.first_reply_days, s.latest_verdict) == (
        helpers.REPLIED_ON,
        (helpers.REPLIED_ON - helpers.ASSIGNED_ON).days,
        "",
    )
    services.evaluation_submit(
        suggestion=s,
        deputy=s.lead_deputy,
        verdict=Verdict.BASIC,
        implementation_score=75,
        evaluated_on=helpers.EVALUATED_ON,
        actor=None,
    )
    assert stored(s) == recomputed(s)
    assert (s.latest_verdict, s.latest_evaluated_on, s.latest_implementation_score) == (
        Verdict.BASIC,
        helpers.EVALUATED_ON,
        75,
    )


def test_rehandling_keeps_the_first_reply_and_moves_the_latest_evaluation():
    """不满意 → 重办 → second reply → second evaluation."""
    s = helpers.evaluated(verdict=Verdict.UNSATISFIED, score=20)
    assert s.status == Status.IN_HANDLING
    assert stored(s) == recomputed(s)
    assert (s.latest_verdict, s.latest_implementation_score) == (Verdict.UNSATISFIED, 20)
    days = s.first_reply_days
    services.reply_submit(
        suggestion=s,
        unit=s.lead_unit,
        result_class="A",
        content="已重新办理。",
        replied_on=date(2026, 6, 15),
        actor=None,
    )
    assert stored(s) == recomputed(s)
    assert (s.first_replied_on, s.first_reply_days) == (helpers.REPLIED_ON, days)
    services.evaluation_submit(
        suggestion=s,
        deputy=s.lead_deputy,
        verdict=Verdict.SATISFIED,
        implementation_score=85,
        evaluated_on=date(2026, 6, 20),
        actor=None,
    )
    assert stored(s) == recomputed(s)
    assert (s.latest_verdict, s.latest_evaluated_on, s.latest_implementation_score) == (
        Verdict.SATISFIED,
        date(2026, 6, 20),
        85,
    )
    # Dated between the two evaluations, the statistics count the verdict that stood then.
    then = suggestion_statistics(year=2026, as_of=date(2026, 6, 1))[0]
    assert (then.evaluated, then.satisfied) == (1, 0)
    now = suggestion_statistics(year=2026, as_of=date(2026, 6, 25))[0]
    assert (now.evaluated, now.satisfied) == (1, 1)
    before = suggestion_statistics(year=2026, as_of=date(2026, 5, 10))[0]
    assert (before.evaluated, before.median_days_to_reply) == (0, days)


def test_reassignment_keeps_the_assignment_date_the_days_count_from(staff_user):
    today = clock.today()
    s = helpers.assigned(on=today - timedelta(days=10))
    assert stored(s) == recomputed(s) and s.first_reply_days is None
    other = HandlingUnitFactory(with_user=True)
    services.suggestion_reassign(suggestion=s, lead_unit=other, actor=staff_user, on=today)
    s.refresh_from_db()
    assert (s.lead_unit, s.assigned_on) == (other, today - timedelta(days=10))
    services.reply_submit(
        suggestion=s, unit=other, result_class="A", content="已办理。", replied_on=today, actor=None
    )
    assert stored(s) == recomputed(s)
    assert s.first_reply_days == 10


def test_import_sets_the_facts(tmp_path):
    DeputyFactory(code="D001")
    HandlingUnitFactory(name="区教育局")
    CategoryFactory(name="教育")
    path = tmp_path / "s.csv"
    path.write_text(
        "编号,标题,类型,类别,领衔代表编号,主办单位,立案日期,交办日期,"
        "答复期限,答复日期,办理结果,评价,办结日期\n"
        ",学校食堂监管,建议,教育,D001,区教育局,2026-02-01,2026-02-03,2026-04-03,"
        "2026-03-10,A,满意,2026-04-01\n"
        ",操场开放,建议,教育,D001,区教育局,2026-02-05,2026-02-06,,2026-02-26,B,,\n"
        ",新的想法,建议,教育,D001,,2026-02-05,,,,,,\n",
        encoding="utf-8",
    )
    result = suggestions_import(source=str(path), filename="s.csv")
    assert not result.errors, result.errors
    concluded, replied, registered = Suggestion.objects.order_by("id")
    for s in (concluded, replied, registered):
        assert stored(s) == recomputed(s)
    assert (concluded.first_reply_days, concluded.latest_verdict) == (35, Verdict.SATISFIED)
    assert (replied.first_reply_days, replied.latest_evaluated_on) == (20, None)
    assert registered.first_replied_on is None


def test_database_refuses_half_an_evaluation():
    from django.db import IntegrityError, transaction

    s = helpers.replied()
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=s.pk).update(latest_verdict=Verdict.SATISFIED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=s.pk).update(first_replied_on=None)


# --- query counts at two sizes ----------------------------------------------------------------


def grow(n: int) -> None:
    """``n`` more suggestions of 2026 in several states, units and categories."""
    for i in range(n):
        unit = HandlingUnitFactory()
        category = CategoryFactory()
        kind = i % 4
        if kind == 0:
            helpers.assigned(unit=unit, category=category)
        elif kind == 1:
            helpers.replied(unit=unit, category=category)
        elif kind == 2:
            helpers.evaluated(unit=unit, category=category)
        else:
            helpers.concluded(unit=unit, category=category)


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "compute",
    [
        lambda: suggestion_statistics(year=2026, as_of=date(2026, 11, 30)),
        lambda: suggestion_statistics(year=2026, as_of=date(2026, 5, 25)),
        lambda: unit_scores(2026),
    ],
    ids=["statistics", "statistics-dated-earlier", "unit-scores"],
)
def test_computations_cost_the_same_queries_at_two_sizes(compute):
    grow(3)
    small = count_queries(compute)
    grow(9)
    assert count_queries(compute) == small


def test_stats_page_and_report_cost_the_same_queries_at_two_sizes(staff_client, tmp_path):
    from django.core.management import call_command

    url = reverse("suggestions:staff_stats") + "?year=2026&as_of=2026-11-30"
    staff_client.get(url)  # session and first-request caches settle

    def report():
        call_command("suggestions_report", "--year", "2026", "--format", "csv",
                     "--output", str(tmp_path / "r.csv"))  # fmt: skip

    grow(3)
    small_page, small_report = count_queries(lambda: staff_client.get(url)), count_queries(report)
    grow(9)
    response = staff_client.get(url)
    assert response.status_code == 200
    assert count_queries(lambda: staff_client.get(url)) == small_page
    assert count_queries(report) == small_report


def test_scale_data_keeps_the_facts_as_the_workflow_would():
    import io

    from django.core.management import call_command

    call_command(
        "generate_scale_data",
        deputies=12,
        entries_per_deputy=2,
        suggestions=40,
        stdout=io.StringIO(),
    )
    rows = Suggestion.objects.exclude(assigned_on__isnull=True)
    assert rows.filter(latest_evaluated_on__isnull=False).exists()
    for s in rows:
        assert stored(s) == recomputed(s), s.pk


def test_stats_page_counts_once_for_a_while_and_the_download_stays_fresh(staff_client):
    """The page's whole-year figures are shared for a few minutes (and it says when they were
    counted); the CSV is counted on each download."""
    url = reverse("suggestions:staff_stats") + "?year=2026&as_of=2026-11-30"
    grow(4)
    first = staff_client.get(url).content.decode()
    assert "本次统计于" in first
    grow(4)
    with CaptureQueriesContext(connection) as ctx:
        again = staff_client.get(url).content.decode()
    assert not [q for q in ctx.captured_queries if "suggestions_suggestion" in q["sql"]]
    assert again.count("<tr") == first.count("<tr")  # the same rows, not yet the new units
    csv = staff_client.get(url + "&format=csv").content.decode("utf-8-sig")
    total = next(line for line in csv.splitlines() if line.startswith("合计,")).split(",")
    assert total[2] == str(Suggestion.objects.filter(year=2026).count()) == "8"
