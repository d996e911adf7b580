"""Query strings are typed by hand, bookmarked and mangled: no parameter of the performance
admin, however odd, may answer 500. Bad values fall back to a sensible default or to Django's
own invalid-lookup page (a redirect to ``?e=1``)."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ERROR_FLAG
from django.urls import reverse

from core import clock
from performance.admin.common import ERR_BAD_SELECTION
from performance.models import (
    Assessment,
    ConsequenceDecision,
    Dispute,
    DisputeKind,
    IdleReminder,
    LedgerEntry,
    Publication,
    VoterReport,
    VoterReportPlan,
)
from performance.scoring import assessment_compute
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import (
    ActivityFactory,
    AttendanceFactory,
    LedgerEntryFactory,
    SupervisionTopicFactory,
    rule_set,
)

pytestmark = pytest.mark.django_db

# Every model of the app the admin shows, so a page added later is covered too.
MODELS = [
    m._meta.model_name
    for m in apps.get_app_config("performance").get_models()
    if admin.site.is_registered(m)
]
HUGE = "9" * 30  # past every integer column: an OverflowError if it reaches the database

ODD_QUERIES = [
    "year=abc",
    "year=99999",
    "year=-1",
    "year=",
    f"year={HUGE}",
    "year=2025&year=abc",
    "quarter=x",
    "p=999",
    "p=abc",
    "p=-1",
    "o=abc",
    "o=99",
    "o=1.abc.-",
    "nosuchfilter=1",
    "deputy__nosuchfield=1",
    "rule_code=ZZZ",
    "talk=maybe",
    "status__exact=nonsense",
    "deputy__level__exact=nonsense",
    "sequence__exact=abc",
    "topic__id__exact=abc",
    "roll_closed_at__isempty=abc",
    "occurred_on__year=abc",
    "occurred_on__year=9999",
    f"occurred_on__year={HUGE}",
    f"occurred_on__year=2025&occurred_on__month={HUGE}",
    "occurred_on__year=2025&occurred_on__month=13",
    "occurred_on__year=2025&occurred_on__month=2&occurred_on__day=31",
    "q=" + "履" * 500,
    "all=&p=abc",
    ERROR_FLAG + "=1",
    ERROR_FLAG + "=1&year=abc",
]

# What the custom pages read (a year, a quarter, a format), and what they should ignore.
VIEW_QUERIES = [
    *(q for q in ODD_QUERIES if q.startswith(("year=", "quarter=", "p=", "nosuch", ERROR_FLAG))),
    "format=pdf",
    "format=",
    "year=2025&format=x",
]


def url(name, *args):
    return reverse(f"admin:performance_{name}", args=args)


def assert_never_500(client, path, method="get", **data):
    """Request ``path`` (following redirects, so the page the user lands on counts too)."""
    response = getattr(client, method)(path, data, follow=True)
    assert response.status_code < 500, path
    return response


@pytest.fixture
def ledger(db):
    """A row of every kind, so each changelist renders its columns, not an empty table."""
    rules = rule_set(2025)
    topic = SupervisionTopicFactory()
    plan = VoterReportPlan.objects.create(year=2025)
    for _i in range(2):
        deputy = DeputyFactory()
        entry = LedgerEntryFactory(deputy=deputy, code="B01")
        AttendanceFactory(activity=ActivityFactory(topic=topic), deputy=deputy)
        topic.signups.create(deputy=deputy)
        VoterReport.objects.create(plan=plan, deputy=deputy)
        Dispute.objects.create(deputy=deputy, kind=DisputeKind.WRONG, entry=entry, note="x")
        IdleReminder.objects.create(
            deputy=deputy, idle_since=date(2025, 1, 1), sequence=1, sent_on=date(2025, 4, 1)
        )
        ConsequenceDecision.objects.create(
            deputy=deputy, year=2025, kind="exit", decision="talked", decided_on=date(2025, 12, 1)
        )
    assessment_compute(year=rules.year, today=date(2026, 6, 1))
    Publication.objects.create(year=2025, quarter=4, rows=[])


@pytest.mark.parametrize("model", MODELS)
def test_changelists_survive_odd_parameters(staff_client, ledger, model):
    for query in ODD_QUERIES:
        assert_never_500(staff_client, url(f"{model}_changelist") + "?" + query)


@pytest.mark.parametrize("model", ["assessment", "ledgerentry"])
def test_a_bad_year_is_refused_not_crashed(staff_client, ledger, model):
    """The two pages the issue found answering 500 (a ValueError from ``year=abc``)."""
    response = staff_client.get(url(f"{model}_changelist") + "?year=abc")
    assert response.status_code == 302
    assert "year=abc" not in response.url


def test_assessment_with_a_bad_year_shows_the_default_year(staff_client, ledger):
    """The ranking falls back to the year the bare list opens on, never to all years mixed."""
    response = staff_client.get(url("assessment_changelist") + "?year=abc", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("?year=2025")
    assert {a.rule_set.year for a in response.context["cl"].result_list} == {2025}


def test_ledger_with_an_unknown_year_shows_the_invalid_lookup_page(staff_client, ledger):
    response = staff_client.get(url("ledgerentry_changelist") + "?year=99999", follow=True)
    assert response.redirect_chain[-1][0].endswith(f"?{ERROR_FLAG}=1")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == LedgerEntry.objects.count()


def test_a_year_in_range_still_filters(staff_client, ledger):
    response = staff_client.get(url("ledgerentry_changelist") + "?year=2024")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("model", MODELS)
def test_object_pages_survive_odd_ids(staff_client, ledger, model):
    for object_id in ("abc", HUGE, "-1", "0"):
        for page in ("change", "history", "delete"):
            assert_never_500(staff_client, url(f"{model}_{page}", object_id))


def test_a_rule_set_that_does_not_exist_is_a_message(staff_client, ledger):
    """The rule set page looked the id up itself (for its warning): ``abc`` was a ValueError."""
    response = staff_client.get(url("ruleset_change", "abc"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert "abc" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "consequences",
        "assessment_report",
        "assessment_publish",
        "assessment_recompute",
        "ledgerentry_import",
        "ledgerentry_import_template",
        "voterreportplan_create",
    ],
)
def test_custom_views_survive_odd_query_strings(staff_client, ledger, name):
    for query in VIEW_QUERIES:
        assert_never_500(staff_client, url(name) + "?" + query)


def test_score_explanation_survives_odd_ids(staff_client, ledger):
    assessment = Assessment.objects.first()
    assert assert_never_500(staff_client, url("assessment_explain", assessment.pk)).status_code
    for pk in (0, 10**6, int(HUGE)):
        response = staff_client.get(url("assessment_explain", pk))
        assert response.status_code == 404


ODD_POSTS = [
    {"year": "abc"},
    {"year": "99999"},
    {"year": HUGE},
    {"year": ""},
    {"year": "2025", "quarter": "x"},
    {"year": "2025", "quarter": "9"},
    {"year": "2025", "share": "abc"},
    {"year": "2025", "deputy": "abc", "kind": "exit", "decision": "talked"},
    {"year": "2025", "deputy": HUGE, "kind": "exit", "decision": "talked"},
    {"year": "2025", "deputy": "1", "kind": "nonsense", "decision": "nonsense"},
    {"format": "pdf"},
]


@pytest.mark.parametrize(
    "name",
    [
        "consequences",
        "assessment_recompute",
        "assessment_publish",
        "ledgerentry_import",
        "voterreportplan_create",
    ],
)
def test_custom_views_survive_odd_posts(staff_client, ledger, name):
    for data in ODD_POSTS:
        assert_never_500(staff_client, url(name), method="post", **data)


def test_bad_year_on_custom_views_falls_back_to_this_year(staff_client, ledger):
    this_year = clock.today().year
    response = staff_client.get(url("consequences") + "?year=abc")
    assert response.status_code == 200 and response.context["year"] == this_year
    response = staff_client.get(url("consequences") + f"?year={HUGE}")
    assert response.status_code == 200 and response.context["year"] == this_year
    response = staff_client.post(url("assessment_recompute"), {"year": "99999"})
    assert response.status_code == 302 and response.url.endswith(f"?year={this_year}")


@pytest.mark.parametrize("model", MODELS)
def test_actions_survive_odd_selections(staff_client, ledger, model):
    response = staff_client.get(url(f"{model}_changelist"), follow=True)
    form = response.context["action_form"]
    actions = [name for name, _label in form.fields["action"].choices] if form else []
    for action in [a for a in actions if a]:
        for selected in (["abc"], [HUGE], ["-1"], []):
            data = {"action": action, ACTION_CHECKBOX_NAME: selected}
            assert_never_500(staff_client, url(f"{model}_changelist"), method="post", **data)


def test_a_tampered_selection_changes_nothing_and_says_so(staff_client, ledger):
    entry = LedgerEntry.objects.first()
    LedgerEntry.objects.filter(pk=entry.pk).update(status="pending")
    data = {"action": "verify", ACTION_CHECKBOX_NAME: [entry.pk, "abc"]}
    response = staff_client.post(url("ledgerentry_changelist"), data, follow=True)
    assert response.status_code == 200
    assert ERR_BAD_SELECTION in [str(m) for m in response.context["messages"]]
    entry.refresh_from_db()
    assert entry.status == "pending"


def test_a_date_lookup_the_database_cannot_run_is_the_invalid_lookup_page(staff_client, ledger):
    """The ledger has no date hierarchy any more (it read every row's date; the year filter
    replaces it): a year past the data is an empty list, a year no column holds is refused."""
    response = staff_client.get(url("ledgerentry_changelist") + "?occurred_on__year=9999")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    response = staff_client.get(url("ledgerentry_changelist") + f"?occurred_on__year={HUGE}")
    assert response.status_code == 302
    assert response.url.endswith(f"?{ERROR_FLAG}=1")
