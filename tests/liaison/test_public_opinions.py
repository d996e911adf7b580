"""The residents' opinion page and the tracking page: no login, bad input refused with a
message (never a 500), floods get 429, text escaped, contact data never shown."""

import datetime
import re

import pytest
from django.urls import reverse

from liaison.models import Opinion, OpinionStatus
from liaison.services import opinions as services
from liaison.views.public import ERR_TOO_MANY, ERR_TOO_MANY_LOOKUPS
from tests.deputies.factories import CommunityFactory, DeputyFactory
from tests.suggestions.factories import CategoryFactory

from .factories import OpinionFactory, StationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def station():
    return StationFactory()


@pytest.fixture
def category():
    return CategoryFactory()


def data(category, community, **extra):
    return {
        "category": category.pk,
        "community": community.pk,
        "description": "小区门口的路灯坏了，晚上很黑。",
        "contact_name": "李先生",
        "contact_phone": "13912345678",
        "consent": "on",
        **extra,
    }


def post(client, url, payload, ip="198.51.100.10", **extra):
    return client.post(url, payload, REMOTE_ADDR=ip, **extra)


def test_url_names_the_qr_codes_reverse():
    assert reverse("liaison:opinion_station", args=[7]) == "/liaison/opinion/s/7/"
    assert reverse("liaison:opinion_deputy", args=["D001"]) == "/liaison/opinion/d/D001/"
    assert reverse("liaison:opinion_new") == "/liaison/opinion/"
    assert reverse("liaison:track") == "/liaison/track/"


