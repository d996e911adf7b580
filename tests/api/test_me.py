"""``/me/`` and ``/me/score/``: the profile with the phone masked, and the ledger page's
figures for a year."""

from datetime import date

import pytest

from performance.scoring import assessment_compute
from tests.performance.factories import LedgerEntryFactory, rule_set

pytestmark = pytest.mark.django_db


def test_me_masks_the_phone(bearer, deputy):
    deputy.mobile = "13912345678"
    deputy.save()
    body = bearer(deputy.user).get("/api/v1/me/").json()
    assert body["deputy"]["mobile"] == "139****5678"
    assert "13912345678" not in str(body)
    assert body["deputy"]["code"] == deputy.code and "代表" in body["roles"]


def test_a_unit_user_has_no_deputy_profile(bearer, unit_user):
    body = bearer(unit_user).get("/api/v1/me/").json()
    assert body["deputy"] is None and "承办单位" in body["roles"]


def test_the_score_explains_the_verified_entries(bearer, deputy):
    rule_set(2025)
    LedgerEntryFactory(deputy=deputy, year=2025, code="B01")
    LedgerEntryFactory(deputy=deputy, year=2025, code="B01")
    assessment_compute(year=2025, today=date(2026, 1, 10))
    body = bearer(deputy.user).get("/api/v1/me/score/?year=2025").json()
    assert body["assessed"] and body["rank"]["rank"] == 1
    b01 = next(r for d in body["breakdown"] for r in d["rules"] if r["code"] == "B01")
    assert b01["count"] == 2 and b01["score"] == 2 * b01["points"]
    assert body["total"] == sum(d["score"] for d in body["breakdown"])
    assert body["stale"] is False
    axes = {a["key"]: a for a in body["portrait"]["axes"]}
    assert axes["attendance"]["value"] == 2 and len(axes) == 6


def test_a_year_without_rules_is_empty_not_an_error(bearer, deputy):
    body = bearer(deputy.user).get("/api/v1/me/score/?year=2001").json()
    assert body["rule_set"] is False and body["breakdown"] == [] and body["total"] is None
