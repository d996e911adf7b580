"""Schemathesis against the API's own schema (issue #13, item 6): generated requests to every
operation, as a deputy holding a token, must never get a 500 and every answer must match the
schema (status documented, content type, body shape).

Bounded for CI: a few derandomized examples per operation (``LVZHI_SCHEMATHESIS_EXAMPLES``,
default 5), no deadline, in-process through the WSGI handler on the test database.
"""

import json
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.renderers import JSONRenderer
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.auth import token_pair_issue
from tests.performance.factories import LedgerEntryFactory, rule_set
from tests.suggestions.factories import CategoryFactory, SuggestionFactory

EXAMPLES = int(os.environ.get("LVZHI_SCHEMATHESIS_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class InProcessWSGI:
    """Django's WSGI handler as the test client runs it: the request's start and end must not
    close the database connection (the test's transaction lives on it), so the body is read and
    the response closed while ``close_old_connections`` is disconnected."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.handler(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def api_schema():
    """The schema /api/schema/ serves, generated in-process (no database needed), called
    through Django's WSGI handler."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(JSONRenderer().render(generated)))
    loaded.app = InProcessWSGI()
    return loaded


@pytest.fixture
def deputy_headers(deputy):
    """A deputy with a year of rules, an entry and a suggestion, and a token."""
    rule_set(2026)
    LedgerEntryFactory(deputy=deputy, year=2026)
    CategoryFactory()
    SuggestionFactory(lead_deputy=deputy)
    pair = token_pair_issue(user=deputy.user, client="schemathesis")
    return {"Authorization": f"Bearer {pair.access}"}


schema = api_schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema(case, deputy_headers):
    case.call_and_validate(headers=deputy_headers, checks=CHECKS)
