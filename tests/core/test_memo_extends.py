"""``{% extends %}`` finds a root template's blocks once per compiled template
(core.templatetags.memo_extends); the pages are what Django's tag writes."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.template.loader_tags import ExtendsNode

from core.templatetags import memo_extends

TEMPLATES = {
    "root.html": "<{% block head %}H{% endblock %}|{% if on %}{% block body %}B{% endblock %}"
    "{% endif %}|{% block foot %}F{{ x }}{% endblock %}>",
    "middle.html": "{% extends 'root.html' %}{% block body %}M{{ block.super }}{% endblock %}",
    "page.html": "{% extends 'middle.html' %}{% block foot %}P{{ block.super }}{% endblock %}"
    "{% block head %}{% endblock %}",
    "other.html": "{% extends 'root.html' %}{% block head %}O{% endblock %}",
}


def engine(*, memo: bool) -> Engine:
    builtins = ["core.templatetags.memo_extends"] if memo else []
    loaders = [
        (
            "django.template.loaders.cached.Loader",
            [("django.template.loaders.locmem.Loader", TEMPLATES)],
        )
    ]
    return Engine(loaders=loaders, builtins=builtins)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
@pytest.mark.parametrize("on", [True, False])
def test_the_same_page_as_djangos_tag(name, on):
    ours, djangos = engine(memo=True), engine(memo=False)
    context = {"on": on, "x": "<x>"}
    expected = djangos.get_template(name).render(Context(context))
    for _ in range(2):  # found, then kept
        assert ours.get_template(name).render(Context(context)) == expected


def test_the_tag_is_ours_and_still_an_extends_node():
    node = engine(memo=True).get_template("page.html").nodelist[0]
    assert type(node) is memo_extends.MemoExtendsNode and isinstance(node, ExtendsNode)


def test_a_root_templates_blocks_are_found_once(monkeypatch):
    ours = engine(memo=True)
    walks = []
    found = memo_extends.root_blocks

    def counting(parent):
        walks.append(memo_extends._ROOT_BLOCKS not in parent.__dict__)
        return found(parent)

    monkeypatch.setattr(memo_extends, "root_blocks", counting)
    for name in ("page.html", "other.html", "page.html"):
        ours.get_template(name).render(Context({"on": True}))
    # root.html walked once for both pages, middle.html's answer (not a root) kept too
    assert walks == [True, True, False, False, False]
    assert ours.get_template("root.html").__dict__[memo_extends._ROOT_BLOCKS].keys() == {
        "head",
        "body",
        "foot",
    }
    assert ours.get_template("middle.html").__dict__[memo_extends._ROOT_BLOCKS] is None


def test_djangos_errors_stay():
    with pytest.raises(TemplateSyntaxError, match="cannot appear more than once"):
        engine(memo=True).from_string("{% extends 'root.html' %}{% extends 'root.html' %}")
    with pytest.raises(TemplateSyntaxError, match="must be the first tag"):
        engine(memo=True).from_string("{% if 1 %}{% endif %}{% extends 'root.html' %}")


def test_the_site_uses_it():
    assert "core.templatetags.memo_extends" in engines["django"].engine.builtins
