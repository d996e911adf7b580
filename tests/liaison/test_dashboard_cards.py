"""The liaison's two cards on the deputy's dashboard, the coming duties and the opinions and
visits, written in Python (``liaison.panels``' ``card_html``) are the HTML their templates
wrote, in both languages: with duties and without, with opinions and visits counted."""

import datetime

import pytest
from django.template import engines
from django.template.loader import get_template
from django.utils import translation

from core import clock
from tests.liaison.factories import DutyFactory, ReceptionDayFactory, StationFactory

pytestmark = pytest.mark.django_db

# The cards' templates before they were written in Python.
FORMER_DUTIES = """{% load i18n %}
<div class="card lv-card mb-3">
  <div class="card-header d-flex justify-content-between align-items-center">
    <span>{% translate "接待日值班" %}</span>
    <a class="small fw-normal" href="{% url 'liaison:my_duties' %}">{% translate "我的接待" %} ›</a>
  </div>
  <ul class="list-group list-group-flush">
    {{ panel.rows_html }}{% if not panel.coming %}
    <li class="list-group-item text-muted">{% translate "近期没有接待安排。" %}</li>
    {% endif %}
  </ul>
</div>
"""
FORMER_OPINIONS = """{% load i18n %}
<div class="card lv-card mb-3" id="panel-liaison-opinions">
  <div class="card-header d-flex justify-content-between align-items-center">
    <span>{% translate "接待与群众意见" %}</span>
    <a class="btn btn-sm btn-danger" href="{% url 'liaison:visit_new' %}">{% translate "登记接待" %}</a>
  </div>
  <div class="card-body d-flex flex-wrap gap-3 small">
    <a href="{% url 'liaison:my_opinions' %}">{% blocktranslate with n=panel.opinions %}待办群众意见 {{ n }} 条{% endblocktranslate %}</a>
    <a href="{% url 'liaison:visits' %}">{% blocktranslate with n=panel.visits y=panel.year %}{{ y }} 年接待记录 {{ n }} 条{% endblocktranslate %}</a>
  </div>
</div>
"""  # noqa: E501
FORMER = {
    "liaison/duty_panel.html": FORMER_DUTIES,
    "liaison/opinion_panel.html": FORMER_OPINIONS,
}


def _check(client, deputy, language: str) -> dict:
    client.force_login(deputy.user)
    client.cookies["django_language"] = language
    response = client.get("/deputy/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    panels = dict(response.context["panels"])
    with translation.override(language):
        for template, former in FORMER.items():
            now = get_template(template).render({"panel": panels[template]})
            assert now == engines["django"].from_string(former).render({"panel": panels[template]})
            assert now in response.content.decode()
    return panels


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_cards_are_the_templates(client, deputy, language):
    assert not _check(client, deputy, language)["liaison/duty_panel.html"]["coming"]
    station = StationFactory(name='<b>"站"</b> & 点')
    for days in (0, 3):
        day = ReceptionDayFactory(station=station, date=clock.today() + datetime.timedelta(days))
        DutyFactory(reception_day=day, deputy=deputy)
    assert len(_check(client, deputy, language)["liaison/duty_panel.html"]["coming"]) == 2
