"""The staff desk's cards for opinions and visits, the deputy's card and menu entry."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core import clock
from liaison.models import OpinionStatus, VisitStatus
from liaison.panels.opinions import deputy_panel, staff_panel
from liaison.services.opinions import new_tracking_code

from .factories import OpinionFactory, VisitFactory

pytestmark = pytest.mark.django_db


def opinion(**extra):
    return OpinionFactory(tracking_code=new_tracking_code(), **extra)


def test_staff_cards_count_and_link(staff_user, staff_client, settings):
    settings.LVZHI_OPINION_TRIAGE_DAYS = 3
    now = clock.now()
    opinion(submitted_at=now - datetime.timedelta(days=5))
    opinion(submitted_at=now - datetime.timedelta(hours=2))
    opinion(submitted_at=now - datetime.timedelta(days=9), status=OpinionStatus.REPLIED)
    VisitFactory(status=VisitStatus.OPEN)
    VisitFactory(status=VisitStatus.RESOLVED)
    request = RequestFactory().get("/admin/")
    request.user = staff_user
    items = staff_panel(request, now=now)["items"]
    assert [i.count for i in items] == [2, 1, 1]
    for item in items:  # every link opens a list that shows exactly the counted rows
        response = staff_client.get(item.url)
        assert response.status_code == 200, item.url
        assert response.context["cl"].result_count == item.count, item.url


def test_staff_desk_shows_the_cards(staff_client):
    opinion()
    body = staff_client.get(reverse("admin:index")).content.decode()
    assert "群众意见待分办" in body


def test_deputy_card_and_menu(deputy_client, deputy):
    opinion(deputy=deputy)
    opinion(assigned_deputy=deputy, status=OpinionStatus.ASSIGNED)
    opinion(deputy=deputy, status=OpinionStatus.CLOSED)
    visit = VisitFactory(occurred_on=clock.today())
    visit.deputies.add(deputy)
    request = RequestFactory().get("/")
    request.user = deputy.user
    panel = deputy_panel(request)
    shown = {"opinions": panel["opinions"], "visits": panel["visits"], "year": panel["year"]}
    assert shown == {"opinions": 2, "visits": 1, "year": clock.today().year}
    assert "待办群众意见 2 条" in panel["html"]  # the card, written in Python
    body = deputy_client.get(reverse("deputies:dashboard")).content.decode()
    assert reverse("liaison:visits") in body and reverse("liaison:my_opinions") in body


def test_no_panel_for_users_without_a_deputy(unit_user):
    request = RequestFactory().get("/")
    request.user = unit_user
    assert deputy_panel(request) is None
    assert staff_panel(request) is None
