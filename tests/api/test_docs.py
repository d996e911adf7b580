"""The schema and the Swagger page: vendored assets only, no inline script, the site's own
Content-Security-Policy unchanged."""

import re

import pytest
import yaml
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_swagger_page_runs_under_the_sites_policy(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(s.startswith(("/static/", "/api/docs/")) for s in sources), sources
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    start = client.get("/api/docs/?script")
    assert start.status_code == 200 and start["Content-Type"].startswith("application/javascript")
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]


def test_the_schema_lists_every_v1_route_and_the_error_shape(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert "/api/v1/me/score/" in paths and "/api/v1/ledger/entries/" in paths
    assert all(p.startswith("/api/v1/") for p in paths)
    assert set(schema["components"]["securitySchemes"]) == {"bearerAuth", "cookieAuth"}
    for operations in paths.values():
        for operation in operations.values():
            assert {"400", "401", "404", "429"} <= set(operation["responses"])
