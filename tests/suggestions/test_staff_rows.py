"""The staff page's card rows written in Python (``suggestions.staff_rows``) from plain values
are the HTML the template's loops wrote from model instances: in both languages, with values
that need escaping, with a suggestion not yet numbered, and for a card with no rows (the
template then says "无")."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from suggestions.models import (
    CheckKind,
    Commitment,
    CommitmentStatus,
    FollowUpCheck,
    Status,
    Suggestion,
)
from suggestions.selectors_staff import staff_overview
from suggestions.staff_rows import write_cards
from tests.deputies.factories import DeputyWithUserFactory
from tests.suggestions.factories import (
    HandlingUnitFactory,
    RegisteredSuggestionFactory,
    SuggestionFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
HEAD, TAIL = "/admin/suggestions/suggestion/", "/change/"

# The former template's loops, as they were (templates/suggestions/staff_home.html).
FORMER = {
    "pending_html": (
        "pending",
        '{% for s in pending %}<li class="list-group-item"><a href="{{ change_head }}{{ s.pk }}{{ change_tail }}">{{ s.title }}</a> <span class="text-muted">{{ s.lead_deputy.name }} · <span class="text-nowrap">{{ s.submitted_on|date:"Y-m-d" }}</span></span></li>\n        {% empty %}<li class="list-group-item text-muted">{% translate "无" %}</li>{% endfor %}',  # noqa: E501
    ),
    "overdue_html": (
        "overdue",
        '{% for s, days in overdue %}<li class="list-group-item d-flex justify-content-between gap-2"><span><a href="{{ change_head }}{{ s.pk }}{{ change_tail }}">{{ s }}</a> <span class="text-muted">{{ s.lead_unit }}</span></span><span class="badge text-bg-danger align-self-start">{% blocktranslate with n=days %}{{ n }} 个工作日{% endblocktranslate %}</span></li>\n        {% empty %}<li class="list-group-item text-muted">{% translate "无" %}</li>{% endfor %}',  # noqa: E501
    ),
    "commitments_html": (
        "overdue_commitments",
        '{% for c in overdue_commitments %}<li class="list-group-item">{{ c.content }} <span class="text-muted">{{ c.owner_unit }} · <span class="text-nowrap">{{ c.due_on|date:"Y-m-d" }}</span> · <a href="{{ change_head }}{{ c.suggestion_id }}{{ change_tail }}">{{ c.suggestion.number }}</a></span></li>\n        {% empty %}<li class="list-group-item text-muted">{% translate "无" %}</li>{% endfor %}',  # noqa: E501
    ),
    "checks_html": (
        "due_checks",
        '{% for c in due_checks %}<li class="list-group-item">{{ c.get_kind_display }} · <span class="text-nowrap">{{ c.due_on|date:"Y-m-d" }}</span> · <a href="{{ change_head }}{{ c.suggestion_id }}{{ change_tail }}">{{ c.suggestion }}</a></li>\n        {% empty %}<li class="list-group-item text-muted">{% translate "无" %}</li>{% endfor %}',  # noqa: E501
    ),
}
# What the page now writes in place of each loop.
NOW = '{{ rows }}{% if not listed %}<li class="list-group-item text-muted">{% translate "无" %}</li>{% endif %}'  # noqa: E501


def _cards() -> None:
    """Rows in every card, with values to escape: titles, names, contents with markup."""
    unit = HandlingUnitFactory(name='街道<办> & "城管"')
    deputy = DeputyWithUserFactory(name="张<三>")
    for i, kind in enumerate(CheckKind.values):
        overdue = RegisteredSuggestionFactory(
            title=f'关于<b>"{i}"</b> & 停车',
            status=Status.ASSIGNED,
            lead_unit=unit,
            assigned_on=date(2026, 6, 1),
            reply_deadline=date(2026, 9, 1 + i),
            deadline_limit=date(2026, 12, 1),
        )
        FollowUpCheck.objects.create(suggestion=overdue, kind=kind, due_on=date(2026, 10, 1 + i))
        Commitment.objects.create(
            suggestion=overdue,
            owner_unit=unit,
            content=f"<script>承诺{i}</script> & 兑现",
            due_on=date(2026, 10, 1 + i),
            status=CommitmentStatus.OPEN,
        )
        SuggestionFactory(
            title=f"<i>待立案</i> & {i}",
            lead_deputy=deputy,
            status=Status.SUBMITTED,
            submitted_on=date(2026, 11, 1 + i),
        )
    SuggestionFactory(title="未填提交日期", status=Status.SUBMITTED)


def _as_instances(context: dict) -> dict:
    """The cards' rows (tuples, their key first) as the model instances the former template
    read, in the same order."""
    suggestions = Suggestion.objects.select_related("lead_unit", "lead_deputy").in_bulk(
        [row[0] for row in context["pending"]] + [row[0] for row, _days in context["overdue"]]
    )
    checks = FollowUpCheck.objects.select_related("suggestion").in_bulk(
        [row[0] for row in context["due_checks"]]
    )
    commitments = Commitment.objects.select_related("suggestion", "owner_unit").in_bulk(
        [row[0] for row in context["overdue_commitments"]]
    )
    return {
        **context,
        "pending": [suggestions[row[0]] for row in context["pending"]],
        "overdue": [(suggestions[row[0]], days) for row, days in context["overdue"]],
        "due_checks": [checks[row[0]] for row in context["due_checks"]],
        "overdue_commitments": [commitments[row[0]] for row in context["overdue_commitments"]],
    }


def _compare(context: dict) -> int:
    write_cards(context, HEAD, TAIL)
    instances = _as_instances(context)
    compared = 0
    for key, (listed, loop) in FORMER.items():
        former = Template("{% load i18n %}" + loop).render(Context(instances))
        now = Template("{% load i18n %}" + NOW).render(
            Context({"rows": context[key], "listed": context[listed]})
        )
        assert now == former, key
        compared += len(context[listed])
    return compared


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_former_templates_html(language):
    _cards()
    with translation.override(language):
        context = {**staff_overview(TODAY), "change_head": HEAD, "change_tail": TAIL}
        assert _compare(context) == 4 * len(CheckKind.values) + 1
        html = str(context["overdue_html"]) + str(context["commitments_html"])
    assert "&lt;b&gt;&quot;0&quot;&lt;/b&gt; &amp; 停车" in html and "<script>" not in html


def test_empty_cards_say_so_as_before():
    context = {**staff_overview(TODAY), "change_head": HEAD, "change_tail": TAIL}
    assert _compare(context) == 0
    assert context["pending_html"] == ""


def test_the_page_writes_the_rows(staff_client, time_machine):
    time_machine.move_to("2026-11-20 10:00 +08:00", tick=False)
    _cards()
    page = staff_client.get("/suggestions/staff/").content.decode()
    context = {**staff_overview(TODAY), "change_head": HEAD, "change_tail": TAIL}
    write_cards(context, HEAD, TAIL)
    for key in FORMER:
        assert str(context[key]) and str(context[key]) in page, key


# --- the badges and the tough projects' card (suggestions.staff_rows.write_badges/_reports) ---

FORMER_BADGES = """{% load suggestion_tags %}<div>
  {% for label, n, value in status_counts %}
    <a class="badge {{ value|status_class }} text-decoration-none p-2" href="{{ changelist }}?status__exact={{ value }}">{{ label }} {{ n }}</a>
  {% endfor %}
