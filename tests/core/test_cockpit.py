"""The staff cockpit (/cockpit/): figures counted right, each leading to an admin list that
shows exactly what it counts, trends by month, the hot-spot map summed over its sources, odd
parameters answered calmly, and a query count that does not grow with the data."""

import html
import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock, cockpit
from liaison.models import OpinionStatus
from performance.models import EntryStatus
from suggestions.models import Status
from tests.deputies.factories import CommunityFactory, DeputyFactory
from tests.liaison.factories import ExternalEventFactory, OpinionFactory, VisitFactory
from tests.performance.factories import LedgerEntryFactory, rule_set
from tests.suggestions.factories import CategoryFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

TODAY = clock.today()
LAST_MONTH = TODAY.replace(day=1) - timedelta(days=1)
KPI = re.compile(
    r'<a class="desk-card cockpit-kpi[^"]*" href="([^"]*)">\s*'
    r'<span class="desk-count">([^<]*)</span>\s*'
    r'<span class="desk-label">([^<]*)</span>'
)


@pytest.fixture(autouse=True)
def _reference_data(db):
    from accounts.roles import sync_staff_permissions

    sync_staff_permissions()


def kpis(client, **params) -> dict[str, tuple[str, str]]:
    response = client.get("/cockpit/", params)
    assert response.status_code == 200
    page = response.content.decode()
    return {label: (count.strip(), html.unescape(href)) for href, count, label in KPI.findall(page)}


