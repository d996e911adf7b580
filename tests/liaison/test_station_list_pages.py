"""The public list of stations at district size: paged, narrowed to a community, and as cheap
with thirty stations as with three (issue #8)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deputies.models import Status
from liaison.models import StationKind
from liaison.views.station_pages import STATIONS_PER_PAGE
from tests.deputies.factories import CommunityFactory, DeputyFactory
from tests.liaison.factories import StationFactory

pytestmark = pytest.mark.django_db
URL = reverse("liaison:station_list")


def _names(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [station.name for station in response.context["page"].object_list]


def test_the_list_is_paged_and_narrowed_to_a_community(client):
    east, west = CommunityFactory(name="东社区"), CommunityFactory(name="西社区")
    StationFactory.create_batch(STATIONS_PER_PAGE, community=east)
    StationFactory.create_batch(3, community=west)
    StationFactory(community=west, is_active=False)
    assert len(_names(client)) == STATIONS_PER_PAGE
    assert len(_names(client, page=2)) == 3
    assert len(_names(client, page=999)) == 3  # past the end: the last page
    west_only = _names(client, community=west.pk)
    assert len(west_only) == 3
    page = client.get(URL, {"community": west.pk}).content.decode()
    assert f'<option value="{west.pk}" selected>西社区</option>' in page
    for odd in ("abc", "-1", "9" * 30, str(west.pk + east.pk + 100)):
        assert len(_names(client, community=odd)) == STATIONS_PER_PAGE  # unknown: everyone


def test_a_community_without_an_open_station_is_not_offered(client):
    StationFactory(community=CommunityFactory(name="有站社区"))
    StationFactory(community=CommunityFactory(name="另一社区"))
    StationFactory(community=CommunityFactory(name="撤站社区"), is_active=False)
    page = client.get(URL).content.decode()
    assert "有站社区" in page and "另一社区" in page
    assert "撤站社区" not in page


def test_the_list_costs_the_same_with_more_stations(client):
    StationFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    StationFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)


def test_the_next_page_keeps_the_community(client):
    east = CommunityFactory(name="东社区")
    StationFactory.create_batch(STATIONS_PER_PAGE + 1, community=east)
    StationFactory(community=CommunityFactory(name="西社区"))
    page = client.get(URL, {"community": east.pk}).content.decode()
    assert f"?community={east.pk}&amp;page=2" in page
    assert len(_names(client, community=east.pk, page=2)) == 1


def test_a_row_counts_its_serving_deputies_only(client):
    """Each row as the former template wrote it: its link, name, kind and community, the
    number of its serving deputies (resigned ones left out; none: no count) and address."""
    east = CommunityFactory(name="东社区")
    busy = StationFactory(name="甲站", community=east, address="示范路 <1> 号")
    busy.deputies.add(
        DeputyFactory(),
        DeputyFactory(),
        DeputyFactory(
            status=Status.RESIGNED, status_date=datetime.date(2026, 3, 1), status_reason="辞职"
        ),
        DeputyFactory(),
    )
    StationFactory(name="乙站", community=east, kind=StationKind.POINT, address="")
    page = client.get(URL).content.decode()
    assert (
        f'<a class="list-group-item list-group-item-action py-3" href="{URL}{busy.pk}/">\n'
        '      <div class="fw-semibold">甲站</div>\n'
        '      <div class="text-muted">代表联络站 · 东社区 · 3 名进站代表</div>\n'
        '      <div class="text-muted">示范路 &lt;1&gt; 号</div>\n'
        "    </a>"
    ) in page
    assert '<div class="text-muted">代表联系点 · 东社区</div>\n      \n    </a>' in page


def test_the_list_reads_two_queries(client):
    """The communities with their open stations' counts (the choices and the paginator's
    count), then the page's rows with their deputies' counts."""
    east = CommunityFactory(name="东社区")
    for station in StationFactory.create_batch(STATIONS_PER_PAGE + 2, community=east):
        station.deputies.add(DeputyFactory())
    client.get(URL)  # the site's settings and the like, read once per process: warm
    for params in ({}, {"page": 2}, {"community": east.pk, "page": 999}, {"page": "x"}):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        reads = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]  # atomic requests
        assert len(reads) == 2, params


def test_no_open_station(client):
    StationFactory(is_active=False)
    page = client.get(URL, {"page": 3}).content.decode()
    assert "暂无联络站点。" in page
