"""Issue #9's "done when", for the opinion path: a phone reads a station's QR code, opens
the page, sends an opinion and gets a tracking code; staff triage and reply in the admin;
the resident sees the reply by the code. The same through a deputy's code."""

from urllib.parse import urlparse

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from liaison.models import Opinion, OpinionStatus
from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory

from .factories import StationFactory
from .test_qr import decode_png

pytestmark = pytest.mark.django_db


def scan(client, qr_url: str) -> str:
    png = client.get(qr_url, {"format": "png"})
    assert png.status_code == 200
    text = decode_png(b"".join(png) if png.streaming else png.content)
    assert text, "the QR code did not decode"
    return urlparse(text).path


def test_station_qr_to_reply(staff_client, deputy):
    resident = Client()
    station = StationFactory()
    category = CategoryFactory(name="城市建设")
    path = scan(resident, reverse("liaison:station_qr", args=[station.pk]))
    assert path == reverse("liaison:opinion_station", args=[station.pk])
    page = resident.get(path)
    assert page.status_code == 200 and station.name in page.content.decode()
    done = resident.post(
        path,
        {
            "category": category.pk,
            "community": station.community.pk,
            "description": "小区门口窨井盖松动，晚上有人绊倒。",
            "contact_phone": "13912345678",
            "consent": "on",
        },
    )
    code = done.context["opinion"].tracking_code
    assert code in done.content.decode()

    changelist = reverse("admin:liaison_opinion_changelist")
    opinion = Opinion.objects.get(tracking_code=code)
    staff_client.post(
        changelist,
        {"action": "assign", ACTION_CHECKBOX_NAME: [opinion.pk], "apply": "1", "deputy": deputy.pk},
    )
    staff_client.post(
        changelist,
        {
            "action": "reply",
            ACTION_CHECKBOX_NAME: [opinion.pk],
            "apply": "1",
            "reply": "已通知市政养护单位，三日内更换。",
        },
    )
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.REPLIED and opinion.assigned_deputy == deputy

    tracked = resident.get(reverse("liaison:track"), {"code": code.lower()}, follow=True)
    body = tracked.content.decode()
    assert "已通知市政养护单位，三日内更换。" in body and "已答复" in body
    assert "13912345678" not in body


def test_deputy_code_addresses_the_deputy(deputy):
    own = Client()
    own.force_login(deputy.user)  # a deputy downloads their own code
    path = scan(own, reverse("liaison:deputy_qr", args=[deputy.code]))
    resident = Client()
    assert path == reverse("liaison:opinion_deputy", args=[deputy.code])
    resident.post(
        path,
        {
            "category": CategoryFactory().pk,
            "community": CommunityFactory().pk,
            "description": "希望代表关注学校周边交通。",
            "consent": "on",
        },
    )
    assert Opinion.objects.get().deputy == deputy
