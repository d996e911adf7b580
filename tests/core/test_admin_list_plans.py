"""The plain opening of an admin list (at most a sort and a page in the query string) is
planned once (``core.admin_lists.SortableOnlyChangeList``, ``core.admin_reading``): every such
list draws the same page with its plan kept and without one, a kept plan shows rows added since,
and a filter, a search, a list whose filter narrows it unasked or whose queryset reads the
request take Django's way."""

from unittest import mock

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory

from accounts.models import User
from core import admin_reading
from core.admin_lists import LargeListAdmin, SortableOnlyChangeList
from deputies.models import Deputy
from tests.core.test_admin_rows import changelist_urls, normalised
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def page(client, url: str) -> tuple[str, object]:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    cl = response.context.get("cl") if response.context else None
    return normalised(response.content.decode()), cl


def test_every_plain_list_is_the_same_with_its_plan(client, demo):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    planned, differ = set(), []
    for model, url in changelist_urls():
        for params in ("", "?o=-1", "?p=2"):
            admin_reading.forget_plans()
            first, _cl = page(client, url + params)  # plans the list
            kept, kept_cl = page(client, url + params)  # reads by the plan
            with mock.patch.object(SortableOnlyChangeList, "_plan_key", lambda *a: None):
                stock, _cl = page(client, url + params)  # Django's way
            if not (first == kept == stock):
                differ.append(url + params)
            if getattr(kept_cl, "plan_key", None) is not None:
                planned.add(model._meta.label)
    assert differ == []
    must = {"performance.LedgerEntry", "suggestions.Suggestion", "deputies.Deputy"}
    must |= {"liaison.Visit", "liaison.Opinion", "training.Course", "training.Enrollment"}
    assert must <= planned, must - planned
    assert "core.AuditEvent" in planned


def test_a_kept_plan_reads_fresh_rows(client, demo):
    client.force_login(User.objects.get(username="clerk"))
    before, cl = page(client, "/admin/deputies/deputy/?o=-1")
    assert cl.plan_key is not None
    count = cl.result_count
    DeputyFactory(name="新来的代表", code="ZZZ999")
    after, cl = page(client, "/admin/deputies/deputy/?o=-1")
    assert cl.plan_key is not None
    assert cl.result_count == count + 1
    assert "新来的代表" in after and "新来的代表" not in before


@pytest.mark.parametrize(
    "query", ["?q=代表", "?level__exact=district", "?_popup=1", "?all=", "?o=1&q=x"]
)
def test_searches_filters_and_popups_take_djangos_way(client, demo, query):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    _html, cl = page(client, "/admin/deputies/deputy/" + query)
    assert cl.plan_key is None


class Narrowing(admin.SimpleListFilter):
    """Narrows the list with no value chosen: the plan must not be used."""

    title, parameter_name = "x", "x"

    def lookups(self, request, model_admin):
        return [("a", "a")]

    def queryset(self, request, queryset):
        return queryset.filter(name__startswith="甲")


class NarrowingAdmin(LargeListAdmin, admin.ModelAdmin):
    list_filter = (Narrowing,)


class PlainAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = ("name", "code")


class RequestReadingAdmin(LargeListAdmin, admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(name__startswith=request.user.username)


@pytest.fixture
def site_request(db):
    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser("root", "root@example.org", "x")
    return admin.AdminSite(name="plans_test"), request


def test_a_list_its_filter_narrows_unasked_is_not_planned(site_request):
    site, request = site_request
    DeputyFactory(name="甲一")
    DeputyFactory(name="乙二")
    for _ in range(2):
        cl = NarrowingAdmin(Deputy, site).get_changelist_instance(request)
        assert cl.plan_key is None
        assert [d.name for d in cl.result_list] == ["甲一"]


def test_a_queryset_reading_the_request_is_not_planned(site_request):
    site, request = site_request
    cl = RequestReadingAdmin(Deputy, site).get_changelist_instance(request)
    assert cl.plan_key is None


def test_a_plain_list_is_planned_once(site_request):
    site, request = site_request
    DeputyFactory.create_batch(3)
    built = []
    original = SortableOnlyChangeList._planned_queryset

    def counting(self, request):
        built.append(1)
        return original(self, request)

    with mock.patch.object(SortableOnlyChangeList, "_planned_queryset", counting):
        first = PlainAdmin(Deputy, site).get_changelist_instance(request)
        second = PlainAdmin(Deputy, site).get_changelist_instance(request)
    assert built == [1]
    assert first.plan_key == second.plan_key is not None
    assert first.queryset is not second.queryset
    assert [d.pk for d in first.result_list] == [d.pk for d in second.result_list]
    assert second.result_count == 3


def test_a_plain_lists_rows_are_built_once(site_request):
    """The columns a plain opening reads (``list_rows``, with its annotations) are kept with
    its plan; a search builds them afresh."""
    site, request = site_request
    DeputyFactory.create_batch(2)
    built = []

    class CountingAdmin(PlainAdmin):
        def list_rows(self, queryset):
            built.append(1)
            return queryset.only("name", "code")

    for _ in range(3):
        cl = CountingAdmin(Deputy, site).get_changelist_instance(request)
        assert cl.plan_key is not None
        assert len(cl.result_list) == 2
    assert built == [1]
    searching = RequestFactory().get("/", {"q": "x"})
    searching.user = request.user
    CountingAdmin(Deputy, site).get_changelist_instance(searching)
    assert built == [1, 1]
