"""The visit log's and the opinion desk's sidebars in one statement (``core.
admin_sidebar``) and the visits' deputies read with the rows: the same choices and the same
pages, in both languages and with filters chosen, as each filter reading its own and the
deputies read by ``names_by_row``; and fewer queries."""

import datetime
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import QuerySet
from django.test import RequestFactory
from django.urls import reverse

from core import admin_sidebar
from core.admin_lists import DateYearFilter, NamedRelatedFilter
from core.admin_reading import forget_plans
from liaison.admin.visits import VISIT_ROW_COLUMNS, VisitAdmin
from liaison.models import Opinion, Visit
from tests.deputies.factories import DeputyFactory
from tests.suggestions.factories import CategoryFactory

from .factories import OpinionFactory, StationFactory, VisitFactory

pytestmark = pytest.mark.django_db
VISITS = reverse("admin:liaison_visit_changelist")
OPINIONS = reverse("admin:liaison_opinion_changelist")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def rows():
    stations = StationFactory.create_batch(4)
    categories = CategoryFactory.create_batch(3)
    deputies = DeputyFactory.create_batch(4)
    for i, station in enumerate(stations):
        visit = VisitFactory(
            station=station,
            category=categories[i % 3],
            occurred_on=datetime.date(2024 + i % 3, 3, 1 + i),
        )
        visit.deputies.add(*deputies[i:])
        OpinionFactory(station=station, category=categories[i % 3])
    return stations


@pytest.fixture(autouse=True)
def _plans_forgotten():
    """A list's plain opening is planned once per process (its rows' statement kept): each
    way of reading starts without the other's plan."""
    forget_plans()
    yield
    forget_plans()


def _former(monkeypatch) -> None:
    """Each filter reads its own choices; the visits' deputies by ``names_by_row``."""
    forget_plans()
    monkeypatch.setattr(admin_sidebar, "sidebar_rows", lambda *args: NotImplemented)
    monkeypatch.setattr(
        VisitAdmin,
        "list_rows",
        lambda self, queryset: queryset.only(*VISIT_ROW_COLUMNS).prefetch_related(None),
    )


def _page(client, url: str, language: str) -> str:
    client.cookies.load({"django_language": language})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode())


def test_pages_are_the_same_as_each_filter_reading_its_own(staff_client, rows, monkeypatch):
    station = rows[1].pk
    urls = [
        VISITS,
        OPINIONS,
        f"{VISITS}?station__id__exact={station}&year=2025",
        f"{OPINIONS}?station__id__exact={station}&status=new",
        f"{VISITS}?q=a",
    ]
    ours = {
        (url, lang): _page(staff_client, url, lang) for url in urls for lang in ("zh-hans", "en")
    }
    _former(monkeypatch)
    for (url, lang), page in ours.items():
        assert page == _page(staff_client, url, lang), (url, lang)
    assert "2026" in ours[VISITS, "zh-hans"] and rows[3].name in ours[OPINIONS, "en"]


def _changelist(model, user, params=None):
    request = RequestFactory().get("/", params or {})
    request.user = user
    return request, admin.site._registry[model].get_changelist_instance(request)


@pytest.mark.parametrize("model", [Visit, Opinion])
def test_choices_are_the_filters_own(staff_user, rows, model):
    request, cl = _changelist(model, staff_user)
    folded = 0
    for spec in cl.filter_specs:
        if isinstance(spec, admin_sidebar.SidebarNamedFilter):
            base = NamedRelatedFilter.field_choices(spec, spec.field, request, cl.model_admin)
            assert spec.lookup_choices == base and base
            folded += 1
        elif isinstance(spec, admin_sidebar.SidebarYearFilter):
            base = DateYearFilter.lookups(spec, request, cl.model_admin)
            assert spec.lookup_choices == base and base
            folded += 1
    assert folded >= 3


def test_visit_names_are_names_by_row(staff_user, rows):
    """The array read with the rows lists each visit's deputies as ``names_by_row`` does."""
    _request, cl = _changelist(Visit, staff_user)
    shown = list(cl.result_list)
    assert isinstance(cl.model_admin.list_rows(Visit.objects.all()), QuerySet)
    from core.admin_names import names_by_row

    expected = names_by_row(shown, Visit.deputies.field)
    assert {row.pk: row.deputy_names for row in shown} == expected
    assert any(len(names) > 1 for names in expected.values())


def _queries(client, url: str, limit) -> int:
    """The queries of a page seen before (the log is emptied at each request: read at once)."""
    client.get(url)
    with limit(100) as seen:
        client.get(url)
    return len(seen.captured_queries)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the filters' one statement is PostgreSQL's"
)
@pytest.mark.parametrize(("url", "fewer"), [(VISITS, 3), (OPINIONS, 3)])
def test_fewer_queries(staff_client, rows, monkeypatch, django_assert_max_num_queries, url, fewer):
    ours = _queries(staff_client, url, django_assert_max_num_queries)
    _former(monkeypatch)
    assert ours == _queries(staff_client, url, django_assert_max_num_queries) - fewer
