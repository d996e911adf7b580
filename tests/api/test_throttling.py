"""Limits per account and per address on the shared cache: 429 with Retry-After, in the
error shape; the public endpoints share the web pages' allowance per address."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


@override_settings(LVZHI_API_REQUESTS_PER_USER_HOUR=3)
def test_an_account_past_its_hourly_requests_gets_429(bearer, deputy):
    client = bearer(deputy.user)
    codes = [client.get(ME).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get(ME)
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert set(refused.json()) == {"detail", "errors"}


@override_settings(LVZHI_API_REQUESTS_PER_ADDRESS_HOUR=2)
def test_an_address_past_its_hourly_requests_gets_429(bearer, deputy, other_deputy):
    first, second = bearer(deputy.user), bearer(other_deputy.user)
    assert first.get(ME).status_code == 200
    assert second.get(ME).status_code == 200
    assert first.get(ME).status_code == 429  # the same address, whoever signs in
    elsewhere = bearer(deputy.user)
    assert elsewhere.get(ME, REMOTE_ADDR="198.51.100.7").status_code == 200


@override_settings(LVZHI_OPINIONS_PER_HOUR=1)
def test_public_opinions_share_the_pages_allowance():
    body = {
        "category": CategoryFactory().pk,
        "community": CommunityFactory().pk,
        "description": "路灯不亮",
        "consent": True,
    }
    client = APIClient()
    assert client.post("/api/v1/public/opinions/", body, format="json").status_code == 201
    refused = client.post("/api/v1/public/opinions/", body, format="json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    page = client.post("/liaison/opinion/", body | {"consent": "on"})
    assert page.status_code == 429  # the web page counts the same allowance
