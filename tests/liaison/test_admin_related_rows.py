"""The visit log's and the opinion desk's related rows (station, category, community, the
suggestion a visit became, the deputy an opinion came by) read as values of the page's rows
(``liaison.admin.related_rows``): the same pages, in both languages and filtered, as
``select_related`` making a model per related row and row."""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.admin_reading import forget_plans
from liaison.admin.opinions import OPINION_RELATED, OpinionAdmin
from liaison.admin.visits import VISIT_RELATED, VISIT_ROW_COLUMNS, VisitAdmin
from liaison.models import Opinion, Visit
from liaison.services import visits as visit_services
from tests.deputies.factories import DeputyFactory, DeputyWithUserFactory
from tests.suggestions.factories import CategoryFactory

from .factories import OpinionFactory, StationFactory, VisitFactory

pytestmark = pytest.mark.django_db
VISITS = reverse("admin:liaison_visit_changelist")
OPINIONS = reverse("admin:liaison_opinion_changelist")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
OPINION_COLUMNS = (
    "tracking_code",
    "submitted_at",
    "status",
    "description",
    "assigned_deputy",
    "assigned_station",
    "merged_into",
    "station__name",
    "deputy__name",
    "category__name",
    "community__name",
)


@pytest.fixture(autouse=True)
def _plans_forgotten():
    forget_plans()
    yield
    forget_plans()


@pytest.fixture
def rows():
    stations = StationFactory.create_batch(3)
    categories = CategoryFactory.create_batch(2)
    deputies = DeputyFactory.create_batch(2)
    lead = DeputyWithUserFactory()
    for i in range(6):
        station = stations[i % 3]
        visit = VisitFactory(station=station, category=categories[i % 2], problem=f"问题{i}" * 9)
        visit.deputies.add(deputies[i % 2])
        if i == 1:
            visit.deputies.add(lead)
            visit_services.visit_to_suggestion(visit=visit, deputy=lead, actor=None)
        OpinionFactory(
            station=station if i % 2 else None,
            deputy=deputies[i % 2] if i % 3 == 0 else None,
            category=categories[i % 2],
            assigned_deputy=deputies[0] if i == 2 else None,
            assigned_station=stations[1] if i in (2, 4) else None,
        )
    return stations


def _page(client, url: str, language: str) -> str:
    client.cookies.load({"django_language": language})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode())


def test_pages_are_select_related_ones(staff_client, rows, monkeypatch):
    station = rows[1].pk
    urls = [
        VISITS,
        OPINIONS,
        f"{VISITS}?station__id__exact={station}",
        f"{OPINIONS}?station__id__exact={station}",
        f"{OPINIONS}?q=T",
    ]
    ours = {
        (url, lang): _page(staff_client, url, lang) for url in urls for lang in ("zh-hans", "en")
    }
    forget_plans()
    monkeypatch.setattr(
        VisitAdmin, "list_rows", lambda self, qs: qs.only(*VISIT_ROW_COLUMNS).prefetch_related(None)
    )
    monkeypatch.setattr(OpinionAdmin, "list_rows", lambda self, qs: qs.only(*OPINION_COLUMNS))
    monkeypatch.setattr(OpinionAdmin, "list_rows_loaded", None)
    for (url, lang), page in ours.items():
        assert page == _page(staff_client, url, lang), (url, lang)
    assert rows[2].name in ours[OPINIONS, "zh-hans"]
    assert "代表码 · " in ours[OPINIONS, "zh-hans"]


def test_rows_relate_without_a_query(staff_user, rows, django_assert_num_queries):
    for model, relations in ((Visit, VISIT_RELATED), (Opinion, OPINION_RELATED)):
        request = RequestFactory().get("/")
        request.user = staff_user
        cl = admin.site._registry[model].get_changelist_instance(request)
        shown = list(cl.result_list)
        assert shown
        with django_assert_num_queries(0):
            for row in shown:
                for relation, columns in relations.items():
                    related = getattr(row, relation)
                    if related is None:
                        assert getattr(row, f"{relation}_id") is None
                        continue
                    assert related.pk == getattr(row, f"{relation}_id"), relation
                    assert not set(columns) & related.get_deferred_fields(), relation
