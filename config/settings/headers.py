"""Response headers every environment sends (issue #11, item 6).

``base`` imports this module's settings at its end and puts ``HEADER_MIDDLEWARE`` where the headers
belong (after the messages and clickjacking middleware, so both see the user and the final
response).

Content-Security-Policy (django-csp 4): a page may run only scripts served from this site as
files. No template has an inline ``<script>`` or an ``on…=`` attribute (tests/core/test_headers.py
parses every template and a crawl of the demo to keep it so); behaviour lives in
``static/js/``. Django's admin has no inline script either, and its ``jsi18n`` catalogue is a
script file from this site.

Styles allow ``'unsafe-inline'`` (styles only, never scripts), because:

- Django's own admin change list writes a ``<style>`` element, and admin helpers here build
  coloured cells with ``style=`` in Python;
- the charts are bars whose width is the data (``style="width: 42%"`` in ``performance/_bars``,
  training progress, the opinion index sparklines): moving them to classes would round the data,
  and setting them from a script would blank the charts wherever scripts fail;
- what an injected style could do is bounded by the rest of the policy: ``img-src``,
  ``font-src`` and ``connect-src`` are this site only, so CSS cannot send page text anywhere, and
  templates escape every value, so injecting a style already needs an escaping bug.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE

# What ``from .headers import *`` brings into the settings (not the csp constants).
__all__ = ["CONTENT_SECURITY_POLICY", "HEADER_MIDDLEWARE"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        # data: for Bootstrap's SVG icons (the select arrow, the menu button) in its CSS.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

HEADER_MIDDLEWARE: list[str] = [
    "csp.middleware.CSPMiddleware",
    "core.security.NoStoreMiddleware",
]
