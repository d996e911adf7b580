"""``{% url %}`` without arguments is answered from a memo (core.url_memo); the answer must be
what Django's tag gives in every situation the memo's key covers."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.templatetags.memo_url import MemoURLNode
from core.url_memo import reverse_memo


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_the_tag_is_the_memo_without_arguments_and_djangos_with():
    nodes = Template("{% url 'home' %}{% url 'liaison:story_detail' 1 %}").nodelist
    assert type(nodes[0]) is MemoURLNode
    assert type(nodes[1]) is not MemoURLNode


def test_same_answer_as_reverse_twice():
    assert render("{% url 'liaison:station_list' %}") == reverse("liaison:station_list")
    assert render("{% url 'liaison:station_list' %}") == reverse("liaison:station_list")
    assert render("{% url 'liaison:story_detail' 7 %}") == reverse("liaison:story_detail", args=[7])


def test_the_script_prefix_is_part_of_the_key():
    plain = render("{% url 'notifications' %}")
    set_script_prefix("/lvzhi/")
    try:
        assert render("{% url 'notifications' %}") == "/lvzhi" + plain
        assert reverse_memo("notifications") == "/lvzhi" + plain
    finally:
        set_script_prefix("/")
    assert render("{% url 'notifications' %}") == plain


@override_settings(ROOT_URLCONF="core.bench")
def test_another_url_configuration_is_another_key():
    # core.bench mounts only the two floor pages, at its root.
    assert render("{% url 'bench_bare' %}") == "/bare"
    with pytest.raises(NoReverseMatch):
        render("{% url 'home' %}")


def test_unknown_names_still_fail_and_as_var_still_swallows():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")
    assert render("{% url 'no-such-page' as link %}[{{ link }}]") == "[]"
    assert render("{% url 'home' as link %}[{{ link }}]") == f"[{reverse('home')}]"


def test_a_name_from_a_variable_and_a_bad_tag():
    assert render("{% url name %}", name="notifications") == reverse("notifications")
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_pk_url_parts_kept_per_script_prefix_and_configuration():
    """The id-taking URL's split, kept per process, follows the script prefix and the URL
    configuration as ``reverse`` does; a name that does not reverse still fails."""
    from core.url_memo import pk_url_parts, pk_url_prefix

    assert pk_url_parts("training:quiz") == pk_url_parts("training:quiz")
    head, tail = pk_url_parts("training:quiz")
    assert f"{head}/7/{tail}" == reverse("training:quiz", args=[7])
    assert f"{pk_url_prefix('suggestions:detail')}7/" == reverse("suggestions:detail", args=[7])
    set_script_prefix("/lvzhi/")
    try:
        assert pk_url_parts("training:quiz") == ("/lvzhi" + head, tail)
    finally:
        set_script_prefix("/")
    assert pk_url_parts("training:quiz") == (head, tail)
    with override_settings(ROOT_URLCONF="core.bench"), pytest.raises(NoReverseMatch):
        pk_url_parts("training:quiz")
