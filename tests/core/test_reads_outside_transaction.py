"""A reading request runs its view outside a transaction, one that may change data inside one
(``core.middleware.ReadsOutsideTransactionMiddleware``); a view that needs a transaction for
its reads (the cockpit's ``SET LOCAL`` while it counts the figures it keeps) opens one."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import User
from accounts.roles import Role
from core import compiled
from core.middleware import ReadsOutsideTransactionMiddleware

MIDDLEWARE = "core.middleware.ReadsOutsideTransactionMiddleware"


def answer(method: str, view) -> HttpResponse:
    """The response Django's handler would give: the middleware's, or the view wrapped in
    ATOMIC_REQUESTS' transaction when the middleware passes."""
    request = getattr(RequestFactory(), method.lower())("/")
    middleware = ReadsOutsideTransactionMiddleware(lambda request: HttpResponse())
    response = middleware.process_view(request, view, (), {})
    if response is None:
        response = transaction.atomic(view)(request)
    return response


def in_transaction(request):
    return HttpResponse("yes" if connection.in_atomic_block else "no")


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around the view
@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("GET", b"no"),
        ("HEAD", b"no"),
        ("OPTIONS", b"no"),
        ("POST", b"yes"),
        ("PUT", b"yes"),
        ("PATCH", b"yes"),
        ("DELETE", b"yes"),
    ],
)
def test_reads_outside_writes_inside(method, expected):
    assert answer(method, in_transaction).content == expected


@pytest.mark.django_db(transaction=True)
def test_a_reading_view_may_ask_for_a_transaction():
    assert answer("GET", transaction.atomic(in_transaction)).content == b"yes"


def test_the_middleware_comes_last_and_requests_stay_atomic():
    # Last: the CSRF check and every other process_view run before a view is called here.
    assert settings.MIDDLEWARE[-1] == MIDDLEWARE
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True


@pytest.mark.django_db(transaction=True)
def test_the_cockpit_counts_its_kept_figures_in_a_transaction(client, monkeypatch):
    """The figures the cockpit keeps are counted without parallel workers, in a transaction
    of their own; a visit that finds them kept opens none."""
    seen = []
    real = compiled.without_parallel_workers
    monkeypatch.setattr(
        compiled,
        "without_parallel_workers",
        lambda *a, **k: (seen.append(connection.in_atomic_block), real(*a, **k))[1],
    )
    clerk = User.objects.create_user("clerk-x", password="x", is_staff=True)
    clerk.groups.add(Group.objects.get_or_create(name=Role.STAFF.value)[0])
    client.force_login(clerk)
    assert client.get("/cockpit/").status_code == 200
    assert seen and all(seen)
    seen.clear()
    assert client.get("/cockpit/").status_code == 200
    assert seen == []


@pytest.mark.django_db(transaction=True)
def test_a_refused_post_never_reaches_the_view(client):
    # The CSRF check (an earlier process_view) still refuses a forged POST.
    client.handler.enforce_csrf_checks = True
    assert client.post("/liaison/stations/").status_code == 403


@pytest.mark.django_db  # the test's own transaction is open
def test_inside_a_transaction_already_the_view_gets_its_own_savepoint():
    # As ATOMIC_REQUESTS makes it, so whatever marks "the request's transaction" for rollback
    # (DRF's exception handler) marks the view's savepoint, not the caller's transaction.
    request = RequestFactory().get("/")
    middleware = ReadsOutsideTransactionMiddleware(lambda request: HttpResponse())
    assert middleware.process_view(request, in_transaction, (), {}) is None
