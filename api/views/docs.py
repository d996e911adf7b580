"""The OpenAPI schema and the Swagger UI page.

The page is drf-spectacular's *split* view: the HTML loads Swagger UI from the vendored
drf-spectacular-sidecar files under ``/static/`` and its start-up code from a second request
to the same URL (``?script``), so the page runs under the site's Content-Security-Policy
(``script-src 'self'``) with no inline script and no CDN, and the policy stays as it is."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import permissions


class SchemaView(SpectacularAPIView):
    permission_classes = [permissions.AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [permissions.AllowAny]
    url_name = "api:schema"