def result_count(client, url: str) -> int:
    """How many rows the admin list at ``url`` shows (its paginator's count)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def world(n: int = 1) -> dict:
    """``n`` of each countable thing, next to look-alikes that must not be counted."""
    rule_set(TODAY.year)
    deputy = DeputyFactory()
    for _ in range(n):
        LedgerEntryFactory(deputy=deputy, year=TODAY.year, occurred_on=TODAY)
        LedgerEntryFactory(
            deputy=deputy,
            year=TODAY.year,
            occurred_on=TODAY,
            status=EntryStatus.PENDING,
            reviewed_at=None,
        )
    # Rejected this month, and verified last month: neither is "this month's record".
    LedgerEntryFactory(
        deputy=deputy,
        year=TODAY.year,
        occurred_on=TODAY,
        status=EntryStatus.REJECTED,
        review_reason="不符合",
    )
    LedgerEntryFactory(deputy=deputy, year=LAST_MONTH.year, occurred_on=LAST_MONTH)
    east, west = CommunityFactory(name="东社区"), CommunityFactory(name="西社区")
    roads, noise = CategoryFactory(name="道路交通"), CategoryFactory(name="噪音扰民")
    kept = [OpinionFactory(community=east, category=roads, submitted_on=TODAY) for _ in range(n)]
    for _ in range(n):
        ExternalEventFactory(community=east, category=roads, occurred_on=TODAY)
        VisitFactory(community=west, category=noise, occurred_on=TODAY)
    OpinionFactory(
        community=east,
        category=roads,
        submitted_on=TODAY,
        status=OpinionStatus.MERGED,
        merged_into=kept[0],
    )
    OpinionFactory(community=west, category=noise, submitted_on=TODAY - timedelta(days=200))
    for _ in range(n):
        SuggestionFactory(
            lead_deputy=deputy,
            community=west,
            category=noise,
            submitted_on=TODAY,
            status=Status.SUBMITTED,
        )
    SuggestionFactory(
        lead_deputy=deputy,
        community=None,
        category=noise,
        submitted_on=TODAY,
        status=Status.SUBMITTED,
    )
    return {"east": east, "west": west, "roads": roads, "noise": noise}


def test_figures_are_counted_and_each_opens_the_list_it_counts(staff_client):
    world(2)
    cards = kpis(staff_client)
    assert cards["本月履职记录"][0] == "4"  # two verified + two pending, not the rejected one
    assert cards["待审核记录"][0] == "2"
    assert cards["本月群众意见"][0] == "2"  # the merged duplicate is the same matter
    assert cards["群众意见待分办"][0] == "3"  # open ones, whenever submitted (merged excluded)
    assert cards["本月接待群众"][0] == "2"
    assert cards["在任代表"][0] == "1"
    for label in ("本月履职记录", "待审核记录", "本月接待群众", "群众意见待分办", "在任代表"):
        count, url = cards[label]
        assert result_count(staff_client, url) == int(count), label


def test_every_figure_links_somewhere_that_opens(staff_client):
    world()
    for label, (_count, url) in kpis(staff_client).items():
        assert url.startswith("/"), label
        assert staff_client.get(url).status_code == 200, (label, url)


def test_trend_counts_by_month():
    world(3)
    trend = cockpit.trends(TODAY)
    assert trend["months"][-1] == TODAY.replace(day=1)
    assert len(trend["months"]) == 12
    series = {label: values for label, values, _url in trend["series"]}
    assert series["履职记录"][-1] == 6
    assert series["履职记录"][-2] == 1
    assert series["群众意见"][-1] == 3
    assert series["接待群众"][-1] == 3


def test_hot_spot_map_sums_its_sources_and_links_each(staff_client):
    found = world(2)
    heat = cockpit.heat_map(TODAY - timedelta(days=89), TODAY)
    assert heat.cells == {("东社区", "道路交通"): 4, ("西社区", "噪音扰民"): 4}
    assert heat.communities == ["东社区", "西社区"]  # busiest first, then by name
    west = {label: (n, url) for label, n, url in heat.by_source[("西社区", "噪音扰民")]}
    assert set(west) == {"接待", "代表建议"}
    assert result_count(staff_client, west["代表建议"][1]) == 2
    sources = {label: (n, url) for label, n, url in heat.by_source[("东社区", "道路交通")]}
    assert set(sources) == {"群众意见", "热线网格事件"}
    for n, url in sources.values():
        assert result_count(staff_client, url) == n
    assert found["east"].name in staff_client.get("/cockpit/").content.decode()


def test_period_parameter(staff_client):
    world()
    # The opinion 200 days ago counts only in the year's map.
    year_map = cockpit.heat_map(TODAY - timedelta(days=364), TODAY)
    assert year_map.cells[("西社区", "噪音扰民")] == 3
    for value in ("30", "365", "abc", "-1", "99999999999999999999", ""):
        response = staff_client.get("/cockpit/", {"days": value})
        assert response.status_code == 200, value
    assert staff_client.get("/cockpit/", {"days": "abc"}).context["days"] == 90
    assert staff_client.get("/cockpit/", {"days": "365"}).context["days"] == 365


def test_charts_are_json_data_not_script(staff_client):
    world()
    page = staff_client.get("/cockpit/").content.decode()
    for chart_id in ("cockpit-trend-0", "cockpit-heat"):
        match = re.search(
            rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page, re.S
        )
        assert match, chart_id
        option = json.loads(match.group(1))
        assert option["series"]
        assert f'data-chart="{chart_id}"' in page
    assert "vendor/echarts/echarts.min.js" in page


def test_query_count_does_not_grow_with_the_data(staff_client):
    world(1)
    staff_client.get("/cockpit/")
    cache.clear()  # count the trends and the map too, not only what is read fresh
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get("/cockpit/").status_code == 200
    world(40)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get("/cockpit/").status_code == 200
    assert len(large) == len(small)


def test_trends_and_map_are_kept_a_while_and_figures_are_fresh(staff_client):
    """The year's trends and the hot-spot map are counted once per ``FIGURES_MINUTES`` (the
    page says when); the figures above them are read on every visit."""
    world(1)
    with CaptureQueriesContext(connection) as first:
        first_page = staff_client.get("/cockpit/").content.decode()
    LedgerEntryFactory(deputy=DeputyFactory(), year=TODAY.year, occurred_on=TODAY)
    with CaptureQueriesContext(connection) as second:
        response = staff_client.get("/cockpit/")
    assert len(second) < len(first)
    assert response.context["trend"] == cockpit.remembered(f"trend-html:{TODAY}", dict)[1]["trend"]
    assert kpis(staff_client)["本月履职记录"][0] == "3"  # the new entry counted at once
    series = {label: values for label, values, _url in response.context["trend"]["series"]}
    assert series["履职记录"][-1] == 2  # the trend as counted on the first visit
    assert f"每 {cockpit.FIGURES_MINUTES} 分钟统计一次" in first_page
    cache.clear()
    fresh = staff_client.get("/cockpit/").context["trend"]
    assert {label: v for label, v, _url in fresh["series"]}["履职记录"][-1] == 3


def test_the_staff_desk_links_to_the_cockpit(staff_client):
    assert 'href="/cockpit/"' in staff_client.get("/admin/").content.decode()


def test_changing_the_period_swaps_only_the_map(staff_client):
    world()
    page = staff_client.get("/cockpit/").content.decode()
    assert 'hx-get="/cockpit/"' in page and 'hx-target="#heat-body"' in page
    assert "vendor/htmx/htmx.min.js" in page
    with CaptureQueriesContext(connection) as full:
        staff_client.get("/cockpit/", {"days": "30"})
    with CaptureQueriesContext(connection) as partial:
        response = staff_client.get("/cockpit/", {"days": "30"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="heat-body">')
    assert "<html" not in fragment and "cockpit-kpi" not in fragment
    assert "HX-Request" in response["Vary"]
    assert len(partial) < len(full)
    restore = staff_client.get(
        "/cockpit/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()  # going back needs the whole page


def test_rates_are_the_statistics_total_as_of_today(staff_client):
    """The completion and satisfaction rates come from the cockpit's own pass over the year's
    suggestions; they must read as the statistics page's total row."""
    from suggestions.models import Verdict
    from suggestions.statistics import suggestion_statistics
    from tests.suggestions.factories import HandlingUnitFactory, RegisteredSuggestionFactory

    unit = HandlingUnitFactory()
    year, assigned = TODAY.year, TODAY - timedelta(days=1)
    handled = {
        "lead_unit": unit,
        "assigned_on": assigned,
        "reply_deadline": TODAY,
        "deadline_limit": TODAY,
    }
    this_year = {"year": year, "registered_on": assigned}
    RegisteredSuggestionFactory(**this_year)
    RegisteredSuggestionFactory(**this_year, **handled, status=Status.IN_HANDLING)
    for verdict in (Verdict.SATISFIED, Verdict.SATISFIED, Verdict.BASIC):
        RegisteredSuggestionFactory(
            **this_year,
            **handled,
            status=Status.CONCLUDED,
            concluded_on=TODAY,
            latest_verdict=verdict,
            latest_evaluated_on=TODAY,
        )
    RegisteredSuggestionFactory(
        **this_year,
        **handled,
        status=Status.EVALUATED,
        latest_verdict=Verdict.UNSATISFIED,
        latest_evaluated_on=TODAY,
    )
    RegisteredSuggestionFactory(  # another year's: counted in neither
        year=year - 1,
        registered_on=TODAY.replace(year=year - 1, month=1, day=1),
        **handled,
        status=Status.CONCLUDED,
        concluded_on=TODAY,
        latest_verdict=Verdict.SATISFIED,
        latest_evaluated_on=TODAY,
    )
    total = next(
        row for row in suggestion_statistics(year=year, as_of=TODAY) if row.scope == "total"
    )
    assert (total.concluded, total.registered, total.satisfied, total.evaluated) == (3, 6, 2, 4)
    page = staff_client.get("/cockpit/").content.decode()
    for label, rate, detail in (
        ("办结率", total.completion_rate, "3 / 6"),
        ("满意率", total.satisfaction_rate, "2 / 4"),
    ):
        card = re.search(
            rf'<span class="desk-count">{rate}%</span>\s*<span class="desk-label">{label}</span>'
            rf'\s*<span class="desk-hint">{detail}</span>',
            page,
        )
        assert card, label


