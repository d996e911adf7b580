"""The dashboard cards' repeated parts written in Python (``performance.panel_rows``) are the
HTML their templates wrote, in both languages: the score card's bars (the template
``performance/_bars.html``, which the ledger page still includes) and the portrait's rows (the
former loop of ``performance/_portrait.html``), for a deputy assessed with figures on every
axis, one not yet assessed and one before the year's rules are published."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template import engines
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
