"""``{% static %}`` from a per-process memo (core.templatetags.kept_static): the same URL as
Django's tag, a new one when the static settings change, and every ``{% load static %}`` (the
admin's templates too) gets the kept tag."""

import pytest
from django.template import Context, Template, engines
from django.templatetags.static import static
from django.test import override_settings

from core.templatetags.kept_static import KeptStaticNode


def render(text: str) -> str:
    return Template("{% load static %}" + text).render(Context({}))


def test_same_url_as_django():
    assert render("{% static 'css/site.css' %}") == static("css/site.css")


def test_settings_change_changes_the_answer():
    before = render("{% static 'css/site.css' %}")
    with override_settings(STATIC_URL="/elsewhere/"):
        moved = render("{% static 'css/site.css' %}")
    assert moved == "/elsewhere/css/site.css"
    assert before != moved
    assert render("{% static 'css/site.css' %}") == before


def test_as_variable_and_escaping():
    assert render("{% static 'a b&c.css' as url %}[{{ url }}]") == f"[{static('a b&c.css')}]"
    assert "&amp;" not in render("{% static 'a.css' %}")


def test_admin_templates_load_the_kept_tag():
    engine = engines["django"].engine
    template = engine.get_template("admin/base.html")
    nodes = template.nodelist.get_nodes_by_type(KeptStaticNode)
    assert nodes, "admin/base.html should use the kept {% static %}"


@pytest.mark.parametrize(
    "tag, name", [("get_static_prefix", "STATIC_URL"), ("get_media_prefix", "MEDIA_URL")]
)
def test_prefix_tags_still_available(tag, name, settings):
    assert render("{% " + tag + " %}") == getattr(settings, name)