def test_the_map_shows_the_busiest_communities_and_the_table_every_one(staff_client):
    """A district has dozens of communities: the chart draws the busiest ``HEAT_COMMUNITIES``
    (and says so), so the page does not grow with them; the top-ten table ranks them all."""
    from core.views_cockpit import HEAT_COMMUNITIES

    noise = CategoryFactory(name="噪音扰民")
    communities = [CommunityFactory(name=f"社区{n:02d}") for n in range(HEAT_COMMUNITIES + 3)]
    for n, community in enumerate(communities):
        for _ in range(n + 1):  # the last ones are the busiest
            VisitFactory(community=community, category=noise, occurred_on=TODAY)
    cache.clear()
    response = staff_client.get("/cockpit/")
    page = response.content.decode()
    match = re.search(r'<script id="cockpit-heat" type="application/json">(.*?)</script>', page)
    option = json.loads(match.group(1))
    shown = [c.name for c in communities[::-1][:HEAT_COMMUNITIES]]
    assert option["yAxis"]["data"] == shown
    assert option["xAxis"]["data"] == ["噪音扰民"]
    assert len(option["series"][0]["data"]) == HEAT_COMMUNITIES
    assert f"图中为件数最多的 {HEAT_COMMUNITIES} 个社区" in page
    assert [row[0] for row in response.context["heat_rows"]] == shown[:10]


