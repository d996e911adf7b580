"""The 民意指数 page's heat-table lines and trend, written in Python (``liaison.index_html``), are
the HTML the page's template wrote, in both languages."""

from datetime import date, timedelta

import pytest
from django.template import engines
from django.utils import translation

from liaison.index_html import heat_rows_html, trend_html
from liaison.selectors_index import BASELINE_WEEKS, index_page, week_label
from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory

from .factories import ExternalEventFactory

pytestmark = pytest.mark.django_db

W48 = date(2026, 11, 23)

# The table's lines and the trend's items as the template wrote them before.
FORMER_HEAT = """{% load i18n %}{% for line in heat.rows %}
        <tr><th scope="row" class="text-nowrap">{{ line.community }}</th>{% for cell in line.cells %}<td class="heat heat-{{ cell.level }}{% if cell.flagged %} is-flagged{% endif %}"{% if cell.flagged %} title="{% translate '达到预警条件' %}"{% endif %}>{{ cell.count }}</td>{% endfor %}</tr>
        {% endfor %}"""  # noqa: E501

FORMER_TREND = """{% load i18n %}{% for item in trend %}
        <li class="list-group-item d-flex justify-content-between align-items-center gap-2">
          <span>{{ item.row.community }} · {{ item.row.category }}<br><span class="text-muted">{% blocktranslate with n=item.row.week_count mean=item.row.baseline_mean %}本周 {{ n }} 件，前 8 周周均 {{ mean }} 件{% endblocktranslate %}{% if item.row.ratio %}（×{{ item.row.ratio }}）{% endif %}</span></span>
          <span class="lv-spark" role="img" aria-label="{% for bar in item.bars %}{{ bar.count }}{% if not forloop.last %}, {% endif %}{% endfor %}">{% for bar in item.bars %}<span class="{% if forloop.last %}is-week{% endif %}" style="height: {{ bar.pct }}%" title="{{ bar.label }}: {{ bar.count }}"></span>{% endfor %}</span>
        </li>
        {% endfor %}"""  # noqa: E501


def _events(n: int, day: date, community, category) -> None:
    for i in range(n):
        ExternalEventFactory(
            occurred_on=day + timedelta(days=i % 3), community=community, category=category
        )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_heat_lines_and_trend_are_the_former_templates(settings, language):
    """Flagged pairs with and without a baseline (a ratio, none), cells of every level, a pair
    with nothing this week, names to escape."""
    settings.LVZHI_OPINION_MIN_COUNT = 3
    settings.LVZHI_OPINION_FACTOR = 2.0
    east = CommunityFactory(name='<i>"东"</i> & 湖')
    west = CommunityFactory(name="西山")
    roads, water, noise = (CategoryFactory(name=n) for n in ("道路<交通>", "供水", "噪声"))
    _events(7, W48, east, roads)  # flagged, a baseline of 1: ratio 56.00
    _events(1, W48 - timedelta(weeks=3), east, roads)
    _events(4, W48, west, water)  # flagged, no baseline
    _events(2, W48, west, roads)
    _events(3, W48 - timedelta(weeks=5), east, noise)  # nothing this week
    labels = [week_label(W48 - timedelta(weeks=i)) for i in range(BASELINE_WEEKS, -1, -1)]
    with translation.override(language):
        heat, flagged, _counted = index_page(week=W48, today=W48 + timedelta(days=2))
        trend = [
            {
                "row": row,
                "bars": [
                    {**bar, "label": label} for bar, label in zip(row.bars(), labels, strict=True)
                ],
            }
            for row in flagged
        ]
        context = {"heat": heat, "trend": trend}
        expected_heat = engines["django"].from_string(FORMER_HEAT).render(context)
        expected_trend = engines["django"].from_string(FORMER_TREND).render(context)
        assert heat_rows_html(heat) == expected_heat
        assert trend_html(flagged, labels) == expected_trend
    assert len(flagged) == 2 and "is-flagged" in expected_heat and "（×56.00）" in expected_trend
    assert "&lt;i&gt;&quot;东&quot;&lt;/i&gt; &amp; 湖" in expected_heat + expected_trend
    assert "道路&lt;交通&gt;" in expected_trend
    assert '<td class="heat heat-0">0</td>' in expected_heat


def test_nothing_to_show_writes_nothing():
    heat, flagged, _counted = index_page(week=W48, today=W48)
    assert heat_rows_html(heat) == "" and trend_html(flagged, []) == ""
