"""The dashboard cards' repeated parts written in Python (``performance.panel_rows``) are the
HTML their templates wrote, in both languages: the score card's bars (the template
``performance/_bars.html``, which the ledger page still includes) and the portrait's rows (the
former loop of ``performance/_portrait.html``), for a deputy assessed with figures on every
axis, one not yet assessed and one before the year's rules are published."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from performance.models import EntryStatus
from performance.panel_rows import bars_html
from performance.scoring import assessment_compute
from tests.performance.factories_pages import entry, this_year

# The pages' tests' clock, pinned inside the demo term of the deputy factories (2022-2026).
from tests.performance.test_views import _pinned_clock  # noqa: F401

pytestmark = pytest.mark.django_db

FORMER_BARS = '{% include "performance/_bars.html" with bars=panel.bars %}'
FORMER_PORTRAIT_ROWS = """{% with p=panel.portrait %}
        {% for f in p.figures %}
        <tr data-axis="{{ f.key }}">
          <th scope="row" class="fw-semibold">{{ f.axis.label }}<span class="d-block lv-muted fw-normal">{{ f.axis.explanation }}</span></th>
          <td class="text-end lv-num">{{ f.value|floatformat:"-1" }}</td>
          <td class="text-end lv-num">{{ f.average|floatformat:"-1" }}</td>
          <td class="text-end lv-num">{{ f.index }}</td>
        </tr>
        {% endfor %}
      {% endwith %}"""  # noqa: E501
NEW_PORTRAIT_ROWS = "\n        {{ panel.rows_html }}\n      "
# The two cards' templates before the cards were written in Python (``performance.card_html``).
FORMER_SCORE_CARD = """{% load i18n %}
<div class="card lv-card mb-3">
  <div class="card-header d-flex justify-content-between align-items-center">
    <span>{% blocktranslate with year=panel.year %}{{ year }} 年度履职积分{% endblocktranslate %}</span>
    <a class="small fw-normal" href="{% url 'performance:my_ledger' %}">{% translate "积分明细" %} ›</a>
  </div>
  <div class="card-body">
    {% if panel.assessment %}
    <div class="row g-3 mb-3">
      <div class="col-6 col-sm-3 col-lg-6">
        <div class="lv-stat text-danger">{{ panel.assessment.total|floatformat:"-1" }}</div>
        <div class="lv-stat-label">{% translate "总分" %}</div>
      </div>
      <div class="col-6 col-sm-3 col-lg-6">
        <div class="lv-stat">{{ panel.assessment.get_grade_display }}</div>
        <div class="lv-stat-label">{% if panel.rule_set.frozen %}{% translate "等次" %}{% else %}{% translate "等次（暂评）" %}{% endif %}</div>
      </div>
      <div class="col-6 col-sm-3 col-lg-6">
        {% if panel.level_rank %}
        <div class="lv-stat">{{ panel.level_rank.0 }}<span class="fs-6 fw-normal text-muted"> / {{ panel.level_rank.1 }}</span></div>
        <div class="lv-stat-label">{% blocktranslate with level=panel.level_label %}{{ level }}中排名{% endblocktranslate %}</div>
        {% endif %}
        <div class="lv-stat-label">{% blocktranslate with rank=panel.assessment.rank n=panel.assessment.assessed_count %}全体第 {{ rank }} / {{ n }} 名{% endblocktranslate %}</div>
      </div>
      <div class="col-6 col-sm-3 col-lg-6">
        <div class="lv-stat">{{ panel.assessment.duty_days }}</div>
        <div class="lv-stat-label">{% translate "履职天数" %}</div>
      </div>
    </div>
    {% elif panel.rule_set %}
    <p class="text-muted mb-3">{% translate "本年度积分尚未计算。提交履职记录并经工委核实后，积分将在这里显示。" %}</p>
    {% else %}
    <p class="text-muted mb-3">{% translate "本年度积分规则尚未发布，发布后即可提交履职记录。" %}</p>
    {% endif %}
{% if panel.next_step %}<p class="small mb-2">{% blocktranslate with grade=panel.next_step.grade points=panel.next_step.points|floatformat:"-1" %}距“{{ grade }}”分数线还差 <strong>{{ points }}</strong> 分。{% endblocktranslate %}</p>{% endif %}
    {{ panel.bars_html }}
    {% if panel.pending %}
    <a class="d-block alert alert-warning py-2 mt-3 mb-0 text-decoration-none" href="{% url 'performance:my_ledger' %}?status=pending">
      {% blocktranslate count n=panel.pending %}{{ n }} 条履职记录待工委核实{% plural %}{{ n }} 条履职记录待工委核实{% endblocktranslate %} ›
    </a>
    {% endif %}
    <div class="d-grid gap-2 d-sm-flex mt-3">
      <a class="btn btn-danger btn-lg flex-sm-grow-1" href="{% url 'performance:submit' %}">＋ {% translate "记一笔：提交履职记录" %}</a>
      <a class="btn btn-outline-danger btn-lg" href="{% url 'performance:my_ledger' %}">{% translate "我的履职档案" %}</a>
    </div>
  </div>
