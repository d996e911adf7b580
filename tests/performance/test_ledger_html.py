"""The deputy's ledger page written in Python (``performance.ledger_html``) is the HTML its
template wrote, in both languages: a year without rules, a year with rules and no entry, a
busy year (an assessment, stale figures, a capped and a floored dimension, twenty-odd
entries over two pages, a status filter and an empty one, disputes of each status about an
entry or not, with a long note and a resolution, commendations, a published quarter), a
closed year, values to escape."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.template import engines
from django.utils import timezone, translation

from performance.ledger_html import ledger_html
from performance.models import (
    Assessment,
    Commendation,
    CommendedDeputy,
    Dispute,
    DisputeKind,
    DisputeStatus,
    EntryStatus,
    LedgerEntry,
)
from performance.scoring import assessment_compute, rule_set_freeze
from performance.services import publication_publish
from tests.performance.factories_pages import entry, this_year

# The pages' tests' clock, pinned inside the demo term of the deputy factories (2022-2026).
from tests.performance.test_views import _pinned_clock  # noqa: F401

pytestmark = pytest.mark.django_db

# The page's content before it was written in Python.
FORMER = """{% load i18n %}
<div class="d-flex align-items-center justify-content-between gap-2 mb-3">
  <h1 class="h4 mb-0">{% translate "我的履职档案" %}</h1>
  <form method="get" class="d-flex align-items-center gap-1">
    {% if status %}<input type="hidden" name="status" value="{{ status }}">{% endif %}
    <label class="visually-hidden" for="year-select">{% translate "考核年度" %}</label>
    <select id="year-select" name="year" class="form-select form-select-sm w-auto" data-autosubmit style="min-height:40px">
      {% for y in years %}<option value="{{ y }}" {% if y == year %}selected{% endif %}>{% blocktranslate %}{{ y }} 年度{% endblocktranslate %}</option>{% endfor %}
    </select>
    <noscript><button class="btn btn-sm btn-outline-secondary">{% translate "查看" %}</button></noscript>
  </form>
</div>

