"""The deputy's suggestion card, its lists written in Python (``suggestions.panel_rows``), is
the HTML its template wrote with the loops, in both languages: counts by status, suggestions
waiting for an evaluation, the five latest, titles to escape, and the card
of a deputy without any suggestion."""

import pytest
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from suggestions.models import Status
from tests.suggestions.factories import SuggestionFactory
from tests.suggestions.helpers import in_handling, registered, replied

pytestmark = pytest.mark.django_db

# The card as it was before its lists were written in Python (links reversed per row, the
# status label from the model).
FORMER_CARD = """{% load i18n suggestion_tags %}
<div class="card lv-card mb-3">
  <div class="card-header d-flex justify-content-between align-items-center">
    <span>{% translate "我的议案建议" %} <span class="text-muted small fw-normal">{{ panel.total }}</span></span>
    <a class="btn btn-sm btn-danger" href="{% url 'suggestions:create' %}">{% translate "提建议" %}</a>
  </div>
  <div class="card-body">
    {% if panel.counts %}
    <div class="d-flex flex-wrap gap-2 mb-2">
      {% for label, n in panel.counts %}<span class="badge text-bg-light border">{{ label }} {{ n }}</span>{% endfor %}
    </div>
    {% endif %}
    {% if panel.to_evaluate %}
    <div class="alert alert-warning py-2 mb-2">
      <strong>{% translate "待您评价" %}</strong>
      <ul class="mb-0 ps-3">
        {% for s in panel.to_evaluate %}<li><a href="{% url 'suggestions:evaluate' s.pk %}">{{ s.number }} {{ s.title }}</a></li>{% endfor %}
      </ul>
    </div>
    {% endif %}
    <div class="list-group list-group-flush">
      {% for s in panel.recent %}
        <a class="list-group-item list-group-item-action px-0 d-flex justify-content-between gap-2" href="{% url 'suggestions:detail' s.pk %}">
          <span class="text-truncate">{{ s.title }}</span><span class="badge {{ s.status|status_class }}">{{ s.get_status_display }}</span>{# the badge's former include ended its line #}

        </a>
      {% empty %}
        <div class="text-muted small">{% translate "还没有议案建议。" %}</div>
      {% endfor %}
    </div>
    {% if panel.total > 5 %}<a class="small" href="{% url 'suggestions:mine' %}">{% translate "查看全部" %}</a>{% endif %}
  </div>
</div>
"""  # noqa: E501


def _card(client, language: str) -> tuple[str, str, dict]:
    """(the card as the former template wrote it, as the template writes it now, context)."""
    client.cookies["django_language"] = language
    response = client.get(reverse("deputies:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    panel = dict(response.context["panels"])["suggestions/_panel.html"]
    with translation.override(language):
        former = engines["django"].from_string(FORMER_CARD).render({"panel": panel})
        now = get_template("suggestions/_panel.html").render({"panel": panel})
    assert now in response.content.decode()
    return former, now, panel


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_card_with_suggestions_is_the_templates(deputy, other_deputy, client, language):
    first = replied(lead_deputy=deputy, title="<答复> & 测评")
    replied(lead_deputy=deputy)
    in_handling(lead_deputy=deputy)
    registered(lead_deputy=deputy)
    SuggestionFactory(lead_deputy=deputy, status=Status.SUBMITTED)
    SuggestionFactory(lead_deputy=deputy, title='<b>"加装"</b> & 电梯')
    cosigned = SuggestionFactory(lead_deputy=other_deputy, status=Status.SUBMITTED)
    cosigned.co_signers.add(deputy)
    client.force_login(deputy.user)
    former, now, panel = _card(client, language)
    assert now == former
    assert len(panel["to_evaluate"]) == 2 and len(panel["recent"]) == 5
    assert len(panel["counts"]) == 5 and panel["total"] == 7
    assert f"{first.number} &lt;答复&gt; &amp; 测评</a>" in now
    assert "&lt;b&gt;&quot;加装&quot;&lt;/b&gt; &amp; 电梯" in now


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_card_without_suggestions_is_the_templates(deputy, client, language):
    client.force_login(deputy.user)
    former, now, panel = _card(client, language)
    assert now == former
    assert panel["total"] == 0 and not panel["recent"]
