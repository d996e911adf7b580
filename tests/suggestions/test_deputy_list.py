"""The deputy's list of suggestions ("我的议案建议"): its rows, written in Python, are the HTML
the template's loop wrote, in both languages; its count and page come from statements compiled
once per shape and run with the deputy's id (``selectors.deputy_list_count`` / ``_rows``), so
two deputies, two states and two pages each see their own."""

from datetime import date

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation

from suggestions import selectors
from suggestions.models import Status, Suggestion
from suggestions.views.deputy import _mine_row, _mine_row_parts
from tests.deputies.factories import DeputyWithUserFactory
from tests.suggestions.factories import (
    CategoryFactory,
    HandlingUnitFactory,
    RegisteredSuggestionFactory,
    SuggestionFactory,
)

pytestmark = pytest.mark.django_db

# The list's loop as the template wrote it before its rows were written in Python.
FORMER = """{% load i18n suggestion_tags %}{% for s in page %}
  <a class="list-group-item list-group-item-action py-3" href="{% url 'suggestions:detail' s.pk %}">
    <div class="d-flex justify-content-between gap-2">
      <strong class="text-break">{{ s.title }}</strong>
      <span class="text-nowrap">{% status_badge s %}</span>
    </div>
    <div class="small text-muted mt-1">
      {% if s.number %}{{ s.number }} · {% endif %}{{ s.get_kind_display }}{% if s.category %} · {{ s.category }}{% endif %}
      {% if s.lead_deputy_id != deputy.pk %} · {% translate "附议" %}（{{ s.lead_deputy.name }}领衔）{% endif %}
      {% if s.lead_unit %} · {{ s.lead_unit }}{% endif %}
      {% if s.status == "replied" and s.lead_deputy_id == deputy.pk %} · <span class="text-danger">{% translate "待评价" %}</span>{% endif %}
    </div>
  </a>
  {% endfor %}"""  # noqa: E501


def _handled(lead_deputy, status=Status.REPLIED, **kwargs) -> Suggestion:
    """A suggestion assigned to a unit (``status`` past assignment), straight in the table."""
    kwargs.setdefault("lead_unit", HandlingUnitFactory())
    return RegisteredSuggestionFactory(
        lead_deputy=lead_deputy,
        status=status,
        assigned_on=date(2001, 2, 1),
        reply_deadline=date(2001, 5, 1),
        deadline_limit=date(2001, 6, 1),
        **kwargs,
    )


def _suggestions():
    deputy, other = DeputyWithUserFactory(), DeputyWithUserFactory(name="李<四> & 王")
    unit = HandlingUnitFactory(name='区<住建>局 & "城管"')
    _handled(
        deputy,
        title='关于<b>"停车"</b> & 充电',
        category=CategoryFactory(name="城建<交通>"),
        lead_unit=unit,
    )
    SuggestionFactory(lead_deputy=deputy, category=None)  # a draft: no number, no category
    cosigned = _handled(other)
    cosigned.co_signers.add(deputy)
    RegisteredSuggestionFactory(lead_deputy=other)  # not the deputy's, registered: no unit
    return deputy, other


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_former_templates(language):
    deputy, _other = _suggestions()
    template = engines["django"].from_string(FORMER)
    with translation.override(language):
        shown = list(
            selectors.deputy_suggestions(deputy)
            .select_related("category", "lead_deputy", "lead_unit")
            .order_by("-created_at")
        )
        expected = template.render({"page": shown, "deputy": deputy})
        rows = selectors.deputy_list_rows(deputy.pk, "", 0, 20)
        parts = _mine_row_parts()
        assert "".join(_mine_row(row, deputy.pk, parts) for row in rows) == expected
    assert len(shown) == 3
    assert "&lt;b&gt;&quot;停车&quot;&lt;/b&gt; &amp; 充电" in expected
    assert "李&lt;四&gt; &amp; 王" in expected and "城建&lt;交通&gt;" in expected


def test_each_deputy_state_and_page_reads_its_own():
    deputy, other = _suggestions()
    for _ in range(22):
        _handled(other, Status.ASSIGNED)
    assert selectors.deputy_list_count(deputy.pk) == 3
    assert selectors.deputy_list_count(deputy.pk, Status.REPLIED) == 2
    assert selectors.deputy_list_count(other.pk) == 24
    assert selectors.deputy_list_count(other.pk, Status.DRAFT) == 0
    first = selectors.deputy_list_rows(other.pk, "", 0, 20)
    second = selectors.deputy_list_rows(other.pk, "", 20, 20)
    expected = Suggestion.objects.filter(lead_deputy=other).order_by("-created_at")
    assert [row[0] for row in first + second] == [s.pk for s in expected]
    client = Client()
    client.force_login(other.user)
    page = client.get("/suggestions/mine/", {"page": 2})
    assert page.context["page"].number == 2 and page.context["page"].paginator.count == 24
    assert page.text.count("list-group-item-action") == 4
    client.force_login(deputy.user)
    empty = client.get("/suggestions/mine/", {"status": Status.DRAFT}).text
    assert "list-group-item-action" in empty  # the draft
    assert "还没有议案建议" in client.get("/suggestions/mine/", {"status": "closed"}).text
