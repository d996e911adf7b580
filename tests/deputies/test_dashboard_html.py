"""The dashboard's own parts written in Python (``deputies.dashboard_html``), the deputy's card
and the merged to-do list, are the HTML the page's template wrote, in both languages: a new and a
re-elected deputy, with and without a group, names to escape, to-dos with a hint, a text, a
danger tone, and none at all."""

import pytest
from django.template import engines
from django.utils import translation

from core.dashboard import Todo
from deputies.dashboard_html import hero_html, todos_html
from deputies.facts import deputy_facts
from tests.deputies.factories import ProfessionalGroupFactory

pytestmark = pytest.mark.django_db

# The page's content before the card and the list were written in Python, up to the panels.
FORMER = """{% load i18n static %}
{% static 'vendor/bootstrap-icons/sprite.svg' as sprite %}
<section class="lv-hero p-3 p-md-4 mb-3">
  <div class="d-flex flex-wrap align-items-center gap-3">
    <div class="lv-avatar" aria-hidden="true">{{ deputy.name|first }}</div>
    <div class="flex-grow-1">
      <h1 class="h4 mb-1">{{ deputy.name }} <span class="badge text-bg-light border align-middle">{{ deputy.get_level_display }}</span>
        <span class="badge {% if deputy.is_new %}text-bg-info{% else %}text-bg-secondary{% endif %} align-middle">{% if deputy.is_new %}{% translate "新任" %}{% else %}{% translate "连任" %}{% endif %}</span></h1>
      <div class="lv-muted">{{ deputy.code }} · {{ deputy.constituency }}{% if deputy.group %} · {{ deputy.group }}{% endif %} · {{ deputy.term }}</div>
    </div>
  </div>
  <a class="btn btn-danger btn-lg mt-3 lv-record" href="{% url 'performance:submit' %}">
    <svg aria-hidden="true" focusable="false" width="28" height="28"><use href="{{ sprite }}#camera"></use></svg>
    {% translate "记录履职" %}<span class="lv-record-hint">{% translate "拍照记一笔，工委核实后计分" %}</span>
  </a>
</section>

<section class="card lv-card mb-3" aria-labelledby="todo-title">
  <div class="card-header d-flex justify-content-between align-items-center">
    <h2 class="h6 mb-0 fw-semibold" id="todo-title">
      <svg aria-hidden="true" focusable="false" width="20" height="20" class="me-1 align-text-bottom"><use href="{{ sprite }}#list-check"></use></svg>{% translate "待办事项" %}
    </h2>
    {% if todos %}<span class="badge rounded-pill text-bg-danger">{{ todos|length }}</span>{% endif %}
  </div>
  {% if todos %}
  <ul class="list-group list-group-flush">
    {% for todo in todos %}
    <li class="list-group-item p-0">
      <a class="lv-todo" href="{{ todo.link }}">
        <span class="flex-grow-1">
          <span class="d-block fw-semibold">{{ todo.label }}</span>
          {% if todo.hint %}<span class="d-block lv-muted">{{ todo.hint }}</span>{% endif %}
        </span>
        <span class="lv-todo-count{% if todo.tone == 'danger' %} lv-todo-danger{% endif %}">{% if todo.text %}{{ todo.text }}{% else %}{{ todo.count }}{% endif %}</span>
        <span aria-hidden="true" class="lv-chevron">›</span>
      </a>
    </li>
    {% endfor %}
  </ul>
  {% else %}
  <div class="card-body lv-muted">{% translate "暂无待办事项。" %}</div>
  {% endif %}
</section>
"""  # noqa: E501

TODOS = [
    Todo(label='<b>"被退回"</b> & 记录', count=3, hint="修改后 <可> 重新提交", url="/l?a=1&b=2"),
    Todo(label="计划", text="未制定 <草案>", url="/plan/"),
    Todo(label="超期", count=12, tone="danger", url="/late/"),
]


def _former(deputy, todos) -> str:
    return engines["django"].from_string(FORMER).render({"deputy": deputy, "todos": todos})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("is_new", [True, False])
def test_card_and_list_are_the_templates(rf, deputy, language, is_new):
    deputy.name = '<i>"李"</i> & 梅'
    deputy.group = ProfessionalGroupFactory(name="<法律> & 组")
    deputy.save()
    request = rf.get("/deputy/")
    request.user = deputy.user
    deputy = deputy_facts(request).deputy  # constituency, group and term loaded
    assert deputy.group is not None
    deputy.first_elected_term_id = deputy.term_id if is_new else -1
    assert deputy.is_new == is_new
    with translation.override(language):
        for todos in (TODOS, TODOS[:1], []):
            assert hero_html(deputy) + todos_html(todos) == _former(deputy, todos)
        deputy.group = None
        assert hero_html(deputy) + todos_html([]) == _former(deputy, [])


def test_panels_without_their_html_are_included():
    """A panel whose context holds no written card is left to its template's include."""
    from django.utils.safestring import mark_safe

    from deputies.dashboard_html import panel_cards

    written = {"html": mark_safe("<div>卡</div>")}
    cards = panel_cards([("a.html", {"n": 1}), ("b.html", written)])
    assert cards == [("a.html", {"n": 1}, None), ("b.html", written, "<div>卡</div>\n")]


def test_chart_scripts_are_the_include():
    from django.template.loader import get_template

    from deputies.dashboard_html import chart_scripts

    assert chart_scripts() == get_template("core/_chart_scripts.html").render({})


def template_content_block(context: dict) -> str:
    """The page template's own content block (``deputies/dashboard.html``), rendered as it is
    when ``content_html`` is None: the template's loop over the panels' cards."""
    from django.template import Context
    from django.template.loader import get_template
    from django.template.loader_tags import BlockNode

    page = get_template("deputies/dashboard.html").template
    block = next(n for n in page.nodelist.get_nodes_by_type(BlockNode) if n.name == "content")
    return block.render(Context({"content_html": None, **context}))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_content_block_is_the_templates(language):
    """The whole block written in Python (``content_html``) is the template's loop over the
    panels' cards, and the words for none; with a panel to include, the template writes it."""
    from django.utils.safestring import mark_safe

    from deputies.dashboard_html import content_html, panel_cards

    hero, todos = mark_safe("<section>卡 & 名</section>\n"), mark_safe("<section>待办</section>\n")
    written = [
        ("a.html", {"html": mark_safe('<div class="a">一 &amp; <b>二</b></div>')}),
        ("b.html", {"html": mark_safe("<div>B</div>")}),
    ]
    with translation.override(language):
        for panels in (written, written[:1], []):
            cards = panel_cards(panels)
            former = template_content_block(
                {"hero_html": hero, "todos_html": todos, "cards": cards}
            )
            assert content_html(hero, todos, cards) == former
        assert content_html(hero, todos, panel_cards([*written, ("c.html", {"n": 1})])) is None
