"""API tests: a DRF client, and tokens issued through the service (``bearer(user)``)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from api.auth import token_pair_issue

# The web matrix's world (parties A, B, U, V, staff and their objects), for the API matrix.
from tests.security.conftest import pinned_clock, world  # noqa: F401

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = date(2026, 6, 15)


@pytest.fixture
def clock_at_noon():
    """The clock at 2026-06-15 10:00 Shanghai, so ledger years and deadlines are fixed."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def bearer():
    """``bearer(user)``: a fresh API client carrying an access token of ``user``."""

    def make(user, client: APIClient | None = None) -> APIClient:
        client = client or APIClient()
        pair = token_pair_issue(user=user, client="pytest")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access}")
        client.pair = pair
        return client

    return make
