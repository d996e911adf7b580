"""A request leaves no reference cycle behind it, so what it made is freed when it ends, not
by Python's cyclic collector (``core.template_backend``, ``core.wsgi_handler``, the prepared
compiler of ``core.admin_reading``). Each test runs with the collector off: an object still
alive after its last reference went is held by a cycle."""

import gc
import io
import sys
import weakref

import pytest
from django.core.signals import request_started
from django.db import close_old_connections, connection
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from core.admin_reading import read_prepared
from core.models import Notification
from core.template_backend import DjangoTemplates
from core.wsgi_handler import ReleasingWSGIHandler


class Marker:
    def __str__(self) -> str:
        return "marker"


@pytest.fixture
def collector_off():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_the_site_renders_with_the_cycle_free_backend():
    assert isinstance(engines["django"], DjangoTemplates)


def test_a_rendered_page_frees_its_context_at_once(collector_off, rf: RequestFactory):
    """Django's own backend leaves the page's context (and so the marker) in a cycle."""
    marker = Marker()
    held = weakref.ref(marker)
    html = render_to_string("core/no_role.html", {"marker": marker}, request=rf.get("/"))
    assert html.strip()
    del marker
    assert held() is None


def test_the_test_client_still_records_the_context(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert response.context["form"] is not None


def _environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _served(path: str) -> tuple[list, bytes, weakref.ref]:
    """The statuses, body and (a weak reference to) the request of ``path`` served by the
    handler, its response closed and dropped as the WSGI server does."""
    seen = []

    class Watching(ReleasingWSGIHandler):
        def get_response(self, request):
            seen.append(weakref.ref(request))
            return super().get_response(request)

    statuses = []
    # As Django's test client does: the test's transaction keeps its connection open.
    request_started.disconnect(close_old_connections)
    try:
        body = Watching()(_environ(path), lambda status, headers: statuses.append(status))
        page = b"".join(body)
        body.close()
    finally:
        request_started.connect(close_old_connections)
    return statuses, page, seen[0]


@pytest.mark.django_db
def test_the_handler_frees_the_request_when_its_response_is_complete(collector_off):
    """Every request holds itself through its lazy user and its message store."""
    statuses, page, request = _served(reverse("healthz"))
    assert statuses == ["200 OK"] and b"ok" in page
    assert request() is None


@pytest.mark.django_db
def test_a_request_kept_by_a_form_holds_nothing(collector_off):
    """A form is a cycle of its own (its fields' cache points back at it), and the sign-in
    form keeps its request: the request stays, emptied, while its session and user go."""
    statuses, page, request = _served(reverse("accounts:login"))
    assert statuses == ["200 OK"] and "登录".encode() in page
    assert request() is None or vars(request()) == {}


@pytest.mark.django_db
def test_a_prepared_page_compiler_is_freed_at_once(collector_off):
    if connection.vendor != "postgresql":
        pytest.skip("pages are read by prepared statements on PostgreSQL only")
    compiler = read_prepared(Notification.objects.all()).query.get_compiler("default")
    assert compiler.execute_sql() == [[]]  # no notices: one empty chunk
    held = weakref.ref(compiler)
    del compiler
    assert held() is None