</div>
<div>
  {% for label, n, value in settled_counts %}
    <a class="badge {{ value|status_class }} text-decoration-none p-2" href="{{ changelist }}?status__exact={{ value }}">{{ label }} {{ n }}</a>
  {% endfor %}
  <span>"""  # noqa: E501
NOW_BADGES = "<div>\n  {{ status_html }}\n</div>\n<div>\n  {{ settled_html }}\n  <span>"
FORMER_REPORTS = """{% load i18n %}<ul>
        {% for p, y, q in missing_reports %}<li class="list-group-item"><a href="{{ change_head }}{{ p.suggestion_id }}{{ change_tail }}">{{ p.suggestion }}</a> <span class="text-muted">{{ p.suggestion.lead_unit }} · {% blocktranslate %}{{ y }}年第{{ q }}季度{% endblocktranslate %}</span></li>
        {% empty %}<li class="list-group-item text-muted">{% translate "无" %}</li>{% endfor %}
      </ul>"""  # noqa: E501
NOW_REPORTS = """{% load i18n %}<ul>
        {{ reports_html }}{% if not missing_reports %}<li class="list-group-item text-muted">{% translate "无" %}</li>{% endif %}
      </ul>"""  # noqa: E501


def _tough_projects() -> None:
    """Two tough projects lacking last quarter's report, their suggestion and unit with text
    to escape."""
    from suggestions.models import ToughProject

    unit = HandlingUnitFactory(name='<i>住建</i> & "城管"')
    for i in range(2):
        suggestion = RegisteredSuggestionFactory(
            title=f'<b>攻坚{i}</b> & "难题"',
            status=Status.IN_HANDLING,
            lead_unit=unit,
            assigned_on=date(2026, 3, 1),
            reply_deadline=date(2026, 6, 1),
            deadline_limit=date(2026, 9, 1),
        )
        ToughProject.objects.create(
            suggestion=suggestion, difficulty=3, team="专班", started_on=date(2026, 4, 1)
        )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_badges_and_the_reports_are_the_former_templates_html(language):
    from suggestions.staff_rows import write_badges, write_reports

    _cards()
    _tough_projects()
    SuggestionFactory()  # a draft: a settled badge
    changelist = "/admin/suggestions/suggestion/"
    with translation.override(language):
        context = {**staff_overview(TODAY), "change_head": HEAD, "change_tail": TAIL}
        assert len(context["missing_reports"]) == 2
        write_badges(context, changelist)
        write_reports(context, HEAD, TAIL)
        for former, now in ((FORMER_BADGES, NOW_BADGES), (FORMER_REPORTS, NOW_REPORTS)):
            expected = Template(former).render(Context({**context, "changelist": changelist}))
            assert Template(now).render(Context(context)) == expected
        # And an empty card, as before.
        context["missing_reports"] = []
        write_reports(context, HEAD, TAIL)
        expected = Template(FORMER_REPORTS).render(Context(context))
        assert Template(NOW_REPORTS).render(Context(context)) == expected
