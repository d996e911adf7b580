"""The clerk's workbench for stations, reception days and duties: lists and change pages render
for staff at a constant query count, attendance goes through the service (B03 once), the
roster's rules show as form errors, actions report each refusal."""

import datetime

import pytest
from django.test import Client

from core import clock
from core.audit import AuditEvent
from liaison.models import Duty, Station
from performance.models import LedgerEntry
from tests.deputies.factories import CommunityFactory, DeputyWithUserFactory
from tests.liaison.factories import DutyFactory, ReceptionDayFactory, StationFactory
from tests.performance.factories import rule_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def past_day(**kwargs):
    return ReceptionDayFactory(date=clock.today() - datetime.timedelta(days=3), **kwargs)


@pytest.fixture
def rules():
    """Rules for this year and for the year of ``past_day`` (the year before in early January)."""
    past_year = (clock.today() - datetime.timedelta(days=3)).year
    if past_year != clock.today().year:
        rule_set(past_year)
    return rule_set(clock.today().year)


def _stations(n):
    for _ in range(n):
        station = StationFactory()
        station.deputies.add(*DeputyWithUserFactory.create_batch(2))


def _days(n):
    for _ in range(n):
        day = past_day(station=StationFactory())
        DutyFactory.create_batch(2, reception_day=day)


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        ("/admin/liaison/station/", _stations),
        ("/admin/liaison/receptionday/", _days),
        ("/admin/liaison/duty/", _days),
        ("/admin/deputies/community/", lambda n: CommunityFactory.create_batch(n)),
    ],
)
def test_lists_render_with_constant_queries(admin_client, url, grow, django_assert_max_num_queries):
    grow(1)
    with django_assert_max_num_queries(40) as small:
        assert admin_client.get(url).status_code == 200
    grow(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(url)
    assert response.status_code == 200


def test_station_list_links_filters_and_counts(admin_client):
    station = StationFactory(name="滨江产业园代表联系点")
    station.deputies.add(*DeputyWithUserFactory.create_batch(3))
    page = admin_client.get("/admin/liaison/station/?host_type__exact=community").content.decode()
    assert station.name in page
    assert f"/liaison/stations/{station.pk}/qr.svg" in page
    assert f"/liaison/stations/{station.pk}/poster/" in page
    assert "二维码" in page and "打印海报" in page
    assert '<td class="field-deputy_count">3</td>' in page
    assert admin_client.get("/admin/liaison/station/?q=滨江").status_code == 200
    assert admin_client.get("/admin/liaison/station/?kind__exact=bogus").status_code in (200, 302)


def test_station_change_page_and_save_audited(admin_client):
    community = CommunityFactory()
    deputy = DeputyWithUserFactory()
    response = admin_client.post(
        "/admin/liaison/station/add/",
        {
            "name": "新站",
            "kind": "station",
            "host_type": "courier",
            "community": community.pk,
            "is_active": "on",
            "address": "",
            "opening_hours": "",
            "deputies": [deputy.pk],
        },
    )
    assert response.status_code == 302
    station = Station.objects.get(name="新站")
    assert list(station.deputies.all()) == [deputy]
    event = AuditEvent.objects.get(action="liaison.station.create")
    assert event.data == {"deputies": [deputy.code]}
    page = admin_client.get(f"/admin/liaison/station/{station.pk}/change/").content.decode()
    assert f"/liaison/stations/{station.pk}/poster/" in page
    assert 'class="selectfilter"' in page  # filter_horizontal on the deputies


def test_station_coordinates_constraint_is_a_form_error(admin_client):
    response = admin_client.post(
        "/admin/liaison/station/add/",
        {
            "name": "坐标不全",
            "kind": "point",
            "host_type": "community",
            "community": CommunityFactory().pk,
            "latitude": "30.1",
        },
    )
    assert response.status_code == 200
    assert "经纬度须同时填写且在有效范围内。" in response.content.decode()
    assert not Station.objects.filter(name="坐标不全").exists()


def test_station_activate_and_deactivate_actions(admin_client):
    a, b = StationFactory(), StationFactory(is_active=False)
    admin_client.post(
        "/admin/liaison/station/",
        {"action": "deactivate", "_selected_action": [a.pk, b.pk]},
    )
    assert not Station.objects.filter(is_active=True).exists()
    assert AuditEvent.objects.filter(action="liaison.station.deactivate").count() == 1
    admin_client.post("/admin/liaison/station/", {"action": "activate", "_selected_action": [a.pk]})
    assert Station.objects.get(pk=a.pk).is_active


def _day_form(day, duties, **changes):
    data = {
        "station": day.station.pk,
        "date": day.date.isoformat(),
        "starts_at": day.starts_at.strftime("%H:%M"),
        "ends_at": day.ends_at.strftime("%H:%M") if day.ends_at else "",
        "theme": day.theme,
        "topic": day.topic,
        "note": day.note,
        "duties-TOTAL_FORMS": str(len(duties)),
        "duties-INITIAL_FORMS": str(sum(1 for d in duties if d.get("id"))),
        "duties-MIN_NUM_FORMS": "0",
        "duties-MAX_NUM_FORMS": "1000",
    }
    for i, duty in enumerate(duties):
        for key, value in duty.items():
            data[f"duties-{i}-{key}"] = value
        data[f"duties-{i}-reception_day"] = day.pk
    data.update(changes)
    return data


def _attended(value):
    return {None: "unknown", True: "true", False: "false"}[value]


def test_inline_attendance_goes_through_the_service(admin_client, rules):
    day = past_day()
    duty = DutyFactory(reception_day=day)
    newcomer = DeputyWithUserFactory()
    url = f"/admin/liaison/receptionday/{day.pk}/change/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        _day_form(
            day,
            [
                {"id": duty.pk, "deputy": duty.deputy.pk, "attended": _attended(True)},
                {"deputy": newcomer.pk, "attended": _attended(None)},
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    duty.refresh_from_db()
    assert duty.attended is True
    assert LedgerEntry.objects.filter(deputy=duty.deputy, rule__code="B03").count() == 1
    assert Duty.objects.filter(reception_day=day, deputy=newcomer, attended=None).exists()
    assert AuditEvent.objects.filter(action="liaison.duty.attendance").count() == 1
    assert AuditEvent.objects.get(action="liaison.duty.set").data["added"] == [newcomer.code]


def test_inline_refuses_removing_a_marked_duty_and_future_attendance(admin_client, rules):
    day = past_day()
    duty = DutyFactory(reception_day=day, attended=False)
    url = f"/admin/liaison/receptionday/{day.pk}/change/"
    response = admin_client.post(
        url,
        _day_form(
            day, [{"id": duty.pk, "deputy": duty.deputy.pk, "attended": "false", "DELETE": "on"}]
        ),
    )
    assert response.status_code == 200
    assert "的到岗情况已登记，不能从值班名单中移除" in response.content.decode()
    assert Duty.objects.filter(pk=duty.pk).exists()

    future = ReceptionDayFactory(date=clock.today() + datetime.timedelta(days=5))
    coming = DutyFactory(reception_day=future)
    response = admin_client.post(
        f"/admin/liaison/receptionday/{future.pk}/change/",
        _day_form(future, [{"id": coming.pk, "deputy": coming.deputy.pk, "attended": "true"}]),
    )
    assert response.status_code == 200
    assert "还没到，到岗情况须在当天或之后登记" in response.content.decode()
    coming.refresh_from_db()
    assert coming.attended is None


def test_reception_day_slot_constraint_is_a_form_error(admin_client):
    day = past_day()
    response = admin_client.post("/admin/liaison/receptionday/add/", _day_form(day, []))
    assert response.status_code == 200
    assert "该站点同一日期同一时间已有接待安排。" in response.content.decode()


def test_mark_all_attended_action_reports_refusals(admin_client, rules):
    done = past_day()
    DutyFactory.create_batch(2, reception_day=done)
    future = ReceptionDayFactory(date=clock.today() + datetime.timedelta(days=2))
    DutyFactory(reception_day=future)
    response = admin_client.post(
        "/admin/liaison/receptionday/",
        {"action": "mark_all_attended", "_selected_action": [done.pk, future.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "已登记 2 人次。" in page and "还没到" in page
    assert LedgerEntry.objects.filter(rule__code="B03").count() == 2


def test_duty_list_actions(admin_client, rules):
    duty = DutyFactory(reception_day=past_day())
    admin_client.post(
        "/admin/liaison/duty/", {"action": "mark_attended", "_selected_action": [duty.pk]}
    )
    assert LedgerEntry.objects.filter(rule__code="B03", deputy=duty.deputy).count() == 1
    admin_client.post(
        "/admin/liaison/duty/", {"action": "mark_absent", "_selected_action": [duty.pk]}
    )
    duty.refresh_from_db()
    assert duty.attended is False
    assert not LedgerEntry.objects.filter(rule__code="B03", deputy=duty.deputy).exists()
    assert admin_client.get("/admin/liaison/duty/add/").status_code == 403


def test_admin_closed_to_deputies_and_anonymous(deputy):
    client = Client()
    assert client.get("/admin/liaison/station/").status_code == 302
    client.force_login(deputy.user)
    assert client.get("/admin/liaison/receptionday/").status_code in (302, 403)


def test_deputy_form_has_photo_and_community_admin(admin_client):
    deputy = DeputyWithUserFactory()
    page = admin_client.get(f"/admin/deputies/deputy/{deputy.pk}/change/").content.decode()
    assert 'name="photo"' in page and 'enctype="multipart/form-data"' in page
    community = CommunityFactory(name="东湖社区")
    page = admin_client.get("/admin/deputies/community/?q=东湖").content.decode()
    assert community.name in page
