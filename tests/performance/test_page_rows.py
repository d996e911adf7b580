"""The long parts of the deputy's ledger and standings pages, written in Python
(``performance.page_rows``), are the HTML their templates wrote, in both languages."""

import pytest
from django.utils import timezone

from performance.models import EntryStatus, LedgerEntry
from performance.scoring import assessment_compute
from performance.services import publication_publish
from tests.performance.factories_pages import entry, evidence, this_year

# The pages' tests' clock, pinned inside the demo term of the deputy factories (2022-2026).
from tests.performance.test_views import _pinned_clock  # noqa: F401

pytestmark = pytest.mark.django_db

ENTRY_ROWS_TEMPLATE = """{% load i18n %}{% for entry in page %}
    <a class="list-group-item list-group-item-action lv-entry" href="{{ entry_prefix }}{{ entry.pk }}/">
      <div class="d-flex justify-content-between align-items-start gap-2">
        <span class="lv-entry-title text-break">{{ entry.title }}</span>
        <span class="text-nowrap"><span class="badge rounded-pill {% if entry.status == 'verified' %}text-bg-success{% elif entry.status == 'rejected' %}text-bg-danger{% else %}text-bg-warning{% endif %}">{{ entry.get_status_display }}</span>
</span>
      </div>
      <div class="small text-muted mt-1">
        {{ entry.date_label }} · {{ entry.rule.code }} {{ entry.rule.name }}
        · <span class="lv-num text-nowrap {% if entry.rule.points < 0 %}text-danger{% endif %}">{% if entry.rule.points > 0 %}+{% endif %}{{ entry.rule.points_text }} {% translate "分" %}</span>
        {% if entry.evidence_count %} · {% blocktranslate count n=entry.evidence_count %}附件 {{ n }}{% plural %}附件 {{ n }}{% endblocktranslate %}{% endif %}
      </div>
      {% if entry.status == "rejected" and entry.review_reason %}
      <div class="small text-danger mt-1">{% translate "未通过理由：" %}{{ entry.review_reason }}</div>
      {% endif %}
    </a>
    {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_ledger_entry_rows_are_the_templates(deputy, language):
    """The ledger's entries, written in Python, are the HTML the template wrote: each status's
    badge, negative and positive points, attachments (plural), the reason of a return, escaped
    titles. Both for the models and for the plain rows the page reads (``EntryLine``)."""
    from django.template import engines
    from django.utils import translation

    from performance.ledger_side import ledger_side
    from performance.models import Rule
    from performance.page_rows import entry_prefix, entry_rows, label_dates
    from performance.selectors import year_entry_lines

    made = [
        entry(deputy, "B01", title='<i>"走访"</i> & 座谈'),
        entry(deputy, "B07", status=EntryStatus.PENDING),
        entry(
            deputy,
            "B02",
            status=EntryStatus.REJECTED,
            review_reason="缺少<签到表>",
            reviewed_at=timezone.now(),
        ),
    ]
    evidence(made[0])
    evidence(made[1])
    evidence(made[1], "second.png")
    template = engines["django"].from_string(ENTRY_ROWS_TEMPLATE)
    with translation.override(language):
        rule_set = ledger_side(deputy.pk, this_year())["rule_set"]
        lines = year_entry_lines(deputy, rule_set)
        rules = {rule.pk: rule for rule in Rule.objects.filter(rule_set=rule_set)}
        for line in lines:
            line.rule = rules[line.rule_id]
        models = list(
            LedgerEntry.objects.filter(pk__in=[e.pk for e in made])
            .select_related("rule")
            .order_by("-occurred_on", "-pk")
        )
        for model in models:
            model.evidence_count = model.evidence.count()
        label_dates([], lines)
        label_dates([], models)
        prefix = entry_prefix()
        expected = template.render({"page": models, "entry_prefix": prefix})
        assert entry_rows(models, prefix) == expected
        assert entry_rows(lines, prefix) == expected
    assert [line.evidence_count for line in lines] == [0, 2, 1]
    assert "&lt;i&gt;&quot;走访&quot;&lt;/i&gt; &amp; 座谈" in expected
    assert "text-danger" in expected and "缺少&lt;签到表&gt;" in expected


# The breakdown's counted lines as the page's template wrote them before they were written in
# Python.
COUNTED_LINES_TEMPLATE = """{% load i18n %}{% for line in dim.rules %}{% if line.count %}
          <div class="lv-rule-line py-2">
            <div class="d-flex justify-content-between gap-2">
              <span><span class="text-muted">{{ line.rule.code }}</span> {{ line.rule.name }}</span>
              <strong class="lv-num text-nowrap {% if line.score < 0 %}text-danger{% endif %}">{% if line.score > 0 %}+{% endif %}{{ line.score|floatformat:"-1" }}</strong>
            </div>
            <div class="small text-muted">
              {% blocktranslate with n=line.count p=line.rule.points_text raw=line.raw|floatformat:"-1" %}已核实 {{ n }} 次 × {{ p }} 分 = {{ raw }} 分{% endblocktranslate %}
              {% if line.capped %}<span class="badge text-bg-light border text-danger">{% blocktranslate with cap=line.rule.cap_text %}超出年度上限，按 {{ cap }} 分计{% endblocktranslate %}</span>
              {% elif line.rule.yearly_cap is not None %}<span class="text-nowrap">{% blocktranslate with cap=line.rule.cap_text %}（上限 {{ cap }} 分）{% endblocktranslate %}</span>{% endif %}
            </div>
            {% if line.entries %}
            <details class="small mt-1">
              <summary class="text-primary">{% translate "对应记录" %}</summary>
              <ul class="list-unstyled mb-0 mt-1">
                {{ line.entries_html }}
              </ul>
            </details>
            {% endif %}
          </div>
          {% endif %}{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_ledger_counted_lines_are_the_templates(deputy, language):
    """The breakdown's lines of counted rules, written in Python, are the HTML the template
    wrote: a capped rule, a rule with a cap not reached, a negative one, their entries."""
    from django.template import engines
    from django.utils import translation

    from performance.ledger_side import ledger_side
    from performance.page_rows import (
        entry_prefix,
        label_dates,
        write_counted_lines,
        write_rule_lists,
    )
    from performance.selectors import score_breakdown

    for i in range(12):  # C01 six times: 12 points over its yearly cap of 8
        entry(deputy, ["B01", "B07", "C01", "C01"][i % 4], title=f"<b>走访{i}</b> & 座谈")
    assessment_compute(year=this_year())
    template = engines["django"].from_string(COUNTED_LINES_TEMPLATE)
    with translation.override(language):
        side = ledger_side(deputy.pk, this_year())
        rule_set, assessment = side["rule_set"], side["assessment"]
        breakdown, _stale = score_breakdown(deputy, rule_set, assessment)
        label_dates(breakdown, [])
        write_rule_lists(breakdown, entry_prefix())
        write_counted_lines(breakdown, translation.get_language())
        for dim in breakdown:
            assert dim.lines_html == template.render({"dim": dim})
    written = "".join(dim.lines_html for dim in breakdown)
    assert written.count("lv-rule-line") == 3 and "text-danger" in written
    assert "badge text-bg-light border text-danger" in written  # the capped line


# --- standings -----------------------------------------------------------------------------


STANDINGS_ROWS_TEMPLATE = """{% load i18n %}{% for row in rows %}
  <div class="list-group-item py-3 {% if row.code == own_code %}list-group-item-danger{% endif %}"{% if row.code == own_code %} id="me"{% endif %}>
    <div class="d-flex justify-content-between align-items-center">
      <span><span class="badge text-bg-light border me-2 lv-num">{{ row.rank }}</span><strong>{{ row.name }}</strong> <span class="small text-muted">{{ row.level }}</span>{% if row.code == own_code %} <span class="badge text-bg-danger">{% translate "我" %}</span>{% endif %}</span>
      <strong class="lv-num fs-5">{{ row.total }}</strong>
    </div>
    <div class="small text-muted lv-num mt-1">{% translate "基础" %} {{ row.base }} · {% translate "创新" %} {{ row.innovation }} · {% translate "贡献" %} {{ row.contribution }} · {% translate "履职天数" %} {{ row.duty_days }}</div>
  </div>
  {% endfor %}|{% for row in rows %}
  <tr class="{% if row.code == own_code %}table-danger fw-semibold{% endif %}">
    <td class="text-end lv-num">{{ row.rank }}</td><td>{{ row.name }}</td><td>{{ row.level }}</td>
    <td class="text-end lv-num">{{ row.base }}</td><td class="text-end lv-num">{{ row.innovation }}</td><td class="text-end lv-num">{{ row.contribution }}</td>
    <td class="text-end lv-num fw-semibold">{{ row.total }}</td><td class="text-end lv-num">{{ row.duty_days }}</td>
  </tr>
  {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_standings_rows_are_the_templates(deputy, other_deputy, language):
    """The published rows, written in Python for a district's thousand deputies, are the HTML
    the template wrote: escaped, the deputy's own row marked."""
    from django.template import engines
    from django.utils import translation

    from performance.page_rows import standings_rows

    entry(deputy, "B02")
    other_deputy.name = '<b>"欧阳"&</b>'
    other_deputy.save(update_fields=["name"])
    rows = publication_publish(year=this_year(), quarter=1).rows
    template = engines["django"].from_string(STANDINGS_ROWS_TEMPLATE)
    with translation.override(language):
        for own_code in (deputy.code, ""):
            expected = template.render({"rows": rows, "own_code": own_code})
            assert "|".join(standings_rows(rows, own_code)) == expected
    assert "&lt;b&gt;&quot;欧阳&quot;&amp;&lt;/b&gt;" in expected
