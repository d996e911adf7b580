"""The unit portal's rows, written in Python (``views.unit._unit_row``), are the HTML the
template's loop wrote, in both languages: led and co-handled rows, a late deadline, open
commitments, and values that need escaping."""

from datetime import date

import pytest
from django.template import engines
from django.utils import translation

from suggestions import selectors
from suggestions.models import OPEN_HANDLING, Commitment, CommitmentStatus, Status
from suggestions.views.unit import _row_parts, _unit_row
from tests.deputies.factories import DeputyWithUserFactory
from tests.suggestions import helpers
from tests.suggestions.factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db

# The list's loop as the template wrote it before its rows were written in Python.
FORMER = """{% load i18n suggestion_tags %}{% for s in page %}
  <a class="list-group-item list-group-item-action py-3" href="{% url 'suggestions:unit_detail' s.pk %}">
    <div class="d-flex justify-content-between gap-2">
      <strong class="text-break">{{ s.title }}</strong>
      <span class="text-nowrap"><span class="badge {{ s.status|status_class }}">{{ s.get_status_display }}</span>
</span>
    </div>
    <div class="small text-muted mt-1">
      {{ s.number }} · {{ s.lead_deputy.name }} · {% if s.lead_unit_id in unit_ids %}{% translate "主办" %}{% else %}{% translate "协办" %}{% endif %}
      {% if s.reply_deadline and s.status in open_states %} · {% translate "期限" %} <span class="{% if s.reply_deadline < today %}text-danger fw-semibold{% endif %}">{{ s.reply_deadline|date:"Y-m-d" }}</span>{% endif %}
      {% if s.open_commitments %} · {% blocktranslate with n=s.open_commitments %}{{ n }} 项承诺推进中{% endblocktranslate %}{% endif %}
    </div>
  </a>
  {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_unit_rows_are_the_former_templates(language):
    unit, other = HandlingUnitFactory(with_user=True), HandlingUnitFactory()
    deputy = DeputyWithUserFactory(name="张<三> & 李")
    led = helpers.in_handling(unit=unit, lead_deputy=deputy, title='关于<b>"停车"</b> & 充电')
    Commitment.objects.create(
        suggestion=led, owner_unit=unit, content="建车棚", due_on=date(2031, 1, 1)
    )
    helpers.assigned(unit=other, co_units=[unit])
    helpers.replied(unit=unit)
    user = unit.users.get()
    unit_ids, co_handled = selectors.unit_scope(user)
    today = date(2031, 6, 1)  # every deadline past: the late style
    rows = selectors.unit_page_rows(unit_ids, co_handled, "all", 0, 20)
    template = engines["django"].from_string(FORMER)
    with translation.override(language):
        shown = []
        for row in rows:
            suggestion = selectors.unit_user_suggestions(user).get(pk=row[0])
            suggestion.open_commitments = row[-1]
            shown.append(suggestion)
        expected = template.render(
            {"page": shown, "unit_ids": set(unit_ids), "today": today, "open_states": OPEN_HANDLING}
        )
        parts = _row_parts()
        written = "".join(_unit_row(row, set(unit_ids), today, parts) for row in rows)
        assert written == expected
    assert len(rows) == 3 and {s.status for s in shown} >= {Status.IN_HANDLING, Status.REPLIED}
    assert "&lt;b&gt;&quot;停车&quot;&lt;/b&gt; &amp; 充电" in written
    assert "张&lt;三&gt; &amp; 李" in written and "text-danger fw-semibold" in written
    assert led.commitments.get().status == CommitmentStatus.OPEN
    assert [row[-1] for row in rows if row[0] == led.pk] == [1]