<div class="row g-3">
<div class="col-lg-5">
{# score #}
<section class="card lv-card mb-3">
  <div class="card-body">
    {% if assessment %}
    <div class="row g-3 text-center text-sm-start mb-3">
      <div class="col-6 col-sm-3 col-lg-6">
        <div class="lv-stat text-danger">{{ assessment.total|floatformat:"-1" }}</div>
        <div class="lv-stat-label">{% translate "总分" %}<span class="d-none d-sm-inline"> / {{ rule_set.max_total|floatformat:"-1" }}</span></div>
      </div>
      <div class="col-6 col-sm-3 col-lg-6">
        <div class="lv-stat">{{ assessment.get_grade_display }}</div>
        <div class="lv-stat-label">{% if rule_set.frozen %}{% translate "考核等次" %}{% else %}{% translate "等次（暂评）" %}{% endif %}</div>
      </div>
      <div class="col-6 col-sm-3 col-lg-6">
        <div class="lv-stat">{{ assessment.rank }}<span class="fs-6 fw-normal text-muted"> / {{ assessment.assessed_count }}</span></div>
        <div class="lv-stat-label">{% translate "名次" %}</div>
      </div>
      <div class="col-6 col-sm-3 col-lg-6">
        <div class="lv-stat">{{ duty_days }}</div>
        <div class="lv-stat-label">{% translate "履职天数" %}</div>
      </div>
    </div>
    {% elif rule_set %}
    <p class="text-muted">{% blocktranslate %}{{ year }} 年度积分尚未计算。以下按已核实的记录预先列出，以工委计算结果为准。{% endblocktranslate %}</p>
    <p class="mb-3">{% translate "履职天数" %} <strong class="lv-num">{{ duty_days }}</strong></p>
    {% else %}
    <p class="text-muted mb-0">{% blocktranslate %}{{ year }} 年度积分规则尚未发布。{% endblocktranslate %}</p>
    {% endif %}
{% if next_step %}<p class="small mb-2">{% blocktranslate with grade=next_step.grade points=next_step.points|floatformat:"-1" %}距“{{ grade }}”分数线还差 <strong>{{ points }}</strong> 分。{% endblocktranslate %}</p>{% endif %}
    {% include "performance/_bars.html" %}
    {% if rule_set %}
    <p class="small text-muted mt-2 mb-0">
      {% blocktranslate with e=rule_set.excellent_min|floatformat:"-1" c=rule_set.competent_min|floatformat:"-1" b=rule_set.basic_min|floatformat:"-1" q=rule_set.excellence_share %}优秀 ≥ {{ e }} 分且名次在前 {{ q }}；称职 ≥ {{ c }} 分；基本称职 ≥ {{ b }} 分。{% endblocktranslate %}
      {% if not rule_set.frozen and assessment %}{% translate "年度未结束，等次随核实情况变化。" %}{% endif %}
      {% if rule_set.frozen %}{% translate "本年度考核已封存。" %}{% endif %}
    </p>
    {% endif %}
    {% if published %}<a class="btn btn-link px-0 mt-1" href="{% url 'performance:standings' %}?year={{ year }}">{% translate "查看季度亮分（全体代表积分）" %} ›</a>{% endif %}
  </div>
</section>

<div class="d-grid gap-2 mb-3">
  <a class="btn btn-danger btn-lg" href="{% url 'performance:submit' %}">＋ {% translate "记一笔：提交履职记录" %}</a>
  <div class="row g-2">
    <div class="col-6 d-grid"><a class="btn btn-outline-danger lv-tap d-flex align-items-center justify-content-center" href="{% url 'performance:missing' %}">{% translate "漏记了？申请补记" %}</a></div>
    <div class="col-6 d-grid"><a class="btn btn-outline-danger lv-tap d-flex align-items-center justify-content-center" href="{% url 'performance:topics' %}">{% translate "监督菜单" %}</a></div>
  </div>
</div>

{# breakdown #}
{% if breakdown %}
<section class="card lv-card mb-3">
  <div class="card-header">{% translate "积分怎么算的" %}</div>
  {% if stale %}<div class="small text-muted px-3 pt-2">{% blocktranslate with when=assessment.computed_at|date:"Y-m-d H:i" %}下面已含最近核实的记录；总分和名次为 {{ when }} 的计算结果，重新计算后更新。{% endblocktranslate %}</div>{% endif %}
  <div class="accordion accordion-flush" id="breakdown">
    {% for dim in breakdown %}
    <div class="accordion-item">
      <h2 class="accordion-header">
        <button class="accordion-button collapsed lv-tap" type="button" data-bs-toggle="collapse" data-bs-target="#dim-{{ dim.dimension }}" aria-expanded="false" aria-controls="dim-{{ dim.dimension }}">
          <span class="flex-grow-1">{{ dim.label }}</span>
          <span class="lv-num me-2"><strong>{{ dim.score|floatformat:"-1" }}</strong> / {{ dim.cap|floatformat:"-1" }}</span>
        </button>
      </h2>
      <div id="dim-{{ dim.dimension }}" class="accordion-collapse collapse" data-bs-parent="#breakdown">
        <div class="accordion-body pt-0">
          {{ dim.lines_html }}
          <details class="small text-muted py-2">
            <summary>{% translate "本维度全部事项及分值" %}</summary>
            <ul class="list-unstyled mb-0 mt-1">
              {{ dim.rules_html }}
            </ul>
          </details>
          <div class="border-top pt-2 small">
            {% blocktranslate with raw=dim.raw|floatformat:"-1" %}各项合计 {{ raw }} 分{% endblocktranslate %}
            {% if dim.capped %}<span class="text-danger">{% blocktranslate with cap=dim.cap|floatformat:"-1" %}，超出维度上限，按 {{ cap }} 分计{% endblocktranslate %}</span>
            {% elif dim.floored %}<span class="text-danger">{% translate "，扣分后低于 0，按 0 分计" %}</span>{% endif %}
            → <strong>{{ dim.score|floatformat:"-1" }}</strong> {% translate "分" %}
          </div>
        </div>
      </div>
    </div>
    {% endfor %}
  </div>
</section>
{% endif %}

</div>
<div class="col-lg-7">
{# entries #}
<section class="mb-3" id="entries">
  <h2 class="h5 mb-2">{% translate "履职记录" %}</h2>
  <ul class="nav nav-pills lv-chips gap-1 mb-2" aria-label="{% translate '按状态筛选' %}">
    <li class="nav-item"><a class="nav-link lv-tap d-flex align-items-center {% if not status %}active{% endif %}" href="?year={{ year }}#entries">{% translate "全部" %} {{ total_entries }}</a></li>
    {% for value, label, n in statuses %}
    <li class="nav-item"><a class="nav-link lv-tap d-flex align-items-center {% if value == status %}active{% endif %}" href="?year={{ year }}&status={{ value }}#entries">{{ label }} {{ n }}</a></li>
    {% endfor %}
  </ul>
  <div class="list-group lv-card">
    {% if entries_html %}{{ entries_html }}{% else %}
    <div class="list-group-item text-center text-muted py-4">
      {% if status %}
        {% translate "没有这种状态的记录。" %} <a href="?year={{ year }}#entries">{% translate "查看全部" %}</a>
      {% else %}
        <p class="mb-2">{% blocktranslate %}{{ year }} 年度还没有履职记录。{% endblocktranslate %}</p>
        {% if year == this_year %}<p class="mb-0">{% translate "参加活动、走访群众、接待选民之后，点上方“记一笔”提交，附上照片或签到表，工委核实后计入积分。" %}</p>{% endif %}
      {% endif %}
    </div>
    {% endif %}
  </div>
  {% if page.has_other_pages %}
  <nav class="mt-3" aria-label="{% translate '分页' %}">
    <ul class="pagination justify-content-center">
      {% if page.has_previous %}<li class="page-item"><a class="page-link lv-tap d-flex align-items-center" href="?year={{ year }}{% if status %}&status={{ status }}{% endif %}&page={{ page.previous_page_number }}#entries">{% translate "上一页" %}</a></li>{% endif %}
      <li class="page-item disabled"><span class="page-link lv-tap d-flex align-items-center">{{ page.number }} / {{ page.paginator.num_pages }}</span></li>
      {% if page.has_next %}<li class="page-item"><a class="page-link lv-tap d-flex align-items-center" href="?year={{ year }}{% if status %}&status={{ status }}{% endif %}&page={{ page.next_page_number }}#entries">{% translate "下一页" %}</a></li>{% endif %}
    </ul>
  </nav>
  {% endif %}
</section>

{% if commendations %}
<section class="card lv-card mb-3">
  <div class="card-header">{% translate "获得表彰" %}</div>
  <ul class="list-group list-group-flush">
    {% for row in commendations %}
    <li class="list-group-item py-3">
      <div class="fw-semibold">{{ row.commendation.title }}</div>
      <div class="small text-muted">{{ row.commendation.deciding_body }} · {{ row.commendation.document_no }} · {{ row.commendation.decided_on|date:"Y-m-d" }}</div>
    </li>
    {% endfor %}
  </ul>
</section>
{% endif %}

{# disputes #}
<section class="card lv-card mb-3">
  <div class="card-header">{% translate "我提出的异议（错、重、漏）" %}</div>
  <div class="list-group list-group-flush">
    {% for d in disputes %}
    <div class="list-group-item py-3">
      <div class="d-flex justify-content-between gap-2">
        <span>{{ d.get_kind_display }}{% if d.entry %} · <a href="{{ entry_prefix }}{{ d.entry.pk }}/">{{ d.entry.title }}</a>{% elif d.title %} · {{ d.title }}{% endif %}</span>
        <span class="badge rounded-pill text-nowrap {% if d.status == 'accepted' %}text-bg-success{% elif d.status == 'rejected' %}text-bg-secondary{% else %}text-bg-warning{% endif %}">{{ d.get_status_display }}</span>
      </div>
      <div class="small text-muted mt-1">{{ d.created_at|date:"Y-m-d" }} · {{ d.note|truncatechars:60 }}</div>
      {% if d.resolution %}<div class="small mt-1">{% translate "工委意见：" %}{{ d.resolution }}</div>{% endif %}
    </div>
    {% empty %}
    <div class="list-group-item small text-muted py-3">{% translate "记录有错、重复或遗漏时，可在记录详情页点“提出异议”，或点“申请补记”，工委核查后更正。" %}</div>
    {% endfor %}
  </div>
</section>
</div>
</div>
"""  # noqa: E501


def _pages(client, deputy, queries, language):
    client.force_login(deputy.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    template = engines["django"].from_string(FORMER)
    for query in queries:
        response = client.get(f"/ledger/{query}")
        assert response.status_code == 200
        context = response.context[0].flatten()  # the page's own template's
        with translation.override(language):
            former = template.render(context)
        assert context["content_html"] == former, query
        assert former in response.content.decode()
        yield query, former
        if context["breakdown"]:  # a dimension over its cap, one below zero
            context["breakdown"][0].capped = context["breakdown"][1].floored = True
            context["breakdown"][1].capped = False
            with translation.override(language):
                assert ledger_html(context) == template.render(context)


def _busy_year(deputy, other_deputy):
    year = this_year()
    start = timezone.localdate().replace(year=year, month=1, day=2)
    codes = ["B01", "B02", "C01", "C01", "I01"]
    states = [EntryStatus.VERIFIED, EntryStatus.VERIFIED, EntryStatus.PENDING]
    made = [
        entry(
            deputy,
            codes[i % len(codes)],
            status=EntryStatus.REJECTED if i == 4 else states[i % 3],
            occurred_on=start + timedelta(days=i),
            title=f'<b>"走访"</b> & {i}',
            review_reason="照片<看不清>" if i == 4 else "",
        )
        for i in range(24)
    ]
    entry(other_deputy, "B01")
    assessment_compute(year=year)
    for i, (status, about) in enumerate(
        [
            (DisputeStatus.OPEN, made[0]),
            (DisputeStatus.ACCEPTED, None),
            (DisputeStatus.REJECTED, made[1]),
        ]
    ):
        Dispute.objects.create(
            deputy=deputy,
            kind=[DisputeKind.WRONG, DisputeKind.MISSING, DisputeKind.DUPLICATE][i],
            entry=about,
            title="" if about else "漏记<座谈会> & 走访",
            note="很长的说明 <b>" * 10 if i == 0 else "说明",
            status=status,
            resolution="已更正 & <核实>" if i == 2 else "",
            rule=None if about else made[0].rule,
            occurred_on=None if about else made[0].occurred_on,
        )
    commendation = Commendation.objects.create(
        year=year,
        title="<优秀>人大代表 & 先进",
        decided_on=date(year, 3, 1),
        document_no="〔2026〕1号",
        deciding_body="工委",
    )
    assessment = Assessment.objects.get(deputy=deputy, rule_set__year=year)
    CommendedDeputy.objects.create(commendation=commendation, deputy=deputy, assessment=assessment)
    publication_publish(year=year, quarter=1)
    # Verified after the computation (no recomputation): the figures are stale.
    LedgerEntry.objects.filter(pk=made[2].pk).update(
        status=EntryStatus.VERIFIED, reviewed_at=timezone.now()
    )
    return year


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_empty_years_are_the_templates(client, deputy, language):
    entry(deputy, "B01", year=this_year() - 1, status=EntryStatus.PENDING)
    queries = ["", "?status=pending", f"?year={this_year() - 1}", "?year=2001"]
    written = dict(_pages(client, deputy, queries, language))
    assert "list-group-item text-center text-muted py-4" in written[""]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_busy_year_is_the_templates(client, deputy, other_deputy, language):
    year = _busy_year(deputy, other_deputy)
    queries = ["", "?page=2", "?status=verified", "?status=rejected", "?status=pending&page=2"]
    written = dict(_pages(client, deputy, queries, language))
    page = written[""]
    assert "accordion-item" in page and "pagination" in page and "text-bg-success" in page
    assert "&lt;优秀&gt;人大代表" in page and "btn btn-link px-0 mt-1" in page
    assert "small text-muted px-3 pt-2" in page  # the figures predate the last verification
    rule_set_freeze(year=year)
    dict(_pages(client, deputy, ["", "?status=draft"], language))
