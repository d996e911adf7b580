"""Every page of the duty ledger's admin costs the same number of queries with 3 deputies'
rows as with 25: counts and annotations are made for the rows shown, related rows are read
with the list, nothing is asked per row."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from performance.models import (
    Assessment,
    Commendation,
    CommendedDeputy,
    ConsequenceDecision,
    Dispute,
    DisputeKind,
    EntryEvidence,
    IdleReminder,
    Publication,
    VoterReport,
    VoterReportPlan,
)
from performance.scoring import assessment_compute
from tests.core.admin_queries import assert_flat
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import (
    ActivityFactory,
    AttendanceFactory,
    LedgerEntryFactory,
    SupervisionTopicFactory,
    rule_set,
)

pytestmark = pytest.mark.django_db

YEAR = 2025
MODELS = [
    m._meta.model_name
    for m in apps.get_app_config("performance").get_models()
    if admin.site.is_registered(m)
]
# The assessment list always shows one year (the bare list redirects to it).
QUERY = {"assessment": f"?year={YEAR}"}


def grow(n: int) -> None:
    """``n`` more deputies, each with a row of every kind the ledger's admin lists."""
    topic = SupervisionTopicFactory(year=YEAR)
    plan, _created = VoterReportPlan.objects.get_or_create(year=YEAR)
    for i in range(n):
        deputy = DeputyFactory()
        for code in ("B01", "B02"):
            entry = LedgerEntryFactory(deputy=deputy, code=code, year=YEAR)
            EntryEvidence.objects.create(entry=entry, file=f"ledger/{entry.pk}.pdf", name="照片")
        AttendanceFactory(activity=ActivityFactory(topic=topic), deputy=deputy)
        topic.signups.create(deputy=deputy)
        VoterReport.objects.create(plan=plan, deputy=deputy)
        Dispute.objects.create(deputy=deputy, kind=DisputeKind.WRONG, entry=entry, note="x")
        IdleReminder.objects.create(
            deputy=deputy, idle_since=date(YEAR, 1, 1), sequence=1, sent_on=date(YEAR, 4, 1)
        )
        ConsequenceDecision.objects.create(
            deputy=deputy, year=YEAR, kind="exit", decision="talked", decided_on=date(YEAR, 12, 1)
        )
        Publication.objects.get_or_create(year=YEAR, quarter=1 + i % 4, defaults={"rows": []})
    rule_set(YEAR + 1 + n % 3)  # one more rule set per size: the rule set list grows too
    VoterReportPlan.objects.create(year=YEAR - n)  # and the plans
    assessment_compute(year=YEAR, today=date(YEAR + 1, 6, 1))
    start = Commendation.objects.count()
    for i in range(n):  # decisions with their commended deputies (counted per row shown)
        commendation = Commendation.objects.create(
            year=YEAR,
            title=f"{YEAR}年度优秀人大代表",
            decided_on=date(YEAR + 1, 3, 1),
            document_no=f"〔{YEAR + 1}〕{start + i}号",
            deciding_body="工委",
        )
        for assessment in Assessment.objects.filter(rule_set__year=YEAR)[:2]:
            CommendedDeputy.objects.create(
                commendation=commendation, deputy=assessment.deputy, assessment=assessment
            )


def test_changelists_cost_the_same_at_two_sizes(staff_client):
    rule_set(YEAR)
    grow(3)
    urls = [
        reverse(f"admin:performance_{model}_changelist") + QUERY.get(model, "") for model in MODELS
    ]
    assert_flat(staff_client, urls, lambda: grow(22))


def test_ledger_filters_and_sorting_cost_the_same_at_two_sizes(staff_client):
    rule_set(YEAR)
    grow(3)
    base = reverse("admin:performance_ledgerentry_changelist")
    urls = [
        f"{base}?year={YEAR}&status__exact=verified",
        f"{base}?rule_code=B01&deputy__level__exact=street",
        f"{base}?o=1",
        f"{base}?q=履职",
    ]
    assert_flat(staff_client, urls, lambda: grow(22))


def test_ledger_change_page_costs_the_same_with_more_evidence(staff_client):
    rule_set(YEAR)
    entry = LedgerEntryFactory(year=YEAR)
    url = reverse("admin:performance_ledgerentry_change", args=[entry.pk])

    def add_evidence(n):
        for _i in range(n):
            EntryEvidence.objects.create(entry=entry, file="ledger/x.pdf", name="照片")

    add_evidence(3)
    assert_flat(staff_client, [url], lambda: add_evidence(22))


def test_ledger_list_shows_each_entrys_evidence_count(staff_client):
    """The count the page computes per shown row is the row's own."""
    rule_set(YEAR)
    with_two = LedgerEntryFactory(year=YEAR)
    without = LedgerEntryFactory(year=YEAR)
    for _i in range(2):
        EntryEvidence.objects.create(entry=with_two, file="ledger/x.pdf")
    response = staff_client.get(reverse("admin:performance_ledgerentry_changelist"))
    counts = {e.pk: e.n_evidence for e in response.context["cl"].result_list}
    assert counts == {with_two.pk: 2, without.pk: 0}


def test_ledger_list_sorts_only_on_the_indexed_date(staff_client):
    """A hand-typed ``o=`` on a column without an index is ignored (default order), so no
    parameter makes the database sort the whole table."""
    rule_set(YEAR)
    older = LedgerEntryFactory(year=YEAR, occurred_on=date(YEAR, 1, 5), title="乙")
    newer = LedgerEntryFactory(year=YEAR, occurred_on=date(YEAR, 6, 5), title="甲")
    url = reverse("admin:performance_ledgerentry_changelist")
    title_column = 5  # the checkbox, occurred_on, deputy, rule_code, status_badge, title
    listed = staff_client.get(f"{url}?o={title_column}").context["cl"].result_list
    assert [e.pk for e in listed] == [newer.pk, older.pk]
    listed = staff_client.get(f"{url}?o=1").context["cl"].result_list  # the date, ascending
    assert [e.pk for e in listed] == [older.pk, newer.pk]


def test_ledger_rows_label_the_deputy_and_the_rule_as_their_models_do(staff_client):
    """The deputy and the rule are read as columns of the list's joins, not as models: each
    row still shows the deputy's own label and level and the rule's code, name and points."""
    rule_set(YEAR)
    entries = [LedgerEntryFactory(year=YEAR), LedgerEntryFactory(year=YEAR)]
    response = staff_client.get(reverse("admin:performance_ledgerentry_changelist"))
    admin_ = response.context["cl"].model_admin
    rows = {row.pk: row for row in response.context["cl"].result_list}
    body = response.content.decode()
    for entry in entries:
        row = rows[entry.pk]
        deputy, rule = entry.deputy, entry.rule
        assert admin_.deputy_name(row) == str(deputy)
        assert admin_.deputy_level(row) == deputy.get_level_display()
        assert admin_.points(row) == rule.points
        assert f'<span title="{rule.name}">{rule.code}</span>' in admin_.rule_code(row)
        assert f'<td class="field-deputy_name">{deputy}</td>' in body