def test_station_page_opens_without_login(client, station):
    response = client.get(reverse("liaison:opinion_station", args=[station.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert station.name in body
    assert "隐私说明" in body
    assert 'name="website"' in body  # the honeypot is in the form


def test_submission_gives_a_tracking_code_and_page(client, station, category):
    url = reverse("liaison:opinion_station", args=[station.pk])
    response = post(client, url, data(category, station.community))
    assert response.status_code == 200
    opinion = Opinion.objects.get()
    assert opinion.station == station
    assert opinion.contact_phone == "13912345678"
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{10}", opinion.tracking_code)
    body = response.content.decode()
    assert opinion.tracking_code in body
    assert reverse("liaison:track_code", args=[opinion.tracking_code]) in body


def test_deputy_page_addresses_the_deputy_and_shows_name_and_level(client, category):
    deputy = DeputyFactory()
    community = CommunityFactory()
    url = reverse("liaison:opinion_deputy", args=[deputy.code])
    page = client.get(url).content.decode()
    assert deputy.name in page and deputy.get_level_display() in page
    post(client, url, data(category, community))
    assert Opinion.objects.get().deputy == deputy


def test_page_without_station_works(client, category):
    community = CommunityFactory()
    post(client, reverse("liaison:opinion_new"), data(category, community))
    opinion = Opinion.objects.get()
    assert opinion.station is None and opinion.deputy is None


@pytest.mark.parametrize("kind", ["inactive", "unknown"])
def test_inactive_or_unknown_station_is_404(client, station, kind):
    if kind == "inactive":
        station.is_active = False
        station.save()
        pk = station.pk
    else:
        pk = station.pk + 999
    assert client.get(reverse("liaison:opinion_station", args=[pk])).status_code == 404


def test_unknown_or_departed_deputy_is_404(client):
    assert client.get("/liaison/opinion/d/NOPE/").status_code == 404
    gone = DeputyFactory(
        status="resigned", status_date=datetime.date(2025, 1, 1), status_reason="辞职"
    )
    assert client.get(reverse("liaison:opinion_deputy", args=[gone.code])).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": ""}, "必填"),
        ({"description": "   "}, "必填"),
        ({"consent": ""}, "须同意隐私说明"),
        ({"contact_phone": "12345"}, "联系电话格式不正确"),
        ({"category": "999999"}, "请选择有效的类别"),
        ({"community": "999999"}, "请选择有效的社区"),
        ({"category": "abc"}, "请选择有效的类别"),
        ({"contact_name": "名" * 51}, "50"),
    ],
)
def test_bad_input_is_refused_with_a_message(client, station, category, change, message):
    url = reverse("liaison:opinion_station", args=[station.pk])
    payload = data(category, station.community)
    payload.update(change)
    payload = {k: v for k, v in payload.items() if v != "" or k == "description"}
    response = post(client, url, payload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Opinion.objects.exists()


def test_inactive_category_or_community_is_refused(client, station, category):
    category.is_active = False
    category.save()
    url = reverse("liaison:opinion_station", args=[station.pk])
    response = post(client, url, data(category, station.community))
    assert "请选择有效的类别" in response.content.decode()
    assert not Opinion.objects.exists()


def test_oversized_text_is_refused_and_kept(client, station, category, settings):
    settings.LVZHI_OPINION_MAX_CHARS = 50
    url = reverse("liaison:opinion_station", args=[station.pk])
    response = post(client, url, data(category, station.community, description="长" * 51))
    assert response.status_code == 200
    assert "50" in response.content.decode()
    assert "长" * 51 in response.content.decode()  # the resident's text is not lost
    assert not Opinion.objects.exists()


def test_oversized_body_is_413_not_500(client, station, category, settings):
    settings.LVZHI_OPINION_MAX_CHARS = 10
    url = reverse("liaison:opinion_station", args=[station.pk])
    response = post(client, url, data(category, station.community, description="x" * 300_000))
    assert response.status_code == 413
    assert not Opinion.objects.exists()


def test_honeypot_looks_like_success_but_stores_nothing(client, station, category):
    url = reverse("liaison:opinion_station", args=[station.pk])
    response = post(client, url, data(category, station.community, website="http://spam"))
    assert response.status_code == 200
    assert "感谢" in response.content.decode()
    assert not Opinion.objects.exists()


def test_script_tags_are_escaped_on_every_page(client, station, category):
    url = reverse("liaison:opinion_station", args=[station.pk])
    evil = "<script>alert(1)</script>"
    post(client, url, data(category, station.community, description=evil, contact_name=evil))
    opinion = Opinion.objects.get()
    services.opinion_reply(opinion=opinion, reply=evil, actor=None)
    page = client.get(reverse("liaison:track_code", args=[opinion.tracking_code]))
    body = page.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    # the refused form re-shows the text escaped too
    again = post(client, url, data(category, station.community, description=evil, consent=""))
    assert "<script>alert(1)</script>" not in again.content.decode()


def test_flood_from_one_address_gets_429_with_retry_after(client, station, category, settings):
    settings.LVZHI_OPINIONS_PER_HOUR = 2
    url = reverse("liaison:opinion_station", args=[station.pk])
    for _ in range(2):
        assert post(client, url, data(category, station.community)).status_code == 200
    response = post(client, url, data(category, station.community, description="第三条意见"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert ERR_TOO_MANY[:8] in body
    assert "第三条意见" in body  # kept on the page
    assert Opinion.objects.count() == 2
    # another address is not affected
    assert (
        post(client, url, data(category, station.community), ip="198.51.100.99").status_code == 200
    )
    assert Opinion.objects.count() == 3


@pytest.mark.parametrize("hops", [1, 2])
def test_flood_is_counted_by_the_address_behind_trusted_proxies(
    client, station, category, settings, hops
):
    settings.LVZHI_OPINIONS_PER_HOUR = 1
    settings.LVZHI_TRUSTED_PROXY_HOPS = hops
    url = reverse("liaison:opinion_station", args=[station.pk])
    proxies = ", ".join(["10.0.0.1"] * (hops - 1))

    def forwarded(client_ip, claimed="1.1.1.1"):
        chain = [claimed, client_ip] + ([proxies] if proxies else [])
        return ", ".join(chain)

    first = post(
        client,
        url,
        data(category, station.community),
        ip="10.0.0.9",
        HTTP_X_FORWARDED_FOR=forwarded("203.0.113.5"),
    )
    assert first.status_code == 200
    # same client, a different forged leftmost entry: still the same client
    second = post(
        client,
        url,
        data(category, station.community),
        ip="10.0.0.9",
        HTTP_X_FORWARDED_FOR=forwarded("203.0.113.5", claimed="9.9.9.9"),
    )
    assert second.status_code == 429
    # another client behind the same proxy is counted apart
    third = post(
        client,
        url,
        data(category, station.community),
        ip="10.0.0.9",
        HTTP_X_FORWARDED_FOR=forwarded("203.0.113.6"),
    )
    assert third.status_code == 200


def test_rating_page_flood_is_429_too(client, settings):
    from tests.suggestions import helpers

    settings.LVZHI_SUGGESTIONS_RATINGS_PER_HOUR = 1
    s = helpers.replied()
    url = f"/suggestions/rate/{s.public_token}/"
    client.post(url, {"score": "70", "phone": "13800000001"})
    client.cookies.clear()
    response = client.post(url, {"score": "70", "phone": "13800000002"})
    assert response.status_code == 429
    assert response["Retry-After"]


# --- tracking ---------------------------------------------------------------------------------


def test_tracking_shows_status_and_reply_but_never_contact_data(client):
    opinion = OpinionFactory(
        tracking_code="QWERTYUPAS", contact_name="赵女士", contact_phone="13700001111"
    )
    services.opinion_reply(opinion=opinion, reply="已联系城管部门处理。", actor=None)
    response = client.get(reverse("liaison:track_code", args=[opinion.tracking_code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "已联系城管部门处理。" in body and "已答复" in body
    assert "赵女士" not in body and "13700001111" not in body and "1111" not in body


def test_tracking_form_redirects_and_accepts_lower_case(client):
    opinion = OpinionFactory(tracking_code="ABCDEFGHJK")
    response = client.get(reverse("liaison:track"), {"code": " abcde-fghjk "})
    assert response.status_code == 302
    assert response["Location"] == reverse("liaison:track_code", args=["ABCDEFGHJK"])
    lower = client.get(reverse("liaison:track_code", args=["abcdefghjk"]))
    assert lower.status_code == 302
    assert client.get(lower["Location"]).context["opinion"] == opinion


@pytest.mark.parametrize("code", ["ZZZZZZZZZZ", "<script>", "0000000000", "x" * 500, "A"])
def test_forged_code_is_a_clear_404(client, code):
    OpinionFactory(tracking_code="ABCDEFGHJK")
    response = client.get(f"/liaison/track/{code}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "没有找到查询码" in body
    assert "<script>" not in body


def test_bad_code_in_the_form_is_a_message(client):
    response = client.get(reverse("liaison:track"), {"code": "0O1I"})
    assert response.status_code == 200
    assert "查询码应为 10 位" in response.content.decode()


def test_tracking_lookups_are_limited(client, settings):
    settings.LVZHI_TRACK_LOOKUPS_PER_HOUR = 3
    for _ in range(3):
        assert client.get("/liaison/track/ZZZZZZZZZZ/").status_code == 404
    response = client.get("/liaison/track/ZZZZZZZZZZ/")
    assert response.status_code == 429
    assert ERR_TOO_MANY_LOOKUPS in response.content.decode()


def test_merged_opinion_shows_the_survivors_status_and_reply(client):
    survivor = OpinionFactory(tracking_code="SURVAVBRXX")
    duplicate = OpinionFactory(tracking_code="DUPKACATEZ")
    services.opinion_merge(opinions=[survivor, duplicate], into=survivor, actor=None)
    services.opinion_reply(opinion=survivor, reply="合并办理的答复", actor=None)
    body = client.get(reverse("liaison:track_code", args=[duplicate.tracking_code])).content
    body = body.decode()
    assert "已合并办理" in body and survivor.tracking_code in body
    assert "合并办理的答复" in body
    duplicate.refresh_from_db()
    assert duplicate.status == OpinionStatus.MERGED


@pytest.mark.parametrize(
    "url",
    [
        "/liaison/opinion/s/99999999999999999999999/",
        "/liaison/opinion/s/0/",
        "/liaison/opinion/d/%3Cscript%3E/",
        "/liaison/track/%00/",
    ],
)
def test_odd_addresses_are_404_not_500(client, url):
    assert client.get(url).status_code == 404
