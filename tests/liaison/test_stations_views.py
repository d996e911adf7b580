"""Station codes, posters, deputy codes and 我的接待, for each role; the codes decode (OpenCV)
to the public opinion pages, which open."""

import datetime
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client

from core import clock
from deputies.models import Status
from performance.models import Publication
from tests.deputies.factories import DeputyWithUserFactory
from tests.liaison.factories import DutyFactory, ReceptionDayFactory, StationFactory
from tests.liaison.test_qr import decode_png

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def station(deputy):
    station = StationFactory(name="东湖社区人大代表之家", address="东湖路 18 号")
    station.deputies.add(deputy)
    return station


# --- station QR ------------------------------------------------------------------------------


def test_station_code_decodes_to_its_opinion_page_which_opens(client, station):
    png = client.get(f"/liaison/stations/{station.pk}/qr.svg?format=png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert f'filename="station-{station.pk}.png"' in png["Content-Disposition"]
    url = decode_png(png.content)
    assert url == f"http://testserver/liaison/opinion/s/{station.pk}/"
    page = client.get(urlparse(url).path)
    assert page.status_code == 200
    assert station.name in page.content.decode()


def test_station_code_svg_for_anyone(client, station):
    response = client.get(f"/liaison/stations/{station.pk}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_closed_or_unknown_station_code(client, deputy_client, station, staff_user):
    station.is_active = False
    station.save()
    assert client.get(f"/liaison/stations/{station.pk}/qr.svg").status_code == 404
    assert deputy_client.get(f"/liaison/stations/{station.pk}/qr.svg").status_code == 404
    assert login(staff_user).get(f"/liaison/stations/{station.pk}/qr.svg").status_code == 200
    assert Client().get("/liaison/stations/999999/qr.svg").status_code == 404


# --- poster ----------------------------------------------------------------------------------


def test_poster_for_staff_only(station, deputy, unit_user, staff_user):
    url = f"/liaison/stations/{station.pk}/poster/"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert login(deputy.user).get(url).status_code == 403
    assert login(unit_user).get(url).status_code == 403
    assert login(staff_user).get(url).status_code == 200
    assert login(staff_user).get("/liaison/stations/999999/poster/").status_code == 404


def test_poster_shows_station_code_deputies_and_published_scores(station, deputy, staff_user):
    other = DeputyWithUserFactory(name="李四", workplace="东湖小学")
    gone = DeputyWithUserFactory(
        name="离任者", status=Status.RESIGNED, status_date=datetime.date(2026, 1, 5),
        status_reason="调离",
    )  # fmt: skip
    station.deputies.add(other, gone)
    year = clock.today().year
    Publication.objects.create(
        year=year,
        quarter=3,
        rows=[{"code": deputy.code, "rank": 2, "total": "86.5", "duty_days": 14}],
    )
    page = login(staff_user).get(f"/liaison/stations/{station.pk}/poster/").content.decode()
    assert settings.LVZHI_COMMITTEE_NAME in page
    assert station.name in page and station.address in page and station.opening_hours in page
    assert "@page { size: A4" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert f"http://testserver/liaison/opinion/s/{station.pk}/" in page
    assert deputy.name in page and "李四" in page and "离任者" not in page
    assert "第 3 季度亮分：86.5 分，履职 14 天" in page
    assert "本年度履职积分尚未公布" in page  # 李四 is not in the published table
    assert "暂无照片" in page  # no photo: the placeholder


def test_poster_queries_do_not_grow_with_deputies(
    station, staff_user, django_assert_max_num_queries
):
    client = login(staff_user)
    url = f"/liaison/stations/{station.pk}/poster/"
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    station.deputies.add(*DeputyWithUserFactory.create_batch(6))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- deputy code -----------------------------------------------------------------------------


def test_deputy_code_for_self_and_staff_only(deputy, other_deputy, unit_user, staff_user):
    own = f"/liaison/deputies/{deputy.code}/qr.svg"
    page = f"/liaison/deputies/{deputy.code}/code/"
    for url in (own, page):
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        assert login(deputy.user).get(url).status_code == 200
        assert login(other_deputy.user).get(url).status_code == 404
        assert login(unit_user).get(url).status_code == 404
        assert login(staff_user).get(url).status_code == 200
    assert login(staff_user).get("/liaison/deputies/NOPE/qr.svg").status_code == 404


def test_deputy_code_decodes_to_the_page_addressed_to_them(deputy):
    client = login(deputy.user)
    png = client.get(f"/liaison/deputies/{deputy.code}/qr.svg?format=png")
    url = decode_png(png.content)
    assert url == f"http://testserver/liaison/opinion/d/{deputy.code}/"
    page = Client().get(urlparse(url).path)
    assert page.status_code == 200
    assert deputy.name in page.content.decode()
    card = client.get(f"/liaison/deputies/{deputy.code}/code/").content.decode()
    assert deputy.name in card and url in card and "<svg" in card


# --- 我的接待 and the dashboard ----------------------------------------------------------------


def test_my_duties_lists_own_coming_and_past(deputy, other_deputy, station):
    today = clock.today()
    coming = DutyFactory(
        deputy=deputy,
        reception_day=ReceptionDayFactory(
            station=station, date=today + datetime.timedelta(days=1), topic="加装电梯专题"
        ),
    )
    DutyFactory(
        deputy=deputy,
        attended=True,
        reception_day=ReceptionDayFactory(
            station=station, date=today - datetime.timedelta(days=7), topic="上周的接待"
        ),
    )
    DutyFactory(
        deputy=other_deputy,
        reception_day=ReceptionDayFactory(
            station=station, date=today + datetime.timedelta(days=2), topic="别人的接待"
        ),
    )
    page = login(deputy.user).get("/liaison/my/duties/").content.decode()
    assert "加装电梯专题" in page and "上周的接待" in page and "已到岗" in page
    assert "别人的接待" not in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page  # their deputy code
    assert page.index("加装电梯专题") < page.index("上周的接待")
    home = login(deputy.user).get("/deputy/").content.decode()
    assert "接待日值班" in home and "加装电梯专题" in home and "别人的接待" not in home
    assert "/liaison/my/duties/" in home  # the nav entry and the panel link
    assert coming.reception_day.station.name in home


def test_my_duties_for_deputies_only(unit_user, staff_user):
    anonymous = Client().get("/liaison/my/duties/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert login(unit_user).get("/liaison/my/duties/").status_code == 403
    assert login(staff_user).get("/liaison/my/duties/").status_code == 403


def test_my_duties_empty(deputy):
    page = login(deputy.user).get("/liaison/my/duties/").content.decode()
    assert "暂无接待安排" in page and "暂无记录" in page
