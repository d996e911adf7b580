"""Issue #8's bad input on the site's own pages (the admin has its own test): every page
reachable without a path argument, opened by each role with mangled paging, sorting and filter
parameters, answers a normal page, a redirect, 403 or 404, never 500. Pages are read from the
URL configuration, so a page added later is covered without touching this file."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.accounts.factories import StaffUserFactory, UnitUserFactory
from tests.deputies.factories import DeputyWithUserFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
NAMES = (
    "page",
    "p",
    "sort",
    "o",
    "order",
    "status",
    "state",
    "year",
    "month",
    "quarter",
    "station",
    "course",
    "deputy",
    "unit",
    "category",
    "community",
    "kind",
    "track",
    "period",
    "q",
    "as_of",
    "date",
    "format",
)
QUERIES = [
    "&".join(f"{name}=zzz" for name in NAMES),
    "&".join(f"{name}={HUGE}" for name in NAMES),
]
SKIPPED = ("admin", "api", "i18n", "bench", "accounts")  # own tests, or not a page


def _pages(patterns=None, prefix="", namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            route = str(entry.pattern)
            if route.strip("/^$") in SKIPPED or "<" in route:
                continue
            yield from _pages(entry.url_patterns, prefix + route, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            route = str(entry.pattern)
            if "<" not in route and "(?P" not in route:
                yield "/" + prefix + route


def _clients():
    clients = {"anonymous": Client()}
    for role, user in (
        ("staff", StaffUserFactory()),
        ("deputy", DeputyWithUserFactory().user),
        ("unit", UnitUserFactory()),
    ):
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def test_the_url_walk_finds_the_pages():
    pages = set(_pages())
    assert {"/deputy/", "/ledger/", "/suggestions/mine/", "/training/"} <= pages


@pytest.mark.parametrize("page", sorted(set(_pages())))
def test_no_parameter_makes_a_page_answer_500(page):
    for role, client in _clients().items():
        for query in QUERIES:
            try:
                response = client.get(f"{page}?{query}")
            except Exception as error:
                raise AssertionError(f"{role} {page}?{query}") from error
            assert response.status_code < 500, f"{role} {page}?{query}"
