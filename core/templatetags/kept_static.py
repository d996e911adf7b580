"""The ``static`` template library with ``{% static %}`` answered from a per-process memo.

Resolving a static path through the manifest storage (the hashed name, the URL joined and
quoted) costs ~20 µs, and an admin page asks for about fourteen of them, a site page for a
few, the same ones on every request. The answer only changes when the static settings change
(a deployment restarts the workers; a test overriding ``STATIC_URL`` or ``STORAGES`` changes the
key). Installed under the library's own name (``TEMPLATES[…]["OPTIONS"]["libraries"]``), so
every ``{% load static %}``, the admin's included, gets it; ``get_static_prefix`` and
``get_media_prefix`` are Django's.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.templatetags import static as django_static

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)


@lru_cache(maxsize=1024)
def _url(path: str, static_url: str, storage: str) -> str:
    return django_static.StaticNode.handle_simple(path)


def static_url(path: str) -> str:
    """``django.templatetags.static.static(path)``, computed once per process and settings."""
    backend = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    return _url(path, settings.STATIC_URL or "", backend)


class KeptStaticNode(django_static.StaticNode):
    @classmethod
    def handle_simple(cls, path):
        return static_url(path)


@register.tag("static")
def do_static(parser, token):
    """``{% static path [as var] %}``, parsed as Django parses it."""
    return KeptStaticNode.handle_token(parser, token)