def test_training_completion_and_deputies_who_attended():
    """Enrolments made this year, those completed, and the deputies with any attendance
    counted once however many sessions and courses they attended."""
    import datetime as dt

    from tests.training.factories import AttendanceFactory, EnrollmentFactory
    from training import cockpit as training_cockpit

    noon = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    keen = DeputyFactory()
    first = EnrollmentFactory(deputy=keen, enrolled_at=noon, completed_on=TODAY)
    AttendanceFactory(enrollment=first)
    AttendanceFactory(enrollment=first)
    AttendanceFactory(enrollment=EnrollmentFactory(deputy=keen, enrolled_at=noon))
    AttendanceFactory(enrollment=EnrollmentFactory(enrolled_at=noon))
    EnrollmentFactory(enrolled_at=noon)  # enrolled, never came
    last_year = noon.replace(year=TODAY.year - 1, month=6, day=1)
    AttendanceFactory(enrollment=EnrollmentFactory(enrolled_at=last_year, completed_on=TODAY))
    cards = {kpi.label: kpi for kpi in training_cockpit.kpis(TODAY)}
    assert (cards["培训结业率"].value, cards["培训结业率"].detail) == ("25.0%", "1 / 4")
    assert cards["参训代表"].value == 2


def test_kept_figures_say_when_and_what_a_clerk_acts_on_is_fresh(staff_client):
    """Statistics nobody acts on at once (the roster, the rates, training) are counted once per
    ``FIGURES_MINUTES`` and each card says when; what waits for a clerk is read on every visit."""
    world(1)
    page = staff_client.get("/cockpit/").content.decode()
    kept_note = f"统计，每 {cockpit.FIGURES_MINUTES} 分钟更新"
    for label in ("在任代表", "办理中", "已办结", "办结率", "满意率", "培训结业率", "参训代表"):
        card = re.search(rf'desk-label">{label}</span>.*?</(?:a|div)>', page, re.S)
        assert card and kept_note in card.group(), label
    for label in ("待立案", "超期未答复", "待审核记录", "群众意见待分办"):
        card = re.search(rf'desk-label">{label}</span>.*?</(?:a|div)>', page, re.S)
        assert card and kept_note not in card.group(), label
    from deputies.models import Deputy
    from deputies.models import Status as DeputyStatus

    DeputyFactory()
    SuggestionFactory(status=Status.SUBMITTED)
    cards = kpis(staff_client)
    assert cards["待立案"][0] == "3"  # counted at once
    assert cards["在任代表"][0] == "1"  # as counted on the first visit
    cache.clear()
    serving = Deputy.objects.filter(status=DeputyStatus.SERVING).count()
    assert serving > 1 and kpis(staff_client)["在任代表"][0] == str(serving)


def test_a_visit_reads_the_figures_and_the_lists_in_one_statement(staff_client):
    """With the kept figures kept, a visit reads what a clerk acts on (the fresh counts and
    the decision lists) in one statement, without setting anything for a transaction."""
    world(1)
    staff_client.get("/cockpit/")  # the kept figures counted, the statement compiled
    with CaptureQueriesContext(connection) as captured:
        assert staff_client.get("/cockpit/").status_code == 200
    reads = [q["sql"] for q in captured if "desk_card" in q["sql"]]
    assert (
        len(reads) == 1
        and "performance:month" in reads[0]
        and "performance.decisions:talks" in reads[0]
    )
    assert not [q for q in captured if q["sql"].startswith("SET")]  # no SET LOCAL either
