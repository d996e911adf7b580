"""The desk's and the cockpit's cards written in Python (``core.templatetags.staff_desk``) are
the HTML the template loops wrote, in both languages, with what needs escaping escaped."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from core.cockpit import Kpi
from core.dashboard import Todo

# The loops as the templates had them.
DESK_LOOP = """{% load i18n %}<div class="desk-cards">
{% for item in items %}{% if item.link %}<a class="desk-card is-due tone-{{ item.tone }}" href="{{ item.link }}">{% else %}<div class="desk-card">{% endif %}
  <span class="desk-count">{% if item.text %}{{ item.text }}{% else %}{{ item.count }}{% endif %}</span>
  <span class="desk-label">{{ item.label }}</span>
  {% if item.hint %}<span class="desk-hint">{{ item.hint }}</span>{% endif %}
{% if item.link %}</a>{% else %}</div>{% endif %}
{% endfor %}</div>"""  # noqa: E501

KPI_LOOP = """{% load i18n %}
    {% regroup kpis by group as groups %}
    {% for group in groups %}
    <div class="cockpit-group">
      {% if group.grouper %}<h2>{{ group.grouper }}</h2>{% endif %}
      <div class="desk-cards">
      {% for kpi in group.list %}{% if kpi.url %}<a class="desk-card cockpit-kpi{% if kpi.tone %} is-due tone-{{ kpi.tone }}{% endif %}" href="{{ kpi.url }}">{% else %}<div class="desk-card cockpit-kpi">{% endif %}
        <span class="desk-count">{{ kpi.value }}</span>
        <span class="desk-label">{{ kpi.label }}</span>
        {% if kpi.detail %}<span class="desk-hint">{{ kpi.detail }}</span>{% endif %}
        {% if kpi.counted_at %}<span class="desk-hint cockpit-counted">{% blocktranslate with time=kpi.counted_at|time:"H:i" minutes=figures_minutes %}{{ time }} 统计，每 {{ minutes }} 分钟更新{% endblocktranslate %}</span>{% endif %}
      {% if kpi.url %}</a>{% else %}</div>{% endif %}{% endfor %}
      </div>
    </div>
    {% endfor %}"""  # noqa: E501

TODOS = [
    Todo(label="履职记录待审核", count=1189, url="/admin/x/?a=1&b=2", hint="2026 年度"),
    Todo(label="积分异议待处理", count=0, url="/admin/y/"),
    Todo(label="述职计划", text="未制定", url="/admin/z/add/", tone="danger"),
    Todo(label="<b>标签</b> & 说明", count=3, url='/admin/q/?n="x"', hint="<i>提示</i>"),
    Todo(label="承诺事项逾期", count=12, hint="共 30 项承诺", tone="danger"),
]

COUNTED = datetime(2026, 12, 5, 1, 7, tzinfo=UTC)  # 09:07 in Asia/Shanghai
KPIS = [
    Kpi(
        label="在任代表",
        value=1030,
        url="/admin/d/?s=serving",
        detail="省 3 · 市 20",
        group="代表队伍",
        counted_at=COUNTED,
    ),
    Kpi(label="待审核记录", value=7, url="/admin/e/", group="履职档案", tone="warn"),
    Kpi(label="<本月>", value="87.5%", detail="35 / 40", group="履职档案"),
    Kpi(label="无组", value=0, url="/admin/f/?a=1&b=2", tone="danger", counted_at=COUNTED),
    Kpi(label="又一个", value=2, group="履职档案", url="/admin/g/"),  # a new run of the group
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_desk_cards_as_the_loop_wrote_them(language):
    with translation.override(language):
        loop = Template(DESK_LOOP).render(Context({"items": TODOS}))
        written = Template("{% load staff_desk %}{% desk_cards items %}").render(
            Context({"items": TODOS})
        )
    assert written == loop
    assert "&lt;b&gt;标签&lt;/b&gt; &amp; 说明" in written and "n=&quot;x&quot;" in written
    assert written.count("<a ") == 3  # nothing to do (0) or no list: no link


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_cockpit_figures_as_the_loop_wrote_them(language):
    context = {"kpis": KPIS, "figures_minutes": 10}
    with translation.override(language):
        loop = Template(KPI_LOOP).render(Context(context))
        written = Template("{% load staff_desk %}{% cockpit_kpis kpis figures_minutes %}").render(
            Context(context)
        )
    assert written == loop
    assert "09:07" in written and written.count('class="cockpit-group"') == 4
    assert ("Counted at 09:07" in written) == (language == "en")


def test_admin_links_reverse_a_name_once(monkeypatch):
    """The desk and the cockpit build some forty links a visit: a list's URL is reversed once
    per process (``core.url_memo``), its filter written onto it each time."""
    import django.urls

    from core.dashboard import admin_url

    expected = django.urls.reverse("admin:performance_dispute_changelist")
    calls = []
    real = django.urls.reverse
    monkeypatch.setattr(django.urls, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    for _ in range(3):
        assert admin_url("performance_dispute_changelist", status__exact="open", q="a&b") == (
            f"{expected}?status__exact=open&q=a%26b"
        )
    assert admin_url("performance_dispute_changelist") == expected
    assert calls == []
    assert admin_url("performance_dispute_change", 7) == f"{expected}7/change/"
    assert len(calls) == 1  # with an argument: reversed as before
