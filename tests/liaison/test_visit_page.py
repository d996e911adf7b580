"""The deputy's visits page read by compiled statements (``deputy_visit_page``) lists, page by
page, the visits ``visits_for`` gives in the page's order, each with its deputies present in
code order, and counts them; a visit the deputy only logged is there too."""

import datetime

import pytest
from django.urls import reverse

from liaison.selectors_visits import deputy_visit_page, visits_for
from tests.deputies.factories import DeputyFactory

from .factories import StationFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_pages_are_the_visits_for_the_deputy_in_order(deputy):
    station, other = StationFactory(), DeputyFactory(code="A0001")
    for i in range(23):
        visit = VisitFactory(station=station, occurred_on=datetime.date(2026, 1, 1 + i % 5))
        visit.deputies.add(deputy, *([other] if i % 3 == 0 else []))
    logged = VisitFactory(station=station, created_by=deputy.user)
    VisitFactory(station=station)  # neither attended nor logged
    expected = list(visits_for(deputy.user).order_by("-occurred_on", "-id"))
    assert logged in expected and len(expected) == 24
    seen = []
    for number in ("1", "2", "3"):
        page, visits, present = deputy_visit_page(deputy, deputy.user, number, 20)
        assert page.paginator.count == 24
        seen += visits
        for visit in visits:
            names = [(d.pk, d.name) for d in visit.deputies.order_by("code")]
            assert present[visit.pk] == names
            assert visit.station.name == station.name  # the station comes along
    assert [v.pk for v in seen[:24]] == [v.pk for v in expected]


def test_the_page_shows_every_visit_of_its_page(deputy_client, deputy):
    for _ in range(3):
        VisitFactory().deputies.add(deputy)
    body = deputy_client.get(reverse("liaison:visits")).content.decode()
    assert body.count('class="list-group-item"') == 3


def test_logged_and_attended_visits_interleave_across_pages(deputy):
    """Each part of the page's union is cut at the page's end (``first``): the visits the
    deputy logged and those they attended still interleave by date on every page, a visit
    both logged and attended is counted and listed once, and the last page is right."""
    station = StationFactory()
    for i in range(25):
        day = datetime.date(2026, 3, 1) + datetime.timedelta(days=i)
        VisitFactory(station=station, occurred_on=day).deputies.add(deputy)
        logged = VisitFactory(station=station, occurred_on=day, created_by=deputy.user)
        if i % 5 == 0:
            logged.deputies.add(deputy)
    expected = [v.pk for v in visits_for(deputy.user).order_by("-occurred_on", "-id")]
    assert len(expected) == 50
    seen = []
    for number in range(1, 7):
        page, visits, _present = deputy_visit_page(deputy, deputy.user, str(number), 9)
        assert page.paginator.count == 50
        seen += [v.pk for v in visits] if number == page.number else []
    assert seen == expected
