"""The deputy's training card, its rows written in Python (``training.panels.deputy_rows``),
is the HTML its template wrote, in both languages: the next session, quizzes to take, the
top recommendation with its reason, a survey waiting, titles to escape; and the card with none
of them."""

import datetime

import pytest
import time_machine
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from tests.training.factories import (
    NOW,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    QuizFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

# The card as its template wrote it before its rows were written in Python.
FORMER_CARD = """{% load i18n %}
<div class="card lv-card mb-3" id="panel-training">
  <div class="card-header d-flex justify-content-between align-items-center">
    <span>{% translate "履职培训" %}</span>
    <a class="small fw-normal" href="{% url 'training:home' %}">{% translate "我的培训" %} ›</a>
  </div>
  <ul class="list-group list-group-flush">
    <li class="list-group-item small">{% blocktranslate with y=panel.summary.year h=panel.summary.hours|floatformat:"-1" n=panel.summary.completed %}{{ y }} 年已学 {{ h }} 学时，结业 {{ n }} 门课程{% endblocktranslate %}</li>
    {% if panel.next %}<li class="list-group-item"><a href="{% url 'training:course' panel.next.course.pk %}">{% blocktranslate with d=panel.next.next_session|date:"n月j日" t=panel.next.course.title %}{{ d }} 上课：{{ t }}{% endblocktranslate %}</a></li>{% endif %}
    {% for e in panel.quizzes %}<li class="list-group-item"><a href="{% url 'training:quiz' e.course.pk %}">{% blocktranslate with t=e.course.title %}待测试：{{ t }}{% endblocktranslate %}</a></li>{% endfor %}
    {% for item in panel.recommended %}<li class="list-group-item"><a href="{% url 'training:course' item.course.pk %}">{% blocktranslate with t=item.course.title %}推荐：{{ t }}{% endblocktranslate %}</a>{% if item.reasons %}<div class="small text-success">{{ item.reasons.0 }}</div>{% endif %}</li>{% endfor %}
    {% if panel.survey %}<li class="list-group-item"><a href="{% url 'training:survey' panel.survey.pk %}">{% blocktranslate with t=panel.survey.title %}请填写：{{ t }}{% endblocktranslate %}</a></li>{% endif %}
  </ul>
</div>
"""  # noqa: E501


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _card(client, language: str) -> tuple[str, str, dict]:
    """(the card as the former template wrote it, as the template writes it now, context)."""
    client.cookies["django_language"] = language
    response = client.get(reverse("deputies:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    panel = dict(response.context["panels"])["training/deputy_panel.html"]
    with translation.override(language):
        former = engines["django"].from_string(FORMER_CARD).render({"panel": panel})
        now = get_template("training/deputy_panel.html").render({"panel": panel})
    assert now in response.content.decode()
    return former, now, panel


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_card_with_every_row_is_the_templates(deputy, client, language):
    taking = CourseFactory(title='<b>"宪法"</b> & 代表法')
    CourseSessionFactory(course=taking, date=datetime.date(2026, 6, 9))
    QuizFactory(course=taking)
    EnrollmentFactory(deputy=deputy, course=taking)
    other = CourseFactory(title="预算审查 <基础>")
    QuizFactory(course=other)
    EnrollmentFactory(deputy=deputy, course=other)
    suggested = CourseFactory(title="履职 & 建议", for_new=True, for_reelected=True)
    CourseSessionFactory(course=suggested, date=datetime.date(2026, 7, 1))
    SurveyFactory(title="需求调查 <2026>")
    client.force_login(deputy.user)
    former, now, panel = _card(client, language)
    assert now == former
    assert panel["next"] and len(panel["quizzes"]) == 2 and panel["survey"]
    assert panel["recommended"] and panel["recommended"][0].reasons
    assert "&lt;b&gt;&quot;宪法&quot;&lt;/b&gt; &amp; 代表法" in now
    assert "需求调查 &lt;2026&gt;" in now and 'class="small text-success"' in now


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_card_without_rows_is_the_templates(deputy, client, language):
    client.force_login(deputy.user)
    former, now, panel = _card(client, language)
    assert now == former
    assert not (panel["next"] or panel["quizzes"] or panel["recommended"] or panel["survey"])