</div>
"""  # noqa: E501
FORMER_PORTRAIT_CARD = """{% load i18n %}{% with p=panel.portrait %}
<section class="card lv-card mb-3" aria-labelledby="portrait-title">
  <div class="card-header">
    <h2 class="h6 mb-0 fw-semibold" id="portrait-title">{% blocktranslate with year=p.year %}{{ year }} 年度履职画像{% endblocktranslate %}</h2>
  </div>
  <div class="card-body">
    <p class="lv-muted mb-2">{% blocktranslate with level=p.level_label n=p.peers %}与{{ level }}（{{ n }} 人）的平均水平比较：平均为 100。{% endblocktranslate %}</p>
    {% translate "履职画像雷达图：本人与同级代表平均" as chart_label %}
    {% include "core/_chart.html" with chart_id="portrait-radar" option=panel.chart label=chart_label height="300px" %}
    <table class="table table-sm lv-portrait-table mb-0 mt-2">
      <caption class="visually-hidden">{% translate "履职画像各项数据" %}</caption>
      <thead>
        <tr><th scope="col">{% translate "维度" %}</th><th scope="col" class="text-end text-nowrap">{% translate "本人" %}</th><th scope="col" class="text-end text-nowrap">{% translate "同级平均" %}</th><th scope="col" class="text-end text-nowrap">{% translate "指数" %}</th></tr>
      </thead>
      <tbody>
        {{ panel.rows_html }}
      </tbody>
    </table>
  </div>
</section>
{% endwith %}
"""  # noqa: E501


def _panels(client, language: str) -> dict:
    client.cookies["django_language"] = language
    response = client.get(reverse("deputies:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return dict(response.context["panels"])


def _check(client, language: str) -> dict:
    """The dashboard's score and portrait cards' parts, former templates against the new."""
    cache.clear()  # the level's averages, kept per process
    panels = _panels(client, language)
    engine = engines["django"]
    with translation.override(language):
        score = panels["performance/_panel.html"]
        former = engine.from_string(FORMER_BARS).render({"panel": score})
        assert str(score["bars_html"]) == former
        portrait = panels["performance/_portrait.html"]
        former = engine.from_string(FORMER_PORTRAIT_ROWS).render({"panel": portrait})
        assert engine.from_string(NEW_PORTRAIT_ROWS).render({"panel": portrait}) == former
        for template, card in [
            ("performance/_panel.html", FORMER_SCORE_CARD),
            ("performance/_portrait.html", FORMER_PORTRAIT_CARD),
        ]:
            former = engine.from_string(card).render({"panel": panels[template]})
            assert get_template(template).render({"panel": panels[template]}) == former
    return panels


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_assessed_deputy_cards_are_the_templates(deputy, other_deputy, client, language):
    """An assessed deputy with points in every dimension (a fractional score, a penalty),
    figures on several axes, and a peer of the level so the averages are not whole."""
    other_deputy.level = deputy.level
    other_deputy.save(update_fields=["level"])
    for code in ("B01", "B01", "B01", "B02", "B03", "B05", "B07", "I01", "I04", "C01"):
        entry(deputy, code)
    entry(deputy, "B01", status=EntryStatus.PENDING)
    entry(other_deputy, "B01")
    entry(other_deputy, "I02")
    assessment_compute(year=this_year())
    client.force_login(deputy.user)
    panels = _check(client, language)
    score = panels["performance/_panel.html"]
    assert score["assessment"] is not None
    assert len(score["bars"]) == 3 and score["bars"][0]["score"] > 0
    assert str(score["bars_html"]).count('class="progress-bar') == 3
    averages = [f.average for f in panels["performance/_portrait.html"]["portrait"].figures]
    assert any(a != a.to_integral_value() for a in averages)  # a decimal place written


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_unassessed_deputy_cards_are_the_templates(deputy, client, language):
    """The year's rules published, the deputy not assessed: empty bars against the caps, a
    portrait of zeros."""
    entry(deputy, "B01", status=EntryStatus.PENDING)
    client.force_login(deputy.user)
    panels = _check(client, language)
    assert panels["performance/_panel.html"]["assessment"] is None
    assert panels["performance/_panel.html"]["bars"][0]["score"] == 0


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_cards_before_rules_are_the_templates(deputy, client, language):
    """No rules for the year: no bars (the include wrote its file's last newline only)."""
    client.force_login(deputy.user)
    panels = _check(client, language)
    assert panels["performance/_panel.html"]["bars"] == []
    assert str(panels["performance/_panel.html"]["bars_html"]) == "\n"


def test_bars_escape_as_the_template():
    """Labels and classes escaped as the template's variables are (translated labels are
    fixed today; the code does not rely on it)."""
    bars = [
        {
            "label": '<b>"基本"</b> & 分',
            "score": Decimal("12.50"),
            "cap": Decimal("60.00"),
            "pct": 20,
            "colour": "bg-<x>",
        },
        {"label": "创新", "score": Decimal("-1"), "cap": Decimal("20"), "pct": 0, "colour": ""},
    ]
    former = engines["django"].from_string(FORMER_BARS).render({"panel": {"bars": bars}})
    assert str(bars_html(bars)) == former
    assert "&lt;b&gt;&quot;基本&quot;&lt;/b&gt; &amp; 分" in former
